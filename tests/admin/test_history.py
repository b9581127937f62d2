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
    assert "Approved and published" in page(response) and "<td>v2 (en)</td>" in page(response)
    assert client.get(reverse("admin:education_leaflet_history", args=[999999])).status_code == 404
