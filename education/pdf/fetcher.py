"""The URL fetcher: WeasyPrint's only way to load anything.

It serves our static files (under STATICFILES_DIRS and STATIC_ROOT), the clinics' uploaded logos and the
print copies of leaflet figures (both from default storage, so S3 works as the local disk does), by path inside those roots and up to a size limit. Every other URL (file:, http:, data:,
other hosts, `..`) is refused, so neither leaflet content nor clinic branding can make the renderer reach the
network or disk.
"""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from django.conf import settings
from django.core.files.storage import default_storage
from weasyprint.urls import URLFetcher, URLFetcherResponse

from education.figures import FIGURE_FOLDER, NAME_PATTERN

logger = logging.getLogger(__name__)

# WeasyPrint sees our files at this origin; `.invalid` never resolves, and the fetcher maps it to our roots.
ASSET_HOST = "handout.invalid"
ASSET_ORIGIN = f"https://{ASSET_HOST}/"
MAX_ASSET_BYTES = 2 * 1024 * 1024
# A figure's print copy (1280 px) of a detailed PNG can pass 2 MB; it was made here from a checked upload.
MAX_FIGURE_BYTES = 8 * 1024 * 1024
STATIC_PREFIXES = ("css/", "fonts/", "images/")
LOGO_PREFIXES = ("clinic-logos/", FIGURE_FOLDER)
STATIC_TYPES = {
    ".css": "text/css",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
}
IMAGE_MAGIC = {
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/gif": (b"GIF87a", b"GIF89a"),
    "image/webp": (b"RIFF",),
}


class AssetRefused(ValueError):
    """The fetcher refused a URL: it is not one of our static files or stored logos."""


def static_url(name: str) -> str:
    return f"{ASSET_ORIGIN}static/{quote(name)}"


def logo_url(name: str) -> str:
    return f"{ASSET_ORIGIN}media/{quote(name)}"


def figure_url(name: str) -> str:
    """The renderer's address of a figure copy in storage (`figures/<sha256>-<width>.<ext>`)."""
    return f"{ASSET_ORIGIN}media/{quote(name)}"


def _static_roots() -> list[Path]:
    roots = []
    for entry in settings.STATICFILES_DIRS:
        roots.append(Path(entry[1] if isinstance(entry, list | tuple) else entry))
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT))
    return roots


def _asset_name(url: str) -> tuple[str, str]:
    """('static' | 'media', relative name) for one of our asset URLs; AssetRefused for anything else."""
    try:
        parts = urlsplit(url)
    except ValueError as error:
        raise AssetRefused("malformed URL") from error
    if parts.scheme != "https" or parts.netloc != ASSET_HOST or parts.query or parts.fragment:
        raise AssetRefused("not one of our assets")
    path = unquote(parts.path)
    if "\\" in path or "\x00" in path:
        raise AssetRefused("bad characters in path")
    segments = path.split("/")
    if len(segments) < 3 or segments[0] != "" or segments[1] not in ("static", "media"):
        raise AssetRefused("not under /static/ or /media/")
    rest = segments[2:]
    if any(not segment or segment.startswith(".") for segment in rest):
        raise AssetRefused("empty, hidden or parent path segment")
    name = "/".join(rest)
    prefixes = STATIC_PREFIXES if segments[1] == "static" else LOGO_PREFIXES
    if not name.startswith(prefixes):
        raise AssetRefused("outside the allowed folders")
    if Path(name).suffix.lower() not in STATIC_TYPES:
        raise AssetRefused("file type not allowed")
    if segments[1] == "media" and not STATIC_TYPES[Path(name).suffix.lower()].startswith("image/"):
        raise AssetRefused("only images are served from storage")
    if name.startswith(FIGURE_FOLDER):
        match = NAME_PATTERN.match(name[len(FIGURE_FOLDER) :])
        if match is None or match.group("width") is None:
            raise AssetRefused("not a figure copy")
    return segments[1], name


def _check_image(data: bytes, content_type: str) -> None:
    magic = IMAGE_MAGIC.get(content_type)
    if magic and not data.startswith(magic):
        raise AssetRefused("file content does not match its type")


def _read_static(name: str) -> bytes:
    for root in _static_roots():
        root = root.resolve()
        candidate = (root / name).resolve()  # follows symlinks: the target must be inside the root too
        if not candidate.is_relative_to(root) or not candidate.is_file():
            continue
        if candidate.stat().st_size > MAX_ASSET_BYTES:
            raise AssetRefused("file too large")
        return candidate.read_bytes()
    raise AssetRefused("no such static file")


def _read_logo(name: str) -> bytes:
    limit = MAX_FIGURE_BYTES if name.startswith(FIGURE_FOLDER) else MAX_ASSET_BYTES
    if not default_storage.exists(name):
        raise AssetRefused("no such stored file")
    if default_storage.size(name) > limit:
        raise AssetRefused("file too large")
    with default_storage.open(name, "rb") as file:
        data = file.read(limit + 1)
    if len(data) > limit:
        raise AssetRefused("file too large")
    return data


def fetch_asset(url: str) -> tuple[bytes, str]:
    """The bytes and content type of one of our assets; AssetRefused for every other URL."""
    kind, name = _asset_name(url)
    content_type = STATIC_TYPES[Path(name).suffix.lower()]
    data = _read_static(name) if kind == "static" else _read_logo(name)
    _check_image(data, content_type)
    return data, content_type


class HandoutURLFetcher(URLFetcher):
    """WeasyPrint's only way out: serves our static files and stored logos, refuses everything else."""

    def __init__(self):
        super().__init__(timeout=1, allowed_protocols=("https",), allow_redirects=False, fail_on_errors=False)

    def fetch(self, url, headers=None):
        try:
            data, content_type = fetch_asset(url)
        except AssetRefused as error:
            logger.warning("Handout renderer refused to load %.200r: %s", url, error)
            raise
        return URLFetcherResponse(url, body=data, headers={"Content-Type": content_type})

    def open(self, url, data=None, timeout=None):  # never urllib's handlers, whatever calls this
        return self.fetch(getattr(url, "full_url", url))
