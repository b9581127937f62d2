"""Reads that decide something: what a new draft starts from."""

import pytest

from education import selectors, services
from education.models import LeafletVersion
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_first_draft_of_a_leaflet_copies_nothing_and_translates_nothing(leaflet):
    assert selectors.draft_sources(leaflet=leaflet, language="en") == (None, None)


def test_a_first_translation_of_an_unpublished_leaflet_has_nothing_to_translate(draft):
    assert selectors.draft_sources(leaflet=draft.leaflet, language="fr") == (None, None)


def test_a_new_draft_copies_the_published_version(published):
    assert selectors.draft_sources(leaflet=published.leaflet, language="en") == (published, None)


def test_a_new_draft_copies_the_latest_version_even_when_it_is_still_open(published, editor):
    second = services.version_create_draft(leaflet=published.leaflet, user=editor, based_on=published)
    assert selectors.draft_sources(leaflet=published.leaflet, language="en") == (second, None)


def test_a_discarded_latest_version_is_skipped_for_the_one_before_it(published, editor):
    second = services.version_create_draft(leaflet=published.leaflet, user=editor, based_on=published)
    services.version_discard(version=second, user=editor)
    assert selectors.draft_sources(leaflet=published.leaflet, language="en") == (published, None)


def test_a_leaflet_whose_only_version_was_discarded_starts_empty(draft, editor):
    services.version_discard(version=draft, user=editor)
    assert selectors.draft_sources(leaflet=draft.leaflet, language="en") == (None, None)


def test_a_first_translation_translates_the_published_source_and_copies_nothing(published):
    assert selectors.draft_sources(leaflet=published.leaflet, language="fr") == (None, published)


def test_a_draft_never_copies_by_default_a_version_in_another_language(leaflet, editor):
    factories.make_draft(leaflet=leaflet, author=editor, language="fr")
    assert selectors.draft_sources(leaflet=leaflet, language="en") == (None, None)


def test_a_copy_of_a_translation_translates_what_that_one_did(published, editor, approver):
    """Even once the source has moved on: the new draft is then flagged out of date, not silently re-pointed."""
    french = services.version_create_draft(
        leaflet=published.leaflet, user=editor, language="fr", translation_of=published
    )
    english_v2 = services.version_create_draft(leaflet=published.leaflet, user=editor, based_on=published)
    english_v2 = factories.edit(english_v2, user=editor, title="Milia, updated")
    services.version_submit(version=english_v2, user=editor)
    services.version_approve_and_publish(
        version=english_v2, content_hash=factories.shown_hash(english_v2), attested=True, user=approver
    )

    assert selectors.draft_sources(leaflet=published.leaflet, language="fr") == (french, published)


def test_the_version_asked_for_is_copied_whatever_the_latest(published, editor):
    second = services.version_create_draft(leaflet=published.leaflet, user=editor, based_on=published)
    assert selectors.draft_sources(leaflet=published.leaflet, language="en", based_on_id=published.pk) == (
        published,
        None,
    )
    assert selectors.draft_sources(leaflet=published.leaflet, language="en", based_on_id=second.pk)[0] == second


def test_a_version_of_another_leaflet_cannot_be_asked_for(published, editor):
    stranger = factories.make_draft(author=editor, title="Another leaflet")
    with pytest.raises(LeafletVersion.DoesNotExist):
        selectors.draft_sources(leaflet=published.leaflet, language="en", based_on_id=stranger.pk)
