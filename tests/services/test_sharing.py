"""Handout records and share links (education/services/sharing.py): the services and the database rules behind
them. Sharing through the staff page, email included, is tested in tests/views/test_share.py."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from clinic.models import Clinic
from education import services
from education.models import Handout, HandoutItem, ShareLink

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinic():
    return Clinic.objects.create(name="Riverside", slug="riverside", is_default=True)


def test_a_handout_records_versions_clinic_channel_and_who(published, clinic, editor):
    handout = services.handout_record(
        versions=[published], channel="print", clinic=clinic, user=editor, options={"paper": "a4", "large_print": True}
    )
    assert list(handout.versions.all()) == [published]
    assert (handout.channel, handout.clinic, handout.created_by) == ("print", clinic, editor)
    assert published.handouts.count() == 1


@pytest.mark.parametrize(
    "options",
    [{"note": "Mrs Smith, DOB 1/2/1950"}, {"email": "patient@example.org"}, {"paper": "x" * 50}, {"paper": ["a4"]}],
)
def test_a_handout_never_stores_free_text(published, clinic, options):
    with pytest.raises(services.WorkflowError):
        services.handout_record(versions=[published], channel="print", clinic=clinic, options=options)
    assert not Handout.objects.exists()


def test_bad_handout_requests_are_refused(published):
    with pytest.raises(services.WorkflowError, match="channel"):
        services.handout_record(versions=[published], channel="fax")
    with pytest.raises(services.WorkflowError, match="at least one"):
        services.handout_record(versions=[], channel="print")


def test_handout_records_are_append_only(published, clinic):
    handout = services.handout_record(versions=[published], channel="print", clinic=clinic)
    for attempt in (
        lambda: Handout.objects.filter(pk=handout.pk).update(channel="email"),
        lambda: Handout.objects.filter(pk=handout.pk).delete(),
        lambda: HandoutItem.objects.filter(handout=handout).delete(),
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            attempt()
    assert Handout.objects.get(pk=handout.pk).channel == "print"


def test_a_share_link_stores_only_a_hash_of_a_long_random_token(published, clinic, editor):
    link, token = services.share_link_create(version=published, clinic=clinic, user=editor)
    assert len(token) >= 32  # 24 random bytes: 192 bits
    assert token not in link.token_hash
    assert link.token_hash == services.share_token_hash(token)
    assert not ShareLink.objects.filter(token_hash=token).exists()


def test_only_published_versions_can_be_shared(draft, clinic, editor):
    with pytest.raises(services.WorkflowError, match="published"):
        services.share_link_create(version=draft, clinic=clinic, user=editor)


def test_expiry_must_be_in_the_future(published, clinic, editor):
    with pytest.raises(services.WorkflowError, match="future"):
        services.share_link_create(
            version=published, clinic=clinic, user=editor, expires_at=timezone.now() - datetime.timedelta(days=1)
        )


def test_users_without_a_role_cannot_share(published, clinic):
    from tests import factories

    with pytest.raises(services.NotPermitted):
        services.share_link_create(version=published, clinic=clinic, user=factories.make_user())


def test_revoking_keeps_the_link_on_record(published, clinic, editor, approver):
    link, _token = services.share_link_create(version=published, clinic=clinic, user=editor)
    services.share_link_revoke(link=link, user=approver)
    link.refresh_from_db()
    assert (link.revoked_by, link.revoked_at is not None) == (approver, True)
    with pytest.raises(IntegrityError), transaction.atomic():
        ShareLink.objects.filter(pk=link.pk).delete()


def test_a_share_link_cannot_be_re_pointed(published, clinic, editor):
    link, _token = services.share_link_create(version=published, clinic=clinic, user=editor)
    with pytest.raises(IntegrityError), transaction.atomic():
        ShareLink.objects.filter(pk=link.pk).update(token_hash="0" * 64)
    services.share_link_count_view(link=link)
    services.share_link_count_view(link=link)
    link.refresh_from_db()
    assert link.view_count == 2


def test_one_share_form_makes_one_link(published, clinic, editor):
    """The service refuses a second link from the same form key, and keeps only the key's hash."""
    key = "k" * 43
    link, _token = services.share_link_create(version=published, clinic=clinic, user=editor, form_key=key)
    assert link.form_key_hash == services.share_token_hash(key) and key not in link.form_key_hash
    with pytest.raises(services.AlreadyShared, match="already sent"):
        services.share_link_create(version=published, clinic=clinic, user=editor, form_key=key)
    services.share_link_create(version=published, clinic=clinic, user=editor, form_key="j" * 43)
    services.share_link_create(version=published, clinic=clinic, user=editor)  # links without a form: no key
    services.share_link_create(version=published, clinic=clinic, user=editor)
    assert ShareLink.objects.count() == 4


def test_the_database_refuses_two_links_from_one_form(published, clinic, editor):
    """What stops two app servers that both got the same form at the same moment: a unique index."""
    link, _token = services.share_link_create(version=published, clinic=clinic, user=editor, form_key="k" * 43)
    with pytest.raises(IntegrityError), transaction.atomic():
        ShareLink.objects.create(
            token_hash="a" * 64, version=published, clinic=clinic, created_by=editor, form_key_hash=link.form_key_hash
        )
