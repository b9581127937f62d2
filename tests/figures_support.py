"""Pictures for the figure tests: a small PNG kept under tests/ and pictures made on the fly."""

from __future__ import annotations

import io
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from education import figures, services

FACE_PNG = Path(__file__).parent / "figures_data" / "face.png"


def upload(data: bytes, name: str = "picture.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def picture_bytes(width: int = 700, height: int = 400, *, fmt: str = "PNG", colour=(200, 80, 80), **save) -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(output, format=fmt, **save)
    return output.getvalue()


def face_picture() -> figures.PreparedFigure:
    return figures.prepare_upload(upload(FACE_PNG.read_bytes(), "face.png"))


def add_figure(version, *, user, alt_text="Where milia appear on the face.", **fields):
    return services.figure_add(version=version, user=user, picture=face_picture(), alt_text=alt_text, **fields)
