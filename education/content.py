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

ALLOWED_TAGS = frozenset({"h2", "h3", "p", "br", "strong", "em", "ul", "ol", "li", "a"})
ALLOWED_ATTRIBUTES = {"a": {"href"}}
ALLOWED_URL_SCHEMES = frozenset({"https", "mailto", "tel"})
# Tags whose content is dropped with them rather than kept as text.
DROP_CONTENT_TAGS = frozenset({"script", "style", "template", "noscript", "iframe", "object", "svg", "math"})
READABILITY_TARGET_GRADE = 8.0


def _only_absolute_allowed_links(tag: str, attribute: str, value: str) -> str | None:
    """nh3 keeps relative URLs (including protocol-relative //host); links must name an allowed scheme."""
    if attribute != "href":
        return value
    scheme, colon, _rest = value.strip().partition(":")
    return value if colon and scheme.lower() in ALLOWED_URL_SCHEMES else None


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


def content_fingerprint(
    *, language: str, title: str, summary: str, body: str, help_signs: list[tuple[str, str]], references: str
) -> str:
    """SHA-256 of everything a patient sees in a version, in a stable canonical form."""
    canonical = json.dumps(
        {
            "language": language,
            "title": title,
            "summary": summary,
            "body": body,
            "help_signs": [[urgency, text] for urgency, text in help_signs],
            "references": [line.strip() for line in references.splitlines() if line.strip()],
        },
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


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
    return rows


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


def content_data(version) -> dict:
    """What patients see in a version, as JSON-ready data (kept with some audit events; see ContentSnapshot)."""
    return {
        "title": version.title,
        "summary": version.summary,
        "body": version.body,
        "references": version.references,
        "signs": [[sign.urgency, sign.text] for sign in version.help_signs.all()],
    }


class ContentSnapshot:
    """Leaflet text that is not a saved version (a form submission, or content kept with an audit event) in
    the shape `compare_versions` reads."""

    def __init__(self, *, title: str, summary: str, body: str, references: str, signs: list[tuple[str, str]]):
        self.title, self.summary, self.body, self.references = title, summary, sanitise_body(body), references
        self._signs = [_Sign(urgency, text) for urgency, text in signs]
        self.help_signs = self  # version.help_signs.all() reads self.all()

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
        return cls(
            title=text("title"), summary=text("summary"), body=text("body"), references=text("references"), signs=signs
        )

    def all(self) -> list[_Sign]:
        return self._signs

    def reference_list(self) -> list[str]:
        return [line.strip() for line in self.references.splitlines() if line.strip()]
