"""A patient answers "Was this leaflet helpful?" without JavaScript and without any cookie; the approver sees
the answer, its comment scrubbed of the phone number, on the version's admin page."""

import pytest

from education.models import LeafletVersion, PatientFeedback
from tests.browser.conftest import login
from tests.browser.test_patient_pages import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_patient_answers_without_script_or_cookie_and_the_approver_reads_it(no_js_page, page, live_server, demo):
    patient = no_js_page
    patient.goto(f"{live_server.url}/leaflets/milia-overview/")
    patient.get_by_label("No").check()
    patient.get_by_label("Anything to tell us? (optional)").fill("Too long for me. Call 020 7946 0000 please.")
    patient.get_by_role("button", name="Send").click()
    assert patient.locator("h1").inner_text() == "Thank you"
    assert patient.context.cookies() == []  # nothing was set, not even a CSRF cookie

    (row,) = PatientFeedback.objects.all()
    assert (row.helpful, row.comment) == (False, "Too long for me. Call […] please.")

    version = LeafletVersion.objects.get(leaflet__slug="milia-overview", language="en", status="published")
    login(page, live_server, "clinician")
    page.goto(f"{live_server.url}/admin/education/leafletversion/{version.pk}/change/")
    assert page.get_by_text("Helpful: 0 · Not helpful: 1").is_visible()
    assert page.get_by_text("Too long for me. Call […] please.").is_visible()


def test_the_question_is_accessible(page, live_server, demo):
    page.goto(f"{live_server.url}/leaflets/milia-overview/")
    page.locator("#feedback").scroll_into_view_if_needed()
    assert_accessible(page)


def test_a_patient_answers_on_the_link_they_were_sent(no_js_page, live_server, demo):
    """A share page sends no Referer, so the browser posts its form with Origin "null"; the answer still counts."""
    from django.contrib.auth import get_user_model

    from clinic.models import Clinic
    from education import services

    version = LeafletVersion.objects.get(leaflet__slug="milia-overview", language="en", status="published")
    editor = get_user_model().objects.get(username="editor")
    _link, token = services.share_link_create(version=version, clinic=Clinic.objects.get(is_default=True), user=editor)
    patient = no_js_page
    patient.goto(f"{live_server.url}/s/{token}/")
    patient.get_by_label("Yes").check()
    patient.get_by_role("button", name="Send").click()
    assert patient.locator("h1").inner_text() == "Thank you"
    assert patient.url == f"{live_server.url}/s/{token}/feedback/"
    (row,) = PatientFeedback.objects.all()
    assert (row.version_id, row.helpful) == (version.pk, True)
