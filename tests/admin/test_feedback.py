"""Approvers see what patients told us on the version's admin page: counts, page views and comments."""

import pytest

from education import services
from education.content import REMOVED_CONTACT
from tests.admin.helpers import change_url, page

pytestmark = pytest.mark.django_db


def test_the_version_page_shows_counts_views_and_scrubbed_comments(client, published, approver):
    services.feedback_record(version=published, helpful=True, comment="Clear <b>and</b> kind. ann@example.org")
    services.feedback_record(version=published, helpful=False)
    services.page_view_count(version_id=published.pk)
    services.page_views_flush()
    client.force_login(approver)
    text = page(client.get(change_url(published)))
    assert "What patients tell us" in text
    assert "Helpful: 1 · Not helpful: 1 · Page views: 1" in text
    assert f"Clear &lt;b&gt;and&lt;/b&gt; kind. {REMOVED_CONTACT}" in text  # escaped, scrubbed
    assert "ann@example.org" not in text


def test_a_version_without_feedback_says_so(client, published, approver):
    client.force_login(approver)
    text = page(client.get(change_url(published)))
    assert "Helpful: 0 · Not helpful: 0 · Page views: 0" in text
    assert "No comments yet." in text
