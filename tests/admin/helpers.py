"""What the admin tests share: the admin's URLs, reading pages back, and the version form's POST data."""

from django.urls import reverse

from education import services
from education.models import Leaflet, LeafletVersion
from tests import factories

LOGIN_URL = "/admin/login/"


def change_url(version: LeafletVersion) -> str:
    return reverse("admin:education_leafletversion_change", args=[version.pk])


def workflow_url(version: LeafletVersion, action: str) -> str:
    return reverse("admin:education_leafletversion_workflow", args=[version.pk, action])


def new_draft_url(leaflet: Leaflet) -> str:
    return reverse("admin:education_leaflet_new_draft", args=[leaflet.pk])


def compare_url(version: LeafletVersion, against: str | int | None = None) -> str:
    url = reverse("admin:education_leafletversion_compare", args=[version.pk])
    return url if against is None else f"{url}?against={against}"


def reload(version: LeafletVersion) -> LeafletVersion:
    return LeafletVersion.objects.get(pk=version.pk)


def page(response) -> str:
    return response.content.decode()


def version_form_data(version: LeafletVersion, *, new_signs=(), **changes) -> dict:
    """POST data for the version change form, named as the admin renders it: the model fields, the hidden
    `seen_revision`, and the `help_signs` inline formset (existing signs kept, `new_signs` added as rows)."""
    version = reload(version)
    existing = list(version.help_signs.all())
    data = {
        "title": version.title,
        "summary": version.summary or "A short summary for the patient.",
        "body": version.body or factories.BODY,
        "references": version.references,
        "change_note": "Edited in the admin.",
        "seen_revision": version.revision,
        "help_signs-TOTAL_FORMS": len(existing) + len(new_signs),
        "help_signs-INITIAL_FORMS": len(existing),
        "help_signs-MIN_NUM_FORMS": 0,
        "help_signs-MAX_NUM_FORMS": services.MAX_HELP_SIGNS,
    }
    rows = [(sign.pk, sign.urgency, sign.text) for sign in existing] + [("", u, t) for u, t in new_signs]
    for i, (pk, urgency, text) in enumerate(rows):
        data |= {
            f"help_signs-{i}-id": pk,
            f"help_signs-{i}-version": version.pk,
            f"help_signs-{i}-urgency": urgency,
            f"help_signs-{i}-text": text,
        }
    return data | changes


def assert_login_redirect(response) -> None:
    assert response.status_code == 302
    assert response["Location"].startswith(f"{LOGIN_URL}?next=")


def approval_data(version: LeafletVersion, **extra) -> dict:
    """The approve form as the review page fills it: the fingerprint of the text shown, the statement ticked."""
    return {"content_hash": reload(version).content_hash, "attest": "yes", **extra}
