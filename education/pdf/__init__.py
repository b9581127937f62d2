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

from education.pdf.cache import CACHE_DIR, handout_cache_key, handout_pdf, is_cacheable, prerender_published
from education.pdf.fetcher import AssetRefused, HandoutURLFetcher, fetch_asset, logo_url, static_url
from education.pdf.layout import MAX_NOTE_CHARS, MAX_VERSIONS, PAPER_SIZES, HandoutOptions, handout_html
from education.pdf.render import (
    RENDERS_PER_PROCESS,
    HandoutError,
    html_to_pdf,
    render_handout,
    reset_render_state,
)
from education.pdf.render import _render_process as _render_process  # read by bench/handouts.py

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
    "handout_cache_key",
    "handout_html",
    "handout_pdf",
    "html_to_pdf",
    "is_cacheable",
    "logo_url",
    "prerender_published",
    "render_handout",
    "reset_render_state",
    "static_url",
]
