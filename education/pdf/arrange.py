"""Handouts without wasted paper: where each leaflet's "when to get help" block goes in large print, and a
last page that would hold only a few lines.

The block never splits across pages (`break-inside: avoid`), so at 16 pt it often does not fit below the
text before it and jumps to the next page, leaving that page half empty. In large print,
`education.pdf.layout` marks the places the block may stand with empty elements (`slot_marker`: before the
key points, after them, and between the body's later paragraphs and lists, never right after a heading or
between a paragraph and the list it introduces) and wraps the block in comments (`block_markers`).

The render process lays the handout out once with every block at the end of its leaflet, which leaves the
text before each place where it is; it reads where each place fell on the page and how tall each block is,
and puts each block, among the places from its usual one (after the key points) where it would start at the
latest on the next page (a patient finds it early), at the first where it fits, or else where it leaves least
of a page empty, at most MAX_EMPTY; where there is no such place it stays at its usual place. A second layout, with the blocks there, is the handout. Leaflets start on a page of their own, so
each is placed on its own, in the same two layouts.

In any print size, a leaflet whose last page would hold only a few lines (its closing "read online" lines,
say) is laid out once more with its references and closing lines set closer together (`tighten`), and
printed so only where that saves the page.

The markers cannot come from a leaflet's text: the sanitised body has no comments and no attributes but a
link's address. No database and no Django here: strings and WeasyPrint's page boxes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

MAX_EMPTY = 0.25  # no page except a leaflet's last may be more than a quarter empty
HOME = 1  # the usual place: after the key points (0 is before them)
MAX_RETRIES = 2  # further layouts at most, trying the next best places

_SLOT = re.compile(r'<div class="help-slot" data-help-slot="(\d+):(\d+)"></div>')
_BLOCK = re.compile(r"<!--help-block:(\d+)-->.*?<!--/help-block:\1-->", re.DOTALL)
SLOT_ATTRIBUTE = "data-help-slot"
BLOCK_ATTRIBUTE = "data-help-block"
LEAFLET_ATTRIBUTE = "data-leaflet"
TIGHT_ATTRIBUTE = "data-tight"
NEARLY_EMPTY = 0.2  # a leaflet's last page filled less than this is worth one more, tighter, layout


def slot_marker(leaflet: int, slot: int) -> str:
    """An empty element (no height, no margin: static/css/pdf.css) where leaflet's block may stand."""
    return f'<div class="help-slot" data-help-slot="{leaflet}:{slot}"></div>'


def block_markers(leaflet: int) -> tuple[str, str]:
    return f"<!--help-block:{leaflet}-->", f"<!--/help-block:{leaflet}-->"


def slots(html: str) -> dict[int, list[int]]:
    """The places each leaflet's block may stand, in order."""
    found: dict[int, list[int]] = {}
    for match in _SLOT.finditer(html):
        found.setdefault(int(match.group(1)), []).append(int(match.group(2)))
    return found


def placement(html: str) -> dict[int, int]:
    """Where each leaflet's block stands now: the place marked right before it."""
    where = {}
    for block in _BLOCK.finditer(html):
        before = [m for m in _SLOT.finditer(html, 0, block.start()) if m.group(1) == block.group(1)]
        if before and before[-1].end() == block.start():
            where[int(block.group(1))] = int(before[-1].group(2))
    return where


def place(html: str, chosen: dict[int, int]) -> str:
    """The HTML with each named leaflet's block moved to (right after) the chosen place."""
    for leaflet, slot in chosen.items():
        block = next((m for m in _BLOCK.finditer(html) if int(m.group(1)) == leaflet), None)
        marker = slot_marker(leaflet, slot)
        if block is None or marker not in html:
            continue
        text = block.group(0)
        html = html[: block.start()] + html[block.end() :]
        at = html.index(marker) + len(marker)
        html = html[:at] + text + html[at:]
    return html


@dataclass(frozen=True)
class Spot:
    """Where a marked place fell: its page, its height on the page, and the page's text area (points)."""

    page: int
    y: float
    top: float
    bottom: float

    def gap(self, height: float) -> float:
        """The share of this page left empty if a block this tall stood here: none when it fits, else the
        rest of the page, which it jumps."""
        return 0.0 if self.y + height <= self.bottom else (self.bottom - self.y) / (self.bottom - self.top)


def _boxes(box):
    yield box
    for child in getattr(box, "children", None) or ():
        yield from _boxes(child)


def measure(document) -> tuple[dict[tuple[int, int], Spot], dict[int, float]]:
    """Where each marked place fell in a laid-out WeasyPrint document, and each block's height (the largest
    part, were it ever split)."""
    spots: dict[tuple[int, int], Spot] = {}
    heights: dict[int, float] = {}
    for number, page in enumerate(document.pages):
        page_box = page._page_box
        top = page_box.content_box_y()
        bottom = top + page_box.height
        for box in _boxes(page_box):
            element = getattr(box, "element", None)
            if element is None or getattr(box, "element_tag", "") not in ("div", "section"):
                continue
            slot = element.get(SLOT_ATTRIBUTE)
            if slot is not None and ":" in slot:
                leaflet, place_number = (int(part) for part in slot.split(":", 1))
                spots.setdefault((leaflet, place_number), Spot(number, box.position_y, top, bottom))
            block = element.get(BLOCK_ATTRIBUTE)
            if block is not None and block.isdigit():
                heights[int(block)] = max(heights.get(int(block), 0.0), box.margin_height())
    return spots, heights


def _starts_on(spot: Spot, height: float) -> int:
    """The page a block of this height put at this spot starts on: this one if it fits, else the next."""
    return spot.page if spot.gap(height) == 0 else spot.page + 1


def _candidates(html: str, spots: dict[tuple[int, int], Spot], heights: dict[int, float]) -> dict[int, list[int]]:
    """For each leaflet, the places from its usual one where the block would start at the latest on the next
    page, best first: by the share of a page the block would leave empty there (none where it fits), earlier
    first; only those leaving at most MAX_EMPTY, then its usual place."""
    ranked = {}
    for leaflet, places in slots(html).items():
        height = heights.get(leaflet)
        if height is None or (leaflet, HOME) not in spots:
            continue
        # The block starts at the latest on the page after the key points: a patient finds it early.
        last_page = spots[(leaflet, HOME)].page + 1
        gaps = sorted(
            (spots[(leaflet, n)].gap(height), n)
            for n in places
            if n >= HOME and (leaflet, n) in spots and _starts_on(spots[(leaflet, n)], height) <= last_page
        )
        good = [n for gap, n in gaps if gap <= MAX_EMPTY]
        ranked[leaflet] = good + ([HOME] if HOME not in good else [])
    return ranked


def choose(html: str, spots: dict[tuple[int, int], Spot], heights: dict[int, float]) -> dict[int, int]:
    """For each leaflet, the best place (see _candidates)."""
    return {leaflet: ranked[0] for leaflet, ranked in _candidates(html, spots, heights).items()}


def _page_fills(document) -> dict[int, list[float]]:
    """For each leaflet in a laid-out document, how full each of its pages is (down to the lowest line)."""
    fills: dict[int, list[float]] = {}
    for page in document.pages:
        page_box = page._page_box
        top = page_box.content_box_y()
        leaflet, lowest = None, top
        for box in _boxes(page_box.children[0]):  # the document's root: not the running header and footer
            element = getattr(box, "element", None)
            if leaflet is None and element is not None and element.get(LEAFLET_ATTRIBUTE) is not None:
                leaflet = int(element.get(LEAFLET_ATTRIBUTE))
            if type(box).__name__ == "LineBox":
                lowest = max(lowest, box.position_y + box.height)
        if leaflet is not None:
            fills.setdefault(leaflet, []).append((lowest - top) / (page_box.height or 1))
    return fills


def waste(document) -> dict[int, float]:
    """For each leaflet in a laid-out document, the largest share of a page left empty on its pages but its
    last (down to the lowest line of text)."""
    return {
        leaflet: max((1 - fill for fill in pages[:-1]), default=0.0) for leaflet, pages in _page_fills(document).items()
    }


def tighten(html: str, document, lay_out: Callable[[str], object]):
    """A leaflet whose last page holds only a few lines (its closing lines, say: less than NEARLY_EMPTY of the
    page) is laid out once more with its references and closing lines set closer together (`data-tight`,
    static/css/pdf.css). That layout is the handout only if it takes fewer pages; else `document` is."""
    fills = _page_fills(document)
    loose = [leaflet for leaflet, pages in fills.items() if len(pages) > 1 and pages[-1] < NEARLY_EMPTY]
    if not loose:
        return document
    tight = html
    for leaflet in loose:
        marker = f'{LEAFLET_ATTRIBUTE}="{leaflet}"'
        tight = tight.replace(marker, f"{marker} {TIGHT_ATTRIBUTE}", 1)
    trial = lay_out(tight)
    return trial if len(trial.pages) < len(document.pages) else document


def arrange(html: str, lay_out: Callable[[str], object]):
    """Lay the handout out with each leaflet's block where it wastes least paper (see the module's docstring).
    `lay_out(html)` returns a laid-out WeasyPrint document; returns the one to write. Without markers
    (normal print) this is one layout; in large print two, and up to MAX_RETRIES more where the text after
    the block still leaves a page more than MAX_EMPTY empty (a heading kept with its text, say)."""
    possible = slots(html)
    blocks = placement(html)
    if not possible or not blocks:
        return tighten(html, lay_out(html), lay_out)
    at_the_end = {leaflet: max(possible[leaflet]) for leaflet in blocks if leaflet in possible}
    ranked = _candidates(html, *measure(lay_out(place(html, at_the_end))))
    chosen = {leaflet: places[0] for leaflet, places in ranked.items()}
    best_document = lay_out(place(html, chosen))
    best = waste(best_document)
    for attempt in range(1, MAX_RETRIES + 1):
        retry = {
            n: places[attempt] for n, places in ranked.items() if best.get(n, 0) > MAX_EMPTY and attempt < len(places)
        }
        if not retry:
            break
        trial = {**chosen, **retry}
        document = lay_out(place(html, trial))
        result = waste(document)
        better = {n for n in retry if result.get(n, 1) < best.get(n, 1)}
        if not better:
            continue
        # Leaflets start on a page of their own: each keeps its better place, whatever the others do.
        chosen.update({n: trial[n] for n in better})
        best.update({n: result[n] for n in better})
        best_document = document if better == set(retry) else lay_out(place(html, chosen))
        if best_document is not document:
            best = waste(best_document)
    return tighten(place(html, chosen), best_document, lay_out)
