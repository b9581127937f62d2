"""The render process: WeasyPrint turns the handout's HTML into a tagged PDF/UA-1 with the shipped Atkinson
Hyperlegible Next font embedded, in one long-lived process per app process forked with the fonts and
stylesheet loaded, within size and time limits.
"""

from __future__ import annotations

import atexit
import gc
import logging
import multiprocessing
import os
import signal
import stat
import threading
from dataclasses import dataclass
from pathlib import Path

import weasyprint
from django.conf import settings
from weasyprint.text.fonts import FontConfiguration

from clinic.models import Clinic
from education.models import LeafletVersion
from education.pdf import arrange
from education.pdf.fetcher import ASSET_ORIGIN, HandoutURLFetcher, static_url
from education.pdf.layout import MAX_VERSIONS, STYLESHEET, HandoutOptions, handout_html

logger = logging.getLogger(__name__)

PDF_VARIANT = "pdf/ua-1"
MAX_PDF_BYTES = 50 * 1024 * 1024  # far above any real handout; the render limits are in settings


class HandoutError(Exception):
    """The handout could not be rendered. Logged where it happens; views answer with an error page."""


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
        # As weasyprint.HTML.write_pdf does, in two steps: lay out (perhaps more than once), then write.
        options = {**weasyprint.DEFAULT_OPTIONS, "stylesheets": [state.stylesheet], "pdf_variant": PDF_VARIANT}

        def lay_out(text: str):
            source = weasyprint.HTML(string=text, base_url=ASSET_ORIGIN, url_fetcher=HandoutURLFetcher())
            return source.render(font_config=state.font_config, **options)

        # Large print: the "when to get help" blocks where they waste least paper (one layout otherwise).
        data = arrange.arrange(html, lay_out).write_pdf(**options)
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


def _check(versions: list[LeafletVersion], options: HandoutOptions) -> None:
    if not versions:
        raise ValueError("A handout needs at least one leaflet.")
    if len(versions) > MAX_VERSIONS:
        raise ValueError(f"A handout can hold at most {MAX_VERSIONS} leaflets.")
    if len({version.pk for version in versions}) != len(versions):
        raise ValueError("Each leaflet can be in a handout only once.")
    if not isinstance(options, HandoutOptions):
        raise TypeError("options must be HandoutOptions")
    if any(version.withdrawn_at is not None for version in versions):
        raise ValueError("A withdrawn version is never printed.")


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
