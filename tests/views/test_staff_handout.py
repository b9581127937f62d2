"""The staff handout page (education/views/staff.py): the leaflets it offers and chooses in advance."""

import re

import pytest

from clinic.models import Clinic
from education import services

pytestmark = pytest.mark.django_db
STAFF_URL = "/staff/handout/"
NOT_PUBLISHED = "is not published"


@pytest.fixture
def clinic():
    return Clinic.objects.create(name="Riverside", slug="riverside", is_default=True)


def _checked(text: str) -> list[str]:
    return re.findall(r'name="versions" value="(\d+)"[^>]*checked', text)


@pytest.mark.parametrize("asked", ["abc", "999999", "99999999999999999999", "draft"])
def test_a_bad_or_stale_version_in_the_address_chooses_nothing_and_says_so(client, published, clinic, editor, asked):
    if asked == "draft":
        asked = str(services.version_create_draft(leaflet=published.leaflet, user=editor, based_on=published).pk)
    client.force_login(editor)
    response = client.get(STAFF_URL, {"version": asked})
    assert response.status_code == 200
    text = response.content.decode()
    assert NOT_PUBLISHED in text and 'role="alert"' in text
    assert f'value="{published.pk}"' in text and _checked(text) == []


def test_good_versions_in_the_address_are_chosen_and_bad_ones_are_reported(client, published, clinic, editor):
    client.force_login(editor)
    text = client.get(f"{STAFF_URL}?version={published.pk}&version=abc").content.decode()
    assert _checked(text) == [str(published.pk)] and NOT_PUBLISHED in text
    text = client.get(STAFF_URL, {"version": published.pk}).content.decode()
    assert _checked(text) == [str(published.pk)] and NOT_PUBLISHED not in text
    assert 'role="alert"' not in client.get(STAFF_URL).content.decode()


@pytest.mark.parametrize("asked", ["999999", "abc", "unpublished"])
def test_a_leaflet_in_the_address_without_a_published_version_says_so(client, published, clinic, editor, asked):
    if asked == "unpublished":
        from tests import factories

        asked = str(factories.make_draft(author=editor).leaflet_id)
    client.force_login(editor)
    text = client.get(STAFF_URL, {"leaflet": asked}).content.decode()
    assert "has no published version, so nothing from it has been chosen" in text and _checked(text) == []
    text = client.get(STAFF_URL, {"leaflet": published.leaflet_id}).content.decode()
    assert _checked(text) == [str(published.pk)] and "has no published version" not in text


def test_an_out_of_date_translation_is_marked_on_the_handout_page(
    client, published, clinic, editor, other_approver, django_assert_max_num_queries
):
    from tests import factories

    draft = services.version_create_draft(
        leaflet=published.leaflet, user=editor, language="fr", translation_of=published
    )
    factories.edit(draft, user=editor, title="Grains de milium", summary="Une fiche courte.")
    services.version_submit(version=draft, user=editor)
    services.version_approve_and_publish(
        version=draft, content_hash=factories.shown_hash(draft), attested=True, user=other_approver
    )
    client.force_login(editor)
    text = client.get(STAFF_URL).content.decode()
    assert "translation out of date" not in text  # up to date so far
    second = services.version_create_draft(leaflet=published.leaflet, user=editor, based_on=published)
    factories.edit(second, user=editor, title="Milia: second version")
    services.version_submit(version=second, user=editor)
    services.version_approve_and_publish(
        version=second, content_hash=factories.shown_hash(second), attested=True, user=factories.make_approver()
    )
    with django_assert_max_num_queries(10):  # no query per choice (one finds the choices)
        text = client.get(STAFF_URL).content.decode()
    assert re.search(r"Grains de milium \(v1, français\) — translation out of date\s*</label>", text)
    assert re.search(r"Milia: second version \(v2, English\)\s*</label>", text)
    assert text.count("translation out of date") == 1
