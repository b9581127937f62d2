"""The leaflet list: review dates, overdue marks and the review filter (education/admin/leaflets.py)."""

import datetime

from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from education import selectors, services
from education.admin import LeafletAdmin
from education.models import Leaflet
from tests import factories
from tests.admin.helpers import page


def changelist_names(client, query: str = "") -> set[str]:
    response = client.get(reverse("admin:education_leaflet_changelist") + query)
    assert response.status_code == 200
    return {leaflet.name for leaflet in response.context["cl"].result_list}


def test_changelist_marks_an_overdue_review(client, editor, approver, monkeypatch):
    three_years_ago = timezone.now() - datetime.timedelta(days=3 * 365)
    with monkeypatch.context() as patch:  # publish "in the past": the row cannot be updated afterwards
        patch.setattr(timezone, "now", lambda: three_years_ago)
        old_leaflet = factories.make_leaflet(user=editor, name="Old leaflet")
        old = factories.make_published(author=editor, approver=approver, leaflet=old_leaflet)
    assert old.review_due < timezone.localdate()
    factories.make_published(
        author=editor, approver=approver, leaflet=factories.make_leaflet(user=editor, name="Fresh")
    )
    client.force_login(editor)

    html = page(client.get(reverse("admin:education_leaflet_changelist")))

    assert f'<strong class="overdue">OVERDUE since {date_format(old.review_due, "j M Y")}</strong>' in html
    assert changelist_names(client, "?review=overdue") == {"Old leaflet"}


def test_a_review_without_change_takes_a_leaflet_off_the_overdue_list(client, editor, approver, monkeypatch):
    three_years_ago = timezone.now() - datetime.timedelta(days=3 * 365)
    with monkeypatch.context() as patch:
        patch.setattr(timezone, "now", lambda: three_years_ago)
        old = factories.make_published(
            author=editor, approver=approver, leaflet=factories.make_leaflet(user=editor, name="Renewed leaflet")
        )
    assert changelist_names(client_for(client, editor), "?review=overdue") == {"Renewed leaflet"}

    renewal = services.version_review_renew(version=old, user=approver, attested=True, comment="Still current.")

    assert changelist_names(client, "?review=overdue") == set()
    html = page(client.get(reverse("admin:education_leaflet_changelist")))
    assert "OVERDUE" not in html and renewal.review_due.isoformat() in html


def client_for(client, user):
    client.force_login(user)
    return client


def test_review_due_filter_and_display_with_a_chosen_today(published):
    due = published.review_due
    overdue = selectors.leaflets_for_admin().filter(selectors.review_due_filter("overdue", today=due))
    assert not overdue.exists()
    overdue = selectors.leaflets_for_admin().filter(
        selectors.review_due_filter("overdue", today=due + datetime.timedelta(days=1))
    )
    assert list(overdue) == [published.leaflet]

    model_admin = LeafletAdmin(Leaflet, admin.site)
    annotated = selectors.leaflets_for_admin().get(pk=published.leaflet_id)
    assert model_admin.review_due(annotated) == due.isoformat()
    annotated.published_review_due = timezone.localdate() - datetime.timedelta(days=1)
    assert "OVERDUE since" in model_admin.review_due(annotated)
    annotated.published_review_due = None
    assert model_admin.review_due(annotated) == "–"


def test_changelist_filter_due_within_90_days(client, editor, approver):
    soon = factories.make_leaflet(user=editor, name="Soon leaflet", review_interval_months=2)
    later = factories.make_leaflet(user=editor, name="Later leaflet", review_interval_months=24)
    factories.make_leaflet(user=editor, name="Unpublished leaflet", review_interval_months=2)
    for leaflet in (soon, later):
        factories.make_published(author=editor, approver=approver, leaflet=leaflet)
    client.force_login(editor)

    assert changelist_names(client, "?review=soon") == {"Soon leaflet"}
    assert changelist_names(client, "?review=overdue") == set()
    assert changelist_names(client) == {"Soon leaflet", "Later leaflet", "Unpublished leaflet"}
