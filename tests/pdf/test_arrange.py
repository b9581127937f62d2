"""Large print wastes no paper: the "when to get help" block moves between sections to where the pages
around it are full, and never splits (education/pdf/arrange.py)."""

import pytest
from django.utils import translation

from education import pdf
from education.pdf import arrange
from tests.pdf.test_layout import care_texts, demo_clinic, starter_versions  # noqa: F401 - fixtures
from tests.pdf_checks import page_fills, page_texts

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("weasyprint_stays_quiet")]

LARGE_PRINT_MARGINS = {"top_mm": 14, "bottom_mm": 22}  # static/css/pdf.css, @page large-print
# "About a quarter": where the block stands never leaves more than a quarter of a page empty; the text's
# own rules (a heading kept with its paragraph, "Do this:" with the first two steps of its list) can leave
# a little more elsewhere (69% full at worst on the starter leaflets), and the PDF's text boxes end a little
# above WeasyPrint's line boxes.
ABOUT = 0.07
BLOCK = '<!--help-block:0--><section class="get-help" data-help-block="0">HELP</section><!--/help-block:0-->'


def marked(block_at: int) -> str:
    parts = []
    for slot, section in enumerate(["<p>lead</p>", "<p>one</p>", "<p>two</p>", ""]):
        parts.append(arrange.slot_marker(0, slot))
        if slot == block_at:
            parts.append(BLOCK)
        parts.append(section)
    return "".join(parts)


def test_the_block_moves_between_the_marked_places_and_nothing_else_changes():
    html = marked(1)
    assert arrange.slots(html) == {0: [0, 1, 2, 3]}
    assert arrange.placement(html) == {0: 1}
    for slot in range(4):
        moved = arrange.place(html, {0: slot})
        assert moved == marked(slot)
        assert arrange.placement(moved) == {0: slot}
        assert moved.count("HELP") == 1
    assert arrange.place(html, {0: 9}) == html  # no such place: left where it is
    assert arrange.place(html, {5: 0}) == html  # no such leaflet


def test_the_block_goes_where_it_fits_or_wastes_least_else_stays_after_the_key_points():
    html = marked(1)
    page = {"top": 0.0, "bottom": 1000.0}
    spot = lambda page_number, y: arrange.Spot(page_number, y, **page)  # noqa: E731
    # After the key points it would jump to the next page from 40% down; two places later it fits.
    spots = {(0, 0): spot(0, 100), (0, 1): spot(0, 400), (0, 2): spot(0, 800), (0, 3): spot(1, 100)}
    assert arrange.choose(html, spots, {0: 650}) == {0: 3}
    assert arrange.choose(html, spots, {0: 500}) == {0: 1}  # fits where it is
    # Nowhere it fits: the place that leaves least of a page empty, if that is at most a quarter.
    spots[(0, 3)] = spot(1, 300)
    assert arrange.choose(html, spots, {0: 800}) == {0: 2}
    spots[(0, 2)] = spot(0, 500)
    assert arrange.choose(html, spots, {0: 800}) == {0: 1}  # too much waste anywhere: its usual place
    assert arrange.choose(html, spots, {}) == {}  # no block laid out


def test_the_places_are_never_after_a_heading_nor_between_a_paragraph_and_its_list(editor, approver):
    from tests import factories

    body = (
        "<h2>Key points</h2><ul><li>One</li></ul>"
        "<h2>Care</h2><p>Do this:</p><ol><li>Wash</li><li>Dry</li></ol><p>Then rest.</p>"
        "<h2>More</h2><p>Text.</p>"
    )
    version = factories.make_published(author=editor, approver=approver, body=body)
    html = pdf.handout_html(versions=[version], clinic=None, options=pdf.HandoutOptions(large_print=True))
    body_html = html[html.index('<section class="body">') :]
    for marker in arrange._SLOT.finditer(body_html):
        before = body_html[: marker.start()]
        assert not before.endswith(("</h2>", "</h3>")), before[-30:]
    assert "<p>Do this:</p><ol>" in body_html  # no place between them
    assert arrange.placement(html) == {0: arrange.HOME}


class _Laid:
    pages = ()  # a layout with nothing on it: no leaflet, so no last page to tighten


def test_without_markers_there_is_one_layout():
    calls, laid = [], _Laid()
    assert arrange.arrange("<p>Normal print</p>", lambda html: calls.append(html) or laid) is laid
    assert calls == ["<p>Normal print</p>"]


# --- a last page holding only a few lines --------------------------------------------------------------------


def _ending(space_mm: int) -> str:
    """A leaflet of one page of `space_mm` of text, then its references and its closing lines."""
    references = "".join(
        f"<li>Author {n}. A title of a paper. A journal; 2024. https://example.org/{n}</li>" for n in range(8)
    )
    return (
        f'<html><body><article class="leaflet" data-leaflet="0"><div style="height: {space_mm}mm"></div>'
        f'<section class="references"><h2>References</h2><ol>{references}</ol></section>'
        '<div class="online"><p>Read this leaflet online: example.org</p>'
        "<p>This information does not replace advice from your own clinician.</p></div></article></body></html>"
    )


@pytest.fixture
def lay_out():
    """WeasyPrint in this process with the handout's own stylesheet and fonts, as the render process lays out."""
    import weasyprint

    from education.pdf import render
    from education.pdf.fetcher import ASSET_ORIGIN, HandoutURLFetcher

    state = render._render_state()
    options = {**weasyprint.DEFAULT_OPTIONS, "stylesheets": [state.stylesheet]}
    layouts = []

    def lay_out(html: str):
        layouts.append(html)
        source = weasyprint.HTML(string=html, base_url=ASSET_ORIGIN, url_fetcher=HandoutURLFetcher())
        return source.render(font_config=state.font_config, **options)

    lay_out.layouts = layouts
    return lay_out


def test_a_last_page_with_only_the_closing_lines_is_saved_by_setting_the_end_closer(lay_out):
    found = None
    for space in range(150, 260, 3):  # the first height of text that pushes only the closing lines over
        loose = lay_out(_ending(space))
        if len(loose.pages) == 2:
            found = space
            break
    assert found, "no layout left the closing lines alone on a page"
    assert arrange._page_fills(loose)[0][-1] < arrange.NEARLY_EMPTY
    tight = arrange.tighten(_ending(found), loose, lay_out)
    assert len(tight.pages) == 1 and f"{arrange.TIGHT_ATTRIBUTE}" in lay_out.layouts[-1]


def test_tightening_that_saves_no_page_is_not_kept_and_a_full_last_page_is_left_alone(lay_out):
    first = lay_out(_ending(10))  # one page: nothing to save, no further layout
    assert arrange.tighten(_ending(10), first, lay_out) is first and len(lay_out.layouts) == 1
    for space in range(200, 262, 3):  # text that fills the first page: the end alone on the second, tightened or not
        loose = lay_out(_ending(space))
        if len(loose.pages) == 2 and arrange._page_fills(loose)[0][-1] < arrange.NEARLY_EMPTY:
            layouts = len(lay_out.layouts)
            kept = arrange.tighten(_ending(space), loose, lay_out)
            if len(lay_out.layouts) > layouts and kept is loose:
                return  # laid out tighter, saved nothing, so the first layout is the handout
    pytest.fail("no layout where tightening was tried and did not save the page")


def leaflet_pages(data: bytes, language: str) -> list[list[float]]:
    """The fill of each page, grouped by leaflet: a leaflet starts on the page with its QR code's caption."""
    with translation.override(language):
        caption = "".join(translation.gettext("Scan to read online").split())
    groups: list[list[float]] = []
    for text, fill in zip(page_texts(data), page_fills(data, **LARGE_PRINT_MARGINS), strict=True):
        if caption in "".join(text.split()) or not groups:
            groups.append([])
        groups[-1].append(fill)
    return groups


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_in_large_print_no_page_but_a_leaflets_last_is_more_than_a_quarter_empty(
    starter_versions,  # noqa: F811
    demo_clinic,  # noqa: F811
    language,
    paper,
):
    """The issue's handout (the overview and the aftercare leaflets together), and all three: every page
    but the last of each leaflet about 75% full or more, and each leaflet's cards and the clinic's advice on
    one page, its first or second."""
    by_slug = {v.leaflet.slug: v for v in starter_versions if v.language == language}
    for slugs in (["milia-overview", "post-extraction-hygiene"], list(by_slug)):
        versions = [by_slug[slug] for slug in slugs]
        options = pdf.HandoutOptions(paper=paper, large_print=True)
        data = pdf.render_handout(versions=versions, clinic=demo_clinic, options=options)
        groups = leaflet_pages(data, language)
        assert len(groups) == len(versions)
        wasteful = {
            f"{slug} page {number}": f"{fill:.0%}"
            for slug, fills in zip(slugs, groups, strict=True)
            for number, fill in enumerate(fills[:-1], start=1)
            if fill < 1 - arrange.MAX_EMPTY - ABOUT
        }
        assert not wasteful, wasteful
        texts = ["".join(text.split()) for text in page_texts(data)]
        start = 0
        for version, fills in zip(versions, groups, strict=True):
            own = texts[start : start + len(fills)]
            # The page of the leaflet where each card and the clinic's advice first appear: all the same one.
            block = {
                next((n for n, text in enumerate(own) if "".join(wanted.split()) in text), None)
                for wanted in care_texts(version, demo_clinic).values()
            }
            assert len(block) == 1 and None not in block, (version, block)
            assert block <= {0, 1}, (version, block)  # on the leaflet's first or second page: found early
            start += len(fills)
