"""The staff preview of any version as patients would see it (education/admin/views/preview.py)."""

from django.urls import reverse

from tests.admin.helpers import assert_login_redirect, page


def test_preview_is_for_staff_only(client, draft):
    response = client.get(reverse("admin:education_leafletversion_preview", args=[draft.pk]))
    assert_login_redirect(response)


def test_preview_of_a_draft_is_marked_and_never_cached(client, draft, editor):
    client.force_login(editor)

    response = client.get(reverse("admin:education_leafletversion_preview", args=[draft.pk]))

    assert response.status_code == 200
    assert "DRAFT - not for patients" in page(response)
    assert "Milia: small white bumps" in page(response)
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_preview_of_a_published_version_is_not_marked_draft(client, published, editor):
    client.force_login(editor)
    response = client.get(reverse("admin:education_leafletversion_preview", args=[published.pk]))
    assert response.status_code == 200
    assert "DRAFT - not for patients" not in page(response)
