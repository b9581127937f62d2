"""The database holds the safety rules even when Python is bypassed (queryset.update, .delete, raw rows)."""

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from clinic.models import Clinic, contrast_with_white
from education import services
from education.models import AuditEvent, HelpSign, LeafletVersion, VersionContributor
from tests import factories

Status = LeafletVersion.Status
pytestmark = pytest.mark.django_db


def refused(callable_, *args, **kwargs):
    """The database refuses the write (and the surrounding transaction stays usable)."""
    with pytest.raises(IntegrityError), transaction.atomic():
        callable_(*args, **kwargs)


def new_row(version, **changes):
    fields = {
        "leaflet": version.leaflet,
        "number": version.number + 1,
        "language": version.language,
        "title": "x",
        "summary": "x",
        "change_note": "x",
        "created_by": version.created_by,
    }
    return LeafletVersion.objects.create(**{**fields, **changes})


def test_version_number_is_unique_per_leaflet_and_language(published):
    refused(new_row, published, number=published.number)


def test_the_same_number_in_another_language_is_allowed(draft):
    new_row(draft, number=draft.number, language="fr")
    assert draft.leaflet.versions.count() == 2


def test_only_one_open_version_per_leaflet_and_language(draft):
    refused(new_row, draft)
    new_row(draft, language="fr")  # another language may have its own draft


def test_a_version_in_review_is_the_open_version_too(in_review):
    refused(new_row, in_review)


def test_only_one_published_version_per_leaflet_and_language(published, approver):
    second = new_row(published)
    LeafletVersion.objects.filter(pk=second.pk).update(status=Status.IN_REVIEW)
    refused(
        LeafletVersion.objects.filter(pk=second.pk).update,
        status=Status.PUBLISHED,
        approved_by=approver,
        approved_at=timezone.now(),
        published_at=timezone.now(),
        review_due=timezone.localdate(),
        content_hash="a" * 64,
    )


def test_public_versions_must_carry_their_approval(in_review):
    refused(LeafletVersion.objects.filter(pk=in_review.pk).update, status=Status.PUBLISHED)


def test_unknown_status_is_refused(draft):
    refused(LeafletVersion.objects.filter(pk=draft.pk).update, status="live")


def test_change_note_is_required(draft):
    refused(LeafletVersion.objects.filter(pk=draft.pk).update, change_note="")


def test_author_cannot_be_recorded_as_approver(in_review):
    refused(LeafletVersion.objects.filter(pk=in_review.pk).update, approved_by=F("created_by"))


def test_an_editor_of_the_version_cannot_be_recorded_as_approver(leaflet, editor, approver):
    """Four-eyes holds for everyone who edited, not only the author, even when Python is bypassed."""
    draft = factories.make_draft(leaflet=leaflet, author=editor)
    factories.edit(draft, user=approver, title="Edited by the approver")
    assert VersionContributor.objects.filter(version=draft, user=approver).exists()
    refused(LeafletVersion.objects.filter(pk=draft.pk).update, approved_by=approver)


@pytest.mark.parametrize(
    "change",
    [
        {"title": "Changed after publication"},
        {"body": "<p>Changed</p>"},
        {"summary": "Changed"},
        {"review_due": "2099-01-01"},
        {"content_hash": "b" * 64},
        {"status": Status.DRAFT},
        {"status": Status.DISCARDED},
    ],
)
def test_published_versions_cannot_be_updated_even_by_queryset_update(published, change):
    refused(LeafletVersion.objects.filter(pk=published.pk).update, **change)
    published.refresh_from_db()
    assert published.status == Status.PUBLISHED
    assert published.title == "Milia: small white bumps"


def test_published_version_can_only_move_to_retired_without_other_changes(published):
    refused(
        LeafletVersion.objects.filter(pk=published.pk).update,
        status=Status.RETIRED,
        retired_at=timezone.now(),
        title="Sneaky change while retiring",
    )
    LeafletVersion.objects.filter(pk=published.pk).update(status=Status.RETIRED, retired_at=timezone.now())
    published.refresh_from_db()
    assert published.status == Status.RETIRED


def test_retired_versions_never_change(published):
    LeafletVersion.objects.filter(pk=published.pk).update(status=Status.RETIRED, retired_at=timezone.now())
    refused(LeafletVersion.objects.filter(pk=published.pk).update, status=Status.PUBLISHED)
    refused(LeafletVersion.objects.filter(pk=published.pk).update, title="x")


def test_published_and_retired_versions_cannot_be_deleted(published, approver):
    refused(LeafletVersion.objects.filter(pk=published.pk).delete)
    # Even with its history rows out of the way, the trigger refuses; Django's PROTECT refuses first.
    with pytest.raises(Exception), transaction.atomic():  # noqa: B017 - ProtectedError or IntegrityError
        published.delete()
    assert LeafletVersion.objects.filter(pk=published.pk).exists()


def test_help_signs_of_a_published_version_cannot_change(published):
    sign = published.help_signs.first()
    refused(HelpSign.objects.filter(pk=sign.pk).update, text="Changed")
    refused(HelpSign.objects.filter(pk=sign.pk).delete)
    refused(HelpSign.objects.create, version=published, urgency="routine", text="Added later")
    assert published.help_signs.count() == 1


def test_help_signs_of_a_version_in_review_cannot_change(in_review):
    refused(HelpSign.objects.filter(version=in_review).update, text="Changed during review")


def test_audit_events_are_append_only(published):
    event = AuditEvent.objects.filter(version=published).first()
    refused(AuditEvent.objects.filter(pk=event.pk).update, comment="rewritten")
    refused(AuditEvent.objects.filter(pk=event.pk).delete)


def test_contributors_are_append_only(draft, editor):
    refused(VersionContributor.objects.filter(version=draft).delete)
    refused(VersionContributor.objects.filter(version=draft).update, user=None)


def test_deleting_a_user_with_history_is_refused(published, editor):
    with pytest.raises(Exception), transaction.atomic():  # noqa: B017 - ProtectedError
        editor.delete()
    editor.refresh_from_db()
    assert AuditEvent.objects.filter(actor=editor).exists()


def test_a_deactivated_user_keeps_history_and_loses_rights(published, editor):
    editor.is_active = False
    editor.save()
    assert AuditEvent.objects.filter(actor=editor).exists()
    assert not services.can_edit(editor)


def test_only_one_default_clinic():
    Clinic.objects.create(name="A", slug="a", is_default=True)
    refused(Clinic.objects.create, name="B", slug="b", is_default=True)


@pytest.mark.parametrize(
    ("colour", "ok"), [("#0b5394", True), ("#000000", True), ("#ffff00", False), ("#777777", False)]
)
def test_clinic_colours_must_be_readable_on_white(colour, ok):
    from django.core.exceptions import ValidationError

    clinic = Clinic(name="A", slug="a", primary_colour=colour)
    if ok:
        clinic.full_clean()
    else:
        with pytest.raises(ValidationError, match="contrast"):
            clinic.full_clean()
    assert (contrast_with_white(colour) >= 4.5) is ok


def test_version_str_and_url(published):
    assert "v1" in str(published)
    assert published.get_absolute_url() == "/leaflets/milia-test/v1/?lang=en"
    assert published.leaflet.get_absolute_url() == "/leaflets/milia-test/"
