"""The share form opened from a leaflet or version that cannot be shared says why, and the "Link ready" page
has a patient slip that prints nothing about staff (education/views/staff.py, share_done.html, staff.css)."""

import re

import pytest

from clinic.models import Clinic
from education import services
from tests import factories

SHARE_URL = "/staff/share/"


@pytest.fixture
def clinic():
    return Clinic.objects.create(name="Riverside Skin Clinic", slug="riverside", is_default=True, phone="01632 960 000")


def _warning(response) -> str:
    found = re.findall(r'<div class="alert alert-warning" role="alert">(.*?)</div>', response.content.decode(), re.S)
    return " ".join(found)


def _selected(response) -> list[str]:
    select = re.search(r'<select name="version".*?</select>', response.content.decode(), re.S).group(0)
    return re.findall(r'<option value="([^"]*)" selected>', select)


def test_a_withdrawn_version_says_it_was_withdrawn(client, published, clinic, editor, approver):
    services.version_withdraw(version=published, user=approver, reason="Wrong dose.")
    client.force_login(editor)
    for query in ({"version": published.pk}, {"leaflet": published.leaflet_id}):
        response = client.get(SHARE_URL, query)
        assert response.status_code == 200
        assert "withdrawn from patients, so it cannot be shared" in _warning(response)
        assert _selected(response) == [""]


def test_a_retired_version_names_the_version_that_replaced_it(client, published, clinic, editor, approver):
    newer = factories.supersede(published, editor=editor, approver=approver)
    client.force_login(editor)
    response = client.get(SHARE_URL, {"version": published.pk})
    message = _warning(response)
    assert f"version {newer.number} replaced it" in message.replace("\n", " ")
    assert _selected(response) == [""]  # never silently another version


def test_a_draft_says_it_is_not_approved_yet(client, draft, clinic, editor):
    client.force_login(editor)
    assert "is not published yet (Draft)" in _warning(client.get(SHARE_URL, {"version": draft.pk}))


def test_a_leaflet_with_no_approved_version_says_so(client, draft, clinic, editor):
    client.force_login(editor)
    response = client.get(SHARE_URL, {"leaflet": draft.leaflet_id})
    assert "has no approved version yet" in _warning(response)


def test_a_leaflet_with_a_published_version_chooses_it_quietly(client, published, clinic, editor):
    client.force_login(editor)
    response = client.get(SHARE_URL, {"leaflet": published.leaflet_id})
    assert _selected(response) == [str(published.pk)] and _warning(response) == ""


@pytest.mark.parametrize("value", ["abc", "0", "999999", "99999999999999999999", "-1"])
def test_a_bad_leaflet_in_the_address_is_not_an_error(client, published, clinic, editor, value):
    client.force_login(editor)
    response = client.get(SHARE_URL, {"leaflet": value})
    assert response.status_code == 200 and _selected(response) == [""]


def test_the_link_page_has_a_patient_slip_without_staff_details(client, published, clinic, editor):
    editor.first_name, editor.last_name = "Edna", "Nurse"
    editor.save()
    client.force_login(editor)
    response = client.post(
        SHARE_URL, {"version": published.pk, "clinic": clinic.pk, "channel": "qr", "expires_in": "30"}
    )
    text = response.content.decode()
    slip = re.search(r'<section class="patient-slip".*?</section>', text, re.S).group(0)
    assert "Riverside Skin Clinic" in slip and published.title in slip
    assert "<svg" in slip and response.context["url"] in slip
    assert "The link works until" in slip and "01632 960 000" in slip
    assert "Edna" not in slip and "only time the link is shown" not in slip
    # Printed, the staff parts are hidden (staff.css) and only the slip remains.
    assert 'class="staff-only"' in text and "Print the patient slip" in text
