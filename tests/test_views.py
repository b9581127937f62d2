"""Public pages show only published content (and retired versions by exact number)."""

import pytest

from education import services
from education.models import LeafletVersion
from tests import factories

pytestmark = pytest.mark.django_db


def test_index_lists_only_published_leaflets(client, published, editor):
    factories.make_draft(author=editor, title="Secret draft title")
    response = client.get("/leaflets/")
    assert response.status_code == 200
    assert "Milia: small white bumps" in response.content.decode()
    assert "Secret draft title" not in response.content.decode()


def test_root_redirects_to_the_index(client):
    assert client.get("/").headers["Location"] == "/leaflets/"


def test_current_page_shows_the_published_version_and_its_review_dates(client, published):
    body = client.get("/leaflets/milia-test/").content.decode()
    assert "Milia: small white bumps" in body
    assert "Version 1" in body
    assert "Next review due" in body
    assert "When to get help" in body
    assert "The spot becomes red and sore." in body


def test_current_page_never_shows_the_open_draft(client, published, editor):
    draft = services.version_create_draft(leaflet=published.leaflet, user=editor, based_on=published)
    factories.edit(draft, user=editor, title="Unreviewed new title")
    body = client.get("/leaflets/milia-test/").content.decode()
    assert "Unreviewed new title" not in body
    assert client.get("/leaflets/milia-test/v2/").status_code == 404


@pytest.mark.parametrize("fixture", ["draft", "in_review"])
def test_unpublished_leaflets_are_not_found(client, request, fixture):
    request.getfixturevalue(fixture)
    assert client.get("/leaflets/milia-test/").status_code == 404
    assert client.get("/leaflets/milia-test/v1/").status_code == 404


def test_a_retired_version_says_a_newer_one_exists(client, published, editor, other_approver):
    second = services.version_create_draft(leaflet=published.leaflet, user=editor, based_on=published)
    factories.edit(second, user=editor, title="Milia: version two")
    services.version_submit(version=second, user=editor)
    services.version_approve_and_publish(version=second, user=other_approver)
    old = client.get("/leaflets/milia-test/v1/")
    assert old.status_code == 200
    text = old.content.decode()
    assert "A newer version of this leaflet is available." in text
    assert 'href="/leaflets/milia-test/v2/"' in text
    assert "Milia: version two" in client.get("/leaflets/milia-test/").content.decode()


def test_a_withdrawn_leaflet_says_so_instead_of_a_bare_404(client, published, approver):
    services.leaflet_retire(leaflet=published.leaflet, user=approver, comment="Outdated")
    response = client.get("/leaflets/milia-test/")
    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()
    old = client.get("/leaflets/milia-test/v1/").content.decode()
    assert "This version has been withdrawn" in old


@pytest.mark.parametrize(
    "url",
    [
        "/leaflets/no-such-leaflet/",
        "/leaflets/milia-test/v0/",
        "/leaflets/milia-test/v99/",
        "/leaflets/milia-test/v99999999999999999999999/",
        "/leaflets/milia-test/vabc/",
        "/leaflets/milia-test/v-1/",
        "/leaflets/%00/",
        "/leaflets/milia-test/v1/extra/",
    ],
)
def test_bad_addresses_answer_404_not_500(client, published, url):
    assert client.get(url).status_code == 404


def test_discarded_versions_are_never_public(client, published, editor):
    draft = services.version_create_draft(leaflet=published.leaflet, user=editor, based_on=published)
    services.version_discard(version=draft, user=editor)
    assert LeafletVersion.objects.get(pk=draft.pk).status == "discarded"
    assert client.get("/leaflets/milia-test/v2/").status_code == 404


def test_body_html_is_sanitised_on_the_way_out(client, published):
    text = client.get("/leaflets/milia-test/").content.decode()
    assert "<script" not in text
    assert "<h2>What is this?</h2>" in text


def test_patient_pages_use_few_queries(client, published, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        client.get("/leaflets/milia-test/")
    with django_assert_max_num_queries(4):
        client.get("/leaflets/milia-test/v1/")
    with django_assert_max_num_queries(2):
        client.get("/leaflets/")


def test_the_page_language_is_the_versions_language(client, published):
    assert '<html lang="en">' in client.get("/leaflets/milia-test/").content.decode()
