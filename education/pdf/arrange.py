"""Large print without wasted paper: where each leaflet's "when to get help" block goes.

The block never splits across pages (`break-inside: avoid`), so at 16 pt it often does not fit below the
text before it and jumps to the next page, leaving that page half empty. `education.pdf.layout` marks, in
large print, the places the block may stand (`<!--help-slot:L:K-->`, for leaflet L, before its K-th
section; 0 is right after the summary) and the block itself (`<!--help-block:L-->...<!--/help-block:L-->`,
at its usual place after the first section). The render process lays the handout out, measures how full
each page is, and for a leaflet with a page (other than its last) more than MAX_EMPTY empty tries the
block at the nearby places, in order, keeping the first arrangement that fits (or else the fullest one).
Leaflets start on a page of their own, so each is measured and placed on its own in the same layouts.

The markers are HTML comments: the sanitised body has none (nh3 strips comments), so text cannot move
the block. Pure string work and WeasyPrint page boxes; no database, no Django.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

MAX_EMPTY = 0.25  # no page except a leaflet's last may be more than a quarter empty
MAX_TRIES = 3  # extra layouts at most (each costs a full layout of the handout)
NEARBY = (1, -1, 2)  # where to try the block, relative to its usual place: one section later, earlier, two later

_SLOT = re.compile(r"<!--help-slot:(\d+):(\d+)-->")
_BLOCK = re.compile(r"<!--help-block:(\d+)-->.*?<!--/help-block:\1-->", re.DOTALL)
LEAFLET_ATTRIBUTE = "data-leaflet"
HELP_CLASS = "get-help"


def slot_marker(leaflet: int, slot: int) -> str:
    return f"<!--help-slot:{leaflet}:{slot}-->"


def block_markers(leaflet: int) -> tuple[str, str]:
    return f"<!--help-block:{leaflet}-->", f"<!--/help-block:{leaflet}-->"


def slots(html: str) -> dict[int, list[int]]:
    """The places each leaflet's block may stand, in order."""
    found: dict[int, list[int]] = {}
    for match in _SLOT.finditer(html):
        found.setdefault(int(match.group(1)), []).append(int(match.group(2)))
    return found


def placement(html: str) -> dict[int, int]:
    """Where each leaflet's block stands now: the slot marker right before it."""
    where = {}
    for block in _BLOCK.finditer(html):
        slot = [m for m in _SLOT.finditer(html, 0, block.start()) if int(m.group(1)) == int(block.group(1))]
        if slot and slot[-1].end() == block.start():
            where[int(block.group(1))] = int(slot[-1].group(2))
    return where


def place(html: str, chosen: dict[int, int]) -> str:
    """The HTML with each named leaflet's block moved to (right after) the chosen slot."""
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
class LeafletPages:
    """How one leaflet lies on paper: the fill (0-1) of each of its pages, and on how many pages its block is."""

    fills: tuple[float, ...]
    block_pages: int

    @property
    def waste(self) -> float:
        """The emptiest page but the last (0 when every such page is full); 1 when the block splits."""
        if self.block_pages > 1:
            return 1.0
        return max((1 - fill for fill in self.fills[:-1]), default=0.0)


def _boxes(box):
    yield box
    for child in getattr(box, "children", None) or ():
        yield from _boxes(child)


def measure(document) -> dict[int, LeafletPages]:
    """Each leaflet's pages in a laid-out WeasyPrint document: how full (down to the lowest line of text)
    and on how many pages its "when to get help" block lies."""
    fills: dict[int, list[float]] = {}
    block_pages: dict[int, int] = {}
    for page in document.pages:
        page_box = page._page_box
        top = page_box.content_box_y()
        height = page_box.height or 1
        leaflet, lowest, has_block = None, top, set()
        for box in _boxes(page_box.children[0] if page_box.children else page_box):
            element = getattr(box, "element", None)
            if element is not None and leaflet is None and element.get(LEAFLET_ATTRIBUTE) is not None:
                leaflet = int(element.get(LEAFLET_ATTRIBUTE))
            if element is not None and HELP_CLASS in (element.get("class") or "").split():
                has_block.add(True)
            if type(box).__name__ == "LineBox":
                lowest = max(lowest, box.position_y + box.height)
        if leaflet is None:
            continue
        fills.setdefault(leaflet, []).append(min(1.0, (lowest - top) / height))
        block_pages[leaflet] = block_pages.get(leaflet, 0) + bool(has_block)
    return {n: LeafletPages(fills=tuple(f), block_pages=block_pages.get(n, 0)) for n, f in fills.items()}


def arrange(html: str, lay_out: Callable[[str], object]):
    """Lay the handout out with each leaflet's block where it wastes least paper (see the module's docstring).
    `lay_out(html)` returns a laid-out WeasyPrint document; returns the chosen one. Without markers (normal
    print) this is one layout."""
    document = lay_out(html)
    possible = slots(html)
    home = placement(html)
    if not possible or not home:
        return document
    pages = measure(document)
    best = {n: (pages[n].waste, home[n]) for n in home if n in pages}
    candidates = {n: [home[n] + step for step in NEARBY if home[n] + step in possible.get(n, ())] for n in best}
    current = dict(home)
    laid_out = {tuple(sorted(current.items())): document}
    for _try in range(MAX_TRIES):
        waiting = [n for n in best if best[n][0] > MAX_EMPTY and candidates[n]]
        if not waiting:
            break
        trial = {n: best[n][1] for n in best}
        trial.update({n: candidates[n].pop(0) for n in waiting})
        document = lay_out(place(html, trial))
        laid_out[tuple(sorted(trial.items()))] = document
        for n, result in measure(document).items():
            if n in waiting and result.waste < best[n][0]:
                best[n] = (result.waste, trial[n])
    chosen = {n: slot for n, (_waste, slot) in best.items()}
    key = tuple(sorted(chosen.items()))
    return laid_out.get(key) or lay_out(place(html, chosen))
