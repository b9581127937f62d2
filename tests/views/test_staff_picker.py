"""The staff leaflet pickers (handout and share forms): a server-side filter (?q=) searching like the patients'
index, in every language, at most 30 choices listed, and choices made before filtering kept."""

import re

import pytest

from clinic.models import Clinic
from education import selectors
from tests import factories

pytestmark = pytest.mark.django_db
HANDOUT_URL = "/staff/handout/"
SHARE_URL = "/staff/share/"


@pytest.fixture
def library(editor, approver):
    def publish(slug, title, *, language="en", leaflet=None, **changes):
        leaflet = leaflet or factories.make_leaflet(user=editor, slug=slug, name=title)
        return factories.make_published(
            author=editor, approver=approver, leaflet=leaflet, language=language, title=title, **changes
        )

    return publish


@pytest.fixture
def clinic():
    return Clinic.objects.create(name="Riverside Skin Clinic", slug="riverside", is_default=True)


def test_the_handout_picker_filters_on_the_server_in_every_language(client, library, approver, clinic):
    milia = library("milia", "Milia", body="<p>An infection can follow.</p>")
    library("milia", "Milium infecté", language="fr", leaflet=milia.leaflet, body="<p>Une rougeur.</p>")
    library("acne", "Acne", body="<p>Red spots.</p>")
    client.force_login(approver)
    everything = client.get(HANDOUT_URL).content.decode()
    assert "Acne" in everything and "Milia" in everything and "3 published versions." in everything
    text = client.get(HANDOUT_URL, {"q": "infection"}).content.decode()
    assert "Acne (v" not in text and "Milia (v1" in text and "Milium infecté (v1" in text
    assert "2 published versions match “infection”." in text
    assert 'name="q" value="infection"' in text


def test_a_leaflet_chosen_before_filtering_stays_chosen_and_valid(client, library, approver, clinic):
    acne = library("acne", "Acne")
    library("rosacea", "Rosacea")
    client.force_login(approver)
    text = client.get(HANDOUT_URL, {"version": acne.pk, "q": "rosacea"}).content.decode()
    assert re.search(rf'value="{acne.pk}"[^>]*checked', text) and "Rosacea (v1" in text
    assert f'name="version" value="{acne.pk}"' in text  # the filter keeps the choice
    response = client.post(f"{HANDOUT_URL}?q=rosacea", {"versions": [acne.pk], "clinic": clinic.pk, "paper": "a4"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_the_picker_lists_a_limited_number(client, library, approver, clinic, settings):
    for number in range(selectors.STAFF_PICKER_LIMIT + 3):
        library(f"rash-{number:02d}", f"Rash {number:02d}")
    client.force_login(approver)
    limit = selectors.STAFF_PICKER_LIMIT
    text = client.get(SHARE_URL).content.decode()
    assert f"{limit + 3} published versions." in text and f"The first {limit} are listed" in text
    assert f"Rash {limit - 1:02d} (v1" in text and f"Rash {limit:02d} (v1" not in text
    assert f"Rash {limit + 2:02d} (v1" in client.get(SHARE_URL, {"q": f"rash {limit + 2:02d}"}).content.decode()


def test_the_share_picker_searches_and_still_accepts_a_version_not_listed(client, library, approver, clinic):
    acne = library("acne", "Acne")
    library("rosacea", "Rosacea")
    client.force_login(approver)
    text = client.get(SHARE_URL, {"q": "rosacea"}).content.decode()
    assert "Rosacea (v1" in text and "Acne (v1" not in text
    data = {"version": acne.pk, "clinic": clinic.pk, "channel": "link", "expires_in": "30"}
    assert client.post(f"{SHARE_URL}?q=rosacea", data).status_code == 200


@pytest.mark.parametrize("q", ["x" * 500, '"', "NEAR(", "🙂", "%00", "' OR 1=1 --"])
def test_odd_filters_never_fail(client, library, approver, clinic, q):
    library("acne", "Acne")
    client.force_login(approver)
    assert client.get(HANDOUT_URL, {"q": q}).status_code == 200
    assert client.get(SHARE_URL, {"q": q}).status_code == 200
