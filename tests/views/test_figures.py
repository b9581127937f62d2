"""Figures on patient pages (<img> with alt, size, srcset and lazy loading) and the figure files
(education/views/figures.py): served from storage only for versions the visitor may see."""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from education import services
from tests import factories
from tests.figures_support import add_figure

pytestmark = pytest.mark.django_db


@pytest.fixture
def with_figure(leaflet, editor, approver):
    draft = factories.make_draft(leaflet=leaflet, author=editor)
    add_figure(draft, user=editor, caption="Milia are small white <bumps>.", after_heading="What is this?")
    services.version_submit(version=draft, user=editor)
    return services.version_approve_and_publish(
        version=draft, content_hash=factories.shown_hash(draft), attested=True, user=approver
    )


def img_tags(html: str) -> list[str]:
    return re.findall(r"<img [^>]*>", html)


def file_urls(html: str) -> list[str]:
    return sorted(set(re.findall(r"/figures/[0-9a-f]{64}-[0-9]+\.png", html)))


def test_the_page_shows_the_figure_after_its_heading_with_alt_size_srcset_and_lazy_loading(client, with_figure):
    html = client.get("/leaflets/milia-test/").content.decode()
    [img] = img_tags(html)
    assert 'alt="Where milia appear on the face."' in img
    assert 'width="700" height="400"' in img
    assert 'loading="lazy"' in img
    assert re.search(
        r'srcset="/figures/[0-9a-f]{64}-320\.png 320w, /figures/[0-9a-f]{64}-640\.png 640w, '
        r'/figures/[0-9a-f]{64}-700\.png 700w"',
        img,
    )
    assert 'sizes="(min-width: 756px) 720px, calc(100vw - 36px)"' in img
    assert re.search(r'src="/figures/[0-9a-f]{64}-320\.png"', img)  # the smallest copy for browsers without srcset
    assert "<figcaption>Milia are small white &lt;bumps&gt;.</figcaption>" in html
    assert html.index("What is this?</h2><figure") < html.index("This is a short test leaflet")


def test_the_page_without_its_images_stays_light_and_few_queries(client, with_figure, django_assert_max_num_queries):
    html = client.get("/leaflets/milia-test/").content
    assets = re.findall(rb'(?:href|src)="/static/([^"]+)"', html)
    total = len(html) + sum(Path(finders.find(asset.decode())).stat().st_size for asset in assets)
    assert total < 100_000, total
    with django_assert_max_num_queries(5):  # one more than a page without figures: the figures themselves
        client.get("/leaflets/milia-test/")


def test_a_public_figure_copy_is_served_from_storage_with_long_cache_headers(client, with_figure):
    html = client.get("/leaflets/milia-test/").content.decode()
    urls = file_urls(html)
    assert len(urls) == 3
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert response["Cache-Control"] == "public, max-age=31536000, immutable"
        assert response.content.startswith(b"\x89PNG")


def test_a_draft_figure_is_served_only_to_staff_and_never_cached(client, draft, editor):
    add_figure(draft, user=editor)
    url = file_urls(draft.body_html())[0]
    assert client.get(url).status_code == 404
    client.force_login(editor)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_a_withdrawn_versions_figure_is_no_longer_served(client, with_figure, approver):
    url = file_urls(client.get("/leaflets/milia-test/").content.decode())[0]
    services.version_withdraw(version=with_figure, user=approver, reason="The picture is misleading.")
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "name",
    [
        "{sha}.png",  # the original is never served, only the copies
        "{sha}-1280.png",  # a width never made for this picture (it is 700 px wide)
        "{sha}-640.jpg",
        "{sha}-640.svg",
        "{sha}-640.png.html",
        "not-a-figure.png",
        "%2e%2e%2fsettings.py",
        "{sha}-99999999999999999999.png",
        "",
    ],
)
def test_anything_else_under_figures_is_not_found(client, with_figure, name):
    sha = with_figure.figures.get().sha256
    assert client.get(f"/figures/{name.format(sha=sha)}").status_code == 404


def test_figure_files_only_answer_get_and_head(client, with_figure):
    url = file_urls(client.get("/leaflets/milia-test/").content.decode())[0]
    assert client.post(url).status_code == 405
    assert client.head(url).status_code == 200


def test_the_body_sanitiser_still_refuses_raw_images(draft, editor):
    edited = factories.edit(draft, user=editor, body='<p>Hi</p><img src="https://evil.example/x.png" alt="x">')
    assert "<img" not in edited.body
    assert "<img" not in edited.body_html()


def _with_test_figures(leaflets: list[dict]) -> list[dict]:
    """The bundled starter leaflets, each version given one figure (tests' own picture) after its first heading."""
    import copy

    leaflets = copy.deepcopy(leaflets)
    for item in leaflets:
        for language, content in item["versions"].items():
            heading = (re.findall(r"<h2>(.*?)</h2>", content["body"]) or [""])[0]
            content["figures"] = [
                {"file": "face.png", "alt": f"Test picture of {item['slug']} ({language}).", "after_heading": heading}
            ]
    return leaflets


@pytest.mark.parametrize("content", ["bundled", "test pictures"])
def test_each_starter_figure_is_on_the_demo_page_and_in_its_handout(settings, client, monkeypatch, content):
    """What issue 13 asks of the starter leaflets: every figure their content names is published by the demo
    with its alt text, on the page (<img alt>) and in the PDF (an image object, and the alt text)."""
    import io
    from html import escape

    from django.core.management import call_command

    from education import pdf, selectors
    from education.services import starter
    from tests.figures_support import FACE_PNG
    from tests.pdf.test_figures import alt_texts, image_sizes

    if content == "test pictures":
        monkeypatch.setattr(starter, "STARTER_LEAFLETS", _with_test_figures(starter.STARTER_LEAFLETS))
        monkeypatch.setattr(starter, "STARTER_FIGURES_DIR", FACE_PNG.parent)
    declared = [
        (item["slug"], language, " ".join(figure["alt"].split()))  # saved on one line, as every text field
        for item in starter.STARTER_LEAFLETS
        for language, version in item["versions"].items()
        for figure in version.get("figures", [])
    ]
    if not declared:
        pytest.skip("the bundled starter content names no figures yet (education/starter_content.py)")
    settings.DEBUG = True
    call_command("demo", password="demo-pass-123", stdout=io.StringIO())
    settings.DEBUG = False
    for slug, language, alt in declared:
        html = client.get(f"/leaflets/{slug}/?lang={language}").content.decode()
        assert any(f'alt="{escape(alt)}"' in tag for tag in img_tags(html)), (slug, language, alt)
        version = next(v for v in selectors.published_of_leaflet(slug=slug) if v.language == language)
        data = pdf.handout_pdf(versions=[version], clinic=None, options=pdf.HandoutOptions())
        assert len(image_sizes(data)) >= version.figures.count()
        assert alt in alt_texts(data), (slug, language, alt)
