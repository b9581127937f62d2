"""The figures page of a version in the admin (education/admin/views/figures.py)."""

import errno

import pytest
from django.urls import reverse

from tests import factories
from tests.admin.helpers import assert_login_redirect, page, reload
from tests.figures_support import FACE_PNG, add_figure, picture_bytes, upload

pytestmark = pytest.mark.django_db


def figures_url(version) -> str:
    return reverse("admin:education_leafletversion_figures", args=[version.pk])


def add_data(version, **changes) -> dict:
    data = {
        "action": "add",
        "picture": upload(FACE_PNG.read_bytes(), "face.png"),
        "alt_text": "Where milia appear on the face.",
        "caption": "",
        "after_heading": "What is this?",
        "seen_revision": reload(version).revision,
    }
    data.update(changes)
    return data


def test_the_figures_page_is_for_staff_only(client, draft):
    assert_login_redirect(client.get(figures_url(draft)))


def test_an_editor_adds_changes_and_removes_a_figure(client, draft, editor):
    client.force_login(editor)
    response = client.post(figures_url(draft), add_data(draft), follow=True)
    assert "Figure added." in page(response)
    figure = reload(draft).figures.get()
    assert (figure.alt_text, figure.after_heading) == ("Where milia appear on the face.", "What is this?")
    assert 'alt="Where milia appear on the face."' in page(client.get(figures_url(draft)))
    response = client.post(
        figures_url(draft),
        {"action": "change", "figure": figure.pk, "alt_text": "Milia on a cheek.", "caption": "Small bumps.",
         "after_heading": "", "position": "3", "seen_revision": reload(draft).revision},
        follow=True,
    )  # fmt: skip
    assert "Figure saved." in page(response)
    figure.refresh_from_db()
    assert (figure.alt_text, figure.caption, figure.position) == ("Milia on a cheek.", "Small bumps.", 3)
    response = client.post(
        figures_url(draft), {"action": "remove", "figure": figure.pk, "seen_revision": reload(draft).revision}
    )
    assert response.status_code == 302
    assert not reload(draft).figures.exists()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("x.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>', "SVG pictures are not accepted"),
        ("broken.jpg", b"\xff\xd8\xff\xe0 not really a jpeg", "not a readable PNG or JPEG"),
    ],
)
def test_refused_uploads_say_why_and_add_nothing(client, draft, editor, name, data, message):
    client.force_login(editor)
    response = client.post(figures_url(draft), add_data(draft, picture=upload(data, name)))
    assert response.status_code == 200
    assert message in page(response)
    assert not reload(draft).figures.exists()


def test_an_oversized_upload_is_refused(client, draft, editor, monkeypatch):
    from education import figures

    monkeypatch.setattr(figures, "MAX_FIGURE_BYTES", 1000)
    client.force_login(editor)
    response = client.post(figures_url(draft), add_data(draft, picture=upload(picture_bytes(), "big.png")))
    assert "too large" in page(response)
    assert not reload(draft).figures.exists()


def test_alt_text_is_required_in_the_form(client, draft, editor):
    client.force_login(editor)
    response = client.post(figures_url(draft), add_data(draft, alt_text=""))
    assert response.status_code == 200
    assert not reload(draft).figures.exists()


def test_a_stale_form_changes_nothing(client, draft, editor):
    client.force_login(editor)
    response = client.post(figures_url(draft), add_data(draft, seen_revision=1), follow=True)
    assert "Someone saved this draft" in page(response)
    assert not reload(draft).figures.exists()


def test_a_published_versions_figures_are_read_only(client, editor, approver):
    draft = factories.make_draft(author=editor)
    add_figure(draft, user=editor)
    from education import services

    services.version_submit(version=draft, user=editor)
    services.version_approve_and_publish(
        version=draft, content_hash=factories.shown_hash(draft), attested=True, user=approver
    )
    client.force_login(editor)
    text = page(client.get(figures_url(draft)))
    assert "shown read-only" in text and "Where milia appear on the face." in text
    figure = draft.figures.get()
    response = client.post(
        figures_url(draft),
        {"action": "remove", "figure": figure.pk, "seen_revision": reload(draft).revision},
        follow=True,
    )
    assert "only be changed while the version is a draft" in page(response)
    assert draft.figures.count() == 1


@pytest.mark.parametrize("figure", ["", "abc", "99999999", "1" * 30])
def test_a_bad_figure_id_is_a_message_not_an_error(client, draft, editor, figure):
    client.force_login(editor)
    response = client.post(figures_url(draft), {"action": "remove", "figure": figure}, follow=True)
    assert response.status_code == 200
    assert "not part of this version" in page(response)


def test_the_version_page_links_to_its_figures(client, draft, editor):
    client.force_login(editor)
    assert figures_url(draft) in page(client.get(reverse("admin:education_leafletversion_change", args=[draft.pk])))


def test_the_page_offers_the_body_headings_and_warns_when_a_figures_heading_is_gone(client, draft, editor):
    add_figure(draft, user=editor, after_heading="What is this?")
    client.force_login(editor)
    text = page(client.get(figures_url(draft)))
    assert '<option value="What is this?">' in text
    assert "so this picture is shown after the body" not in text
    factories.edit(draft, user=editor, body="<h2>Renamed</h2><p>Text.</p>")
    text = page(client.get(figures_url(draft)))
    assert 'The body has no heading "What is this?" (any more)' in text


@pytest.mark.parametrize(("code", "message"), [(errno.ENOSPC, "storage is full"), (errno.EIO, "did not accept it")])
def test_a_storage_failure_keeps_the_typed_text_and_adds_nothing(client, draft, editor, media_disk, code, message):
    client.force_login(editor)
    media_disk.fail_with = code  # ENOSPC, EIO: while the picture's files are being stored
    response = client.post(figures_url(draft), add_data(draft, alt_text="Milia on the eyelids."))
    assert response.status_code == 200
    html = page(response)
    assert message in html and 'value="Milia on the eyelids."' in html
    assert not reload(draft).figures.exists()


def test_removing_without_the_pages_edit_count_removes_nothing(client, draft, editor):
    client.force_login(editor)
    client.post(figures_url(draft), add_data(draft))
    figure = reload(draft).figures.get()
    response = client.post(figures_url(draft), {"action": "remove", "figure": figure.pk}, follow=True)
    assert "Nothing was removed: reload the page" in page(response)
    assert reload(draft).figures.exists()
