"""Every workflow transition, and every illegal one, through the service functions."""

import datetime

import pytest
from django.utils import timezone

from education import services
from education.models import AuditEvent, LeafletVersion
from tests import factories

Status = LeafletVersion.Status
pytestmark = pytest.mark.django_db


def actions(version):
    return list(AuditEvent.objects.filter(version=version).order_by("id").values_list("action", flat=True))


def test_a_new_draft_gets_the_next_number_and_a_created_event(leaflet, editor):
    first = services.version_create_draft(leaflet=leaflet, user=editor)
    assert (first.number, first.status, first.created_by) == (1, Status.DRAFT, editor)
    assert actions(first) == ["created"]
    assert len(first.content_hash) == 64


def test_the_full_life_of_a_version(draft, editor, approver):
    services.version_submit(version=draft, user=editor)
    published = services.version_approve_and_publish(version=draft, user=approver, comment="Looks right.")
    assert published.status == Status.PUBLISHED
    assert published.approved_by == approver
    assert published.published_at is not None
    assert published.review_due == services._add_months(timezone.localdate(), 24)
    assert actions(published) == ["created", "edited", "submitted", "published"]
    event = AuditEvent.objects.get(version=published, action="published")
    assert (event.actor, event.from_status, event.to_status, event.comment) == (
        approver,
        "in_review",
        "published",
        "Looks right.",
    )
    assert event.content_hash == published.content_hash


def test_publishing_retires_the_previous_version_in_the_same_transaction(published, editor, other_approver):
    second = services.version_create_draft(leaflet=published.leaflet, user=editor, based_on=published)
    assert (second.number, second.title) == (2, published.title)
    assert [(s.urgency, s.text) for s in second.help_signs.all()] == [
        (s.urgency, s.text) for s in published.help_signs.all()
    ]
    second = factories.edit(second, user=editor, title="Milia: updated")
    services.version_submit(version=second, user=editor)
    services.version_approve_and_publish(version=second, user=other_approver)
    published.refresh_from_db()
    assert published.status == Status.RETIRED
    assert published.retired_at is not None
    assert actions(published)[-1] == "retired"
    assert LeafletVersion.objects.filter(leaflet=published.leaflet, status=Status.PUBLISHED).get().number == 2


def test_review_due_follows_the_leaflets_interval(editor, approver):
    leaflet = factories.make_leaflet(user=editor, review_interval_months=6)
    version = factories.make_published(author=editor, approver=approver, leaflet=leaflet)
    assert version.review_due == services._add_months(timezone.localdate(), 6)


def test_add_months_handles_month_ends():
    assert services._add_months(datetime.date(2026, 8, 31), 6) == datetime.date(2027, 2, 28)
    assert services._add_months(datetime.date(2027, 12, 15), 1) == datetime.date(2028, 1, 15)


def test_nobody_approves_their_own_version(leaflet, approver):
    version = factories.make_in_review(leaflet=leaflet, author=approver)
    with pytest.raises(services.NotPermitted, match="four-eyes"):
        services.version_approve_and_publish(version=version, user=approver)
    version.refresh_from_db()
    assert version.status == Status.IN_REVIEW


def test_superusers_cannot_approve_their_own_version_either(leaflet, superuser):
    version = factories.make_in_review(leaflet=leaflet, author=superuser)
    with pytest.raises(services.NotPermitted):
        services.version_approve_and_publish(version=version, user=superuser)


def test_an_approver_who_edited_a_draft_cannot_approve_it(draft, editor, approver, other_approver):
    factories.edit(draft, user=approver, summary="Edited by the approver.")
    services.version_submit(version=draft, user=editor)
    with pytest.raises(services.NotPermitted):
        services.version_approve_and_publish(version=draft, user=approver)
    services.version_approve_and_publish(version=draft, user=other_approver)


def test_editors_cannot_approve_send_back_or_retire(in_review, editor, approver):
    other_editor = factories.make_editor()
    with pytest.raises(services.NotPermitted):
        services.version_approve_and_publish(version=in_review, user=other_editor)
    with pytest.raises(services.NotPermitted):
        services.version_send_back(version=in_review, user=other_editor, comment="no")
    published = services.version_approve_and_publish(version=in_review, user=approver)
    with pytest.raises(services.NotPermitted):
        services.leaflet_retire(leaflet=published.leaflet, user=other_editor, comment="no")


def test_inactive_users_can_do_nothing(draft, editor):
    editor.is_active = False
    with pytest.raises(services.NotPermitted):
        services.version_submit(version=draft, user=editor)


def test_users_without_a_role_cannot_write(leaflet):
    nobody = factories.make_user()
    with pytest.raises(services.NotPermitted):
        services.version_create_draft(leaflet=leaflet, user=nobody)


def test_send_back_needs_a_comment_and_returns_the_version_to_draft(in_review, approver):
    with pytest.raises(services.WorkflowError, match="what needs to change"):
        services.version_send_back(version=in_review, user=approver, comment="  ")
    services.version_send_back(version=in_review, user=approver, comment="Explain 'keratin'.")
    in_review.refresh_from_db()
    assert in_review.status == Status.DRAFT
    assert AuditEvent.objects.get(version=in_review, action="sent_back").comment == "Explain 'keratin'."


@pytest.mark.parametrize(
    ("fixture", "service"),
    [
        ("draft", "approve"),
        ("draft", "send_back"),
        ("in_review", "submit"),
        ("published", "submit"),
        ("published", "approve"),
        ("published", "send_back"),
        ("published", "discard"),
    ],
)
def test_illegal_transitions_are_refused_and_change_nothing(request, fixture, service, other_approver, editor):
    version = request.getfixturevalue(fixture)
    before = (version.status, AuditEvent.objects.count())
    call = {
        "approve": lambda: services.version_approve_and_publish(version=version, user=other_approver),
        "send_back": lambda: services.version_send_back(version=version, user=other_approver, comment="x"),
        "submit": lambda: services.version_submit(version=version, user=editor),
        "discard": lambda: services.version_discard(version=version, user=other_approver),
    }[service]
    with pytest.raises(services.WorkflowError):
        call()
    version.refresh_from_db()
    assert (version.status, AuditEvent.objects.count()) == before


def test_a_second_open_draft_is_refused(draft, editor):
    with pytest.raises(services.WorkflowError, match="still open"):
        services.version_create_draft(leaflet=draft.leaflet, user=editor)
    assert draft.leaflet.versions.count() == 1


def test_only_drafts_can_be_edited(in_review, editor):
    with pytest.raises(services.WorkflowError, match="Only drafts"):
        factories.edit(in_review, user=editor, title="Changed in review")


def test_a_stale_edit_is_refused(draft, editor):
    stale_revision = draft.revision
    factories.edit(draft, user=editor, title="First save")
    with pytest.raises(services.StaleEdit):
        services.version_edit_draft(
            version=draft, user=editor, expected_revision=stale_revision, title="Second save",
            summary="s", body="<p>b</p>", references="", change_note="n", help_signs=[],
        )  # fmt: skip
    draft.refresh_from_db()
    assert draft.title == "First save"


def test_submitting_needs_summary_body_and_a_sign(leaflet, editor):
    draft = services.version_create_draft(leaflet=leaflet, user=editor)
    with pytest.raises(services.WorkflowError, match="summary"):
        services.version_submit(version=draft, user=editor)
    assert LeafletVersion.objects.get(pk=draft.pk).status == Status.DRAFT


def test_edits_are_sanitised_and_size_limited(draft, editor, settings):
    edited = factories.edit(draft, user=editor, body='<p onclick="x()">Hi<script>alert(1)</script></p><img src=x>')
    assert edited.body == "<p>Hi</p>"
    settings.LEAFLET_MAX_BODY_CHARS = 50
    with pytest.raises(services.WorkflowError, match="too long"):
        factories.edit(edited, user=editor, body="<p>" + "word " * 40 + "</p>")


def test_help_signs_are_validated(draft, editor):
    with pytest.raises(services.WorkflowError, match="urgency"):
        factories.edit(draft, user=editor, help_signs=[services.HelpSignData("someday", "x")])
    with pytest.raises(services.WorkflowError, match="at most"):
        factories.edit(draft, user=editor, help_signs=[services.HelpSignData("routine", "x")] * 21)


def test_an_unsupported_language_is_refused(leaflet, editor):
    with pytest.raises(services.WorkflowError, match="Unsupported language"):
        services.version_create_draft(leaflet=leaflet, user=editor, language="xx")


def test_a_draft_is_copied_only_from_the_same_leaflet_and_language(published, editor):
    other = factories.make_leaflet(user=editor)
    with pytest.raises(services.WorkflowError, match="same leaflet"):
        services.version_create_draft(leaflet=other, user=editor, based_on=published)


def test_a_translation_records_its_source(published, editor):
    french = services.version_create_draft(
        leaflet=published.leaflet, user=editor, language="fr", translation_of=published
    )
    assert (french.number, french.translation_of) == (1, published)


def test_discard_keeps_the_row_and_frees_the_slot(draft, editor):
    services.version_discard(version=draft, user=editor, comment="Started by mistake")
    draft.refresh_from_db()
    assert draft.status == Status.DISCARDED
    assert services.version_create_draft(leaflet=draft.leaflet, user=editor).number == 2


def test_an_editor_cannot_discard_someone_elses_draft(draft):
    with pytest.raises(services.NotPermitted):
        services.version_discard(version=draft, user=factories.make_editor())


def test_retiring_a_leaflet_withdraws_it(published, approver):
    with pytest.raises(services.WorkflowError, match="why"):
        services.leaflet_retire(leaflet=published.leaflet, user=approver, comment="")
    services.leaflet_retire(leaflet=published.leaflet, user=approver, comment="Advice changed")
    published.refresh_from_db()
    assert published.status == Status.RETIRED
    with pytest.raises(services.WorkflowError, match="no published version"):
        services.leaflet_retire(leaflet=published.leaflet, user=approver, comment="again")


def test_the_content_hash_covers_what_patients_see(draft, editor):
    before = draft.content_hash
    changed = factories.edit(draft, user=editor, help_signs=[services.HelpSignData("emergency", "Fever")])
    assert changed.content_hash != before
    same = factories.edit(changed, user=editor, change_note="Only the note changed")
    assert same.content_hash == changed.content_hash


def test_available_actions_match_role_and_state(in_review, editor, approver):
    assert services.available_actions(version=in_review, user=editor) == ["discard"]
    assert services.available_actions(version=in_review, user=approver) == ["approve", "send_back", "discard"]
    published = services.version_approve_and_publish(version=in_review, user=approver)
    assert services.available_actions(version=published, user=approver) == ["retire", "new_draft"]
    assert services.available_actions(version=published, user=editor) == ["new_draft"]


def test_starter_leaflets_load_for_review_and_only_once(db):
    loaded = services.starter_leaflets_load()
    assert {v.leaflet.slug for v in loaded} == {"milia-overview", "post-extraction-hygiene", "infection-warning-signs"}
    assert {v.status for v in loaded} == {Status.IN_REVIEW}
    assert services.starter_leaflets_load() == []


def test_a_copied_draft_cannot_be_submitted_until_its_change_note_is_written(published, editor):
    draft = services.version_create_draft(leaflet=published.leaflet, user=editor, based_on=published)
    assert services.CHANGE_NOTE_PROMPT in draft.change_note
    with pytest.raises(services.WorkflowError, match="change note"):
        services.version_submit(version=draft, user=editor)
    factories.edit(draft, user=editor, change_note="Clearer wording in the summary.")
    assert services.version_submit(version=draft, user=editor).status == Status.IN_REVIEW
