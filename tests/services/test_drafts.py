"""Opening, editing and catching up drafts (education/services/drafts.py)."""

import pytest

from education import services
from education.models import LeafletVersion
from tests import factories

Status = LeafletVersion.Status
pytestmark = pytest.mark.django_db


def test_a_new_draft_gets_the_next_number_and_a_created_event(leaflet, editor):
    first = services.version_create_draft(leaflet=leaflet, user=editor)
    assert (first.number, first.status, first.created_by) == (1, Status.DRAFT, editor)
    assert factories.audit_actions(first) == ["created"]
    assert len(first.content_hash) == 64


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


def test_the_content_hash_covers_what_patients_see(draft, editor):
    before = draft.content_hash
    changed = factories.edit(draft, user=editor, help_signs=[services.HelpSignData("emergency", "Fever")])
    assert changed.content_hash != before
    same = factories.edit(changed, user=editor, change_note="Only the note changed")
    assert same.content_hash == changed.content_hash


def test_a_copied_draft_cannot_be_submitted_until_its_change_note_is_written(published, editor):
    draft = services.version_create_draft(leaflet=published.leaflet, user=editor, based_on=published)
    assert services.CHANGE_NOTE_PROMPT in draft.change_note
    with pytest.raises(services.WorkflowError, match="change note"):
        services.version_submit(version=draft, user=editor)
    factories.edit(draft, user=editor, change_note="Clearer wording in the summary.")
    assert services.version_submit(version=draft, user=editor).status == Status.IN_REVIEW


# --- text laundered through a copy ------------------------------------------------------------------------


def test_a_draft_cannot_start_from_a_discarded_version(published, editor, approver):
    """Issue 11, gap 2: the approver edits a draft, discards it, and the editor copies it."""
    third = services.version_create_draft(leaflet=published.leaflet, user=editor, based_on=published)
    factories.edit(third, user=approver, summary="Text the approver wrote.")
    services.version_discard(version=third, user=approver)
    third.refresh_from_db()
    with pytest.raises(services.WorkflowError, match="was discarded"):
        services.version_create_draft(leaflet=published.leaflet, user=editor, based_on=third)


def test_whoever_wrote_the_copied_text_counts_as_a_contributor_of_the_copy(published, editor, approver):
    """Text an approver wrote in an unreviewed version stays theirs in every copy: they cannot approve it."""
    other = factories.make_approver()
    # The approver writes the text of a version that nobody independent approves...
    second = services.version_create_draft(leaflet=published.leaflet, user=editor, based_on=published)
    factories.edit(second, user=approver, summary="Text the approver wrote.")
    services.version_submit(version=second, user=editor)
    services.version_approve_and_publish(
        version=second, user=other, content_hash=factories.shown_hash(second), attested=True
    )
    second.refresh_from_db()
    # ... and an editor copies the published version: the approver who wrote it may not sign off the copy.
    third = services.version_create_draft(leaflet=published.leaflet, user=editor, based_on=second)
    inherited = third.contributors.exclude(via=None)
    assert {c.user for c in inherited} == {approver} and {c.via for c in inherited} == {second}
    assert services.is_contributor(version=third, user=approver)
    factories.edit(third, user=editor, change_note="Third version.")
    services.version_submit(version=third, user=editor)
    with pytest.raises(services.NotPermitted):
        services.version_approve_and_publish(
            version=third, user=approver, content_hash=factories.shown_hash(third), attested=True
        )
    # The one who approved the copied text did not write it, so may review the copy.
    assert not services.is_contributor(version=third, user=other)


def test_contributors_of_an_unreviewed_source_carry_through_every_copy(leaflet, editor, approver):
    """A first translation copies a version still in review: everyone who wrote that one counts."""
    english = factories.make_draft(leaflet=leaflet, author=editor)
    factories.edit(english, user=approver, summary="The approver's words.")
    english = services.version_submit(version=english, user=editor)
    french = services.version_create_draft(leaflet=leaflet, user=editor, language="fr", translation_of=english)
    assert services.is_contributor(version=french, user=approver)
    assert services.is_contributor(version=french, user=editor)


def test_lists_nested_deeper_than_four_levels_are_refused_with_a_clear_message(draft, editor):
    """A body of lists nested thousands deep took seconds per handout render: refused when saved."""
    four = "<ul><li>a" * 4 + "</li></ul>" * 4
    factories.edit(draft, user=editor, body=four)  # four levels are fine
    for depth in (5, 2000):
        deep = "<ul><li>a" * depth + "</li></ul>" * depth
        with pytest.raises(services.WorkflowError, match="nested at most 4 levels"):
            factories.edit(draft, user=editor, body=deep)
    draft.refresh_from_db()
    assert draft.body.count("<ul>") == 4


def test_bidirectional_controls_are_removed_from_every_text_field(draft, editor):
    """RLO and friends make text display differently from what is stored ("gpj.exe" shown as "exe.jpg")."""
    rlo, lri = "\u202e", "\u2066"
    edited = factories.edit(
        draft,
        user=editor,
        title=f"Milia{rlo} advice",
        summary=f"Small{lri} white bumps.",
        help_signs=[services.HelpSignData("urgent", f"Red{rlo} and sore.")],
    )
    edited.refresh_from_db()
    assert (edited.title, edited.summary) == ("Milia advice", "Small white bumps.")
    assert [sign.text for sign in edited.help_signs.all()] == ["Red and sore."]
    leaflet = edited.leaflet
    leaflet.topic = f"Sk{rlo}in"
    services.leaflet_update(leaflet=leaflet, user=editor, changed=["topic"])
    leaflet.refresh_from_db()
    assert leaflet.topic == "Skin"
