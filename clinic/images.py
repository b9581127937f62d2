"""Uploaded clinic logos: only PNG or JPEG, small enough, and always re-encoded.

A logo is shown on every patient page and printed on every handout, so an upload is never stored as sent:
Pillow decodes it (PNG and JPEG decoders only) and writes a fresh file. Whatever rode along in the original
(metadata, a GPS position, text chunks, HTML or a script appended after the image data) is dropped. SVG is
refused outright (it can carry scripts and fetch URLs), and so is an image whose declared size would need
too much memory to decode (a "decompression bomb"), before any pixel is decoded.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path
from typing import NoReturn

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

MAX_LOGO_BYTES = 2 * 1024 * 1024
MAX_LOGO_SIDE = 4000  # pixels, each way
MAX_LOGO_PIXELS = 16_000_000
# Pillow's JPEG opener may report phone photos as MPO (JPEG with extra frames); the first frame is the logo.
ACCEPTED_FORMATS = {"PNG": "png", "JPEG": "jpg", "MPO": "jpg"}


def _refuse(message, code: str, **params) -> NoReturn:
    raise ValidationError(message, code=code, params=params)


def _looks_like_svg(name: str, head: bytes) -> bool:
    return name.lower().endswith((".svg", ".svgz")) or b"<svg" in head.lower()


def _refuse_truncated(image: Image.Image, data: bytes) -> None:
    """Refuse a file cut short. Pillow would pad it with grey when ImageFile.LOAD_TRUNCATED_IMAGES is on, and
    WeasyPrint turns that on for the whole process when it is imported."""
    if image.format == "PNG":
        Image.open(io.BytesIO(data), formats=["PNG"]).verify()  # reads every chunk up to IEND, checking CRCs
    elif data.rfind(b"\xff\xd9") < data.rfind(b"\xff\xda"):  # no end-of-image marker after the last scan
        raise OSError("truncated JPEG")


def _clean_mode(image: Image.Image, target: str) -> Image.Image:
    if target == "jpg":
        return image.convert("RGB") if image.mode not in ("RGB", "L") else image.copy()
    if image.mode in ("1", "L", "LA", "RGB", "RGBA"):
        return image.copy()
    return image.convert("RGBA")  # palette, 16-bit and the rest: one widely readable mode


LOGO_MESSAGES = {
    "too_large": _("The logo file is too large (at most 2 MB)."),
    "svg": _("SVG logos are not accepted, because they can carry scripts. Upload a PNG or JPEG."),
    "format": _("Only PNG or JPEG logos are accepted."),
    "too_many_pixels": _("The logo is %(width)d x %(height)d pixels; at most 4000 x 4000 is accepted."),
    "bomb": _("The logo declares a far larger size than a logo needs; at most 4000 x 4000 pixels."),
    "unreadable": _("Only PNG or JPEG logos are accepted, and this file is not a readable PNG or JPEG image."),
}


def decode_upload(upload, *, messages: dict, max_bytes: int = MAX_LOGO_BYTES) -> tuple[Image.Image, str]:
    """Check an uploaded PNG or JPEG and decode it: (a clean image without metadata, "png" or "jpg").
    ValidationError, with `messages[code]`, if it is refused (codes as in LOGO_MESSAGES)."""
    name = getattr(upload, "name", "") or "image"
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        _refuse(messages["too_large"], "too_large")
    upload.seek(0)
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        _refuse(messages["too_large"], "too_large")
    if _looks_like_svg(name, data[:1024]):
        _refuse(messages["svg"], "svg")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=["PNG", "JPEG"])
            if image.format not in ACCEPTED_FORMATS:
                _refuse(messages["format"], "format")
            width, height = image.size
            if width > MAX_LOGO_SIDE or height > MAX_LOGO_SIDE or width * height > MAX_LOGO_PIXELS:
                _refuse(messages["too_many_pixels"], "too_many_pixels", width=width, height=height)
            _refuse_truncated(image, data)
            image.load()  # decodes every pixel: a corrupt file fails here
            target = ACCEPTED_FORMATS[image.format]
            clean = _clean_mode(ImageOps.exif_transpose(image) or image, target)
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        _refuse(messages["bomb"], "bomb")
    except Exception:  # whatever a decoder raises on an untrusted file means "not an image" (as Django's ImageField)
        _refuse(messages["unreadable"], "format")
    clean.info = {}  # no ICC profile, EXIF, text chunks or comments carried into the new file
    return clean, target


def encode(image: Image.Image, target: str) -> bytes:
    """A fresh PNG or JPEG file of `image`, with no metadata."""
    output = io.BytesIO()
    if target == "png":
        image.save(output, format="PNG", optimize=True)
    else:
        image.save(output, format="JPEG", quality=90, optimize=True)
    return output.getvalue()


def sanitise_logo(upload) -> ContentFile:
    """Check an uploaded logo and return a freshly encoded PNG or JPEG; ValidationError if it is refused."""
    name = getattr(upload, "name", "") or "logo"
    clean, target = decode_upload(upload, messages=LOGO_MESSAGES)
    stem = get_valid_filename(Path(name).stem)[:60] or "logo"
    return ContentFile(encode(clean, target), name=f"{stem}.{target}")
