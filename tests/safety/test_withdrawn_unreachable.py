"""A withdrawn version is unreachable through every path that showed its text: its page, its share links,
every handout of it (public, share-link and staff), the stored handout files and the public page cache."""

import pytest
from django.urls import reverse

from clinic.models import Clinic
from education import pdf, services
from education.models import Handout
from tests import factories
from tests.pdf.support import stored_handouts

pytestmark = pytest.mark.django_db
SECRET = "Squeeze the spot hard twice a day"  # the dangerous advice that caused the withdrawal


@pytest.fixture
def clinic():
    return Clinic.objects.create(name="Riverside Skin Clinic", slug="riverside", is_default=True, phone="01632 960 000")


@pytest.fixture
def wrong(editor, approver, clinic, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # pre-renders and stores its handout
        return factories.make_published(author=editor, approver=approver, summary=SECRET)


def test_every_path_answers_410_with_a_notice_and_never_the_text(
    client, page_cache, wrong, clinic, editor, approver, django_capture_on_commit_callbacks
):
    link, token = services.share_link_create(version=wrong, clinic=clinic, user=editor)
    slug = wrong.leaflet.slug
    paths = [
        f"/leaflets/{slug}/",
        f"/leaflets/{slug}/v1/",
        f"/leaflets/{slug}/handout.pdf",
        f"/s/{token}/",
        f"/s/{token}/handout.pdf",
    ]
    for path in paths:  # before: the text is there, and the public pages are in the page cache
        response = client.get(path)
        assert response.status_code == 200, path
    assert len(stored_handouts()) == 1

    with django_capture_on_commit_callbacks(execute=True):
        services.leaflet_withdraw(leaflet=wrong.leaflet, user=approver, reason="Dangerous advice")

    for path in paths:
        response = client.get(path)
        assert response.status_code == 410, path
        text = response.content.decode()
        assert "Do not follow its advice." in text and "01632 960 000" in text, path
        assert SECRET not in text and wrong.title not in text, path
    assert stored_handouts() == []  # the stored file of the withdrawn text is gone
    client.force_login(editor)
    staff_pdf = client.get(reverse("admin:education_handout_version_pdf", args=[wrong.pk]))
    assert staff_pdf.status_code == 410 and not staff_pdf.content.startswith(b"%PDF")
    staff_page = client.get("/staff/handout/").content.decode()
    assert SECRET not in staff_page and f'name="versions" value="{wrong.pk}"' not in staff_page
    response = client.post("/staff/handout/", {"versions": [wrong.pk], "paper": "a4", "clinic": clinic.pk})
    assert response.status_code == 400 and not Handout.objects.exists()
    with pytest.raises(ValueError, match="withdrawn"):
        wrong.refresh_from_db()
        pdf.handout_pdf(versions=[wrong], clinic=clinic, options=pdf.HandoutOptions())


def test_a_superseded_version_stays_readable_with_a_notice(client, wrong, editor, approver):
    factories.supersede(wrong, editor=editor, summary="Do not squeeze the spot.")
    response = client.get(f"/leaflets/{wrong.leaflet.slug}/v1/")
    assert response.status_code == 200
    assert "A newer version of this leaflet is available." in response.content.decode()
