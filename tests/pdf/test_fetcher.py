"""WeasyPrint never reaches the network or the file system on its own.

Our fetcher serves only our static files and stored logos, by path inside their roots and up to a size limit.
A canary proves it: a listener on 127.0.0.1 and a secret file on disk that hostile content and branding try
to reach in every way WeasyPrint knows (file://, http://, @import, @font-face, CSS url(), <img>, <object>,
SVG <image>, <link rel=attachment>, <base>, `..` paths). No request may reach the listener and no file may
end up in the PDF.
"""

import http.server
import io
import threading
import uuid

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.safestring import mark_safe
from PIL import Image

from clinic.models import Clinic
from education import pdf, services
from education.models import LeafletVersion
from education.pdf import fetcher as pdf_fetcher
from tests import factories
from tests.pdf_checks import all_stream_bytes, embedded_files, whole_text


class Listener:
    """An HTTP server on 127.0.0.1 that records every request it gets."""

    def __init__(self):
        self.requests: list[str] = []
        listener = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                listener.requests.append(self.path)
                body = b"@import url(/again.css); body { color: red }"
                self.send_response(200)
                self.send_header("Content-Type", "text/css")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_HEAD = do_GET

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def listener():
    server = Listener()
    # The listener really answers: a request that got through would be counted.
    import urllib.request

    with urllib.request.urlopen(f"{server.base}/self-check", timeout=5) as response:  # noqa: S310
        assert response.status == 200
    server.requests.clear()
    yield server
    server.close()


@pytest.fixture
def secret(tmp_path):
    """A file outside every root we serve, holding a marker that must never appear in a PDF."""
    marker = f"CANARY-SECRET-{uuid.uuid4().hex}"
    path = tmp_path / "secret.css"
    path.write_text(f"/* {marker} */ body {{ color: red }}")
    return path, marker


def hostile_document(base: str, secret_path, *, with_base_element: bool) -> str:
    file_url = f"file://{secret_path}"
    base_element = f'<base href="{base}/based/">' if with_base_element else ""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Canary</title>{base_element}
<link rel="stylesheet" href="{base}/link.css">
<link rel="stylesheet" href="{file_url}">
<link rel="stylesheet" href="../../../../../../{secret_path}">
<link rel="attachment" href="{file_url}" title="secret">
<link rel="attachment" href="{base}/attachment.txt" title="remote">
<link rel="icon" href="{base}/icon.png">
<style>
@import url("{base}/import.css");
@import "{file_url}";
@font-face {{ font-family: Canary; src: url("{base}/font.ttf"); }}
@font-face {{ font-family: LocalFile; src: url("{file_url}"), local("DejaVu Sans"), local("Liberation Sans"); }}
body {{ font-family: Canary, LocalFile; background: url("{base}/background.png"); }}
h1::before {{ content: url("{base}/before.png"); }}
li {{ list-style-image: url("{base}/bullet.png"); }}
p {{ background-image: url("../../../../etc/passwd"); border-image: url("{base}/border.png") 30; }}
</style></head>
<body>
<h1>Canary</h1>
<p style="background: url('{base}/inline-style.png')">Inline style.</p>
<ul><li>Item</li></ul>
<img src="{base}/img.png" alt="remote">
<img src="{file_url}" alt="local file">
<img src="../../../../../../etc/passwd" alt="parent path">
<img src="https://handout.invalid/static/../../../../etc/passwd" alt="parent path in our origin">
<img src="https://handout.invalid/static/%2e%2e/%2e%2e/clinic/settings.py" alt="encoded parent path">
<img src="https://handout.invalid/static/css/..%2f..%2f..%2fclinic%2fsettings.py" alt="encoded slash">
<img src="https://handout.invalid/media/../../db.sqlite3" alt="media parent path">
<img src="https://handout.invalid.127.0.0.1.nip.io/static/css/pdf.css" alt="look-alike host">
<img src="https://user@handout.invalid/static/css/pdf.css" alt="credentials">
<img src="data:image/svg+xml;utf8,<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'><image href='{base}/data-svg.png' width='10' height='10'/></svg>" alt="data svg">
<object data="{base}/object.svg" type="image/svg+xml">object</object>
<object data="{file_url}" type="text/plain">object file</object>
<embed src="{base}/embed.svg" type="image/svg+xml">
<iframe src="{base}/iframe.html"></iframe>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="40" height="40">
  <title>Inline SVG</title>
  <style>@import url("{base}/svg-import.css");</style>
  <image href="{base}/svg-image.png" width="10" height="10"/>
  <image xlink:href="{file_url}" width="10" height="10"/>
  <use href="{base}/sprite.svg#shape"/>
  <rect width="10" height="10" fill="url({base}/pattern.svg#p)"/>
</svg>
<a rel="attachment" href="{file_url}">attachment link</a>
<a rel="attachment" href="{base}/anchor-attachment.txt">remote attachment link</a>
<video src="{base}/video.mp4" poster="{base}/poster.png"></video>
<input type="image" src="{base}/input.png" alt="input">
</body></html>"""


def assert_nothing_got_out(data: bytes, listener: Listener, marker: str) -> None:
    assert data.startswith(b"%PDF-")
    assert listener.requests == []
    assert embedded_files(data) == []
    assert marker.encode() not in all_stream_bytes(data)
    assert b"root:x:0:0" not in all_stream_bytes(data)


# --- the canary -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("with_base_element", [False, True], ids=["our-base", "hostile-base"])
def test_hostile_html_rendered_directly_reaches_nothing(listener, secret, with_base_element, caplog):
    secret_path, marker = secret
    html = hostile_document(listener.base, secret_path, with_base_element=with_base_element)
    data, errors = pdf.html_to_pdf(html)
    assert_nothing_got_out(data, listener, marker)
    assert errors  # WeasyPrint reported the refused resources
    assert "refused" in caplog.text


@pytest.mark.django_db
def test_hostile_body_bypassing_the_sanitiser_reaches_nothing(listener, secret, draft, monkeypatch):
    """Even if unsanitised HTML reached the template, the fetcher is the last line."""
    secret_path, marker = secret
    body = hostile_document(listener.base, secret_path, with_base_element=True).split("<body>")[1]
    monkeypatch.setattr(LeafletVersion, "body_html", lambda self: mark_safe(body))
    draft = LeafletVersion.objects.get(pk=draft.pk)
    data = pdf.render_handout(versions=[draft], clinic=None, options=pdf.HandoutOptions())
    assert_nothing_got_out(data, listener, marker)


@pytest.mark.django_db
def test_hostile_branding_content_and_note_reach_nothing(listener, secret, editor):
    """Everything the template takes in: clinic fields (unvalidated), leaflet text, signs and the note."""
    secret_path, marker = secret
    base = listener.base
    payload = (
        f'<img src="{base}/p.png"><link rel="attachment" href="file://{secret_path}">'
        f'<style>@import url("{base}/p.css"); body {{ background: url("file://{secret_path}") }}</style>'
        f'<svg><image href="{base}/p-svg.png"/></svg><object data="{base}/p-object"></object>'
    )
    version = factories.make_draft(
        author=editor,
        summary=f"Summary {payload}",
        body=f"<p>Body</p>{payload}",
        references=f"Reference {payload}",
        help_signs=[
            services.HelpSignData(urgency, f'Sign <img src="{base}/s.png"><style>@import "{base}/s.css"</style>')
            for urgency in ("routine", "emergency")
        ],
    )
    version = LeafletVersion.objects.select_related("leaflet").get(pk=version.pk)
    version.title = f"Title {payload}"  # longer than the form allows: never saved, only rendered
    clinics = []
    for logo_name in [f"clinic-logos/../../{secret_path.name}", f"{base}/logo.png", f"file://{secret_path}"]:
        clinic = Clinic(
            name=f"Clinic {payload}",
            slug="hostile",
            address=f"Street {payload}",
            phone=f"0100 {payload}",
            email=f"x@example.org{payload}",
            website=f"{base}/website",
            urgent_care_advice=f"Advice {payload}",
            logo_alt_text=f'" onerror="x" {payload}',
            primary_colour=f'red; }} @import url("{base}/colour.css"); :root {{ --x: 1',
            accent_colour=f"url({base}/accent.png)",
        )
        clinic.logo.name = logo_name
        clinics.append(clinic)
    note = f"Note {payload}"[: pdf.MAX_NOTE_CHARS]
    for clinic in clinics:
        data = pdf.render_handout(versions=[version], clinic=clinic, options=pdf.HandoutOptions(note=note))
        assert_nothing_got_out(data, listener, marker)
    text = whole_text(data)
    assert "Clinic <img src=" in text  # printed as text, never interpreted


# --- the fetcher itself -----------------------------------------------------------------------------------


def test_the_fetcher_serves_our_stylesheet_and_fonts_with_their_types():
    fetcher = pdf.HandoutURLFetcher()
    response = fetcher.fetch(pdf.static_url("css/pdf.css"))
    assert response.content_type == "text/css"
    assert b"@font-face" in response.read()
    response = fetcher.fetch(pdf.static_url("fonts/AtkinsonHyperlegibleNext-Regular.ttf"))
    assert response.content_type == "font/ttf"


@pytest.mark.django_db
def test_the_fetcher_serves_a_stored_logo():
    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), "#0b5394").save(buffer, format="PNG")
    name = default_storage.save("clinic-logos/logo.png", ContentFile(buffer.getvalue()))
    response = pdf.HandoutURLFetcher().fetch(pdf.logo_url(name))
    assert response.content_type == "image/png"
    assert response.read() == buffer.getvalue()


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "file:///work/main/static/css/pdf.css",
        "http://127.0.0.1:8000/static/css/pdf.css",
        "https://example.org/static/css/pdf.css",
        "http://handout.invalid/static/css/pdf.css",
        "https://handout.invalid:8443/static/css/pdf.css",
        "https://user:pass@handout.invalid/static/css/pdf.css",
        "https://handout.invalid.example.org/static/css/pdf.css",
        "data:text/css,body{color:red}",
        "data:image/svg+xml;base64,PHN2Zy8+",
        "ftp://handout.invalid/static/css/pdf.css",
        "https://handout.invalid/static/css/pdf.css?x=1",
        "https://handout.invalid/static/css/pdf.css#x",
        "https://handout.invalid/",
        "https://handout.invalid/static/",
        "https://handout.invalid/static/../clinic/settings.py",
        "https://handout.invalid/static/css/../../clinic/settings.py",
        "https://handout.invalid/static/%2e%2e/clinic/settings.py",
        "https://handout.invalid/static/css/%2e%2e%2f%2e%2e%2fmanage.py",
        "https://handout.invalid/static/css/..%5c..%5cmanage.py",
        "https://handout.invalid/static/css/pdf.css%00.png",
        "https://handout.invalid/static/css//pdf.css",
        "https://handout.invalid/static/.hidden/x.css",
        "https://handout.invalid/static/js/enhance.js",
        "https://handout.invalid/static/vendor/bootstrap/bootstrap.min.css",
        "https://handout.invalid/static/fonts/OFL.txt",
        "https://handout.invalid/media/clinic-logos/../../db.sqlite3",
        "https://handout.invalid/media/handouts/00/cached.pdf",
        "https://handout.invalid/media/clinic-logos/logo.svg",
        "https://handout.invalid/media/clinic-logos/missing.png",
        "https://handout.invalid/templates/education/pdf/handout.html",
    ],
)
def test_the_fetcher_refuses_everything_else(url, db):
    fetcher = pdf.HandoutURLFetcher()
    with pytest.raises(pdf.AssetRefused):
        fetcher.fetch(url)
    with pytest.raises(pdf.AssetRefused):
        fetcher.open(url)  # urllib's own handlers are never used either


def test_a_symlink_out_of_the_static_folder_is_refused(tmp_path, settings, secret):
    secret_path, _marker = secret
    static = tmp_path / "static"
    (static / "css").mkdir(parents=True)
    (static / "css" / "ok.css").write_text("body { color: black }")
    (static / "css" / "escape.css").symlink_to(secret_path)
    settings.STATICFILES_DIRS = [static]
    settings.STATIC_ROOT = None
    assert pdf.fetch_asset(pdf.static_url("css/ok.css"))[1] == "text/css"
    with pytest.raises(pdf.AssetRefused):
        pdf.fetch_asset(pdf.static_url("css/escape.css"))


def test_files_over_the_size_limit_are_refused(monkeypatch):
    monkeypatch.setattr(pdf_fetcher, "MAX_ASSET_BYTES", 1024)
    with pytest.raises(pdf.AssetRefused, match="too large"):
        pdf.fetch_asset(pdf.static_url("fonts/AtkinsonHyperlegibleNext-Regular.ttf"))


@pytest.mark.django_db
def test_a_stored_file_that_is_not_the_image_it_claims_is_refused():
    name = default_storage.save("clinic-logos/not-an-image.png", ContentFile(b"root:x:0:0:root:/root:/bin/bash"))
    with pytest.raises(pdf.AssetRefused, match="does not match"):
        pdf.fetch_asset(pdf.logo_url(name))
