"""Stored handouts: a published handout is rendered once and served from storage afterwards, rendered again
when anything that changes it changes, and never stored when a render fails.

Any warning or error WeasyPrint logs while rendering fails these tests.
"""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from education import pdf, services
from education.models import LeafletVersion
from education.pdf import cache as pdf_cache
from education.pdf import render as pdf_render
from tests import factories
from tests.pdf.support import png_logo, render, stored_handouts
from tests.pdf_checks import qr_codes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("weasyprint_stays_quiet")]


def test_a_published_handout_is_rendered_once_then_served_from_storage(leaflet_version, clinic, render_count):
    first = render(leaflet_version, clinic)
    second = render(leaflet_version, clinic)
    assert first == second
    assert len(render_count) == 1
    assert len(stored_handouts()) == 1
    render(leaflet_version, clinic, large_print=True)  # other options: another handout
    render(leaflet_version, clinic, paper="letter")
    assert len(render_count) == 3
    assert len(stored_handouts()) == 3


def test_drafts_are_never_stored(draft, clinic, render_count):
    render(draft, clinic)
    render(draft, clinic)
    assert len(render_count) == 2
    assert stored_handouts() == []


def test_a_template_change_never_serves_a_stale_handout(leaflet_version, clinic, render_count, tmp_path, monkeypatch):
    extra = tmp_path / "extra-layout-file.html"
    extra.write_text("one")
    real_files = pdf_cache._layout_files
    monkeypatch.setattr(pdf_cache, "_layout_files", lambda: [*real_files(), extra])
    render(leaflet_version, clinic)
    render(leaflet_version, clinic)
    assert len(render_count) == 1
    extra.write_text("two, a longer file")
    render(leaflet_version, clinic)
    assert len(render_count) == 2


def test_the_layout_fingerprint_covers_the_template_stylesheet_and_fonts():
    names = {path.name for path in pdf_cache._layout_files()}
    assert {"handout.html", "pdf.css", "AtkinsonHyperlegibleNext-Regular.ttf", "OFL.txt"} <= names


def test_a_branding_change_renders_again(leaflet_version, clinic, render_count):
    render(leaflet_version, clinic)
    clinic.primary_colour = "#5a2d82"
    clinic.save()
    render(leaflet_version, clinic)
    assert len(render_count) == 2
    # The same logo name with new content (a file replaced in storage) is a new handout too.
    name = clinic.logo.name
    default_storage.delete(name)
    default_storage.save(name, ContentFile(png_logo("#8a3b12")))
    render(leaflet_version, clinic)
    assert len(render_count) == 3
    render(leaflet_version, clinic)
    assert len(render_count) == 3


def test_the_site_address_is_part_of_the_cache_key(leaflet_version, clinic, render_count, settings):
    render(leaflet_version, clinic)
    settings.SITE_URL = "https://another.example.org"
    assert qr_codes(render(leaflet_version, clinic)) == [
        f"https://another.example.org/leaflets/{leaflet_version.leaflet.slug}/v1/?lang=en"
    ]
    assert len(render_count) == 2


def test_a_failed_render_leaves_no_stored_file(leaflet_version, clinic, monkeypatch, caplog):
    def broken(html):
        raise pdf.HandoutError("WeasyPrint failed: MemoryError")

    monkeypatch.setattr(pdf_render, "html_to_pdf", broken)
    with pytest.raises(pdf.HandoutError):
        render(leaflet_version, clinic)
    assert stored_handouts() == []
    assert "Handout render failed" in caplog.text


def test_an_incomplete_stored_file_is_rendered_again(leaflet_version, clinic, render_count):
    data = render(leaflet_version, clinic)
    key = pdf.handout_cache_key(versions=[leaflet_version], clinic=clinic, options=pdf.HandoutOptions())
    name = pdf_cache.stored_handout_name(key, [leaflet_version])
    default_storage.delete(name)
    default_storage.save(name, ContentFile(data[: len(data) // 2]))
    assert render(leaflet_version, clinic) == data
    assert len(render_count) == 2
    with default_storage.open(name) as stored:
        assert stored.read() == data


def test_publication_renders_the_handout_once_the_transaction_commits(
    in_review, approver, clinic, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        version = services.version_approve_and_publish(
            version=in_review, content_hash=factories.shown_hash(in_review), attested=True, user=approver
        )
        assert stored_handouts() == []  # nothing before the commit
    # The email telling the author it is published, the publication's signal, then the pre-render job it queues.
    assert len(callbacks) == 3
    version = LeafletVersion.objects.get(pk=version.pk)
    key = pdf.handout_cache_key(versions=[version], clinic=clinic, options=pdf.HandoutOptions())
    assert default_storage.exists(pdf_cache.stored_handout_name(key, [version]))


def test_a_failed_render_after_publication_never_undoes_the_publication(
    in_review, approver, clinic, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    def broken(html):
        raise pdf.HandoutError("WeasyPrint failed: OSError")

    monkeypatch.setattr(pdf_render, "html_to_pdf", broken)
    with django_capture_on_commit_callbacks(execute=True):
        version = services.version_approve_and_publish(
            version=in_review, content_hash=factories.shown_hash(in_review), attested=True, user=approver
        )
    assert LeafletVersion.objects.get(pk=version.pk).status == LeafletVersion.Status.PUBLISHED
    assert stored_handouts() == []
    assert "Could not pre-render the handout" in caplog.text


def test_a_failing_handout_is_not_rendered_again_for_a_while(leaflet_version, clinic, monkeypatch):
    """A handout that cannot be made answers the error at once for a short time, instead of keeping the render
    process busy on every request (a body built to be slow would otherwise be a denial of service)."""
    calls = []

    def broken(html):
        calls.append(html)
        raise pdf.HandoutError("render failed")

    monkeypatch.setattr(pdf_render, "html_to_pdf", broken)
    for _attempt in range(3):
        with pytest.raises(pdf.HandoutError):
            render(leaflet_version, clinic)
    assert len(calls) == 1


def test_a_full_disk_still_serves_the_handout_and_leaves_no_file(
    leaflet_version, clinic, render_count, media_disk, settings, caplog
):
    """The handout is still printed; nothing (no empty or cut-short .pdf, no temporary file) is left under
    handouts/, and it is stored once the disk has room again."""
    import errno
    from pathlib import Path

    media_disk.fail_with = errno.ENOSPC
    first = render(leaflet_version, clinic)
    assert pdf_cache._looks_complete(first)
    assert "Could not store the handout" in caplog.text
    handouts = Path(settings.MEDIA_ROOT, pdf.CACHE_DIR)
    assert [path for path in handouts.rglob("*") if path.is_file()] == []
    assert stored_handouts() == []

    assert render(leaflet_version, clinic) == first  # rendered again: nothing was stored
    assert len(render_count) == 2

    media_disk.fail_with = None
    render(leaflet_version, clinic)
    assert len(render_count) == 3
    [stored] = [path for path in handouts.rglob("*") if path.is_file()]
    assert stored.suffix == ".pdf" and pdf_cache._looks_complete(stored.read_bytes())
    render(leaflet_version, clinic)
    assert len(render_count) == 3
