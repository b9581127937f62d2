"""The sanitiser (property tests), readability and the version comparison."""

from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from education.content import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    ALLOWED_URL_SCHEMES,
    body_blocks,
    content_fingerprint,
    print_link_addresses,
    readability,
    sanitise_body,
    top_level_blocks,
)


class TagCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.seen = []

    def handle_starttag(self, tag, attrs):
        self.seen.append((tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.seen.append((tag, attrs))


def tags_in(html):
    collector = TagCollector()
    collector.feed(html)
    return collector.seen


TAGS = ["p", "h1", "h2", "h3", "h4", "script", "style", "img", "a", "iframe", "object", "svg", "image", "div",
        "span", "strong", "em", "ul", "ol", "li", "table", "form", "input", "link", "meta", "base", "br", "math"]  # fmt: skip
ATTRS = ["href", "src", "onclick", "onerror", "style", "class", "id", "xlink:href", "srcset", "action", "formaction",
         "target", "rel", "data-x"]  # fmt: skip
URLS = ["https://example.org/a", "http://127.0.0.1:9/x", "javascript:alert(1)", "JaVaScRiPt:alert(1)",
        "data:text/html,<script>alert(1)</script>", "file:///etc/passwd", "mailto:a@example.org", "tel:+441632960000",
        "//evil.example", "vbscript:x", " javascript:alert(1)", "java\tscript:alert(1)", "../../etc/passwd"]  # fmt: skip

attribute = st.tuples(st.sampled_from(ATTRS), st.one_of(st.sampled_from(URLS), st.text(max_size=20)))
element = st.recursive(
    st.text(max_size=30),
    lambda children: st.builds(
        lambda tag, attrs, inner: "<{}{}>{}</{}>".format(
            tag, "".join(f' {name}="{value}"' for name, value in attrs), "".join(inner), tag
        ),
        st.sampled_from(TAGS),
        st.lists(attribute, max_size=3),
        st.lists(children, max_size=3),
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(element, st.text(max_size=40)), max_size=5))
def test_whatever_goes_in_only_allowed_tags_attributes_and_schemes_come_out(parts):
    cleaned = sanitise_body("".join(parts))
    for tag, attrs in tags_in(cleaned):
        assert tag in ALLOWED_TAGS
        for name, value in attrs:
            assert name in ALLOWED_ATTRIBUTES.get(tag, set())
            if name == "href":
                assert value.split(":", 1)[0].lower() in ALLOWED_URL_SCHEMES
                assert not value.lower().lstrip().startswith(("javascript", "data", "file", "http:", "//"))


@settings(max_examples=100, deadline=None)
@given(st.lists(element, max_size=4))
def test_sanitising_is_idempotent(parts):
    once = sanitise_body("".join(parts))
    assert sanitise_body(once) == once


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        ("<script>alert(1)</script><p>Hi</p>", "<p>Hi</p>"),
        ('<p onclick="x()" style="color:red">Hi</p>', "<p>Hi</p>"),
        ('<a href="javascript:alert(1)">x</a>', "<a>x</a>"),
        ('<a href="http://example.org">x</a>', "<a>x</a>"),
        ('<a href="//evil.example/x">x</a>', "<a>x</a>"),
        ('<a href="../../admin/">x</a>', "<a>x</a>"),
        ('<a href="https://example.org" target="_blank">x</a>', '<a href="https://example.org">x</a>'),
        ('<a href="tel:+441632960000">call</a>', '<a href="tel:+441632960000">call</a>'),
        ('<img src="http://127.0.0.1/x.png">', ""),
        ("<h1>Title</h1><h4>Deep</h4>", "TitleDeep"),
        ("<p></p><p> </p>", ""),
        ("<!-- note --><p>x</p>", "<p>x</p>"),
    ],
)
def test_sanitiser_examples(dirty, clean):
    assert sanitise_body(dirty) == clean


def test_body_blocks_mark_headings_items_and_links():
    blocks = body_blocks('<h2>Why?</h2><p>See <a href="https://a.example">this</a>.</p><ul><li><p>One</p></li></ul>')
    assert blocks == [("heading", "Why?"), ("paragraph", "See this [https://a.example]."), ("item", "One")]


def test_readability_scores_plain_text_lower_than_dense_text():
    plain = readability(
        title="Milia", summary="Milia are small white bumps.", body="<p>They are not harmful. They often go away.</p>",
        help_signs=["The bump gets red."],
    )  # fmt: skip
    dense = readability(
        title="Milia",
        summary="Milia constitute keratinaceous subepidermal microcysts characteristically manifesting periorbitally.",
        body="<p>Spontaneous resolution predominates, notwithstanding occasional persistence necessitating "
        "intervention by appropriately qualified dermatological practitioners.</p>",
        help_signs=[],
    )
    assert plain.meets_target
    assert not dense.meets_target
    assert dense.grade > plain.grade + 5


def test_readability_needs_some_text():
    assert readability(title="x", summary="", body="", help_signs=[]).grade is None


def test_fingerprint_changes_with_any_visible_field():
    base = {"language": "en", "title": "T", "summary": "S", "body": "<p>B</p>", "help_signs": [("urgent", "X")],
            "references": "R"}  # fmt: skip
    reference = content_fingerprint(**base)
    for key, value in [("title", "T2"), ("body", "<p>B2</p>"), ("help_signs", [("routine", "X")]), ("language", "fr")]:
        assert content_fingerprint(**{**base, key: value}) != reference
    assert content_fingerprint(**{**base, "references": "R\n\n"}) == reference


# --- links typed without a scheme, and what sanitising removes (issue 12) -----------------------------------


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("www.nhs.uk/conditions/milia/", "https://www.nhs.uk/conditions/milia/"),
        ("nhs.uk", "https://nhs.uk"),
        ("NHS.UK/Conditions?x=1#top", "https://NHS.UK/Conditions?x=1#top"),
        ("  www.example.org ", "https://www.example.org"),
        ("https://www.nhs.uk", "https://www.nhs.uk"),
        ("mailto:clinic@example.org", "mailto:clinic@example.org"),
        ("tel:+441632960000", "tel:+441632960000"),
        ("javascript:alert(1)", None),
        ("JaVaScRiPt:alert(1)", None),
        ("http://www.nhs.uk", None),
        ("data:text/html,x", None),
        ("//evil.example/x", None),
        ("/relative/path", None),
        ("leaflet.pdf", None),  # a file name, not a web site: refused and listed back
        ("Aftercare.DOCX", None),
        ("leaflet.pdf/page", None),
        ("www.nhs.uk/leaflet.pdf", "https://www.nhs.uk/leaflet.pdf"),  # a file on a web site is a link
        ("nhs.uk:443/x", "https://nhs.uk:443/x"),
        ("no-dot", None),
        ("www.nhs.uk/a b", None),
    ],
)
def test_links_typed_without_a_scheme_become_https_and_others_are_refused(typed, kept):
    from education.content import normalise_link

    assert normalise_link(typed) == kept


def test_a_www_link_in_the_body_keeps_its_link_as_https():
    assert (
        sanitise_body('<p><a href="www.nhs.uk/conditions">NHS</a></p>')
        == '<p><a href="https://www.nhs.uk/conditions">NHS</a></p>'
    )


def test_everything_the_sanitiser_removes_is_named():
    from education.content import removed_by_sanitiser

    dirty = (
        '<h1>Title</h1><p><a href="javascript:alert(1)">x</a> <a href="www.nhs.uk">kept</a>'
        '<a href="http://old.example">old</a><img src="a.png"><img src="b.png"><script>bad()</script>'
        '<span style="color:red">words stay</span></p>'
    )
    removed = removed_by_sanitiser(dirty, sanitise_body(dirty))
    assert removed == [
        "a link to 'javascript:alert(1)'",
        "a link to 'http://old.example'",
        "a top-level heading (use “Heading 2” instead)",
        "an image (×2)",
        "a script",
    ]
    assert (
        removed_by_sanitiser("<p>Fine <a href='https://x.org'>x</a></p>", '<p>Fine <a href="https://x.org">x</a></p>')
        == []
    )
    assert removed_by_sanitiser("", "") == []


def test_a_very_long_removed_link_is_shortened_in_the_message():
    from education.content import removed_by_sanitiser

    dirty = f'<p><a href="javascript:{"a" * 200}">x</a></p>'
    (message,) = removed_by_sanitiser(dirty, sanitise_body(dirty))
    assert message.endswith("...'") and len(message) < 100


def test_the_hardest_sentences_come_first_and_short_ones_are_left_out():
    from education.content import hardest_sentences

    hard = "Individuals experiencing persistent inflammation should consult appropriately qualified dermatologists."
    easy = "Wash your face with warm water every day and dry it well."
    result = hardest_sentences(title="Milia", summary="Short one.", body=f"<p>{easy} {hard}</p>", help_signs=[])
    assert [sentence for sentence, _words, _per_word in result] == [hard, easy]
    assert hardest_sentences(title="", summary="", body="", help_signs=[]) == []


@pytest.mark.parametrize(
    ("body", "printed"),
    [
        (
            '<p>See the <a href="https://www.nhs.uk/conditions/warts/">NHS page on warts</a>.</p>',
            '<p>See the <a href="https://www.nhs.uk/conditions/warts/">NHS page on warts</a>'
            '<span class="link-address"> (www.nhs.uk/conditions/warts)</span>.</p>',
        ),
        (
            '<p><a href="mailto:team@example.org">Email us</a></p>',
            '<p><a href="mailto:team@example.org">Email us</a><span class="link-address"> (team@example.org)</span></p>',
        ),
        (
            '<p><a href="https://example.org/a?b=1&amp;c=2"><strong>Form</strong></a></p>',
            '<p><a href="https://example.org/a?b=1&amp;c=2"><strong>Form</strong></a>'
            '<span class="link-address"> (example.org/a?b=1&amp;c=2)</span></p>',
        ),
        # The words already are the address: printed once.
        ('<p><a href="https://example.org/">https://example.org/</a></p>', None),
        ('<p><a href="https://example.org/help">example.org/help</a></p>', None),
        ('<p><a href="tel:+441632960000">+441632960000</a></p>', None),
        ("<p>No links at all.</p>", None),
    ],
)
def test_links_print_their_address_after_their_words(body, printed):
    assert sanitise_body(body) == body
    assert print_link_addresses(body) == (printed if printed is not None else body)


def test_a_body_splits_into_its_top_level_blocks_and_joins_back():
    body = "<h2>A</h2><p>x<br>y</p><ul><li><p>i</p><ul><li>deep</li></ul></li></ul><h3>B</h3><ol><li>1</li></ol>"
    blocks = top_level_blocks(body)
    assert [tag for tag, _html in blocks] == ["h2", "p", "ul", "h3", "ol"]
    assert "".join(html for _tag, html in blocks) == body
    assert top_level_blocks("") == []
    assert top_level_blocks("plain") == [("", "plain")]
