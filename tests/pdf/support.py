"""Shared by the tests of education/pdf/: a logo, the handouts kept in storage, one handout rendered."""

import io

from django.core.files.storage import default_storage
from PIL import Image

from education import pdf, services

SIGNS = [
    services.HelpSignData("routine", "The spot is still there after two weeks."),
    services.HelpSignData("urgent", "The spot becomes red and sore."),
    services.HelpSignData("emergency", "You have a high temperature and feel very unwell."),
]


def png_logo(colour="#0b5394") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (240, 80), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def stored_handouts() -> list[str]:
    try:
        folders, _files = default_storage.listdir(pdf.CACHE_DIR)
    except FileNotFoundError:
        return []
    return [name for folder in folders for name in default_storage.listdir(f"{pdf.CACHE_DIR}/{folder}")[1]]


def render(version, clinic=None, **options) -> bytes:
    return pdf.handout_pdf(versions=[version], clinic=clinic, options=pdf.HandoutOptions(**options))
