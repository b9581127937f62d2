"""Search in the database (education/search.py behind selectors.published_index_page) and the paged index.

The same tests run on SQLite (FTS5) and on PostgreSQL (full-text search) through DATABASE_URL."""

import pytest
from django.db import connection

from education import search, selectors, services
from education.models import LeafletVersion
from tests import factories

pytestmark = pytest.mark.django_db
ORDER = ["en", "fr"]


def found(text: str, *, topic: str = "", order=ORDER) -> list[str]:
    page = selectors.published_index_page(search_text=text, topic=topic, language_order=order)
    return [version.title for version in page.versions]


@pytest.fixture
def library(editor, approver):
    def publish(slug, title, *, language="en", body=None, topic="Dermatology", tags="", leaflet=None, **extra):
        if leaflet is None:
            leaflet = factories.make_leaflet(user=editor, slug=slug, name=title)
            if topic != "Dermatology" or tags:
                leaflet.topic, leaflet.tags = topic, tags
                services.leaflet_update(leaflet=leaflet, user=approver, changed=["topic", "tags"])
        changes = {"body": body} if body else {}
        return factories.make_published(
            author=editor, approver=approver, leaflet=leaflet, language=language, title=title, **changes, **extra
        )

    return publish


def test_stemming_finds_other_forms_of_a_word(library):
    library("infection", "Signs of infection", body="<p>A spot can become red.</p>")
    library("care", "Caring for a wound", body="<p>Keep the wound clean and dry.</p>")
    assert found("infected") == ["Signs of infection"]
    assert found("INFECTIONS") == ["Signs of infection"]
    assert found("wounds") == ["Caring for a wound"]


def test_accents_and_case_are_ignored_in_french(library):
    library("hopital", "Quand aller à l'hôpital", language="fr", body="<p>Une rougeur qui s'étend.</p>")
    assert found("HOPITAL", order=["fr", "en"]) == ["Quand aller à l'hôpital"]
    assert found("hôpital étend", order=["fr", "en"]) == ["Quand aller à l'hôpital"]
    assert found("Hôpital") == ["Quand aller à l'hôpital"]  # found whatever language the reader prefers


def test_every_word_must_match(library):
    library("milia", "Milia", body="<p>Small white bumps on the face.</p>")
    library("acne", "Acne", body="<p>Red bumps on the back.</p>")
    assert found("bumps") == ["Acne", "Milia"]
    assert found("white bumps") == ["Milia"]
    assert found("white back") == []


def test_title_matches_come_first(library):
    library("a-body", "About your skin", body="<p>Milia are small cysts. Milia are common. Milia heal.</p>")
    library("z-title", "Milia", body="<p>Small white bumps.</p>")
    assert found("milia") == ["Milia", "About your skin"]


def test_signs_tags_and_topic_are_searched(library):
    library("tagged", "Tagged leaflet", tags="keratin, cyst", topic="Skin")
    library("signs", "Signs leaflet", help_signs=[services.HelpSignData("emergency", "Swelling near the eye.")])
    assert found("keratin") == ["Tagged leaflet"]
    assert found("skin") == ["Tagged leaflet"]
    assert found("eye swelling") == ["Signs leaflet"]


def test_a_changed_tag_is_found_at_once(library, approver):
    version = library("retag", "Retagged")
    leaflet = version.leaflet
    leaflet.tags = "comedone"
    services.leaflet_update(leaflet=leaflet, user=approver, changed=["tags"])
    assert found("comedone") == ["Retagged"]


def test_withdrawn_and_superseded_versions_are_never_found(library, editor, approver, other_approver):
    old = library("replaced", "Old wording about warts", body="<p>Warts go away.</p>")
    factories.supersede(old, editor=editor, approver=other_approver, title="New wording", body="<p>Verrucas.</p>")
    assert found("warts") == []
    assert found("verrucas") == ["New wording"]
    gone = library("gone", "Withdrawn scabies leaflet")
    services.version_withdraw(version=gone, user=approver, reason="Wrong dose.")
    assert found("scabies") == []
    assert "Withdrawn scabies" not in str(found(""))


def test_a_stale_index_row_never_shows_an_unpublished_version(library, approver):
    """Even if the index kept a row by mistake, the read keeps only published versions."""
    gone = library("stale", "Stale rosacea leaflet")
    services.version_withdraw(version=gone, user=approver, reason="Wrong advice.")
    with connection.cursor() as cursor:  # put its row back behind the services' back
        cursor.execute(f"DELETE FROM {search.TABLE}")
    search._insert([LeafletVersion.objects.select_related("leaflet").get(pk=gone.pk)])
    assert found("rosacea") == []


def test_one_language_per_leaflet_the_best_that_matches(library):
    english = library("both", "Milia in English", body="<p>White bumps.</p>")
    library("both", "Milia en français", language="fr", leaflet=english.leaflet, body="<p>Petits kystes.</p>")
    assert found("milia") == ["Milia in English"]
    assert found("milia", order=["fr", "en"]) == ["Milia en français"]
    assert found("kystes") == ["Milia en français"]  # only the French text matches


def test_odd_searches_find_nothing_without_error(library):
    library("plain", "Plain leaflet")
    for text in ['"', "*", "NEAR(", "a OR", "NOT plain", "-", "'; DROP TABLE x; --", "🙂", "___", "(plain"]:
        assert isinstance(found(text), list)
    assert found("plain OR zebra") == []  # 'or' is a word, not an operator: every word must still match


def test_rebuild_indexes_every_published_version(library):
    library("one", "First leaflet")
    library("two", "Second leaflet")
    assert search.rebuild() == 2
    assert found("leaflet") == ["First leaflet", "Second leaflet"]


def test_the_index_pages_through_a_library(client, library, django_assert_max_num_queries):
    for number in range(45):
        library(f"leaflet-{number:02d}", f"Leaflet {number:02d}", topic="Skin" if number % 3 == 0 else "Hair")
    with django_assert_max_num_queries(4):
        first = client.get("/leaflets/")
    text = first.content.decode()
    assert "45 leaflets, page 1 of 3" in text
    assert "Leaflet 00" in text and "Leaflet 19" in text and "Leaflet 20" not in text
    assert 'rel="next"' in text and 'rel="prev"' not in text
    with django_assert_max_num_queries(4):
        last = client.get("/leaflets/?page=3&topic=Hair").content.decode()
    assert "30 leaflets, page 2 of 2" not in last and "There are no leaflets on this page." in last
    with django_assert_max_num_queries(4):
        searched = client.get("/leaflets/?q=leaflet&topic=skin&page=1").content.decode()
    assert "15 leaflets" in searched and "Leaflet 03" in searched and "Leaflet 01" not in searched
    second = client.get("/leaflets/?page=2").content.decode()
    assert "Leaflet 20" in second and "Leaflet 39" in second and "Leaflet 40" not in second
    assert 'href="?page=1"' in second and 'href="?page=3"' in second


@pytest.mark.parametrize("page", ["0", "-1", "abc", "1.5", "99999999999999999999999", "100001", "٣"])
def test_a_bad_page_number_is_a_bad_request(client, published, page):
    assert client.get("/leaflets/", {"page": page}).status_code == 400


def test_the_page_number_keeps_the_search(client, library):
    for number in range(25):
        library(f"rash-{number:02d}", f"Rash {number:02d}")
    text = client.get("/leaflets/?q=rash").content.decode()
    assert "25 leaflets, page 1 of 2" in text and 'href="?q=rash&amp;page=2"' in text


# --- the cache of result pages (ids and count, keyed by the content generation) -----------------------------------


def test_a_cached_page_is_the_same_page_without_searching_again(library, monkeypatch, django_assert_num_queries):
    for number in range(25):
        library(f"swelling-{number:02d}", f"Infected swelling {number:02d}", topic="Skin")
    first = selectors.published_index_page(search_text="infected swelling", language_order=ORDER, page=2)

    def no_search(**_kwargs):
        raise AssertionError("the page should come from the cache")

    monkeypatch.setattr(search, "search_page", no_search)
    with django_assert_num_queries(2):  # the filters and generation; the page's versions
        again = selectors.published_index_page(search_text="Infected  SWELLING", language_order=ORDER, page=2)
    assert [v.pk for v in again.versions] == [v.pk for v in first.versions]
    assert (again.total, again.number, again.pages, again.topics) == (25, 2, 2, ["Skin"])
    assert len(again.versions) == 5
    with pytest.raises(AssertionError):  # another page, topic or language order is another entry
        selectors.published_index_page(search_text="infected swelling", language_order=["fr", "en"], page=2)


def test_publishing_shows_in_a_cached_search_at_once(library, editor, other_approver):
    old = library("warts", "Warts", body="<p>Warts on the hands.</p>")
    assert found("warts") == ["Warts"]
    library("verruca", "Verrucas", body="<p>Warts on the feet.</p>")
    assert found("warts") == ["Warts", "Verrucas"]
    factories.supersede(old, editor=editor, approver=other_approver, title="Hand warts", body="<p>Warts.</p>")
    assert found("warts") == ["Hand warts", "Verrucas"]


def test_withdrawing_shows_in_a_cached_search_at_once(library, approver):
    gone = library("scabies", "Scabies")
    library("lice", "Head lice")
    assert found("") == ["Head lice", "Scabies"]
    assert found("scabies") == ["Scabies"]
    services.version_withdraw(version=gone, user=approver, reason="Wrong dose.")
    assert found("scabies") == []
    assert found("") == ["Head lice"]


def test_a_cached_page_never_shows_a_version_withdrawn_since(library, approver):
    """Even a page left in the cache under the current generation shows only versions published now."""
    gone = library("rosacea", "Rosacea")
    kept = library("milia", "Milia")
    services.version_withdraw(version=gone, user=approver, reason="Wrong advice.")
    generation = search.topics_and_languages().generation
    key = selectors._index_page_key(generation=generation, words=[], topic="", language_order=ORDER, page=1)
    from django.core.cache import cache

    cache.set(key, search.Page(ids=[gone.pk, kept.pk], total=2))
    assert found("") == ["Milia"]


def test_a_topic_change_shows_in_a_cached_filter_at_once(library, approver):
    version = library("acne", "Acne", topic="Skin")
    assert found("", topic="Skin") == ["Acne"]
    assert found("", topic="Hair") == []
    leaflet = version.leaflet
    leaflet.topic = "Hair"
    services.leaflet_update(leaflet=leaflet, user=approver, changed=["topic"])
    assert found("", topic="Skin") == []
    assert found("", topic="Hair") == ["Acne"]
    assert selectors.published_index_page(language_order=ORDER).topics == ["Hair"]


def test_the_generation_follows_the_page_cache(library):
    library("one", "One")
    assert search.topics_and_languages().generation == selectors.public_content_generation()


def test_a_shared_cache_that_is_down_only_makes_the_search_slower(library, monkeypatch, caplog):
    """The cache of result pages is an optimisation: with Redis down the index still answers, from the database."""
    from django.core.cache import caches

    library("infection", "Signs of infection")

    def down(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(caches["default"], "get", down)
    monkeypatch.setattr(caches["default"], "set", down)
    assert found("infected") == ["Signs of infection"]
    assert "Index page cache unavailable" in caplog.text
