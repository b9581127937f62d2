"""The records the services keep, as staff see them: share links and the audit trail (records.py)."""

from education import services
from education.models import ShareLink
from tests import factories
from tests.admin.helpers import page


def test_share_links_list_says_how_each_was_shared_and_whether_it_still_works(client, published, approver):
    import datetime

    from django.utils import timezone

    from clinic.models import Clinic

    clinic = Clinic.objects.create(name="Riverside", slug="riverside")
    working, _token = services.share_link_create(version=published, clinic=clinic, user=approver, expires_at=None)
    services.handout_record(versions=[published], channel="qr", clinic=clinic, user=approver, share_link=working)
    revoked, _token = services.share_link_create(version=published, clinic=clinic, user=approver, expires_at=None)
    services.share_link_revoke(link=revoked, user=approver)
    expired, _token = services.share_link_create(
        version=published, clinic=clinic, user=approver, expires_at=timezone.now() + datetime.timedelta(days=1)
    )
    ShareLink.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - datetime.timedelta(days=1))
    client.force_login(factories.make_user("root", superuser=True))
    listing = page(client.get("/admin/education/sharelink/"))
    assert "QR code" in listing and "Works (no expiry)" in listing
    assert "Revoked " in listing and "Expired " in listing
    working_only = page(client.get("/admin/education/sharelink/?status=working"))
    assert "Works (no expiry)" in working_only and "Revoked " not in working_only and "Expired " not in working_only
    assert "Revoked " in page(client.get("/admin/education/sharelink/?status=revoked"))


def test_the_audit_trail_names_status_changes_in_words(client, published):
    client.force_login(factories.make_user("root", superuser=True))
    listing = page(client.get("/admin/education/auditevent/"))
    assert "In review → Published" in listing
    assert "in_review" not in listing.replace('"in_review"', "")
