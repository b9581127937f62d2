"""Printed handouts: what the patient reads, and what stays together on the page.

Any warning or error WeasyPrint logs while rendering fails these tests.
"""

from html.parser import HTMLParser

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone, translation

from clinic.models import Clinic
from education import pdf, services
from education.management.commands.demo import DEMO_CLINIC
from education.models import HelpSign
from tests import factories
from tests.pdf.support import SIGNS, png_logo, render, stored_handouts
from tests.pdf_checks import first_pages, page_sizes, page_texts, qr_codes, text_sizes, whole_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("weasyprint_stays_quiet")]


# --- what the patient reads -------------------------------------------------------------------------------


def test_the_handout_carries_the_leaflet_the_clinic_and_when_to_get_help(leaflet_version, clinic):
    text = whole_text(render(leaflet_version, clinic))
    for expected in [
        "Riverside Skin Clinic",
        "01632 960 000",
        "clinic@example.org",
        "Milia: small white bumps",
        "What milia are and when to get help.",
        "When to get help",
        "Non-urgent advice",
        "Urgent advice",
        "Get help now",
        "The spot becomes red and sore.",
        "You have a high temperature and feel very unwell.",
        "Out of hours, call NHS 111. In an emergency, call 999.",
        "Do not pick the spot.",  # the body
        "Berk DR, Bayliss SJ.",  # the references
    ]:
        assert expected in text, expected


def test_every_page_has_a_footer_with_title_version_dates_and_page_numbers(leaflet_version, clinic):
    version = leaflet_version
    version.refresh_from_db()
    pages = page_texts(render(version, clinic, large_print=True))
    assert len(pages) >= 2
    approved = f"{timezone.localtime(version.approved_at):%-d %B %Y}"
    review_due = f"{version.review_due:%B %Y}"
    for number, text in enumerate(pages, start=1):
        text = " ".join(text.split())
        assert "Milia: small white bumps" in text
        # At 16 pt the footer has version and approval on one line, the review date on the next.
        assert f"Version {version.number} · Approved {approved} Review due {review_due}" in text
        assert f"Page {number} of {len(pages)}" in text
    normal = " ".join(page_texts(render(version, clinic))[0].split())
    assert f"Version {version.number} · Approved {approved} · Review due {review_due}" in normal


def test_the_qr_code_opens_this_exact_version_online(leaflet_version, clinic, site_url):
    data = render(leaflet_version, clinic)
    expected = (
        f"{site_url}/leaflets/{leaflet_version.leaflet.slug}/v{leaflet_version.number}/?lang={leaflet_version.language}"
    )
    assert qr_codes(data) == [expected]
    assert expected.split("://")[1] in whole_text(data)  # for those who type it


def test_large_print_sets_the_body_at_16_points_or_more(leaflet_version, clinic):
    def body_size(data):
        sizes = dict(text_sizes(data, page=0))
        return sizes["What milia are and when to get help."]

    assert body_size(render(leaflet_version, clinic)) >= 12
    large = render(leaflet_version, clinic, large_print=True)
    assert body_size(large) >= 16
    signs = [size for page in range(len(page_texts(large))) for text, size in text_sizes(large, page) if "spot" in text]
    assert signs and min(signs) >= 16


def test_a4_by_default_and_us_letter_on_request(leaflet_version, clinic):
    assert set(page_sizes(render(leaflet_version, clinic))) == {(595, 842)}
    assert set(page_sizes(render(leaflet_version, clinic, paper="letter"))) == {(612, 792)}


def test_several_leaflets_each_start_on_a_new_page(leaflet_version, clinic, editor, approver):
    other = factories.make_published(author=editor, approver=approver, title="Caring for your skin afterwards")
    data = pdf.handout_pdf(versions=[leaflet_version, other], clinic=clinic, options=pdf.HandoutOptions())
    pages = [" ".join(text.split()) for text in page_texts(data)]
    first_of_other = next(i for i, text in enumerate(pages) if "Caring for your skin afterwards" in text)
    assert first_of_other > 0
    assert "Milia: small white bumps" not in pages[first_of_other]  # a fresh page, with its own footer
    assert all("Milia: small white bumps" in text for text in pages[:first_of_other])
    assert len(qr_codes(data, page=first_of_other)) == 1


def test_the_clinicians_note_is_printed_in_its_own_box_but_never_stored(leaflet_version, clinic, render_count):
    note = "Use the cream twice a day.\nCome back in two weeks."
    options = pdf.HandoutOptions(note=note)
    assert note not in repr(options)
    assert options.record_options() == {"paper": "a4", "large_print": False, "with_note": True}
    for _twice in range(2):
        data = pdf.handout_pdf(versions=[leaflet_version], clinic=clinic, options=options)
        text = whole_text(data)
        assert "A note from your clinician" in text
        assert "Use the cream twice a day. Come back in two weeks." in text
    assert len(render_count) == 2  # never served from the cache
    assert stored_handouts() == []


def test_drafts_carry_a_watermark_on_every_page_and_published_versions_do_not(leaflet_version, draft, clinic):
    for text in page_texts(render(draft, clinic, large_print=True)):
        assert "DRAFT - not for patients" in text
    assert "DRAFT" not in whole_text(render(leaflet_version, clinic))


def test_a_superseded_version_says_it_was_replaced(leaflet_version, clinic, editor):
    factories.supersede(leaflet_version, editor=editor, summary="Version two.")
    leaflet_version.refresh_from_db()
    text = whole_text(render(leaflet_version, clinic))
    assert "A newer version of this leaflet has replaced this one." in text
    assert "DRAFT" not in text


def test_a_withdrawn_version_is_never_printed(leaflet_version, clinic, approver):
    services.leaflet_withdraw(leaflet=leaflet_version.leaflet, user=approver, reason="Withdrawn for review.")
    leaflet_version.refresh_from_db()
    with pytest.raises(ValueError, match="withdrawn"):
        render(leaflet_version, clinic)
    with pytest.raises(ValueError, match="withdrawn"):
        pdf.render_handout(versions=[leaflet_version], clinic=clinic, options=pdf.HandoutOptions())


def test_a_handout_without_a_clinic_still_prints(leaflet_version):
    text = whole_text(render(leaflet_version, None))
    assert "Patient information" in text
    assert "Milia: small white bumps" in text


def test_bad_options_and_too_many_leaflets_are_refused(leaflet_version):
    with pytest.raises(ValueError, match="paper"):
        pdf.HandoutOptions(paper="a5")
    with pytest.raises(ValueError, match="500"):
        pdf.HandoutOptions(note="x" * 501)
    pdf.HandoutOptions(note="x" * 500)
    with pytest.raises(ValueError, match="at most 5"):
        pdf.handout_pdf(versions=[leaflet_version] * 6, clinic=None, options=pdf.HandoutOptions())
    with pytest.raises(ValueError, match="at least one"):
        pdf.handout_pdf(versions=[], clinic=None, options=pdf.HandoutOptions())
    with pytest.raises(ValueError, match="only once"):
        pdf.handout_pdf(versions=[leaflet_version] * 2, clinic=None, options=pdf.HandoutOptions())
    assert stored_handouts() == []


# --- "when to get help" stays together --------------------------------------------------------------------


@pytest.fixture
def starter_versions(editor, approver):
    """The three starter leaflets in English and French, published (as the demo command does)."""
    return [
        services.version_approve_and_publish(
            version=draft,
            content_hash=factories.shown_hash(draft),
            attested=True,
            user=approver,
            comment="Checked for the test.",
        )
        for draft in services.starter_leaflets_load(author=editor)
    ]


@pytest.fixture
def demo_clinic():
    """The demo clinic, with a logo (a taller header) and its long urgent-care advice in both languages."""
    clinic = Clinic.objects.create(**DEMO_CLINIC, is_default=True)
    clinic.logo.save("demo.png", ContentFile(png_logo()), save=True)
    return clinic


def care_texts(version, clinic) -> dict[str, str]:
    """What the "when to get help" block prints, in the version's language: its heading, each card's heading,
    the emergency card's action and the clinic's urgent-care advice."""
    urgencies = {sign.urgency for sign in version.help_signs.all()}
    with translation.override(version.language):
        texts = {"title": translation.gettext("When to get help")}
        for urgency, heading, _lead, _action in HelpSign.GUIDANCE:
            if urgency in urgencies:
                texts[urgency] = str(heading)
        texts["emergency action"] = str(HelpSign.GUIDANCE[-1][3])
    texts["advice"] = clinic.urgent_care_advice_in(version.language)
    return texts


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_in_normal_print_every_care_card_and_the_clinics_advice_are_on_page_one(starter_versions, demo_clinic, paper):
    """A patient who keeps only the first page still has every sign, emergency included, and the clinic's
    advice: for each starter leaflet in English and French, on A4 and US Letter."""
    assert {(version.leaflet.slug, version.language) for version in starter_versions} == {
        (slug, language)
        for slug in ("milia-overview", "post-extraction-hygiene", "infection-warning-signs")
        for language in ("en", "fr")
    }
    misplaced = {}
    for version in starter_versions:
        texts = care_texts(version, demo_clinic)
        assert {"routine", "urgent", "emergency"} <= texts.keys()
        data = pdf.render_handout(versions=[version], clinic=demo_clinic, options=pdf.HandoutOptions(paper=paper))
        pages = first_pages(data, list(texts.values()))
        if set(pages.values()) != {1}:
            misplaced[f"{version.leaflet.slug} ({version.language})"] = pages
    assert not misplaced, misplaced


def test_a_long_note_from_the_clinician_never_pushes_the_cards_off_page_one(starter_versions, demo_clinic):
    """The note follows the cards in normal print: the longest note, the longest leaflet, the shorter paper."""
    version = next(v for v in starter_versions if (v.leaflet.slug, v.language) == ("infection-warning-signs", "fr"))
    sentence = "Appliquez la crème deux fois par jour et revenez nous voir dans deux semaines. "
    note = (sentence * 10)[: pdf.MAX_NOTE_CHARS]
    options = pdf.HandoutOptions(paper="letter", note=note)
    data = pdf.render_handout(versions=[version], clinic=demo_clinic, options=options)
    texts = care_texts(version, demo_clinic)
    assert set(first_pages(data, list(texts.values())).values()) == {1}
    with translation.override("fr"):
        note_heading = translation.gettext("A note from your clinician")
    assert None not in first_pages(data, [note_heading, note[:60]]).values()


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_in_large_print_the_care_cards_and_the_clinics_advice_share_one_page(starter_versions, demo_clinic, paper):
    """At 16 pt the cards do not fit under the title; they move as one block, never split between cards."""
    split = {}
    for version in starter_versions:
        texts = care_texts(version, demo_clinic)
        options = pdf.HandoutOptions(paper=paper, large_print=True)
        data = pdf.render_handout(versions=[version], clinic=demo_clinic, options=options)
        pages = first_pages(data, list(texts.values()))
        if None in pages.values() or len(set(pages.values())) != 1:
            split[f"{version.leaflet.slug} ({version.language})"] = pages
        # Page 1 is not left with the title alone: the key points (the body's first section) come first.
        key_points = "Points clés" if version.language == "fr" else "Key points"
        assert first_pages(data, [key_points]) == {key_points: 1}, version
        assert whole_text(data).count(key_points) == 1  # moved, not repeated
    assert not split, split


def test_a_body_is_cut_only_between_top_level_sections():
    from education.content import split_first_section

    body = "<h2>Key points</h2><ul><li>One</li></ul><h2>What is it?</h2><p>Text.</p><h2>More</h2>"
    assert split_first_section(body) == ("<h2>Key points</h2><ul><li>One</li></ul>", body[40:])
    assert split_first_section("<p>No heading first.</p><h2>Later</h2>") == (
        "",
        "<p>No heading first.</p><h2>Later</h2>",
    )
    assert split_first_section("<h2>Only one</h2><p>Text.</p>") == ("", "<h2>Only one</h2><p>Text.</p>")
    nested = "<h2>A</h2><ul><li><h2>In a list</h2></li></ul><h2>B</h2><p>b</p>"
    assert split_first_section(nested) == ("<h2>A</h2><ul><li><h2>In a list</h2></li></ul>", "<h2>B</h2><p>b</p>")


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_in_large_print_no_text_is_under_16_points_footer_included(editor, approver, demo_clinic, paper):
    """RNIB: at least 16 pt for everything, the running header, the footer, references and QR caption too."""
    title = "Grain de milium infecté : signes d'alerte"
    version = factories.make_published(author=editor, approver=approver, language="fr", title=title, help_signs=SIGNS)
    data = pdf.render_handout(
        versions=[version], clinic=demo_clinic, options=pdf.HandoutOptions(paper=paper, large_print=True)
    )
    pages = page_texts(data)
    assert len(pages) >= 2
    for number in range(len(pages)):
        sizes = text_sizes(data, page=number)
        assert sizes
        small = [(text, size) for text, size in sizes if size < 16]
        assert not small, f"page {number + 1}: {small[:5]}"
        assert f"Page {number + 1} sur {len(pages)}" in " ".join(pages[number].split())


def test_a_step_list_never_leaves_its_first_or_last_step_alone_on_a_page(editor, approver, clinic):
    """Lists at every height on the page: the first two and the last two items stay on one page, and a heading
    stays with its list."""
    lists = range(1, 25)
    body = "".join(
        "<p>One more line of text.</p>" * (n % 3)
        + f"<h2>Heading {n:02d}</h2><ol>"
        + "".join(f"<li>list {n:02d} step {step}</li>" for step in range(1, 6))
        + "</ol>"
        for n in lists
    )
    version = factories.make_published(author=editor, approver=approver, body=body, help_signs=SIGNS)
    data = pdf.render_handout(versions=[version], clinic=clinic, options=pdf.HandoutOptions())
    assert len(page_texts(data)) >= 5
    for n in lists:
        where = first_pages(data, [f"Heading {n:02d}", *(f"list {n:02d} step {step}" for step in range(1, 6))])
        heading, first, second, *_middle, fourth, fifth = where.values()
        assert heading == first == second, (n, where)
        assert fourth == fifth, (n, where)


class _Ancestry(HTMLParser):
    """The classes of every element around a piece of text in the handout's HTML."""

    VOID = {"br", "img", "meta", "link", "hr", "input"}

    def __init__(self, text):
        super().__init__()
        self.text, self.stack, self.found = text, [], None

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(dict(attrs).get("class") or "")

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if self.found is None and self.text in data:
            self.found = [name for classes in self.stack for name in classes.split()]


def classes_around(html: str, text: str) -> list[str]:
    parser = _Ancestry(text)
    parser.feed(html)
    assert parser.found is not None, f"{text!r} is not in the handout"
    return parser.found


def test_the_clinics_urgent_care_advice_is_beside_the_cards_not_inside_one(leaflet_version, clinic):
    html = pdf.handout_html(versions=[leaflet_version], clinic=clinic, options=pdf.HandoutOptions())
    around = classes_around(html, clinic.urgent_care_advice)
    assert "get-help" in around and "clinic-contact" in around
    assert "care-card" not in around
    # The clinic's phone is printed once beside the cards, not again in each card.
    block = html[html.index('<section class="get-help"') : html.index('<section class="body"')]
    assert block.count(clinic.phone) == 1
    assert "clinic-contact" in classes_around(block, clinic.phone)


def test_links_in_the_body_print_their_address_on_paper(editor, approver, clinic):
    version = factories.make_published(
        author=editor,
        approver=approver,
        body='<h2>More help</h2><p>Read the <a href="https://www.nhs.uk/conditions/milia/">NHS page on milia</a>.</p>',
    )
    text = " ".join(whole_text(render(version, clinic)).split())
    assert "Read the NHS page on milia (www.nhs.uk/conditions/milia)." in text
