"""Figures in leaflets: checking an uploaded picture and making the files patients and printers get.

An upload is decoded and re-encoded exactly as a clinic logo is (`clinic.images`: PNG or JPEG only, metadata
dropped, SVG, corrupt files and decompression bombs refused). The clean file is the figure's *original*; its
SHA-256 names it in storage (`figures/<sha256>.<ext>`) and is part of the version's content fingerprint.
From it come smaller copies for screens (`figures/<sha256>-<width>.<ext>`, for `srcset`), the largest of which
is also the print copy. Names are content-addressed, so a file never changes under its name and may be cached
for a year; the same picture in several versions is stored once.

Pure functions: nothing here touches the database or storage.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _
from PIL import Image

from clinic.images import decode_upload, encode

MAX_FIGURE_BYTES = 5 * 1024 * 1024
# Widths (pixels) of the copies made for screens; a phone picks the smallest that fills its width.
RENDITION_WIDTHS = (320, 640, 960, 1280)
# The largest copy is printed: 1280 px across the 110 mm a figure may take on paper is about 300 dpi.
PRINT_WIDTH = RENDITION_WIDTHS[-1]
FIGURE_FOLDER = "figures/"
NAME_PATTERN = re.compile(r"^(?P<sha>[0-9a-f]{64})(?:-(?P<width>[0-9]{2,5}))?\.(?P<ext>png|jpg)$")

FIGURE_MESSAGES = {
    "too_large": _("The picture file is too large (at most 5 MB)."),
    "svg": _("SVG pictures are not accepted, because they can carry scripts. Upload a PNG or JPEG."),
    "format": _("Only PNG or JPEG pictures are accepted."),
    "too_many_pixels": _("The picture is %(width)d x %(height)d pixels; at most 4000 x 4000 is accepted."),
    "bomb": _("The picture declares a far larger size than it needs; at most 4000 x 4000 pixels."),
    "unreadable": _("Only PNG or JPEG pictures are accepted, and this file is not a readable PNG or JPEG image."),
}


@dataclass(frozen=True)
class PreparedFigure:
    """A checked picture: its clean original and the smaller copies, ready to store."""

    sha256: str
    extension: str
    width: int
    height: int
    original: bytes
    renditions: dict[int, bytes] = field(default_factory=dict)

    @property
    def original_name(self) -> str:
        return original_name(self.sha256, self.extension)

    def files(self) -> dict[str, bytes]:
        """Every file to store, by storage name."""
        names = {self.original_name: self.original}
        for width, data in self.renditions.items():
            names[rendition_name(self.sha256, self.extension, width)] = data
        return names


def original_name(sha256: str, extension: str) -> str:
    return f"{FIGURE_FOLDER}{sha256}.{extension}"


def rendition_name(sha256: str, extension: str, width: int) -> str:
    return f"{FIGURE_FOLDER}{sha256}-{width}.{extension}"


def rendition_widths(original_width: int) -> list[int]:
    """The copy widths made for a picture this wide: the standard widths below its own, then its own width
    (or the largest standard width, if it is wider). Nothing is blown up, and a screen that needs the whole
    picture gets it."""
    smaller = [width for width in RENDITION_WIDTHS if width < min(original_width, PRINT_WIDTH)]
    return [*smaller, min(original_width, PRINT_WIDTH)]


def print_width(original_width: int) -> int:
    return rendition_widths(original_width)[-1]


def _renditions(image: Image.Image, extension: str) -> dict[int, bytes]:
    copies = {}
    for width in rendition_widths(image.width):
        if width == image.width:
            copy = image
        else:
            height = max(1, round(image.height * width / image.width))
            copy = image.resize((width, height), Image.Resampling.LANCZOS)
        copies[width] = encode(copy, extension)
    return copies


def prepare_upload(upload) -> PreparedFigure:
    """Check an uploaded picture (ValidationError with a clear message if refused) and make its files."""
    image, extension = decode_upload(upload, messages=FIGURE_MESSAGES, max_bytes=MAX_FIGURE_BYTES)
    return _prepare(image, extension, encode(image, extension))


def prepare_original(data: bytes, *, expected_sha256: str) -> PreparedFigure:
    """Files for a picture that was prepared here before (an imported export): the original is checked like
    an upload, kept byte for byte (its SHA-256 is part of a version's fingerprint) and must match."""
    if hashlib.sha256(data).hexdigest() != expected_sha256:
        raise ValueError("the picture's bytes do not match its SHA-256")
    image, extension = decode_upload(io.BytesIO(data), messages=FIGURE_MESSAGES, max_bytes=MAX_FIGURE_BYTES)
    return _prepare(image, extension, data)


def _prepare(image: Image.Image, extension: str, original: bytes) -> PreparedFigure:
    return PreparedFigure(
        sha256=hashlib.sha256(original).hexdigest(),
        extension=extension,
        width=image.width,
        height=image.height,
        original=original,
        renditions=_renditions(image, extension),
    )
