"""Public pages show only published content (and retired versions by exact number)."""

import pytest

from education import services
from education.models import LeafletVersion
from tests import factories
from tests.figures_support import add_figure

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
    services.version_approve_and_publish(
        version=second, content_hash=factories.shown_hash(second), attested=True, user=other_approver
    )
    old = client.get("/leaflets/milia-test/v1/")
    assert old.status_code == 200
    text = old.content.decode()
    assert "A newer version of this leaflet is available." in text
    assert 'href="/leaflets/milia-test/v2/?lang=en"' in text
    assert "Milia: version two" in client.get("/leaflets/milia-test/").content.decode()


def test_a_withdrawn_leaflet_says_so_instead_of_a_bare_404(client, published, approver):
    services.leaflet_withdraw(leaflet=published.leaflet, user=approver, reason="Outdated")
    response = client.get("/leaflets/milia-test/")
    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()
    old = client.get("/leaflets/milia-test/v1/")
    assert old.status_code == 410
    text = old.content.decode()
    assert "This leaflet was withdrawn by" in text and "Do not follow its advice." in text
    assert published.summary not in text and published.title not in text


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


def test_body_html_is_sanitised_again_on_the_way_out(client, leaflet, editor, approver):
    """Even HTML that reached the database without the sanitiser (here a raw update of a draft) is cleaned."""
    draft = factories.make_draft(leaflet=leaflet, author=editor)
    LeafletVersion.objects.filter(pk=draft.pk).update(
        body='<h2>Care</h2><script>alert("x")</script><p onclick="steal()">Keep clean.</p><img src="http://127.0.0.1:9/x">'
    )
    services.version_submit(version=draft, user=editor)
    services.version_approve_and_publish(
        version=draft, content_hash=factories.shown_hash(draft), attested=True, user=approver
    )
    text = client.get("/leaflets/milia-test/").content.decode()
    assert "<h2>Care</h2>" in text and "<p>Keep clean.</p>" in text
    assert "alert(" not in text and "steal()" not in text and "127.0.0.1:9" not in text
    assert text.count("<script") == 1  # only our own deferred enhancement script


@pytest.fixture
def published_with_figure(leaflet, editor, approver):
    draft = factories.make_draft(leaflet=leaflet, author=editor, title="Milia: small white bumps")
    add_figure(draft, user=editor, caption="Where they appear.")
    services.version_submit(version=draft, user=editor)
    return services.version_approve_and_publish(
        version=draft, content_hash=factories.shown_hash(draft), attested=True, user=approver
    )


def test_patient_pages_use_few_queries(client, published_with_figure, django_assert_max_num_queries):
    """Pages with a figure (clinic, version, signs, figures), the index and a search: at most 4 each."""
    for address in ["/leaflets/milia-test/", "/leaflets/milia-test/v1/", "/leaflets/", "/leaflets/?q=milia"]:
        with django_assert_max_num_queries(4):
            response = client.get(address)
        assert response.status_code == 200
    page = client.get("/leaflets/milia-test/v1/").content.decode()
    assert 'alt="Where milia appear on the face."' in page and "Milia: small white bumps" in page


def test_a_retired_version_links_to_the_newer_one_in_few_queries(
    client, published_with_figure, editor, other_approver, django_assert_max_num_queries
):
    factories.supersede(published_with_figure, editor=editor, approver=other_approver, title="Milia, newer")
    with django_assert_max_num_queries(4):
        old = client.get("/leaflets/milia-test/v1/")
    text = old.content.decode()
    assert old.status_code == 200 and "/leaflets/milia-test/v2/?lang=en" in text
    assert "/leaflets/milia-test/v1/?lang=en" not in client.get("/leaflets/milia-test/v2/").content.decode()


def test_the_page_language_is_the_versions_language(client, published):
    assert '<html lang="en">' in client.get("/leaflets/milia-test/").content.decode()


@pytest.fixture
def clinics(db):
    from clinic.models import Clinic

    return (
        Clinic.objects.create(name="Riverside Skin Clinic", slug="riverside", is_default=True, phone="01632 960 000"),
        Clinic.objects.create(name="Hillside Dermatology", slug="hillside", phone="01632 960 999"),
    )


def test_pages_carry_the_named_clinic_else_the_default(client, published, clinics):
    assert "Riverside Skin Clinic" in client.get("/leaflets/milia-test/").content.decode()
    named = client.get("/leaflets/milia-test/?clinic=hillside").content.decode()
    assert "Hillside Dermatology" in named and "01632 960 999" in named
    assert "/leaflets/milia-test/handout.pdf?lang=en&amp;clinic=hillside" in named  # links keep the clinic
    assert "Riverside Skin Clinic" in client.get("/leaflets/milia-test/?clinic=nowhere").content.decode()


@pytest.mark.parametrize("query", ["?clinic=%3Cscript%3E", "?clinic=" + "a" * 200, "?q=" + "x" * 101])
def test_malformed_query_parameters_are_a_clean_400(client, published, clinics, query):
    assert client.get("/leaflets/" + query).status_code == 400
    if query.startswith("?clinic"):
        assert client.get("/leaflets/milia-test/" + query).status_code == 400


def test_index_search_and_topics(client, published, editor, approver):
    other = factories.make_leaflet(user=editor, slug="hair-loss", name="Hair loss")
    other.topic = "Hair"
    other.save()
    factories.make_published(author=editor, approver=approver, leaflet=other, title="Hair loss: what to expect")
    everything = client.get("/leaflets/").content.decode()
    assert "Hair loss: what to expect" in everything and "Milia: small white bumps" in everything
    assert 'href="?topic=Hair"' in everything
    searched = client.get("/leaflets/?q=milia").content.decode()
    assert "Milia: small white bumps" in searched and "Hair loss" not in searched
    by_topic = client.get("/leaflets/?topic=Hair").content.decode()
    assert "Hair loss: what to expect" in by_topic and "Milia: small white bumps" not in by_topic
    assert "No leaflets match your search." in client.get("/leaflets/?q=zzzz").content.decode()


def test_a_leaflet_page_is_light(client, published, clinics):
    """HTML, CSS and fonts together stay under 100 kB (the page uses system fonts and one small script)."""
    import re

    from django.contrib.staticfiles import finders

    html = client.get("/leaflets/milia-test/").content
    assets = re.findall(rb'(?:href|src)="/static/([^"]+)"', html)
    assert {asset.decode() for asset in assets} == {"css/screen.css", "js/enhance.js"}
    from pathlib import Path

    total = len(html) + sum(Path(finders.find(asset.decode())).stat().st_size for asset in assets)
    assert total < 100_000, total
    assert b"http://" not in html.replace(b"http://testserver", b"") and b"https://" not in html


def test_the_leaflet_page_has_landmarks_one_h1_and_help_before_the_body(client, published):
    text = client.get("/leaflets/milia-test/").content.decode()
    assert text.count("<h1") == 1
    for landmark in ("<header", "<main", "<footer", "<nav"):
        assert landmark in text
    assert text.index("When to get help") < text.index("What is this?")
    assert text.index("A short summary") < text.index("When to get help")
