"""Changes of state from the admin (education/admin/views/workflow.py): the whole writing and sign-off
journey, new drafts, sign-off steps, and bad input refused with a clear message and nothing changed."""

import re

from django.urls import reverse

from education import services
from education.models import Leaflet, LeafletVersion
from tests import factories
from tests.admin.helpers import approval_data, change_url, new_draft_url, page, reload, version_form_data, workflow_url

Status = LeafletVersion.Status


def test_editor_writes_and_submits_then_approver_publishes_to_the_patient_page(client, editor, approver):
    """The whole journey: create a leaflet, start a draft, edit it, submit; another clinician approves."""
    client.force_login(editor)
    assert client.get(reverse("admin:education_leaflet_add")).status_code == 200
    response = client.post(
        reverse("admin:education_leaflet_add"),
        {"name": "Head lice", "slug": "head-lice", "topic": "Children", "tags": "hair, school",
         "review_interval_months": 12, "owner": "", "language": "en"},
    )  # fmt: skip
    assert response.status_code == 302
    leaflet = Leaflet.objects.get(slug="head-lice")
    assert (leaflet.name, leaflet.review_interval_months, leaflet.owner) == ("Head lice", 12, editor)
    # One step: the first draft is made with the leaflet and opened at once.
    version = leaflet.versions.get()
    assert response["Location"] == change_url(version)
    assert (version.number, version.status, version.language) == (1, Status.DRAFT, "en")

    form_page = page(client.get(change_url(version)))
    for name in ("title", "summary", "body", "change_note", "seen_revision", "help_signs-TOTAL_FORMS",
                 "help_signs-INITIAL_FORMS", "help_signs-0-urgency", "help_signs-0-text"):  # fmt: skip
        assert f'name="{name}"' in form_page
    data = version_form_data(
        version,
        title="Head lice: what to do",
        summary="How to find and treat head lice at home.",
        body="<h2>Checking</h2><p>Comb wet hair with a fine comb.</p>",
        change_note="First version.",
        new_signs=[("routine", "Lice are still there after two treatments."), ("urgent", "The scalp is red and hot.")],
    )
    response = client.post(change_url(version), data)
    assert response.status_code == 302
    version = reload(version)
    assert version.title == "Head lice: what to do"
    assert version.body == "<h2>Checking</h2><p>Comb wet hair with a fine comb.</p>"
    assert [(s.urgency, s.text) for s in version.help_signs.all()] == [
        ("routine", "Lice are still there after two treatments."),
        ("urgent", "The scalp is red and hot."),
    ]
    assert "Save and submit for clinical review" in page(client.get(change_url(version)))

    seen = reload(version).revision
    assert client.post(workflow_url(version, "submit"), {"comment": "", "seen_revision": seen}).status_code == 302
    assert reload(version).status == Status.IN_REVIEW
    assert client.get("/leaflets/head-lice/").status_code == 404  # not public until approved

    client.force_login(approver)
    assert "Approve and publish" in page(client.get(change_url(version)))
    response = client.post(
        workflow_url(version, "approve"), approval_data(version, comment="Checked against national guidance.")
    )
    assert response.status_code == 302
    version = reload(version)
    assert (version.status, version.approved_by) == (Status.PUBLISHED, approver)

    response = client.get("/leaflets/head-lice/")
    assert response.status_code == 200
    assert "Head lice: what to do" in page(response)
    assert "The scalp is red and hot." in page(response)


def test_send_back_needs_a_comment_and_records_it(client, in_review, approver):
    client.force_login(approver)

    response = client.post(workflow_url(in_review, "send_back"), {"comment": "  "}, follow=True)
    assert "Say what needs to change when you send a version back." in page(response)
    assert reload(in_review).status == Status.IN_REVIEW

    client.post(workflow_url(in_review, "send_back"), {"comment": "Add a sign about fever."})
    assert reload(in_review).status == Status.DRAFT
    history = page(client.get(reverse("admin:education_leafletversion_history", args=[in_review.pk])))
    assert "Sent back to draft" in history and "Add a sign about fever." in history


def test_a_note_for_the_reviewer_goes_with_the_submission(client, draft, editor):
    factories.edit(draft, user=editor, change_note="Clearer wording.")
    client.force_login(editor)
    text = page(client.get(change_url(draft)))
    assert "Note for the reviewer (optional)" in text and "Saves everything on this page first" in text
    seen = reload(draft).revision
    client.post(workflow_url(draft, "submit"), {"comment": "Please check the new fever sign.", "seen_revision": seen})
    assert reload(draft).status == Status.IN_REVIEW
    assert draft.events.get(action="submitted").comment == "Please check the new fever sign."


def test_discarding_needs_the_box_ticked(client, draft, editor):
    client.force_login(editor)
    seen = reload(draft).revision
    response = client.post(workflow_url(draft, "discard"), {"comment": "", "seen_revision": seen}, follow=True)
    assert "Not discarded: tick the box" in page(response)
    assert reload(draft).status == Status.DRAFT
    client.post(workflow_url(draft, "discard"), {"comment": "", "confirm": "yes", "seen_revision": seen})
    assert reload(draft).status == Status.DISCARDED


def test_approver_cannot_approve_their_own_version(client, approver):
    version = factories.make_in_review(author=approver)
    client.force_login(approver)

    html = page(client.get(change_url(version)))
    assert "You wrote or edited this version, so another clinician must approve it." in html
    # Shown, but disabled with its reason, and no form to post it.
    assert re.search(r'<button type="button" class="button" disabled aria-describedby="why-not-approve">', html)
    assert "workflow/approve/" not in html
    assert client.post(workflow_url(version, "approve"), approval_data(version, comment="")).status_code == 403
    assert reload(version).status == Status.IN_REVIEW


def test_approver_cannot_approve_a_version_they_edited(client, draft, editor, approver):
    factories.edit(draft, user=approver, summary="The approver improved the summary.")
    version = services.version_submit(version=draft, user=editor)
    client.force_login(approver)

    assert "workflow/approve/" not in page(client.get(change_url(version)))
    assert client.post(workflow_url(version, "approve"), approval_data(version, comment="")).status_code == 403
    assert reload(version).status == Status.IN_REVIEW
    assert reload(version).approved_by is None


def test_second_draft_while_one_is_open_is_refused_with_a_message(client, draft, editor):
    client.force_login(editor)

    response = client.post(new_draft_url(draft.leaflet), {"language": "en"}, follow=True)

    assert response.status_code == 200
    assert "Version 1 is still open (Draft). Finish or discard it before starting another draft." in page(response)
    assert draft.leaflet.versions.count() == 1


def test_new_draft_in_an_unknown_language_is_refused_with_a_message(client, leaflet, editor):
    client.force_login(editor)
    response = client.post(new_draft_url(leaflet), {"language": "xx"}, follow=True)
    assert "Choose a language for the new draft." in page(response)
    assert not leaflet.versions.exists()


def test_unknown_workflow_action_is_not_found(client, draft, editor):
    client.force_login(editor)
    assert client.post(workflow_url(draft, "publish-now"), {"comment": ""}).status_code == 404
    assert reload(draft).status == Status.DRAFT


def test_workflow_urls_refuse_get(client, draft, editor):
    client.force_login(editor)
    response = client.get(workflow_url(draft, "submit"))
    assert response.status_code == 405
    assert reload(draft).status == Status.DRAFT


def test_workflow_comment_over_2000_characters_is_refused_with_a_message(client, in_review, approver):
    client.force_login(approver)
    response = client.post(workflow_url(in_review, "send_back"), {"comment": "x" * 2001}, follow=True)
    assert "The comment is too long (2000 characters at most)." in page(response)
    assert reload(in_review).status == Status.IN_REVIEW


def test_an_approve_form_showing_older_text_publishes_nothing(client, in_review, editor, approver):
    """Issue 11, gap 1, through the admin: the approver's page carries the fingerprint of text A; meanwhile the
    version is sent back, changed to B and resubmitted; the approver's stale form must not publish B."""
    client.force_login(approver)
    review_page = page(client.get(change_url(in_review)))
    shown = reload(in_review).content_hash
    assert f'name="content_hash" value="{shown}"' in review_page
    assert "I have reviewed this text for clinical accuracy and it is suitable for patients." in review_page
    services.version_send_back(version=in_review, user=factories.make_approver(), comment="Shorter.")
    factories.edit(in_review, user=editor, summary="Text B, never reviewed.")
    services.version_submit(version=in_review, user=editor)

    response = client.post(
        workflow_url(in_review, "approve"), {"content_hash": shown, "attest": "yes", "comment": ""}, follow=True
    )
    assert "changed after you opened it" in page(response)
    assert reload(in_review).status == Status.IN_REVIEW
    response = client.post(workflow_url(in_review, "approve"), approval_data(in_review, attest=""), follow=True)
    assert "Tick the statement" in page(response) and reload(in_review).status == Status.IN_REVIEW
    client.post(workflow_url(in_review, "approve"), approval_data(in_review))
    assert reload(in_review).status == Status.PUBLISHED


def test_the_new_draft_endpoint_refuses_a_source_the_page_never_offers(client, published, editor, approver):
    """Issue 11, gap 2: a forged POST naming a discarded draft (text nobody reviewed) as the source."""
    third = services.version_create_draft(leaflet=published.leaflet, user=editor, based_on=published)
    factories.edit(third, user=approver, summary="Text the approver wrote.")
    services.version_discard(version=third, user=approver)
    client.force_login(editor)
    response = client.post(new_draft_url(published.leaflet), {"language": "en", "based_on": third.pk}, follow=True)
    assert "was discarded, so a new draft cannot start from it" in page(response)
    assert not published.leaflet.versions.filter(status=Status.DRAFT).exists()
    other = factories.make_published(author=editor, approver=approver)
    response = client.post(new_draft_url(published.leaflet), {"language": "en", "based_on": other.pk}, follow=True)
    assert "That version does not belong to this leaflet." in page(response)
