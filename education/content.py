"""Leaflet text: sanitising rich text, measuring readability, fingerprinting and comparing versions.

Whatever the browser sends, the body keeps only the tags, attributes and URL schemes listed here.
"""

from __future__ import annotations

import difflib
import hashlib
import html
import json
import re
import unicodedata
from dataclasses import dataclass
from html.parser import HTMLParser

import nh3
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

ALLOWED_TAGS = frozenset({"h2", "h3", "p", "br", "strong", "em", "ul", "ol", "li", "a"})
ALLOWED_ATTRIBUTES = {"a": {"href"}}
ALLOWED_URL_SCHEMES = frozenset({"https", "mailto", "tel"})
# Tags whose content is dropped with them rather than kept as text.
DROP_CONTENT_TAGS = frozenset({"script", "style", "template", "noscript", "iframe", "object", "svg", "math"})
READABILITY_TARGET_GRADE = 8.0


# A web address typed without its scheme: `www.nhs.uk/...` or a bare domain such as `nhs.uk/conditions`
# (labels of letters, digits and hyphens, a top-level domain of letters, then an optional port, path, query).
_BARE_WEB_ADDRESS = re.compile(
    r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}(?::\d{1,5})?(?:[/?#][^\s]*)?$", re.IGNORECASE
)


# A "domain" ending in a file type is a file name typed as a link (`leaflet.pdf`, `aftercare.docx`): refused and
# listed back, rather than sending patients to a web site that does not exist.
FILE_NAME_ENDINGS = frozenset(
    {"pdf", "doc", "docx", "odt", "rtf", "txt", "htm", "html", "xls", "xlsx", "csv", "ppt", "pptx", "jpg", "jpeg",
     "png", "gif", "svg", "webp", "heic", "mp3", "mp4", "mov", "zip"}
)  # fmt: skip


def _names_a_file(address: str) -> bool:
    host = re.split(r"[/?#:]", address, maxsplit=1)[0]
    return host.rsplit(".", 1)[-1].lower() in FILE_NAME_ENDINGS


def normalise_link(value: str) -> str | None:
    """The link a member of staff meant, or None when it cannot be kept.

    An allowed scheme is kept as it is; `www.nhs.uk/...` and bare domains (`nhs.uk/...`) become `https://`
    addresses, unless what looks like a domain is a file name (`leaflet.pdf`); anything else (relative or
    protocol-relative paths, `http:`, `javascript:`, `data:`) is None."""
    value = value.strip()
    scheme, colon, _rest = value.partition(":")
    if colon and scheme.lower() in ALLOWED_URL_SCHEMES:
        return value
    if _BARE_WEB_ADDRESS.match(value) and not _names_a_file(value):
        return "https://" + value
    return None


def _only_absolute_allowed_links(tag: str, attribute: str, value: str) -> str | None:
    """nh3 keeps relative URLs (including protocol-relative //host); links must name an allowed scheme, or be
    a web address typed without one (then it becomes https://)."""
    if attribute != "href":
        return value
    return normalise_link(value)


_cleaner = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags=set(DROP_CONTENT_TAGS),
    attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
    url_schemes=set(ALLOWED_URL_SCHEMES),
    attribute_filter=_only_absolute_allowed_links,
    link_rel=None,
    strip_comments=True,
)

_EMPTY_BLOCKS = re.compile(r"<(p|h2|h3|li|ul|ol|strong|em)>\s*</\1>")


def sanitise_body(value: str | None) -> str:
    """Return the body with only the allowed tags, attributes and link schemes; empty if nothing is left."""
    if not value:
        return ""
    # Repeat until nothing changes: removing an empty block can empty its parent (<li><p></p></li>), and
    # badly nested input (<h2><h2>x) is re-parsed differently once serialised. Three rounds settle it.
    cleaned = value
    for _round in range(4):
        previous = cleaned
        cleaned = _EMPTY_BLOCKS.sub("", _cleaner.clean(cleaned)).strip()
        if cleaned == previous:
            break
    return cleaned


class _TagsAndLinks(HTMLParser):
    """Every start tag of an HTML fragment, in order, and the href of each link."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "a":
            href = dict(attrs).get("href")
            if href is not None:
                self.links.append(href.strip())


def _tags_and_links(fragment: str) -> _TagsAndLinks:
    parser = _TagsAndLinks()
    parser.feed(fragment or "")
    parser.close()
    return parser


# How a removed element is named to the member of staff who wrote it.
_REMOVED_TAG_NAMES = {
    "img": gettext_noop("an image"),
    "script": gettext_noop("a script"),
    "style": gettext_noop("a style block"),
    "iframe": gettext_noop("an embedded page"),
    "object": gettext_noop("an embedded object"),
    "embed": gettext_noop("an embedded object"),
    "svg": gettext_noop("a drawing (SVG)"),
    "video": gettext_noop("a video"),
    "audio": gettext_noop("a sound clip"),
    "table": gettext_noop("a table"),
    "form": gettext_noop("a form"),
    "input": gettext_noop("a form field"),
    "h1": gettext_noop("a top-level heading (use “Heading 2” instead)"),
}


def removed_by_sanitiser(original: str | None, cleaned: str) -> list[str]:
    """What sanitising `original` into `cleaned` took away, in words for the editor who wrote it: links whose
    address cannot be kept ("a link to 'javascript:...'") and elements that are not allowed ("an image").
    Formatting that only wraps text (span, div, u) is not listed: its words stay."""
    if not original:
        return []
    before, after = _tags_and_links(original), _tags_and_links(cleaned)
    kept_links = list(after.links)
    removed = []
    for href in before.links:
        normalised = normalise_link(href)
        if normalised is not None and normalised in kept_links:
            kept_links.remove(normalised)
            continue
        shown = href if len(href) <= 80 else href[:77] + "..."
        removed.append(_("a link to '%(address)s'") % {"address": shown})
    seen = set()
    for tag in before.tags:
        if tag in ALLOWED_TAGS or tag in seen or tag not in _REMOVED_TAG_NAMES:
            continue
        seen.add(tag)
        count = before.tags.count(tag) - after.tags.count(tag)
        if count > 0:
            removed.append(_(_REMOVED_TAG_NAMES[tag]) + (f" (×{count})" if count > 1 else ""))
    return removed


class _TextAndBlocks(HTMLParser):
    """Splits sanitised body HTML into readable blocks: headings, paragraphs and list items."""

    BLOCKS = {"h2": "heading", "h3": "heading", "p": "paragraph", "li": "item"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, str]] = []
        self._kind: list[str] = []
        self._text: list[list[str]] = []
        self._href: list[str | None] = []
        self._inner_paragraphs = 0

    def handle_starttag(self, tag, attrs):
        if tag == "p" and self._kind and self._kind[-1] == "item":
            # The editor wraps list-item text in <p>: it is still the list item.
            self._inner_paragraphs += 1
        elif tag in self.BLOCKS:
            if self._text and "".join(self._text[-1]).strip():
                # A list item holding a paragraph: close the text gathered so far as its own block.
                self._flush()
            self._kind.append(self.BLOCKS[tag])
            self._text.append([])
        elif tag == "a":
            self._href.append(dict(attrs).get("href"))
        elif tag == "br" and self._text:
            self._text[-1].append(" ")

    def handle_endtag(self, tag):
        if tag == "p" and self._inner_paragraphs:
            self._inner_paragraphs -= 1
            if self._text:
                self._text[-1].append(" ")
        elif tag in self.BLOCKS and self._kind:
            self._flush(pop=True)
        elif tag == "a" and self._href:
            href = self._href.pop()
            if href and self._text:
                self._text[-1].append(f" [{href}]")

    def handle_data(self, data):
        if self._text:
            self._text[-1].append(data)
        elif data.strip():
            self.blocks.append(("paragraph", " ".join(data.split())))

    def _flush(self, pop: bool = False) -> None:
        text = " ".join("".join(self._text[-1]).split())
        kind = self._kind[-1]
        if text:
            self.blocks.append((kind, text))
        if pop:
            self._kind.pop()
            self._text.pop()
        else:
            self._text[-1] = []


MAX_LIST_DEPTH = 4


class _ListDepth(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = self.deepest = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("ul", "ol"):
            self.depth += 1
            self.deepest = max(self.deepest, self.depth)

    def handle_endtag(self, tag):
        if tag in ("ul", "ol"):
            self.depth = max(0, self.depth - 1)


def list_depth(body_html: str) -> int:
    """How deeply lists nest in a body (0 with no list; a list in a list is 2). Patients cannot follow deep
    nesting, and a few thousand levels make a handout take many seconds to lay out."""
    parser = _ListDepth()
    parser.feed(body_html or "")
    parser.close()
    return parser.deepest


def body_blocks(body_html: str) -> list[tuple[str, str]]:
    """(kind, text) for each heading, paragraph and list item of a sanitised body; links as 'text [url]'."""
    parser = _TextAndBlocks()
    parser.feed(body_html or "")
    parser.close()
    return parser.blocks


def plain_text(body_html: str) -> str:
    """The body as plain sentences (link targets left out), for readability scores."""
    parts = []
    for _kind, text in body_blocks(body_html):
        text = re.sub(r" \[[^\]]*\]", "", text)
        # Headings and list items often have no full stop; end them so they count as sentences.
        parts.append(text if text.endswith((".", "!", "?", ":")) else text + ".")
    return " ".join(parts)


def split_first_section(body_html: str) -> tuple[str, str]:
    """A sanitised body that opens with a heading, cut before its second top-level <h2>: (first section,
    the rest). ("", body) when there is no such place (no opening heading, one section only, or the second
    heading sits inside a list)."""
    stripped = body_html.lstrip()
    if not stripped.lower().startswith("<h2"):
        return "", body_html
    start = stripped.lower().find("<h2", 3)
    while start != -1:
        before = stripped[:start].lower()
        balanced = all(
            len(re.findall(rf"<{tag}\b", before)) == before.count(f"</{tag}>") for tag in ("ul", "ol", "li", "p", "h3")
        )
        if balanced:
            return stripped[:start], stripped[start:]
        start = stripped.lower().find("<h2", start + 3)
    return "", body_html


_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*>")
_VOID_TAGS = frozenset({"br", "hr", "img"})


def top_level_blocks(body_html: str) -> list[tuple[str, str]]:
    """A sanitised body as its top-level elements, in order: (tag, html) each, which joined give the body
    back (text outside any element joins the element after it, with the tag of that element)."""
    blocks = []
    depth, start, first_tag = 0, 0, ""
    for match in _TAG.finditer(body_html or ""):
        closing, tag = match.group(1), match.group(2).lower()
        if tag in _VOID_TAGS:
            continue
        if not closing:
            if depth == 0:
                first_tag = tag
            depth += 1
            continue
        depth = max(0, depth - 1)
        if depth == 0:
            blocks.append((first_tag, body_html[start : match.end()]))
            start = match.end()
    if body_html and body_html[start:].strip():
        if blocks:
            blocks[-1] = (blocks[-1][0], blocks[-1][1] + body_html[start:])
        else:
            blocks.append(("", body_html[start:]))
    return blocks


_LINK = re.compile(r'<a href="([^"]*)">(.*?)</a>', re.DOTALL)


def _link_label(href: str) -> str:
    """A link's address as a reader types it: no https://, no trailing slash; an email address or number bare."""
    scheme, _colon, rest = href.partition(":")
    if scheme.lower() in ("mailto", "tel"):
        return rest
    return href.split("://", 1)[-1].rstrip("/")


def print_link_addresses(body_html: str) -> str:
    """A sanitised body for paper: each link followed by its address in brackets ("NHS page on warts
    (www.nhs.uk/conditions/warts)"), unless the link's words already are the address."""

    def with_address(match: re.Match) -> str:
        href = html.unescape(match.group(1))
        label = _link_label(href)
        words = html.unescape(re.sub(r"<[^>]+>", "", match.group(2))).strip()
        if not label or words.rstrip("/") in (label, href, href.rstrip("/")):
            return match.group(0)
        return f'{match.group(0)}<span class="link-address"> ({html.escape(label, quote=False)})</span>'

    return _LINK.sub(with_address, body_html or "")


REMOVED_CONTACT = "[…]"
_OPEN, _CLOSE = r"[\[({<]", r"[\])}>]"
_AT = rf"(?:\s*@\s*|\s*{_OPEN}\s*(?:at|arobase)\s*{_CLOSE}\s*|\s+(?:at|arobase)\s+)"
_DOT = rf"(?:\s*{_OPEN}\s*(?:dot|point)\s*{_CLOSE}\s*|\s+(?:dot|point)\s+|\.)"
# name@example.org, name at example dot org, name [at] example [dot] org, nom arobase exemple point fr: the
# last part is letters, so "came at 3.30" stays.
_EMAIL = re.compile(rf"[\w.+-]+{_AT}[\w-]+(?:{_DOT}[\w-]+)*{_DOT}[a-z]{{2,}}\b", re.IGNORECASE)
# A run of digits with the separators phone numbers are written with: +33 6 12 34 56 78, 020 7946 0000,
# (555) 123-4567, 06.12.34.56.78, +44 (0)20 7946 0000. Only runs with 7 digits or more count as numbers.
_PHONE = re.compile(r"(?<![\w+])(?:\+|\(\+?)?\d[\d \t.\-/()]{5,}\d(?!\w)")
_PHONE_DIGITS = 7


def scrub_contact_details(text: str) -> str:
    """The text with email addresses and phone numbers (and any other run of 7 digits or more, such as a date
    of birth) replaced by REMOVED_CONTACT: a comment from a patient is stored only in this form."""

    def phone(match: re.Match) -> str:
        digits = sum(ch.isdigit() for ch in match.group(0))
        return REMOVED_CONTACT if digits >= _PHONE_DIGITS else match.group(0)

    text = _EMAIL.sub(REMOVED_CONTACT, text or "")
    return _PHONE.sub(phone, text)


def fold_for_search(text: str) -> str:
    """Lower case, accents and punctuation dropped, spaces single: 'Infecté, rouge ?' -> 'infecte rouge'.
    Patients type without accents on phones; both sides of a search are folded the same way."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(re.sub(r"[^\w]+", " ", bare).split())


# A small French suffix stemmer for the SQLite search index (FTS5 ships only an English stemmer): the longest
# of these endings is cut from a folded word (accents already gone) when at least three letters remain, on
# the indexed text and on the search alike, so 'infectee', 'infecte', 'infections' all become 'infect'.
FRENCH_SUFFIXES = tuple(
    sorted(
        (
            "issements issement atrices ateurs ations ements atrice ateur ation ement euses ences ances ismes"
            " istes iques ables ibles ions euse ence ance isme iste ique able ible ment eux ees ion ee es er ez e s x"
        ).split(),
        key=len,
        reverse=True,
    )
)


def french_stem(word: str) -> str:
    for suffix in FRENCH_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def search_words(text: str, *, language: str, stem: bool) -> list[str]:
    """Folded words of a text for the search index; French words stemmed here when `stem` (SQLite)."""
    words = fold_for_search(text).split()
    if stem and language == "fr":
        return [french_stem(word) for word in words]
    return words


# Reading-ease formulas textstat knows for languages other than English (Kandel & Moles for French,
# Amstad for German, Fernández Huerta for Spanish, ...). 60 or more reads as plain language.
READING_EASE_LANGUAGES = {"de", "es", "fr", "it", "nl", "ru"}
READING_EASE_TARGET = 60.0


@dataclass(frozen=True)
class Readability:
    """How easy a version is to read, by the formula that suits its language."""

    language: str
    words: int
    formula: str = ""
    score: float | None = None

    @property
    def grade(self) -> float | None:
        """The Flesch-Kincaid grade (English only)."""
        return self.score if self.formula == "flesch-kincaid" else None

    @property
    def meets_target(self) -> bool:
        if self.score is None:
            return False
        if self.formula == "flesch-kincaid":
            return self.score <= READABILITY_TARGET_GRADE
        return self.score >= READING_EASE_TARGET


def readability(*, title: str, summary: str, body: str, help_signs: list[str], language: str = "en") -> Readability:
    """Readability of what the patient reads (title, summary, body and the 'get help' signs): the
    Flesch-Kincaid grade for English, the language's Flesch reading-ease variant where textstat has one,
    and nothing (not measured) for other languages."""
    import textstat  # imported late: it builds its hyphenation dictionaries on import

    sentences = [title, summary, plain_text(body), *help_signs]
    text = " ".join(s if s.strip().endswith((".", "!", "?")) else s.strip() + "." for s in sentences if s.strip())
    words = len(text.split())
    if words < 10:
        return Readability(language=language, words=words)
    if language == "en":
        textstat.set_lang("en")
        return Readability(language, words, "flesch-kincaid", round(float(textstat.flesch_kincaid_grade(text)), 1))
    if language in READING_EASE_LANGUAGES:
        textstat.set_lang(language)
        try:
            score = round(float(textstat.flesch_reading_ease(text)), 1)
        finally:
            textstat.set_lang("en")
        return Readability(language, words, "reading-ease", score)
    return Readability(language=language, words=words)


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def hardest_sentences(
    *, title: str, summary: str, body: str, help_signs: list[str], language: str = "en", limit: int = 3
) -> list[tuple[str, int, float]]:
    """The sentences patients will find hardest, hardest first: (sentence, words, syllables per word), for
    sentences of 8 words or more. Hardness is the sentence's own Flesch-Kincaid weight (0.39 per word plus
    11.8 per syllable-per-word), so a long sentence and a sentence of long words both rank high."""
    import textstat

    parts = [title, summary, plain_text(body), *help_signs]
    sentences = []
    for part in parts:
        sentences.extend(piece.strip() for piece in _SENTENCE_END.split(part or "") if piece.strip())
    lang = language if language == "en" or language in READING_EASE_LANGUAGES else "en"
    textstat.set_lang(lang)
    try:
        scored = []
        for sentence in dict.fromkeys(sentences):
            words = len(sentence.split())
            if words < 8:
                continue
            per_word = textstat.syllable_count(sentence) / words
            scored.append((0.39 * words + 11.8 * per_word, sentence, words, round(per_word, 2)))
    finally:
        textstat.set_lang("en")
    scored.sort(key=lambda item: item[0], reverse=True)
    return [(sentence, words, per_word) for _score, sentence, words, per_word in scored[:limit]]


def content_fingerprint(
    *,
    language: str,
    title: str,
    summary: str,
    body: str,
    help_signs: list[tuple[str, str]],
    references: str,
    figures: list[tuple[str, str, str, str]] | None = None,
) -> str:
    """SHA-256 of everything a patient sees in a version, in a stable canonical form. `figures` are
    (picture SHA-256, alt text, caption, after heading) in order; a version without figures keeps the
    fingerprint it had before figures existed."""
    data = {
        "language": language,
        "title": title,
        "summary": summary,
        "body": body,
        "help_signs": [[urgency, text] for urgency, text in help_signs],
        "references": [line.strip() for line in references.splitlines() if line.strip()],
    }
    if figures:
        data["figures"] = [list(figure) for figure in figures]
    canonical = json.dumps(
        data,
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# --- Placing figures in the body ------------------------------------------------------------------------


def _heading_key(text: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]*>", "", text)).split()).casefold()


def body_headings(body_html: str) -> list[str]:
    """The text of each h2 and h3 of a sanitised body, in order: the places a figure can follow."""
    return [" ".join(html.unescape(re.sub(r"<[^>]*>", "", text)).split())
            for _tag, text in re.findall(r"<(h[23])>(.*?)</\1>", body_html or "", flags=re.DOTALL)]  # fmt: skip


def heading_found(body_html: str, anchor: str) -> bool:
    """Whether a figure's `after_heading` names a heading of the body (as `place_figures` compares them)."""
    key = _heading_key(anchor)
    return bool(key) and any(_heading_key(heading) == key for heading in body_headings(body_html))


def place_figures(body_html: str, figures: list[tuple[str, str]]) -> str:
    """A sanitised body with each figure's HTML placed right after the heading it names (`after_heading`,
    compared without case and spacing), in the order given; figures whose heading is empty or not in the
    body come after it. `figures` are (after_heading, figure HTML) where the HTML is escaped already."""
    if not figures:
        return body_html
    keyed = [(_heading_key(anchor), figure_html) for anchor, figure_html in figures]
    placed: set[int] = set()
    out, position = [], 0
    for match in re.finditer(r"<(h[23])>(.*?)</\1>", body_html, flags=re.DOTALL):
        out.append(body_html[position : match.end()])
        position = match.end()
        key = _heading_key(match.group(2))
        for index, (anchor, figure_html) in enumerate(keyed):
            if key and anchor == key and index not in placed:
                out.append(figure_html)
                placed.add(index)
    out.append(body_html[position:])
    out.extend(figure_html for index, (_anchor, figure_html) in enumerate(keyed) if index not in placed)
    return "".join(out)


# --- Comparing two versions ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DiffLine:
    """One row of a comparison: 'same', 'added', 'removed' or 'changed' (with word-level HTML)."""

    change: str
    section: str
    kind: str
    old_html: str
    new_html: str


def version_blocks(version) -> list[tuple[str, str, str]]:
    """(section, kind, text) rows for everything a patient sees in a version, in page order."""
    urgency = {"routine": _("Routine"), "urgent": _("Urgent"), "emergency": _("Emergency")}
    rows = [(_("Title"), "heading", version.title), (_("Summary"), "paragraph", version.summary)]
    rows += [(_("Body"), kind, text) for kind, text in body_blocks(version.body)]
    help_section = _("When to get help")
    rows += [
        (
            help_section,
            "item",
            _("%(urgency)s: %(sign)s") % {"urgency": urgency.get(sign.urgency, sign.urgency), "sign": sign.text},
        )
        for sign in version.help_signs.all()
    ]
    rows += [(_("References"), "item", ref) for ref in version.reference_list()]
    rows += [(_("Figures"), "item", figure_description(figure)) for figure in version.figures.all()]
    return rows


def figure_description(figure) -> str:
    """A figure as one line of a comparison: what it shows, where, and which picture (by fingerprint)."""
    parts = [_("Picture %(id)s") % {"id": figure.sha256[:12]}]
    parts.append(_("alt text: %(alt)s") % {"alt": figure.alt_text} if figure.alt_text else _("NO ALT TEXT"))
    if figure.caption:
        parts.append(_("caption: %(caption)s") % {"caption": figure.caption})
    parts.append(
        _("after heading: %(heading)s") % {"heading": figure.after_heading}
        if figure.after_heading
        else _("after the body")
    )
    return "; ".join(parts)


def _word_diff(old: str, new: str) -> tuple[str, str]:
    old_words, new_words = old.split(), new.split()
    removed, added = html.escape(_("[removed: ")), html.escape(_("[added: "))
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    old_out, new_out = [], []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        old_part = html.escape(" ".join(old_words[a1:a2]))
        new_part = html.escape(" ".join(new_words[b1:b2]))
        if op == "equal":
            old_out.append(old_part)
            new_out.append(new_part)
            continue
        if old_part:
            old_out.append(
                f'<del><span class="visually-hidden">{removed}</span>{old_part}<span class="visually-hidden">]</span></del>'
            )
        if new_part:
            new_out.append(
                f'<ins><span class="visually-hidden">{added}</span>{new_part}<span class="visually-hidden">]</span></ins>'
            )
    return " ".join(old_out), " ".join(new_out)


def compare_versions(old, new) -> list[DiffLine]:
    """Block-by-block comparison of two versions, with changed words marked inside changed blocks."""
    old_rows, new_rows = version_blocks(old), version_blocks(new)
    keys_old = [f"{s}|{k}|{t}" for s, k, t in old_rows]
    keys_new = [f"{s}|{k}|{t}" for s, k, t in new_rows]
    matcher = difflib.SequenceMatcher(a=keys_old, b=keys_new, autojunk=False)
    lines: list[DiffLine] = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            for section, kind, text in new_rows[b1:b2]:
                lines.append(DiffLine("same", section, kind, html.escape(text), html.escape(text)))
            continue
        olds, news = old_rows[a1:a2], new_rows[b1:b2]
        paired = min(len(olds), len(news)) if op == "replace" else 0
        for (o_section, o_kind, o_text), (n_section, n_kind, n_text) in zip(olds[:paired], news[:paired], strict=True):
            if o_section == n_section:
                old_html, new_html = _word_diff(o_text, n_text)
                lines.append(DiffLine("changed", n_section, n_kind, old_html, new_html))
            else:
                lines.append(DiffLine("removed", o_section, o_kind, html.escape(o_text), ""))
                lines.append(DiffLine("added", n_section, n_kind, "", html.escape(n_text)))
        for section, kind, text in olds[paired:]:
            lines.append(DiffLine("removed", section, kind, html.escape(text), ""))
        for section, kind, text in news[paired:]:
            lines.append(DiffLine("added", section, kind, "", html.escape(text)))
    return lines


@dataclass(frozen=True)
class _Sign:
    urgency: str
    text: str


@dataclass(frozen=True)
class _Figure:
    sha256: str
    alt_text: str
    caption: str
    after_heading: str


def content_data(version) -> dict:
    """What patients see in a version, as JSON-ready data (kept with some audit events; see ContentSnapshot)."""
    data = {
        "title": version.title,
        "summary": version.summary,
        "body": version.body,
        "references": version.references,
        "signs": [[sign.urgency, sign.text] for sign in version.help_signs.all()],
    }
    figures = [list(figure.fingerprint_data()) for figure in version.figures.all()]
    if figures:  # only then: content kept before figures existed has the same shape as content without any
        data["figures"] = figures
    return data


class ContentSnapshot:
    """Leaflet text that is not a saved version (a form submission, or content kept with an audit event) in
    the shape `compare_versions` reads."""

    def __init__(
        self,
        *,
        title: str,
        summary: str,
        body: str,
        references: str,
        signs: list[tuple[str, str]],
        figures: list[tuple[str, str, str, str]] = (),
    ):
        self.title, self.summary, self.body, self.references = title, summary, sanitise_body(body), references
        self._signs = [_Sign(urgency, text) for urgency, text in signs]
        self.help_signs = self  # version.help_signs.all() reads self.all()
        self.figures = _Figures([_Figure(*figure) for figure in figures])

    @classmethod
    def from_data(cls, data: dict) -> ContentSnapshot:
        """From `content_data` output (missing or malformed parts read as empty)."""

        def text(key: str) -> str:
            value = data.get(key, "")
            return value if isinstance(value, str) else ""

        signs = [
            (str(sign[0]), str(sign[1]))
            for sign in data.get("signs") or []
            if isinstance(sign, list | tuple) and len(sign) == 2
        ]
        figures = [
            tuple(str(part) for part in figure)
            for figure in data.get("figures") or []
            if isinstance(figure, list | tuple) and len(figure) == 4
        ]
        return cls(
            title=text("title"),
            summary=text("summary"),
            body=text("body"),
            references=text("references"),
            signs=signs,
            figures=figures,
        )

    def all(self) -> list[_Sign]:
        return self._signs

    def reference_list(self) -> list[str]:
        return [line.strip() for line in self.references.splitlines() if line.strip()]


class _Figures:
    """Reads like `version.figures` for `version_blocks`."""

    def __init__(self, figures: list[_Figure]):
        self._figures = figures

    def all(self) -> list[_Figure]:
        return self._figures
