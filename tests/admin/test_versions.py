"""A version's page (education/admin/versions.py): editing a draft, bad input refused with a message and
nothing changed, published versions read-only, readability."""

import re

import pytest

from education import services
from tests import factories
from tests.admin.helpers import change_url, page, reload, version_form_data, workflow_url


def test_the_authors_see_why_their_draft_was_sent_back_on_the_draft_itself(client, in_review, approver, editor):
    client.force_login(approver)
    client.post(workflow_url(in_review, "send_back"), {"comment": "Add a sign about fever."})
    client.force_login(editor)
    text = page(client.get(change_url(in_review)))
    assert "Sent back by" in text and "Add a sign about fever." in text


def test_only_public_versions_link_to_the_patient_page(client, draft, published, editor):
    client.force_login(editor)
    assert "View on site" not in page(client.get(change_url(draft)))
    published_page = page(client.get(change_url(published)))
    assert "View on site" not in published_page and f'href="{published.get_absolute_url()}"' in published_page


def test_stale_form_is_refused_and_keeps_the_other_edit(client, draft, editor):
    """Open the form, someone else saves the draft, then the old form is posted: nothing is overwritten."""
    client.force_login(editor)
    opened = client.get(change_url(draft))
    seen = opened.context["adminform"].form["seen_revision"].value()
    stale_data = version_form_data(draft, title="My stale title")
    assert stale_data["seen_revision"] == seen

    other = factories.make_editor("olive")
    factories.edit(draft, user=other, title="The other person's title")
    revision = reload(draft).revision

    response = client.post(change_url(draft), stale_data)

    assert response.status_code == 200
    assert "Someone saved this draft after you opened it" in page(response)
    assert "Your changes are NOT saved" in page(response)
    assert (reload(draft).title, reload(draft).revision) == ("The other person's title", revision)
    # The conflict shows what changed: the saved title against the one this user sent, word by word,
    # and the user's text is still in the form.
    conflict = [line for line in response.context["conflict_lines"] if line.section == "Title"]
    assert len(conflict) == 1 and conflict[0].change == "changed"
    assert "other" in conflict[0].old_html and "stale" in conflict[0].new_html
    assert "someone else saved this draft while you were editing" in page(response)
    assert 'value="My stale title"' in page(response)


def test_published_version_is_read_only_and_a_forged_edit_is_refused(client, published, editor):
    client.force_login(editor)

    html = page(client.get(change_url(published)))
    assert "It can no longer be changed: start a new draft to update it." in html
    for editable in ('name="title"', 'name="body"', 'name="seen_revision"', 'name="help_signs-0-text"'):
        assert editable not in html
    response = client.post(change_url(published), version_form_data(published, title="Quietly changed"), follow=True)

    assert "Not saved: this version is now Published" in page(response)
    published_now = reload(published)
    assert (published_now.title, published_now.content_hash) == (published.title, published.content_hash)


def test_oversized_body_is_refused_with_the_limit_in_the_message(client, draft, editor, settings):
    settings.LEAFLET_MAX_BODY_CHARS = 200
    client.force_login(editor)
    before = reload(draft)

    response = client.post(change_url(draft), version_form_data(draft, body="<p>" + "word " * 100 + "</p>"))

    assert response.status_code == 200
    assert "The body is too long" in page(response) and "the limit is 200" in page(response)
    assert (reload(draft).body, reload(draft).revision) == (before.body, before.revision)


def test_body_html_saved_through_the_admin_keeps_only_allowed_tags_attributes_and_link_schemes(client, draft, editor):
    client.force_login(editor)
    dirty = (
        '<h2>Care</h2><p onclick="steal()" style="color:red">Wash <strong>gently</strong>.</p>'
        "<script>alert('x')</script>"
        '<p><img src="http://evil.example/pixel.png"> <a href="javascript:alert(1)">Click</a> '
        '<a href="https://www.nhs.uk/" target="_blank">NHS</a> <a href="mailto:clinic@example.org">Email</a> '
        '<a href="tel:+441234567890">Call</a> <a href="http://insecure.example/">Old site</a></p>'
    )

    assert client.post(change_url(draft), version_form_data(draft, body=dirty)).status_code == 302

    body = reload(draft).body
    for forbidden in ("<script", "alert", "onclick", "style=", "<img", "evil.example", "javascript:", "http:",
                      "target="):  # fmt: skip
        assert forbidden not in body
    for kept in ("<h2>Care</h2>", "<strong>gently</strong>", '<a href="https://www.nhs.uk/">NHS</a>',
                 '<a href="mailto:clinic@example.org">Email</a>', '<a href="tel:+441234567890">Call</a>'):  # fmt: skip
        assert kept in body
    tags = set(re.findall(r"<\s*([a-zA-Z0-9]+)", body))
    assert tags <= {"h2", "h3", "p", "br", "strong", "em", "ul", "ol", "li", "a"}


@pytest.mark.parametrize("fixture", ["draft", "published"])
def test_version_page_shows_the_readability_grade(client, editor, fixture, request):
    version = request.getfixturevalue(fixture)
    client.force_login(editor)
    html = page(client.get(change_url(version)))
    assert "Flesch-Kincaid grade" in html
    assert "target 8 or lower" in html


def test_readability_asks_for_more_text_when_there_is_too_little(client, leaflet, editor):
    version = services.version_create_draft(leaflet=leaflet, user=editor)
    client.force_login(editor)
    assert "Not enough text to measure yet." in page(client.get(change_url(version)))
