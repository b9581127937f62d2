"""Figures in leaflets: checking uploads (education/figures.py), the draft services (education/services/
figures.py), the database rules (migration 0014), the fingerprint, the comparison and the patient page."""

import hashlib
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from PIL import Image

from education import figures, services
from education.content import compare_versions, place_figures
from education.models import LeafletVersion, VersionFigure
from tests import factories
from tests.figures_support import FACE_PNG, add_figure, face_picture, picture_bytes, upload

Status = LeafletVersion.Status


# --- Uploads ---------------------------------------------------------------------------------------------


def test_an_upload_is_re_encoded_without_metadata_and_gets_screen_copies():
    exif = Image.Exif()
    exif[0x010F] = "SecretCamera"  # Make
    data = picture_bytes(1500, 900, fmt="JPEG", exif=exif.tobytes())
    prepared = figures.prepare_upload(upload(data, "photo.jpg"))
    assert prepared.extension == "jpg"
    assert (prepared.width, prepared.height) == (1500, 900)
    assert prepared.sha256 == hashlib.sha256(prepared.original).hexdigest()
    assert b"SecretCamera" not in prepared.original
    assert sorted(prepared.renditions) == [320, 640, 960, 1280]
    assert Image.open(io.BytesIO(prepared.renditions[320])).size == (320, 192)
    assert all(not Image.open(io.BytesIO(data)).info.get("exif") for data in prepared.renditions.values())


def test_a_small_picture_is_never_blown_up():
    prepared = figures.prepare_upload(upload(picture_bytes(200, 100)))
    assert list(prepared.renditions) == [200]


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "x.svg", "SVG pictures"),
        (b"<?xml version='1.0'?><svg></svg>", "innocent.png", "SVG pictures"),
        (b"\x89PNG\r\n\x1a\n" + b"garbage" * 50, "broken.png", "not a readable PNG or JPEG"),
        (b"GIF89a" + b"\x00" * 100, "anim.gif", "not a readable PNG or JPEG"),
        (b"", "empty.png", "not a readable PNG or JPEG"),
    ],
)
def test_svg_corrupt_and_other_files_are_refused_with_a_clear_message(data, name, message):
    with pytest.raises(ValidationError, match=message):
        figures.prepare_upload(upload(data, name))


def test_a_cut_short_png_is_refused():
    data = FACE_PNG.read_bytes()
    with pytest.raises(ValidationError, match="not a readable"):
        figures.prepare_upload(upload(data[: len(data) - 30]))


def test_an_oversized_file_is_refused_before_decoding():
    big = upload(b"\x89PNG\r\n\x1a\n" + b"\x00" * (figures.MAX_FIGURE_BYTES + 1))
    with pytest.raises(ValidationError, match="too large"):
        figures.prepare_upload(big)


def test_too_many_pixels_are_refused():
    with pytest.raises(ValidationError, match="at most 4000 x 4000"):
        figures.prepare_upload(upload(picture_bytes(4100, 10)))


# --- Placement -------------------------------------------------------------------------------------------


def test_figures_go_after_the_heading_they_name_or_after_the_body():
    body = "<h2>What is this?</h2><p>Text.</p><h3>Care &amp; cleaning</h3><p>More.</p>"
    placed = place_figures(
        body, [("  what IS this? ", "<F1>"), ("", "<F2>"), ("Care & cleaning", "<F3>"), ("No such heading", "<F4>")]
    )
    assert placed == "<h2>What is this?</h2><F1><p>Text.</p><h3>Care &amp; cleaning</h3><F3><p>More.</p><F2><F4>"
    assert place_figures(body, []) == body


# --- Services and database rules -------------------------------------------------------------------------

pytestmark = pytest.mark.django_db


def test_adding_a_figure_stores_its_files_and_changes_the_fingerprint(draft, editor):
    before = factories.shown_hash(draft)
    figure = add_figure(draft, user=editor, caption="Milia are small white bumps.", after_heading="What is this?")
    draft.refresh_from_db()
    assert draft.content_hash != before
    assert draft.revision == 3
    assert default_storage.exists(figure.original_name)
    assert all(default_storage.exists(name) for _width, name in figure.renditions())
    assert factories.audit_actions(draft)[-1] == "edited"
    changed = services.figure_update(
        figure=figure, user=editor, alt_text="Milia on a cheek.", caption="", after_heading="What is this?"
    )
    draft.refresh_from_db()
    assert changed.alt_text == "Milia on a cheek."
    assert draft.content_hash not in (before, "")


def test_a_version_with_a_figure_lacking_alt_text_cannot_be_submitted(draft, editor):
    add_figure(draft, user=editor, alt_text="   ")
    with pytest.raises(services.WorkflowError, match="alt text for every figure"):
        services.version_submit(version=draft, user=editor)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_the_database_refuses_review_for_a_version_with_a_figure_lacking_alt_text(draft, editor):
    add_figure(draft, user=editor, alt_text="")
    with pytest.raises(IntegrityError, match="alt text"), transaction.atomic():
        LeafletVersion.objects.filter(pk=draft.pk).update(status=Status.IN_REVIEW)


def test_figures_are_frozen_once_the_version_leaves_draft(draft, editor, approver):
    figure = add_figure(draft, user=editor)
    in_review = services.version_submit(version=draft, user=editor)
    with pytest.raises(services.WorkflowError, match="Only drafts"):
        services.figure_update(figure=figure, user=editor, alt_text="x", caption="", after_heading="")
    services.version_approve_and_publish(
        version=in_review, content_hash=factories.shown_hash(in_review), attested=True, user=approver
    )
    for change in (
        lambda: VersionFigure.objects.filter(pk=figure.pk).update(alt_text="Changed after publication"),
        lambda: VersionFigure.objects.filter(pk=figure.pk).delete(),
        lambda: VersionFigure.objects.create(
            version=figure.version, sha256="a" * 64, extension="png", width=1, height=1, alt_text="Sneaked in"
        ),
    ):
        with pytest.raises(IntegrityError, match="only change while the version is a draft"), transaction.atomic():
            change()
    assert VersionFigure.objects.get(pk=figure.pk).alt_text == "Where milia appear on the face."


def test_a_new_draft_copies_the_figures_and_keeps_the_fingerprint(editor, approver):
    draft = factories.make_draft(author=editor)
    add_figure(draft, user=editor, caption="Small white bumps.", after_heading="What is this?")
    services.version_submit(version=draft, user=editor)
    published = services.version_approve_and_publish(
        version=draft, content_hash=factories.shown_hash(draft), attested=True, user=approver
    )
    copy = services.version_create_draft(leaflet=published.leaflet, user=editor, based_on=published)
    assert [f.fingerprint_data() for f in copy.figures.all()] == [f.fingerprint_data() for f in published.figures.all()]
    assert copy.content_hash == published.content_hash
    assert published.figures.count() == 1  # the published version keeps its own


def test_comparison_shows_added_and_changed_figures(published, editor, other_approver):
    newer = services.version_create_draft(leaflet=published.leaflet, user=editor, based_on=published)
    add_figure(newer, user=editor, caption="Small white bumps.")
    lines = [line for line in compare_versions(published, newer) if line.change != "same"]
    assert [line.change for line in lines] == ["added"]
    assert "Where milia appear on the face." in lines[0].new_html
    assert "Small white bumps." in lines[0].new_html


def test_the_limits_of_figure_text_are_enforced(draft, editor):
    with pytest.raises(services.WorkflowError, match="at most 300"):
        add_figure(draft, user=editor, alt_text="x" * 301)
    assert not draft.figures.exists()


def test_someone_who_may_not_edit_cannot_add_a_figure(draft):
    with pytest.raises(services.NotPermitted):
        services.figure_add(version=draft, user=factories.make_user(), picture=face_picture(), alt_text="A face.")
