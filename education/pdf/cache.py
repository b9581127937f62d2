"""The stored-handout cache: a published version never changes, so its handout is rendered once and the bytes
are kept in default storage under a key that covers everything that changes the output (content fingerprints,
clinic branding and logo, options, SITE_URL, and the template, CSS, font and translation files).

A handout with a clinician's note, or of a draft, is always rendered afresh and never stored.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

import weasyprint
from django.conf import settings
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from clinic.models import Clinic
from education import selectors
from education.models import HelpSign, LeafletVersion
from education.pdf.fetcher import AssetRefused, _read_logo
from education.pdf.layout import STYLESHEET, HandoutOptions, _logo_name
from education.pdf.render import HandoutError, _check, _render

logger = logging.getLogger(__name__)

Status = LeafletVersion.Status

CACHE_DIR = "handouts"
# Bump when the code of this package (layout, render or fetcher) changes the output in a way the template, CSS,
# font and translation files do not show: those files are fingerprinted (_layout_files), the code is not.
LAYOUT_REVISION = "3"


def _layout_files() -> list[Path]:
    """Every file whose change changes a handout: the PDF templates, the stylesheet, fonts, translations, and
    the code that lays the page out (where large print puts the "when to get help" block)."""
    base = Path(settings.BASE_DIR)
    files = [
        base / "static" / STYLESHEET,
        base / "education" / "pdf" / "layout.py",
        base / "education" / "pdf" / "arrange.py",
    ]
    folders = [base / "templates" / "education" / "pdf", base / "static" / "fonts"]
    folders += [Path(path) for path in settings.LOCALE_PATHS]
    for folder in folders:
        if folder.is_dir():
            files += [path for path in folder.rglob("*") if path.is_file() and path.suffix != ".po"]
    return sorted(files)


_fingerprints: dict[tuple, str] = {}


def layout_fingerprint() -> str:
    """SHA-256 over the layout files' names and contents; the files are re-read only when one's size or
    modification time changes. Names are relative, so every app server sharing the storage agrees."""
    base = Path(settings.BASE_DIR)
    stats = []
    for path in _layout_files():
        stat = path.stat()
        stats.append((path, stat.st_mtime_ns, stat.st_size))
    stats = tuple(stats)
    cached = _fingerprints.get(stats)
    if cached is None:
        digest = hashlib.sha256()
        for path, _mtime, _size in stats:
            name = str(path.relative_to(base)) if path.is_relative_to(base) else path.name
            digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
        cached = digest.hexdigest()
        _fingerprints.clear()
        _fingerprints[stats] = cached
    return cached


def _logo_digest(clinic: Clinic | None) -> str:
    name = _logo_name(clinic)
    if not name:
        return ""
    try:
        return hashlib.sha256(_read_logo(name)).hexdigest()
    except (AssetRefused, OSError):
        return "unreadable"


def handout_cache_key(*, versions: list[LeafletVersion], clinic: Clinic | None, options: HandoutOptions) -> str:
    """SHA-256 of everything that changes a handout's bytes. Never includes the note (noted handouts are not
    cached at all)."""
    payload = {
        "revision": LAYOUT_REVISION,
        "weasyprint": weasyprint.__version__,
        "layout": layout_fingerprint(),
        "site_url": settings.SITE_URL,
        "time_zone": settings.TIME_ZONE,
        "guidance": [[str(text) for text in row] for row in HelpSign.GUIDANCE],
        "versions": [
            [
                version.pk,
                version.leaflet.slug,
                version.number,
                version.language,
                version.status,
                version.content_hash,
                version.approved_at.isoformat() if version.approved_at else "",
                version.next_review_due.isoformat() if version.next_review_due else "",
            ]
            for version in versions
        ],
        "clinic": None
        if clinic is None
        else {
            "pk": clinic.pk,
            "fields": [
                clinic.name,
                clinic.logo.name if clinic.logo else "",
                clinic.logo_alt_text,
                clinic.primary_colour,
                clinic.accent_colour,
                clinic.address,
                clinic.phone,
                clinic.email,
                clinic.website,
                clinic.urgent_care_advice,
                clinic.language,
                clinic.urgent_care_advice_translations,
            ],
            "logo_sha256": _logo_digest(clinic),
        },
        "options": {"paper": options.paper, "large_print": bool(options.large_print)},
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


# How long a handout that failed to render is answered with the error page at once, without rendering again.
FAILURE_MEMORY_SECONDS = 120


def stored_handout_name(key: str, versions: list[LeafletVersion]) -> str:
    """Stored under a folder named by the versions it holds (handouts/v12-v15/<key>.pdf), so everything
    stored of a version can be found and deleted when it is withdrawn."""
    folder = "-".join(f"v{version.pk}" for version in versions)
    return f"{CACHE_DIR}/{folder}/{key}.pdf"


def forget_version(version_id: int) -> int:
    """Delete every stored handout that holds this version (after it was withdrawn); returns how many. A
    stored file that cannot be deleted is logged: it is never served anyway, since a withdrawn version is
    never printed."""
    try:
        folders, _files = default_storage.listdir(CACHE_DIR)
    except FileNotFoundError:
        return 0
    wanted = f"v{version_id}"
    deleted = 0
    for folder in folders:
        if wanted not in folder.split("-"):
            continue
        for name in default_storage.listdir(f"{CACHE_DIR}/{folder}")[1]:
            try:
                default_storage.delete(f"{CACHE_DIR}/{folder}/{name}")
                deleted += 1
            except OSError:
                logger.warning("Could not delete the stored handout %s/%s of a withdrawn version", folder, name)
    return deleted


def _looks_complete(data: bytes) -> bool:
    return data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")


def _read_cached(name: str) -> bytes | None:
    try:
        with default_storage.open(name, "rb") as file:
            data = file.read()
    except FileNotFoundError:
        return None
    except OSError:
        logger.warning("Could not read the stored handout %s; rendering it again.", name, exc_info=True)
        return None
    if not _looks_complete(data):
        logger.warning("Stored handout %s is incomplete; rendering it again.", name)
        try:
            default_storage.delete(name)
        except OSError:
            pass
        return None
    return data


def _store(name: str, data: bytes) -> None:
    try:
        saved = default_storage.save(name, ContentFile(data))
        if saved != name:  # another process stored the same handout first: keep one copy
            default_storage.delete(saved)
    except OSError:
        logger.warning("Could not store the handout %s; it will be rendered again next time.", name, exc_info=True)


def is_cacheable(*, versions: list[LeafletVersion], options: HandoutOptions) -> bool:
    """Published (and superseded) versions never change; drafts may, and a note is never kept."""
    return not options.note.strip() and all(version.is_public for version in versions)


def handout_pdf(*, versions: list[LeafletVersion], clinic: Clinic | None, options: HandoutOptions) -> bytes:
    """The handout as PDF bytes: from storage when this exact handout was rendered before, else rendered now
    (and stored, if it is cacheable and rendered without problems).

    Drafts get a "DRAFT - not for patients" watermark and are never stored; nor is anything with a note.
    Raises ValueError for bad arguments and HandoutError when rendering fails (already logged).
    """
    versions = list(versions)
    _check(versions, options)
    if not is_cacheable(versions=versions, options=options):
        return _render(versions=versions, clinic=clinic, options=options)[0]
    key = handout_cache_key(versions=versions, clinic=clinic, options=options)
    name = stored_handout_name(key, versions)
    cached = _read_cached(name)
    if cached is not None:
        return cached
    failed = f"handout-failed:{key}"
    if caches["default"].get(failed):
        # It failed moments ago and would fail again: answer at once rather than render again, so repeated
        # requests for a handout that cannot be made cannot keep the render process busy.
        raise HandoutError("This handout failed to render moments ago.")
    try:
        data, errors = _render(versions=versions, clinic=clinic, options=options)
    except HandoutError:
        caches["default"].set(failed, True, FAILURE_MEMORY_SECONDS)
        raise
    if not errors:
        _store(name, data)
    return data


def prerender_published(version_id: int) -> None:
    """Render a newly published version's standard handout for the default clinic, so the first patient gets
    stored bytes. Runs after the publishing transaction commits; a failure is logged, never raised."""
    try:
        version = (
            LeafletVersion.objects.select_related("leaflet")
            .prefetch_related("help_signs")
            .filter(pk=version_id, status=Status.PUBLISHED)
            .first()
        )
        if version is None:
            return
        handout_pdf(versions=[version], clinic=selectors.default_clinic(), options=HandoutOptions())
    except Exception:  # noqa: BLE001 - publishing has happened; the handout is rendered on first request instead
        logger.exception("Could not pre-render the handout of version %s", version_id)
