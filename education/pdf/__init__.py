"""PDF handouts: one or more leaflet versions, branded for a clinic, rendered by WeasyPrint.

One module per stage, each importing only the ones before it:

- `fetcher`: WeasyPrint's only way to load anything. It serves our static files and the clinics' stored logos,
  by path inside their roots and up to a size limit, and refuses every other URL;
- `layout`: how to print (`HandoutOptions`) and the handout's HTML, from the template
  `education/pdf/handout.html`;
- `render`: the long-lived render process that turns that HTML into a tagged PDF/UA-1 with the shipped font
  embedded, within size and time limits;
- `cache`: a published version never changes, so its handout is rendered once and kept in default storage
  under a key that covers everything that changes the output.

The clinician's note is printed but never stored, cached or logged: a handout with a note is always rendered
afresh and `HandoutOptions` leaves the note out of its repr.

Other code uses the names below (`from education import pdf`). Tests that replace a private name replace it
in the module that looks it up (`education.pdf.render._write_pdf`, say), not here.
"""

import importlib

# Each public name and the module that defines it. They load on first use (PEP 562), so importing this package
# costs nothing: WeasyPrint (about 0.4 s) loads only in processes that make handouts; gunicorn preloads it.
_HOMES = {
    "CACHE_DIR": "cache",
    "forget_version": "cache",
    "handout_cache_key": "cache",
    "handout_pdf": "cache",
    "is_cacheable": "cache",
    "prerender_published": "cache",
    "stored_handout_name": "cache",
    "AssetRefused": "fetcher",
    "HandoutURLFetcher": "fetcher",
    "fetch_asset": "fetcher",
    "logo_url": "fetcher",
    "figure_url": "fetcher",
    "static_url": "fetcher",
    "MAX_NOTE_CHARS": "layout",
    "MAX_VERSIONS": "layout",
    "PAPER_SIZES": "layout",
    "HandoutOptions": "layout",
    "handout_html": "layout",
    "RENDERS_PER_PROCESS": "render",
    "HandoutError": "render",
    "html_to_pdf": "render",
    "render_handout": "render",
    "reset_render_state": "render",
    "_render_process": "render",  # read by bench/handouts.py
}


def __getattr__(name: str):
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'education.pdf' has no attribute {name!r}")
    return getattr(importlib.import_module(f"education.pdf.{home}"), name)


def load() -> None:
    """Load the renderer now (WeasyPrint and the render process's code): clinic/wsgi.py calls this so that
    gunicorn's master process holds it before forking workers, and no patient's request waits for it."""
    importlib.import_module("education.pdf.cache")


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOMES])


__all__ = [
    "CACHE_DIR",
    "MAX_NOTE_CHARS",
    "MAX_VERSIONS",
    "PAPER_SIZES",
    "RENDERS_PER_PROCESS",
    "AssetRefused",
    "HandoutError",
    "HandoutOptions",
    "HandoutURLFetcher",
    "fetch_asset",
    "forget_version",
    "handout_cache_key",
    "handout_html",
    "handout_pdf",
    "html_to_pdf",
    "is_cacheable",
    "logo_url",
    "figure_url",
    "prerender_published",
    "render_handout",
    "reset_render_state",
    "static_url",
]
