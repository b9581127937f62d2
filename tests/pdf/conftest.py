"""Fixtures for the tests of education/pdf/: a branded clinic, a published leaflet, renders counted."""

import logging

import pytest
from django.core.files.base import ContentFile

from clinic.models import Clinic
from education.pdf import render as pdf_render
from tests import factories
from tests.pdf.support import SIGNS, png_logo
from tests.pdf_checks import Collect


@pytest.fixture
def weasyprint_stays_quiet():
    """Any warning or error WeasyPrint logs while rendering fails the test (used by the modules that say so: the
    fetcher's tests render hostile documents on purpose)."""
    collector = Collect(logging.WARNING)
    weasyprint_logger = logging.getLogger("weasyprint")
    weasyprint_logger.addHandler(collector)
    yield collector
    weasyprint_logger.removeHandler(collector)
    assert not collector.messages, f"WeasyPrint logged: {collector.messages}"


@pytest.fixture
def clinic():
    clinic = Clinic.objects.create(
        name="Riverside Skin Clinic",
        slug="riverside",
        phone="01632 960 000",
        email="clinic@example.org",
        website="https://example.org",
        address="1 Example Street\nRiverside RV1 0AA",
        urgent_care_advice="Out of hours, call NHS 111. In an emergency, call 999.",
        logo_alt_text="Riverside Skin Clinic: a blue river under a white arch",
        is_default=True,
    )
    clinic.logo.save("riverside.png", ContentFile(png_logo()), save=True)
    return clinic


@pytest.fixture
def leaflet_version(editor, approver):
    return factories.make_published(
        author=editor,
        approver=approver,
        title="Milia: small white bumps",
        summary="What milia are and when to get help.",
        help_signs=SIGNS,
    )


@pytest.fixture
def site_url(settings):
    settings.SITE_URL = "https://leaflets.example.org"
    return settings.SITE_URL


@pytest.fixture
def render_count(monkeypatch):
    """Counts real renders (html_to_pdf calls) while still rendering."""
    calls = []
    real = pdf_render.html_to_pdf

    def counting(html):
        calls.append(html)
        return real(html)

    monkeypatch.setattr(pdf_render, "html_to_pdf", counting)
    return calls
