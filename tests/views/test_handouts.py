"""Where handouts come from: the public handout address, the staff handout page and the admin's print links.

Every handout that leaves is recorded (versions, clinic, channel, options, who if staff), never with anything
about the patient and never with the note. Bad input gets a clear 4xx, never a 500.
"""

import json
import logging
import re

import pytest
from django.urls import reverse

from clinic.models import Clinic
from education import pdf, services
from education.models import Handout, LeafletVersion
from education.pdf import render as pdf_render
from tests import factories
from tests.pdf_checks import Collect, page_sizes, whole_text

pytestmark = pytest.mark.django_db
HANDOUT_URL = "/leaflets/milia-test/handout.pdf"
STAFF_URL = "/staff/handout/"
NOTE = "Mrs Example: cream twice a day, back on Tuesday 3 March."


@pytest.fixture(autouse=True)
def weasyprint_stays_quiet():
    collector = Collect(logging.WARNING)
    logging.getLogger("weasyprint").addHandler(collector)
    yield
    logging.getLogger("weasyprint").removeHandler(collector)
    assert not collector.messages, f"WeasyPrint logged: {collector.messages}"


@pytest.fixture
def clinic():
    return Clinic.objects.create(name="Riverside Skin Clinic", slug="riverside", phone="01632 960 000", is_default=True)


@pytest.fixture
def other_clinic():
    return Clinic.objects.create(name="Hillside Dermatology", slug="hillside", phone="01632 960 111")


def only_handout() -> Handout:
    assert Handout.objects.count() == 1
    return Handout.objects.select_related("clinic", "created_by").get()


def assert_is_pdf(response, status=200):
    assert response.status_code == status
    assert response["Content-Type"] == "application/pdf"
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body.startswith(b"%PDF-") and body.rstrip().endswith(b"%%EOF")
    return body


# --- the public handout address ---------------------------------------------------------------------------


def test_the_public_handout_is_the_published_version_and_downloads_write_nothing(client, published, clinic):
    body = assert_is_pdf(client.get(HANDOUT_URL))
    assert "Milia: small white bumps" in whole_text(body)
    assert "Riverside Skin Clinic" in whole_text(body)
    assert 'filename="milia-test-v1-en.pdf"' in client.get(HANDOUT_URL)["Content-Disposition"]
    assert not Handout.objects.exists()  # an anonymous address never writes a row per request


def test_options_choose_the_clinic_paper_and_large_print(client, published, clinic, other_clinic):
    body = assert_is_pdf(client.get(HANDOUT_URL, {"clinic": "hillside", "paper": "letter", "large": "1"}))
    assert "Hillside Dermatology" in whole_text(body)
    assert set(page_sizes(body)) == {(612, 792)}


def test_a_head_request_answers_without_a_body(client, published, clinic):
    response = client.head(HANDOUT_URL)
    assert response.status_code == 200 and response.content == b""


def test_a_share_link_prints_its_pinned_version_for_its_clinic(client, published, clinic, other_clinic, editor):
    link, token = services.share_link_create(version=published, clinic=other_clinic, user=editor)
    response = client.get(f"/s/{token}/handout.pdf", {"large": "1"})
    body = assert_is_pdf(response)
    assert "Hillside Dermatology" in whole_text(body) and "Milia: small white bumps" in whole_text(body)
    assert "no-store" in response["Cache-Control"] and response["Referrer-Policy"] == "no-referrer"
    services.share_link_revoke(link=link, user=editor)
    assert client.get(f"/s/{token}/handout.pdf").status_code == 404
    assert client.get("/s/not-a-token/handout.pdf").status_code == 404
    unknown = client.get(f"/s/{token[:-2]}xx/handout.pdf")
    share_page_404 = client.get("/s/" + "Z" * 32 + "/")

    def without_nonce(body: bytes) -> bytes:
        return re.sub(rb'nonce="[^"]*"', b"", body)

    assert unknown.status_code == 404 and without_nonce(unknown.content) == without_nonce(share_page_404.content)


@pytest.mark.parametrize(
    "query",
    [
        "paper=a5",
        "paper=A4%00",
        "large=2",
        "large=yes",
        "clinic=nowhere",
        "clinic=bad%20slug!",
        "clinic=" + "x" * 200,
        "note=Call+0900+123+456+now",
        "paper=a4&paper=letter",
    ],
)
def test_bad_options_are_a_clear_400_and_nothing_is_recorded(client, published, clinic, query):
    response = client.get(f"{HANDOUT_URL}?{query}")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "We could not make this handout" in response.content.decode()
    assert not Handout.objects.exists()


def test_unknown_and_unpublished_leaflets_have_no_handout(client, published, editor, approver, clinic):
    assert client.get("/leaflets/no-such-leaflet/handout.pdf").status_code == 404
    factories.make_draft(author=editor, leaflet=factories.make_leaflet(user=editor, slug="only-a-draft"))
    assert client.get("/leaflets/only-a-draft/handout.pdf").status_code == 404
    factories.make_in_review(author=editor, leaflet=factories.make_leaflet(user=editor, slug="in-review"))
    assert client.get("/leaflets/in-review/handout.pdf").status_code == 404
    services.leaflet_withdraw(leaflet=published.leaflet, user=approver, reason="Withdrawn.")
    assert client.get(HANDOUT_URL).status_code == 410
    assert client.post(HANDOUT_URL).status_code == 405
    assert not Handout.objects.exists()


def test_the_public_handout_never_shows_the_open_draft(client, published, editor, clinic):
    draft = services.version_create_draft(leaflet=published.leaflet, user=editor, based_on=published)
    factories.edit(draft, user=editor, title="Unreviewed new title")
    text = whole_text(assert_is_pdf(client.get(HANDOUT_URL)))
    assert "Unreviewed new title" not in text
    assert "DRAFT" not in text


def test_a_render_failure_is_an_error_page_not_a_broken_file(client, published, clinic, monkeypatch):
    def broken(html):
        raise pdf.HandoutError("WeasyPrint failed: OSError")

    monkeypatch.setattr(pdf_render, "html_to_pdf", broken)
    response = client.get(HANDOUT_URL)
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert "could not be made" in response.content.decode()
    assert not Handout.objects.exists()


# --- the staff handout page -------------------------------------------------------------------------------


def test_the_staff_page_is_for_staff_with_the_right_to_print(client, published):
    response = client.get(STAFF_URL)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    client.force_login(factories.make_user("no-role"))
    assert client.get(STAFF_URL).status_code == 403
    assert client.post(STAFF_URL, {"versions": [published.pk]}).status_code == 403
    assert not Handout.objects.exists()


def test_the_staff_page_offers_published_versions_only(client, published, editor):
    draft = factories.make_draft(author=editor, title="Secret draft title")
    client.force_login(editor)
    response = client.get(STAFF_URL, {"version": published.pk})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Milia: small white bumps" in page
    assert "Secret draft title" not in page
    assert re.search(rf'<input[^>]*value="{published.pk}"[^>]*checked', page)  # chosen in advance
    response = client.post(STAFF_URL, {"versions": [draft.pk], "paper": "a4", "clinic": ""})
    assert response.status_code == 400
    assert not Handout.objects.exists()


def test_staff_print_a_handout_with_a_note_that_is_printed_but_never_stored(client, published, editor, clinic, caplog):
    caplog.set_level(logging.DEBUG)
    client.force_login(editor)
    response = client.post(
        STAFF_URL,
        {"versions": [published.pk], "clinic": clinic.pk, "paper": "a4", "large_print": "on", "note": NOTE},
    )
    body = assert_is_pdf(response)
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    assert NOTE in whole_text(body)
    handout = only_handout()
    assert (handout.channel, handout.created_by, handout.clinic) == ("print", editor, clinic)
    assert handout.options == {"paper": "a4", "large_print": True, "with_note": True}
    # The note is nowhere: not in any record, not in storage, not in the logs.
    assert "Mrs Example" not in json.dumps(list(Handout.objects.values()), default=str)
    assert "Mrs Example" not in caplog.text
    from django.core.files.storage import default_storage

    assert not default_storage.exists(pdf.CACHE_DIR)


def test_staff_print_several_leaflets_in_one_handout(client, published, editor, approver, clinic):
    other = factories.make_published(author=editor, approver=approver, title="Caring for your skin afterwards")
    client.force_login(approver)
    response = client.post(STAFF_URL, {"versions": [published.pk, other.pk], "clinic": clinic.pk, "paper": "letter"})
    body = assert_is_pdf(response)
    assert "Caring for your skin afterwards" in whole_text(body)
    handout = only_handout()
    assert set(handout.versions.all()) == {published, other}
    assert handout.created_by == approver


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"note": "x" * 501}, "at most 500 characters"),
        ({"paper": "a5"}, "Select a valid choice"),
        ({"versions": []}, "Choose at least one leaflet"),
        ({"versions": ["not-a-number"]}, "valid value"),
        ({"clinic": "999999"}, "Select a valid choice"),
    ],
)
def test_staff_bad_input_is_a_clear_400_and_nothing_is_recorded(client, published, editor, clinic, change, message):
    client.force_login(editor)
    data = {"versions": [published.pk], "clinic": clinic.pk, "paper": "a4", **change}
    response = client.post(STAFF_URL, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Handout.objects.exists()


def test_staff_cannot_put_more_than_five_leaflets_in_one_handout(client, editor, approver, clinic):
    versions = [factories.make_published(author=editor, approver=approver) for _ in range(pdf.MAX_VERSIONS + 1)]
    client.force_login(editor)
    response = client.post(STAFF_URL, {"versions": [v.pk for v in versions], "clinic": clinic.pk, "paper": "a4"})
    assert response.status_code == 400
    assert "Choose at most 5 leaflets" in response.content.decode()
    assert not Handout.objects.exists()


# --- the admin ----------------------------------------------------------------------------------------------


def version_pdf_url(version: LeafletVersion) -> str:
    return reverse("admin:education_handout_version_pdf", args=[version.pk])


def test_staff_print_a_draft_with_a_watermark_and_it_is_not_recorded(client, draft, editor, clinic):
    assert client.get(version_pdf_url(draft)).status_code == 302  # anonymous: to the login page
    client.force_login(editor)
    response = client.get(version_pdf_url(draft))
    body = assert_is_pdf(response)
    assert "DRAFT - not for patients" in whole_text(body)
    assert "no-store" in response["Cache-Control"]
    assert not Handout.objects.exists()
    assert client.get(version_pdf_url(draft), {"paper": "a5"}).status_code == 302  # back, with a message


def test_a_discarded_version_is_not_printed(client, draft, editor):
    services.version_discard(version=draft, user=editor)
    client.force_login(editor)
    assert client.get(version_pdf_url(draft)).status_code == 404


def test_the_admin_links_to_print_handouts_and_counts_how_often_a_version_was_handed_out(
    client, published, editor, clinic
):
    services.handout_record(versions=[published], channel="print", clinic=clinic, user=editor)
    services.handout_record(versions=[published], channel="qr", clinic=clinic, user=editor)
    client.force_login(editor)
    page = client.get(reverse("admin:education_leafletversion_change", args=[published.pk])).content.decode()
    assert f"{STAFF_URL}?version={published.pk}" in page
    assert f"?versions__id__exact={published.pk}" in page
    listing = client.get(reverse("admin:education_leafletversion_changelist")).content.decode()
    assert f'?versions__id__exact={published.pk}">2</a>' in listing
    page = client.get(reverse("admin:education_leaflet_change", args=[published.leaflet_id])).content.decode()
    assert f"{STAFF_URL}?leaflet={published.leaflet_id}" in page
    draft = services.version_create_draft(leaflet=published.leaflet, user=editor, based_on=published)
    page = client.get(reverse("admin:education_leafletversion_change", args=[draft.pk])).content.decode()
    assert version_pdf_url(draft) in page


def test_handout_records_are_listed_read_only(client, published, editor, clinic):
    services.handout_record(
        versions=[published], channel="print", clinic=clinic, user=editor, options={"paper": "a4", "with_note": True}
    )
    client.force_login(editor)
    listing = client.get(reverse("admin:education_handout_changelist"), {"versions__id__exact": published.pk})
    assert listing.status_code == 200
    page = listing.content.decode()
    assert "Milia: small white bumps (v1, en)" in page
    assert "with a note (not kept)" in page
    handout = only_handout()
    detail = client.get(reverse("admin:education_handout_change", args=[handout.pk]))
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()
    assert client.get(reverse("admin:education_handout_add")).status_code == 403
    assert client.post(reverse("admin:education_handout_delete", args=[handout.pk]), {"post": "yes"}).status_code == 403
    assert Handout.objects.count() == 1


def test_opening_a_published_versions_staff_pdf_records_nothing(client, published, editor, clinic):
    """A plain GET (a reload, a prefetch, a link on another site) never writes a handout record: staff who give
    a patient the published version print it from the staff handout page, a POST, which records it."""
    client.force_login(editor)
    for _reload in range(3):
        assert client.get(version_pdf_url(published)).status_code == 200
    assert client.get(version_pdf_url(published), HTTP_SEC_FETCH_SITE="cross-site").status_code == 200
    assert not Handout.objects.exists()
