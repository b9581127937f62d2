"""The rendered PDF: tagged PDF/UA-1 with its language, title and alt texts, only the shipped font and
embedded, no file attached, and one font configuration and stylesheet for every render in a process.

Any warning or error WeasyPrint logs while rendering fails these tests.
"""

import io

import pytest

from education import pdf
from education.pdf import render as pdf_render
from tests import factories
from tests.pdf.support import render
from tests.pdf_checks import embedded_files, fonts, structure

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("weasyprint_stays_quiet")]


def test_the_handout_is_tagged_pdf_ua_with_language_title_author_and_alt_texts(leaflet_version, clinic):
    import pikepdf

    data = render(leaflet_version, clinic)
    with pikepdf.open(io.BytesIO(data)) as document:
        assert str(document.Root.Lang) == "en"
        assert bool(document.Root.MarkInfo.Marked) is True
        assert bool(document.Root.ViewerPreferences.DisplayDocTitle) is True
        assert str(document.docinfo.Title) == "Milia: small white bumps"
        assert str(document.docinfo.Author) == "Riverside Skin Clinic"
        with document.open_metadata() as xmp:
            assert xmp["pdfuaid:part"] == "1"
    tags = structure(data)
    names = [tag for tag, _alt in tags]
    assert {"/Document", "/H1", "/H2", "/H3", "/P", "/L", "/LI", "/Figure"} <= set(names)
    qr_figure = tags.index(("/Figure", "QR code: opens version 1 of this leaflet online"))
    assert names.index("/H1") < qr_figure  # the title is read before the QR code
    alts = [alt for tag, alt in tags if tag == "/Figure"]
    assert "Riverside Skin Clinic: a blue river under a white arch" in alts
    assert "QR code: opens version 1 of this leaflet online" in alts


def test_a_french_version_declares_its_language(editor, approver, clinic):
    version = factories.make_published(author=editor, approver=approver, language="fr", title="Grains de milium")
    import pikepdf

    with pikepdf.open(io.BytesIO(render(version, clinic))) as document:
        assert str(document.Root.Lang) == "fr"


def test_only_the_shipped_font_is_used_and_it_is_embedded(leaflet_version, clinic):
    used = fonts(render(leaflet_version, clinic))
    assert used
    assert all(name.startswith("Atkinson-Hyperlegible-Next") and embedded for name, embedded in used), used
    assert {name for name, _embedded in used} >= {"Atkinson-Hyperlegible-Next", "Atkinson-Hyperlegible-Next-Bold"}


def test_one_font_configuration_and_stylesheet_serve_every_render(leaflet_version, clinic):
    pdf.render_handout(versions=[leaflet_version], clinic=clinic, options=pdf.HandoutOptions())
    state = pdf_render._render_state()
    pdf.render_handout(versions=[leaflet_version], clinic=clinic, options=pdf.HandoutOptions(large_print=True))
    assert pdf_render._render_state() is state
    assert state.font_config is pdf_render._render_state().font_config


def test_no_file_is_ever_embedded(leaflet_version, clinic):
    assert embedded_files(render(leaflet_version, clinic)) == []
