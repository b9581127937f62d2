"""Approvers see what patients told us on the version's admin page: counts, page views and comments."""

import pytest
from django.urls import reverse

from education import selectors, services
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


def test_an_approver_can_remove_a_comment_that_names_someone_and_the_answer_stays(client, published, approver, editor):
    named = services.feedback_record(version=published, helpful=True, comment="Thanks, Dr Jane Smith from flat 4")
    other = services.feedback_record(version=published, helpful=False, comment="Too long")
    url = reverse("admin:education_patientfeedback_changelist")
    client.force_login(editor)
    assert client.get(url).status_code == 403  # editors do not see the list
    with pytest.raises(services.NotPermitted):
        services.feedback_comments_remove(feedback_ids=[named.pk], user=editor)
    client.force_login(approver)
    assert "Dr Jane Smith" in page(client.get(url))
    response = client.post(url, {"action": "remove_comments", "_selected_action": [named.pk]}, follow=True)
    assert "1 comment removed." in page(response)
    named.refresh_from_db()
    other.refresh_from_db()
    assert (named.helpful, named.comment) == (True, "")
    assert other.comment == "Too long"
    assert selectors.version_feedback(version=published).answers == 2


def test_removing_comments_is_logged_with_who_and_which_answers_never_the_words(published, approver, caplog):
    import logging

    named = services.feedback_record(version=published, helpful=True, comment="Thanks, Dr Jane Smith from flat 4")
    empty = services.feedback_record(version=published, helpful=False, comment="")
    with caplog.at_level(logging.INFO, logger="education.services.feedback"):
        assert services.feedback_comments_remove(feedback_ids=[named.pk, empty.pk, named.pk], user=approver) == 1
    [line] = [record.getMessage() for record in caplog.records if "removed the comments" in record.getMessage()]
    assert line == f"{approver.get_username()} removed the comments of patient answers [{named.pk}]"
    assert "Jane" not in caplog.text
