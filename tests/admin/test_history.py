"""The history pages of leaflets and versions: the audit trail (education/admin/views/history.py)."""

import re

from django.urls import reverse

from education import services
from tests.admin.helpers import approval_data, page, workflow_url


def test_history_page_lists_each_event_with_who_did_it_and_the_comment(client, in_review, approver):
    client.force_login(approver)
    client.post(workflow_url(in_review, "approve"), approval_data(in_review, comment="Accurate and clear; approved."))

    response = client.get(reverse("admin:education_leafletversion_history", args=[in_review.pk]))

    assert response.status_code == 200
    html = page(response)
    rows = re.findall(r"<tr><th scope=\"row\">.*?</tr>", html, flags=re.S)
    assert [re.search(r"<td>(Draft created|Draft edited|Submitted for review|Approved and published)</td>", row)[1]
            for row in rows] == ["Draft created", "Draft edited", "Submitted for review", "Approved and published"]  # fmt: skip
    assert "<td>eddie</td>" in rows[0] and "<td>claire</td>" in rows[-1]
    assert "Accurate and clear; approved." in rows[-1]


def test_a_leaflets_history_page_lists_the_events_of_all_its_versions(client, published, editor):
    second = services.version_create_draft(leaflet=published.leaflet, user=editor, based_on=published)
    client.force_login(editor)

    response = client.get(reverse("admin:education_leaflet_history", args=[published.leaflet_id]))

    assert response.status_code == 200
    assert response.context["title"] == f"History: {published.leaflet}"
    assert [event.version for event in response.context["events"]][-1] == second
    html = page(response)
    version_link = reverse("admin:education_leafletversion_change", args=[second.pk])
    assert "Approved and published" in html and f'<a href="{version_link}">v2 (en)</a>' in html
    assert client.get(reverse("admin:education_leaflet_history", args=[999999])).status_code == 404


def test_a_leaflets_history_lists_changes_to_its_details(client, published, editor):
    leaflet = published.leaflet
    leaflet.tags = "eyelids, spots"
    services.leaflet_update(leaflet=leaflet, user=editor, changed=["tags"])
    client.force_login(editor)
    html = page(client.get(reverse("admin:education_leaflet_history", args=[leaflet.pk])))
    assert "Changes to the leaflet&#x27;s details" in html or "Changes to the leaflet's details" in html
    assert "<td>tags</td><td>–</td><td>eyelids, spots</td>" in html
