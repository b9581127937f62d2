"""`make bench`: how fast handouts render and how much memory rendering holds, from one run on this machine.

Sets up a throwaway in-memory database with the demo data, then prints the median time of

- a bare, default WeasyPrint render of the same HTML and stylesheet (WeasyPrint's own URL fetcher, a new
  font configuration and a freshly parsed stylesheet every time: what a first implementation would do),
- our cold render (no font configuration or parsed stylesheet in the process yet),
- our warm render (the process's font configuration and parsed stylesheet reused),
- the cached response through Django's test client (stored bytes, the normal case for a published version),

with their ratios, and the resident memory (RSS) of the app process and of its render process over 200 warm
renders. Then the same leaflet as a draft, warm, without and then with two figures (a 1600 px PNG drawing
and a 2000 px JPEG photograph, printed from their 1280 px copies), and the ratio of the two.

Targets (issue 3): warm render no slower than the bare default render; cached response at most 2% of a
render; RSS flat and under 150 MiB over 200 renders. Issue 13: a handout with figures renders within 1.3
times the same handout without.
"""

from __future__ import annotations

import io
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
MEDIA = tempfile.TemporaryDirectory(prefix="handout-bench-")
os.environ.update(
    {
        "DJANGO_SETTINGS_MODULE": "clinic.settings",
        "DEBUG": "true",  # the demo data refuses to load otherwise; nothing is served
        "DATABASE_URL": "sqlite://:memory:",
        "MEDIA_ROOT": MEDIA.name,
        "LOG_LEVEL": "WARNING",
    }
)

RENDERS = 200
BARE_RUNS = 15
COLD_RUNS = 10
CACHED_RUNS = 200
SLUG = "milia-overview"
FIGURE_RUNS = 30


def rss_mib(pid: int | str = "self") -> tuple[float, float]:
    """(current RSS, peak RSS) of a process (this one by default) in MiB, from /proc."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _colon, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) / 1024
    return values["VmRSS"], values["VmHWM"]


def timed(function, runs: int) -> list[float]:
    times = []
    for _run in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return times


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client, without touching a real database
    call_command("migrate", verbosity=0)
    call_command("demo", password=secrets.token_urlsafe(16), stdout=io.StringIO())
    from django.conf import settings

    settings.DEBUG = False  # as in production: no query log growing in memory

    import weasyprint
    from weasyprint.text import ffi

    from education import pdf, selectors

    version = next(v for v in selectors.published_of_leaflet(slug=SLUG) if v.language == "en")
    clinic = selectors.default_clinic()
    options = pdf.HandoutOptions()
    html = pdf.handout_html(versions=[version], clinic=clinic, options=options)
    css_file = BASE_DIR / "static" / "css" / "pdf.css"

    def ours():
        pdf.render_handout(versions=[version], clinic=clinic, options=options)

    def cold():
        pdf.reset_render_state()
        ours()

    def bare(**extra):
        stylesheet = weasyprint.CSS(filename=str(css_file))  # fonts load from file:// beside it
        weasyprint.HTML(string=html, base_url=str(css_file)).write_pdf(stylesheets=[stylesheet], **extra)

    print(f"WeasyPrint {weasyprint.__version__}, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    print(f"HarfBuzz subsetter: {'yes' if ffi.harfbuzz_subset is not None else 'NO (slow fontTools fallback)'}")
    print(f"Handout: {SLUG} v{version.number}, A4, {clinic.name}; {len(html):,} bytes of HTML\n")

    # 1. Our warm renders, with memory after each (first, so nothing else has grown the process yet).
    ours()
    rss_start, _peak = rss_mib()
    samples, render_samples, warm_times = {}, {}, []
    for number in range(1, RENDERS + 1):
        start = time.perf_counter()
        ours()
        warm_times.append(time.perf_counter() - start)
        if number in (1, 10, 50, 100, 150, RENDERS):
            samples[number] = rss_mib()[0]
            render_samples[number] = rss_mib(pdf._render_process.process.pid)[0]
    _rss, peak = rss_mib()
    render_peak = max(render_samples.values())

    # 2. The cached response through the test client (the first request may render and store it).
    client = Client()
    url = f"/leaflets/{SLUG}/handout.pdf"
    first = client.get(url)
    assert first.status_code == 200 and first.content.startswith(b"%PDF-"), first.status_code
    cached_times = timed(lambda: client.get(url), CACHED_RUNS)

    # 3. Cold renders and the bare default renders (these build new font configurations: memory grows).
    cold_times = timed(cold, COLD_RUNS)
    bare(), bare(pdf_variant="pdf/ua-1")  # let the operating system's font caches warm up for them too
    bare_times = timed(bare, BARE_RUNS)
    bare_ua_times = timed(lambda: bare(pdf_variant="pdf/ua-1"), BARE_RUNS)

    bare_median = statistics.median(bare_times)
    bare_ua_median = statistics.median(bare_ua_times)
    cold_median = statistics.median(cold_times)
    warm_median = statistics.median(warm_times)
    cached_median = statistics.median(cached_times)

    print("Median times")
    print(f"  bare default WeasyPrint render   {ms(bare_median)}   (n={BARE_RUNS})")
    print(f"    same, with pdf_variant=pdf/ua-1 {ms(bare_ua_median)}   (n={BARE_RUNS}; ours is PDF/UA-1 too)")
    print(f"  our cold render                  {ms(cold_median)}   (n={COLD_RUNS})")
    print(f"  our warm render                  {ms(warm_median)}   (n={RENDERS})")
    print(f"  cached response (test client)    {ms(cached_median)}   (n={CACHED_RUNS})")
    print("Ratios")
    print(f"  warm / bare default              {warm_median / bare_median:8.2f}   target <= 1.00")
    print(f"  warm / bare with pdf/ua-1        {warm_median / bare_ua_median:8.2f}")
    print(f"  cold / bare default              {cold_median / bare_median:8.2f}")
    print(f"  cached / warm render             {cached_median / warm_median:8.2%}   target <= 2%")
    print(f"  cached / bare default            {cached_median / bare_median:8.2%}")
    print(f"Memory over {RENDERS} warm renders (app process / render process; the render process is replaced")
    print(f"after {pdf.RENDERS_PER_PROCESS} renders)")
    print(f"  RSS before                       {rss_start:8.1f} MiB")
    for number, value in samples.items():
        print(f"  RSS after render {number:<3}             {value:8.1f} MiB / {render_samples[number]:6.1f} MiB")
    print(f"  peak RSS                         {peak:8.1f} MiB / {render_peak:6.1f} MiB   target < 150 MiB, flat")
    print(f"  growth from render 10 to {RENDERS}       {samples[RENDERS] - samples[10]:8.1f} MiB")
    print(f"  render process growth, 10 to 150 {render_samples[150] - render_samples[10]:8.1f} MiB")

    without_figures, with_figures = figure_times(version, clinic, options)
    figure_ratio = with_figures / without_figures
    print(f"Handout with figures (the same leaflet as a draft, warm, n={FIGURE_RUNS} each)")
    print(f"  without figures                  {ms(without_figures)}")
    print(f"  with two figures                 {ms(with_figures)}")
    print(f"  with / without                   {figure_ratio:8.2f}   target <= 1.30")

    met = (
        figure_ratio <= 1.3
        and warm_median <= bare_median
        and cached_median <= 0.02 * warm_median
        and peak < 150
        and render_peak < 150
        and samples[RENDERS] - samples[10] < 10
        and render_samples[150] - render_samples[10] < 10
    )
    print(f"\nTargets {'met' if met else 'NOT met'}.")
    MEDIA.cleanup()


def _pictures() -> list:
    """A drawing (PNG, flat colours, as the starter illustrations are) and a photograph (JPEG, noisy)."""
    import random

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image, ImageDraw

    from education import figures

    drawing = Image.new("RGB", (1600, 1000), "white")
    pen = ImageDraw.Draw(drawing)
    pen.ellipse((500, 100, 1100, 900), outline=(60, 60, 60), width=12, fill=(246, 220, 200))
    for index in range(40):
        x, y = 600 + (index * 37) % 400, 300 + (index * 53) % 400
        pen.ellipse((x - 10, y - 10, x + 10, y + 10), fill=(250, 250, 240), outline=(160, 160, 160), width=2)
    photo = Image.new("RGB", (2000, 1333))
    rng = random.Random(13)  # noqa: S311 - a fixed pattern of pixel noise, not a secret
    photo.putdata(
        [(180 + rng.randrange(40), 120 + (x // 20) % 60, 100 + rng.randrange(30)) for x in range(2000 * 1333)]
    )
    pictures = []
    for image, name, fmt in ((drawing, "drawing.png", "PNG"), (photo, "photo.jpg", "JPEG")):
        buffer = io.BytesIO()
        image.save(buffer, format=fmt)
        pictures.append(figures.prepare_upload(SimpleUploadedFile(name, buffer.getvalue())))
    return pictures


def figure_times(version, clinic, options) -> tuple[float, float]:
    """Median warm render of a draft copy of `version` without figures, then with two."""
    from django.contrib.auth import get_user_model

    from education import pdf, services

    editor = get_user_model().objects.get(username="editor")
    draft = services.version_create_draft(leaflet=version.leaflet, user=editor, based_on=version)

    def render():
        pdf.render_handout(versions=[draft], clinic=clinic, options=options)

    render()
    without = statistics.median(timed(render, FIGURE_RUNS))
    import re

    headings = (re.findall(r"<h2>(.*?)</h2>", draft.body) + ["", ""])[:2]
    for picture, heading, alt in zip(_pictures(), headings, ("A drawing.", "A photograph."), strict=True):
        services.figure_add(version=draft, user=editor, picture=picture, alt_text=alt, after_heading=heading)
    draft = type(draft).objects.get(pk=draft.pk)
    render()
    return without, statistics.median(timed(render, FIGURE_RUNS))


if __name__ == "__main__":
    main()
