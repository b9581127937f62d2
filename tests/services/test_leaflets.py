"""A leaflet's own details (education/services/leaflets.py): every change of what patients see is on record."""

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from education import services
from education.models import Leaflet, LeafletChange

pytestmark = pytest.mark.django_db


def test_changing_topic_and_tags_records_who_when_before_and_after(leaflet, editor):
    leaflet.topic, leaflet.tags = "Skin", "milia, spots"
    services.leaflet_update(leaflet=leaflet, user=editor, changed=["topic", "tags", "name"])
    changes = {c.field: (c.before, c.after, c.actor) for c in LeafletChange.objects.filter(leaflet=leaflet)}
    assert changes == {"topic": ("Dermatology", "Skin", editor), "tags": ("", "milia, spots", editor)}  # name: same


def test_changing_the_owner_records_usernames(leaflet, editor, approver):
    leaflet.owner = approver
    services.leaflet_update(leaflet=leaflet, user=editor, changed=["owner"])
    change = LeafletChange.objects.get(leaflet=leaflet)
    assert (change.field, change.before, change.after) == ("owner", "eddie", "claire")


def test_the_address_never_changes(leaflet, editor):
    leaflet.slug = "another-address"
    leaflet.topic = "Skin"
    with pytest.raises(services.WorkflowError, match="address never changes"):
        services.leaflet_update(leaflet=leaflet, user=editor, changed=["topic", "slug"])
    assert Leaflet.objects.get(pk=leaflet.pk).slug == "milia-test"
    assert not LeafletChange.objects.exists()


def test_the_record_of_changes_is_append_only(leaflet, editor):
    leaflet.topic = "Skin"
    services.leaflet_update(leaflet=leaflet, user=editor, changed=["topic"])
    table = LeafletChange._meta.db_table
    for statement in (f"UPDATE {table} SET after = 'Eyes'", f"DELETE FROM {table}"):
        with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert LeafletChange.objects.get().after == "Skin"


def test_a_topic_change_shows_on_the_cached_index_at_once(client, published, editor, settings):
    from django.core.cache import cache

    cache.clear()
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    found = "Milia: small white bumps"
    assert found not in client.get("/leaflets/?q=hair").content.decode()  # now in the page cache
    leaflet = published.leaflet
    leaflet.topic = "Hair"
    services.leaflet_update(leaflet=leaflet, user=editor, changed=["topic"])
    assert found in client.get("/leaflets/?q=hair").content.decode()
    cache.clear()
