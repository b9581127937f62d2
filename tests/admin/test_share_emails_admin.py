"""The admin's read-only list of share emails: their state, never the address or the message."""

import pytest
from django.test import TestCase

from clinic.models import Clinic
from education import services

pytestmark = pytest.mark.django_db


def test_superusers_see_the_state_of_share_emails_without_the_address(client, published, editor, superuser):
    clinic = Clinic.objects.create(name="Riverside", slug="riverside", is_default=True)
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.share_with_patient(
            version=published, clinic=clinic, user=editor, channel="email", email="p@example.org", message="Hi"
        )
    services.share_with_patient(version=published, clinic=clinic, user=editor, channel="email", email="q@example.org")
    client.force_login(superuser)
    page = client.get("/admin/education/shareemail/").content.decode()
    assert "Sent" in page and "Waiting" in page
    assert "p@example.org" not in page and "q@example.org" not in page
    assert client.post("/admin/education/shareemail/add/").status_code == 403


def test_staff_without_the_right_do_not_see_share_emails(client, editor):
    client.force_login(editor)
    assert client.get("/admin/education/shareemail/").status_code == 403
