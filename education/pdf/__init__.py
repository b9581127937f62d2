"""PDF handouts: one or more leaflet versions, branded for a clinic, rendered by WeasyPrint.

Three parts, as the style guide asks of this module:

- the render function, `handout_pdf`, from the template `education/pdf/handout.html` and `static/css/pdf.css`,
  tagged as PDF/UA-1 with the shipped Atkinson Hyperlegible Next font embedded;
- the URL fetcher, `HandoutURLFetcher`: WeasyPrint's only way to load anything. It serves our static files
  (under STATICFILES_DIRS and STATIC_ROOT) and the clinics' uploaded logos (from default storage), by path
  inside those roots and up to a size limit. Every other URL (file:, http:, data:, other hosts, `..`) is
  refused, so neither leaflet content nor clinic branding can make the renderer reach the network or disk;
- the cache: a published version never changes, so its handout is rendered once and the bytes are kept in
  default storage under a key that covers everything that changes the output (content fingerprints, clinic
  branding and logo, options, SITE_URL, and the template, CSS, font and translation files).

The clinician's note is printed but never stored, cached or logged: a handout with a note is always rendered
afresh and `HandoutOptions` leaves the note out of its repr.
"""

from __future__ import annotations

import atexit
import gc
import hashlib
import json
import logging
import multiprocessing
import os
import re
import signal
import stat
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import segno
import weasyprint
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from clinic.models import Clinic
from education.content import sanitise_body, split_first_section
from education.models import HelpSign, LeafletVersion

logger = logging.getLogger(__name__)

Status = LeafletVersion.Status

MAX_VERSIONS = 5
MAX_NOTE_CHARS = 500
PAPER_SIZES = {"a4": "A4", "letter": "letter"}
PDF_VARIANT = "pdf/ua-1"
TEMPLATE = "education/pdf/handout.html"
STYLESHEET = "css/pdf.css"
CACHE_DIR = "handouts"
# Bump when this module changes the output in a way the template, CSS and font files do not show.
LAYOUT_REVISION = "3"

# WeasyPrint sees our files at this origin; `.invalid` never resolves, and the fetcher maps it to our roots.
ASSET_HOST = "handout.invalid"
ASSET_ORIGIN = f"https://{ASSET_HOST}/"
MAX_ASSET_BYTES = 2 * 1024 * 1024
MAX_PDF_BYTES = 50 * 1024 * 1024  # far above any real handout; the render limits are in settings
STATIC_PREFIXES = ("css/", "fonts/", "images/")
LOGO_PREFIXES = ("clinic-logos/",)
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
HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
DEFAULT_BRAND = "#0b5394"
DEFAULT_ACCENT = "#8a3b12"


class HandoutError(Exception):
    """The handout could not be rendered. Logged where it happens; views answer with an error page."""


class AssetRefused(ValueError):
    """The fetcher refused a URL: it is not one of our static files or stored logos."""


@dataclass(frozen=True)
class HandoutOptions:
    """How to print: paper size, large print (body at least 16 pt) and an optional clinician's note.

    The note is printed in its own box and is never stored, cached or logged (it is left out of the repr).
    """

    paper: str = "a4"
    large_print: bool = False
    note: str = field(default="", repr=False)

    def __post_init__(self):
        if self.paper not in PAPER_SIZES:
            raise ValueError(f"Unknown paper size {self.paper!r}; use one of {sorted(PAPER_SIZES)}.")
        if len(self.note) > MAX_NOTE_CHARS:
            raise ValueError(f"The note is longer than {MAX_NOTE_CHARS} characters.")

    def record_options(self) -> dict:
        """What a handout record may keep about these options: never the note itself."""
        return {"paper": self.paper, "large_print": bool(self.large_print), "with_note": bool(self.note.strip())}


# --- the URL fetcher --------------------------------------------------------------------------------------


def static_url(name: str) -> str:
    return f"{ASSET_ORIGIN}static/{quote(name)}"


def logo_url(name: str) -> str:
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
    if not default_storage.exists(name):
        raise AssetRefused("no such stored file")
    if default_storage.size(name) > MAX_ASSET_BYTES:
        raise AssetRefused("file too large")
    with default_storage.open(name, "rb") as file:
        data = file.read(MAX_ASSET_BYTES + 1)
    if len(data) > MAX_ASSET_BYTES:
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


# --- the layout: template, stylesheet and fonts -----------------------------------------------------------


def _layout_files() -> list[Path]:
    """Every file whose change changes a handout: the PDF templates, the stylesheet, fonts, translations."""
    base = Path(settings.BASE_DIR)
    files = [base / "static" / STYLESHEET]
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


@dataclass
class _RenderState:
    """Per process: one FontConfiguration and the parsed stylesheet (a new FontConfiguration per render is
    slower and grows memory). Rebuilt only when the stylesheet or font files change."""

    key: str
    font_config: FontConfiguration
    stylesheet: weasyprint.CSS


_state_lock = threading.Lock()
_render_lock = threading.Lock()  # WeasyPrint's shared font configuration is not made for concurrent use
_state: _RenderState | None = None
WARM_UP_HTML = (
    '<!doctype html><html lang="en"><head><title>-</title></head><body><h1>Aa 1</h1>'
    "<p>Aa 1 <strong>Bb 2</strong> <em>Cc 3</em> <strong><em>Dd 4</em></strong></p></body></html>"
)


def _stylesheet_key() -> str:
    base = Path(settings.BASE_DIR) / "static"
    parts = [base / STYLESHEET, *sorted((base / "fonts").glob("*"))]
    return "|".join(f"{path}:{path.stat().st_mtime_ns}:{path.stat().st_size}" for path in parts if path.exists())


def _render_state() -> _RenderState:
    global _state
    key = _stylesheet_key()
    with _state_lock:
        if _state is None or _state.key != key:
            font_config = FontConfiguration()
            stylesheet = weasyprint.CSS(
                url=static_url(STYLESHEET), url_fetcher=HandoutURLFetcher(), font_config=font_config
            )
            _state = _RenderState(key=key, font_config=font_config, stylesheet=stylesheet)
            # One small render here, so that every render process forked from this one starts with the
            # fonts laid out once already (Pango's caches), not from scratch.
            _write_pdf(WARM_UP_HTML, _state)
        return _state


def reset_render_state() -> None:
    """Forget the per-process font configuration and stylesheet (for the benchmark's cold renders)."""
    global _state
    with _state_lock:
        _state = None


class _CollectErrors(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage()[:300])


class _CollectRecords(logging.Handler):
    """In a render process: every warning and error logged while rendering, to be logged again by the app
    process (the render process's own log handlers are not used)."""

    MAX_RECORDS = 50

    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record):
        if len(self.records) < self.MAX_RECORDS:
            self.records.append((record.name, record.levelno, record.getMessage()[:300]))


def _write_pdf(html: str, state: _RenderState) -> tuple[bytes, list[str]]:
    """WeasyPrint itself: the PDF and the errors it logged. Raises HandoutError when it fails outright."""
    collector = _CollectErrors()
    weasy_logger = logging.getLogger("weasyprint")
    weasy_logger.addHandler(collector)
    try:
        document = weasyprint.HTML(string=html, base_url=ASSET_ORIGIN, url_fetcher=HandoutURLFetcher())
        data = document.write_pdf(
            stylesheets=[state.stylesheet], font_config=state.font_config, pdf_variant=PDF_VARIANT
        )
    except Exception as error:
        raise HandoutError(f"WeasyPrint failed: {type(error).__name__}") from error
    finally:
        weasy_logger.removeHandler(collector)
    return data, collector.messages


def _render_one(connection, html: str, state: _RenderState) -> None:
    """Render one handout in the render process and send back (pdf, errors, log records, failure)."""
    records = _CollectRecords()
    logging.root.handlers = [records]  # the app process logs what happened here, once
    try:
        data, errors = _write_pdf(html, state)
        connection.send((data, errors, records.records, ""))
    except BaseException as error:  # noqa: BLE001 - reported to the app process, which raises HandoutError
        failure = str(error) if isinstance(error, HandoutError) else type(error).__name__
        connection.send((b"", [], records.records, failure))


def _let_go_of_connections(*, keep: int) -> None:
    """In the render process: point every inherited socket and pipe (a patient's request, the server's
    listening socket, another program's pipes) at /dev/null, except our own pipe to the app process. A
    long-lived copy would keep a finished request's connection open, and the browser or proxy would wait for
    it to close; a pipe's reader would never see its end. The descriptor numbers stay taken, so nothing
    inherited that closes its descriptor later can close one of ours. Files (fonts) are left open."""
    devnull = os.open(os.devnull, os.O_RDWR)
    folder = "/proc/self/fd"
    numbers = [int(name) for name in os.listdir(folder)] if os.path.isdir(folder) else range(3, 1024)
    for number in numbers:
        if number <= 2 or number in (keep, devnull):
            continue
        try:
            mode = os.fstat(number).st_mode
            if stat.S_ISSOCK(mode) or stat.S_ISFIFO(mode):
                os.dup2(devnull, number)
        except OSError:
            continue  # closed meanwhile (the listing's own descriptor) or not ours to touch
    os.close(devnull)


def _render_process_main(connection, state: _RenderState) -> None:
    """The render process: renders the handouts the app process sends, one at a time, until told to stop or
    the app process goes away (its end of the pipe closes)."""
    # Everything inherited from the app process goes to the collector's permanent generation: collections
    # then only walk what renders create (WeasyPrint's documents hold reference cycles, so collections are
    # needed), and never write to the inherited objects, which would make the kernel copy the whole heap
    # page by page (copy on write).
    gc.freeze()
    _let_go_of_connections(keep=connection.fileno())
    # The app's signal handlers (gunicorn's, say) are not ours: SIGTERM and SIGINT end this process.
    signal.set_wakeup_fd(-1)
    for number in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2):
        signal.signal(number, signal.SIG_DFL)
    try:
        while True:
            try:
                html = connection.recv()
            except (EOFError, OSError):
                return
            if html is None:
                return
            _render_one(connection, html, state)
    finally:
        connection.close()


# A render process serves this many renders, then a fresh one is forked (WeasyPrint keeps about 17 KB per render).
RENDERS_PER_PROCESS = 200


class _RenderProcess:
    """One long-lived render process per app process, forked from it with the fonts and stylesheet loaded.

    A thread cannot be stopped and an alarm signal only reaches the main thread (and not while WeasyPrint is
    inside Pango's C code), so renders run in a separate process that is killed (SIGKILL) when a render
    takes longer than the limit; the next render starts a fresh one. Keeping the process between renders
    (rather than forking one per render) saves the copy-on-write page copies a new process pays while it
    renders (about 30 ms a handout, measured). It only reads static files and stored logos through our
    fetcher; it never touches the database. It is replaced after RENDERS_PER_PROCESS renders, after a
    failure, and whenever what it was forked with changes (stylesheet and fonts, storage and static roots,
    the render function itself).
    """

    def __init__(self):
        self.process = None
        self.connection = None
        self.key = None
        self.renders = 0

    @staticmethod
    def _key(state: _RenderState) -> tuple:
        return (
            state.key,
            id(state),
            str(settings.MEDIA_ROOT),
            str(getattr(settings, "STATIC_ROOT", "") or ""),
            tuple(str(folder) for folder in getattr(settings, "STATICFILES_DIRS", [])),
            _write_pdf,  # replaced (in tests) means a new process must inherit the replacement
        )

    def _start(self, state: _RenderState, key: tuple) -> None:
        context = multiprocessing.get_context("fork")
        ours, theirs = context.Pipe(duplex=True)
        self.process = context.Process(target=_render_process_main, args=(theirs, state), daemon=True)
        self.process.start()
        theirs.close()
        self.connection, self.key, self.renders = ours, key, 0

    def stop(self) -> None:
        """End the render process (killed: it holds nothing worth keeping)."""
        if self.connection is not None:
            self.connection.close()
        if self.process is not None:
            if self.process.is_alive():
                self.process.kill()
            self.process.join(timeout=5)
        self.process = self.connection = self.key = None

    def render(self, html: str, state: _RenderState, timeout: float) -> tuple[bytes, list[str]]:
        key = self._key(state)
        if (
            self.process is None
            or not self.process.is_alive()
            or key != self.key
            or self.renders >= RENDERS_PER_PROCESS
        ):
            self.stop()
            self._start(state, key)
        self.renders += 1
        try:
            self.connection.send(html)
            if not self.connection.poll(timeout):
                self.stop()
                raise HandoutError(f"Rendering took longer than {timeout:g} s and was stopped")
            data, errors, records, failure = self.connection.recv()
        except (EOFError, OSError) as error:
            self.stop()
            raise HandoutError("The render process ended without a result") from error
        for name, level, message in records:
            logging.getLogger(name).log(level, "%s", message)
        if failure:
            self.stop()  # a render that failed outright may have left the process in any state
            raise HandoutError(failure)
        return data, errors


_render_process = _RenderProcess()
# Stopped (SIGKILL) when the app process ends normally, before multiprocessing would wait for it; if the app
# process is killed instead, the render process sees its pipe close and ends by itself.
atexit.register(_render_process.stop)


def _render_in_process(html: str, state: _RenderState, timeout: float) -> tuple[bytes, list[str]]:
    """Render in the render process (see _RenderProcess), stopped when it takes longer than `timeout`."""
    return _render_process.render(html, state, timeout)


def html_to_pdf(html: str) -> tuple[bytes, list[str]]:
    """Render a complete HTML document as a tagged PDF/UA-1 through our fetcher, stylesheet and fonts.

    Bounded: HTML over HANDOUT_MAX_HTML_BYTES is refused, and a render taking longer than
    HANDOUT_RENDER_TIMEOUT seconds is stopped (in a child process, see `_render_in_process`).
    Returns the PDF and the errors WeasyPrint logged (a missing image, say). Raises HandoutError when
    WeasyPrint fails outright, takes too long, or the input or output is too large.
    """
    max_html = getattr(settings, "HANDOUT_MAX_HTML_BYTES", 1_000_000)
    if len(html.encode("utf-8", "surrogatepass")) > max_html:
        raise HandoutError(f"The handout HTML is larger than {max_html} bytes")
    timeout = float(getattr(settings, "HANDOUT_RENDER_TIMEOUT", 20))
    state = _render_state()
    with _render_lock:  # one render at a time per app process: bounded memory and CPU
        if hasattr(os, "fork"):
            data, errors = _render_in_process(html, state, timeout)
        else:  # pragma: no cover - no fork (not Linux): size limits only
            data, errors = _write_pdf(html, state)
    if not data or not data.startswith(b"%PDF-"):
        raise HandoutError("WeasyPrint returned no PDF")
    if len(data) > MAX_PDF_BYTES:
        raise HandoutError(f"The handout PDF is larger than {MAX_PDF_BYTES} bytes")
    return data, errors


# --- building the handout ---------------------------------------------------------------------------------


def _colour(value: str, default: str) -> str:
    return value if HEX_COLOUR.match(value or "") else default


def _css_string(text: str) -> str:
    """A CSS string literal: escapes quotes, backslashes and line breaks, and anything that could end a <style>."""
    escaped = "".join(ch if ch.isalnum() or ch in " .,:;!?()'-–·" else f"\\{ord(ch):x} " for ch in str(text))
    return f'"{escaped}"'


def _page_counter_css(template: str) -> str:
    """'Page %(page)s of %(pages)s' in the reader's language as a CSS content value."""
    parts = re.split(r"(%\(page\)s|%\(pages\)s)", template)
    values = []
    for part in parts:
        if part == "%(page)s":
            values.append("counter(page)")
        elif part == "%(pages)s":
            values.append("counter(pages)")
        elif part:
            values.append(_css_string(part))
    return " ".join(values)


def public_version_url(version: LeafletVersion) -> str:
    """The address of exactly this version online, in its language (what the QR code opens)."""
    return settings.SITE_URL.rstrip("/") + version.get_absolute_url()


def _qr_svg(url: str, title: str) -> str:
    svg = segno.make(url, error="m", micro=False).svg_inline(
        scale=1, border=4, omitsize=True, title=title, svgclass="qr-code", dark="#000"
    )
    return mark_safe(svg)  # noqa: S308 - generated by segno from our own URL; the title is escaped by segno


def _logo_name(clinic: Clinic | None) -> str:
    """The clinic's stored logo, if it is there and of a kind we serve; else '' (the header shows the name)."""
    name = clinic.logo.name if clinic is not None and clinic.logo else ""
    if not name:
        return ""
    try:
        _asset_name(logo_url(name))
        exists = default_storage.exists(name)
    except Exception:  # noqa: BLE001 - a refused or unreadable logo: print without it
        exists = False
    if not exists:
        logger.warning("Clinic %s logo %.100r is missing or not allowed; printing without it.", clinic.pk, name)
        return ""
    return name


def _watermark(versions: list[LeafletVersion]) -> str:
    if all(version.status in LeafletVersion.PUBLIC_STATUSES for version in versions):
        return ""
    return _("DRAFT - not for patients")


def _page_css(*, options: HandoutOptions, clinic: Clinic | None, watermark: str) -> str:
    """The handout's own page rules: paper size, page numbers in the reader's language, the draft banner and
    the clinic's colours (re-checked: this goes into a <style>). Large print has its own named pages in
    static/css/pdf.css (`html.large-print`), margins and running text included."""
    brand = _colour(clinic.primary_colour if clinic else "", DEFAULT_BRAND)
    accent = _colour(clinic.accent_colour if clinic else "", DEFAULT_ACCENT)
    page_counter = _page_counter_css(_("Page %(page)s of %(pages)s"))
    rules = [
        f"size: {PAPER_SIZES[options.paper]};",
        f"@bottom-right {{ content: {page_counter}; }}",
    ]
    extra = ""
    if watermark:
        rules.append(f"@top-center {{ content: {_css_string(watermark)}; }}")
        # At 16 pt the running title of large print (pdf.css, `@page large-print`) and the banner do not fit
        # side by side: a draft, a staff proof, keeps the banner and the watermark and goes without the title.
        extra = "\n@page large-print { @top-left { content: none; } }"
    return f"@page {{ {' '.join(rules)} }}{extra}\n:root {{ --brand: {brand}; --accent: {accent}; }}"


def _leaflet_context(version: LeafletVersion, *, large_print: bool) -> dict:
    """One leaflet of the handout. In large print the "when to get help" block needs a page of its own, so
    the body's first section (the key points, in the starter leaflets) comes before it and fills page 1;
    in normal print the block fits on page 1 right after the summary."""
    body = sanitise_body(version.body)
    lead, rest = split_first_section(body) if large_print else ("", body)
    with translation.override(version.language):
        url = public_version_url(version)
        title = _("QR code: opens version %(number)s of this leaflet online") % {"number": version.number}
        return {
            "version": version,
            "url": url,
            "url_label": url.split("://", 1)[-1],
            "qr_svg": _qr_svg(url, title),
            "help_groups": version.help_sign_groups(),
            # Sanitised by the nh3 allowlist (education.content), as LeafletVersion.body_html is.
            "body_lead": mark_safe(lead),  # noqa: S308
            "body_rest": mark_safe(rest),  # noqa: S308
        }


def handout_html(*, versions: list[LeafletVersion], clinic: Clinic | None, options: HandoutOptions) -> str:
    """The handout's HTML, before WeasyPrint. Autoescaped; only the sanitised body and the QR SVG are safe."""
    first = versions[0]
    with translation.override(first.language):
        watermark = _watermark(versions)
        website = clinic.website if clinic and clinic.website.startswith(("https://", "http://")) else ""
        address_lines = (clinic.address if clinic else "").splitlines()
        logo = _logo_name(clinic)
        context = {
            "language": first.language,
            "document_title": " / ".join(version.title for version in versions),
            "author": clinic.name if clinic else _("Patient information"),
            "description": first.summary,
            # Built from checked colours, our own words and CSS-escaped strings only.
            "page_css": mark_safe(_page_css(options=options, clinic=clinic, watermark=watermark)),  # noqa: S308
            "clinic": clinic,
            "clinic_address": ", ".join(line.strip() for line in address_lines if line.strip()),
            "clinic_website": website,
            "clinic_website_label": website.split("://", 1)[-1].rstrip("/"),
            "phone_href": re.sub(r"[^0-9+]", "", clinic.phone) if clinic else "",
            "logo_url": logo_url(logo) if logo else "",
            "leaflets": [_leaflet_context(version, large_print=options.large_print) for version in versions],
            "note": options.note.strip(),
            "large_print": options.large_print,
            "watermark": watermark,
        }
        return render_to_string(TEMPLATE, context)


def _check(versions: list[LeafletVersion], options: HandoutOptions) -> None:
    if not versions:
        raise ValueError("A handout needs at least one leaflet.")
    if len(versions) > MAX_VERSIONS:
        raise ValueError(f"A handout can hold at most {MAX_VERSIONS} leaflets.")
    if len({version.pk for version in versions}) != len(versions):
        raise ValueError("Each leaflet can be in a handout only once.")
    if not isinstance(options, HandoutOptions):
        raise TypeError("options must be HandoutOptions")


def _render(*, versions, clinic, options) -> tuple[bytes, list[str]]:
    ids = [version.pk for version in versions]
    try:
        html = handout_html(versions=versions, clinic=clinic, options=options)
        data, errors = html_to_pdf(html)
    except Exception as error:
        # The traceback is logged only when there is no note: a note must never reach a log.
        logger.error("Handout render failed for versions %s", ids, exc_info=not options.note)
        if isinstance(error, HandoutError):
            raise
        raise HandoutError(f"Handout render failed: {type(error).__name__}") from error
    if errors:
        logger.error("WeasyPrint reported problems for versions %s: %s", [v.pk for v in versions], errors)
    return data, errors


def render_handout(*, versions: list[LeafletVersion], clinic: Clinic | None, options: HandoutOptions) -> bytes:
    """Render a handout now, without the cache."""
    versions = list(versions)
    _check(versions, options)
    data, _errors = _render(versions=versions, clinic=clinic, options=options)
    return data


# --- the cache --------------------------------------------------------------------------------------------


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
                version.review_due.isoformat() if version.review_due else "",
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


def _cache_name(key: str) -> str:
    return f"{CACHE_DIR}/{key[:2]}/{key}.pdf"


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
    """Published (and retired) versions never change; drafts may, and a note is never kept."""
    return not options.note.strip() and all(version.status in LeafletVersion.PUBLIC_STATUSES for version in versions)


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
    name = _cache_name(handout_cache_key(versions=versions, clinic=clinic, options=options))
    cached = _read_cached(name)
    if cached is not None:
        return cached
    data, errors = _render(versions=versions, clinic=clinic, options=options)
    if not errors:
        _store(name, data)
    return data


def prerender_published(version_id: int) -> None:
    """Render a newly published version's standard handout for the default clinic, so the first patient gets
    stored bytes. Runs after the publishing transaction commits; a failure is logged, never raised."""
    from education import selectors

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
