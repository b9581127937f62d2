"""Figures in handouts: embedded through our fetcher at print resolution, with their alt text; the fetcher
serves stored figure copies and nothing else new."""

import io

import pikepdf
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from education import figures, pdf, services
from tests import factories
from tests.figures_support import add_figure, face_picture
from tests.pdf.support import SIGNS, render

pytestmark = pytest.mark.django_db


def image_sizes(data: bytes) -> list[tuple[int, int]]:
    sizes = []
    with pikepdf.open(io.BytesIO(data)) as document:
        for page in document.pages:
            for _name, image in page.get_images().items():
                sizes.append((int(image.Width), int(image.Height)))
    return sizes


def alt_texts(data: bytes) -> list[str]:
    with pikepdf.open(io.BytesIO(data)) as document:
        return [str(obj.Alt) for obj in document.objects if isinstance(obj, pikepdf.Dictionary) and "/Alt" in obj]


@pytest.fixture
def with_figure(editor, approver):
    draft = factories.make_draft(author=editor, help_signs=SIGNS)
    add_figure(draft, user=editor, caption="Milia are small white bumps.", after_heading="What is this?")
    services.version_submit(version=draft, user=editor)
    return services.version_approve_and_publish(
        version=draft, content_hash=factories.shown_hash(draft), attested=True, user=approver
    )


def test_a_handout_embeds_the_figure_at_print_resolution_with_its_alt_text(with_figure):
    data = render(with_figure)
    figure = with_figure.figures.get()
    assert (figures.print_width(figure.width), 400) in image_sizes(data)  # 700 x 400: printed whole
    assert "Where milia appear on the face." in alt_texts(data)


def test_a_handout_without_figures_has_no_images(leaflet_version):
    assert image_sizes(render(leaflet_version)) == []


def test_the_fetcher_serves_a_stored_figure_copy(with_figure):
    figure = with_figure.figures.get()
    data, content_type = pdf.fetch_asset(pdf.figure_url(figure.print_name))
    assert content_type == "image/png"
    with default_storage.open(figure.print_name) as stored:
        assert data == stored.read()


@pytest.mark.parametrize(
    "name",
    [
        "figures/" + "a" * 64 + ".png",  # an original: only the copies made for screens and print
        "figures/secret.png",
        "figures/" + "a" * 64 + "-640.svg",
        "figures/" + "a" * 64 + "-640.css",
        "figures/../clinic-logos/x.png",
        "figures/" + "A" * 64 + "-640.png",
    ],
)
def test_the_fetcher_refuses_anything_in_figures_but_a_copy(name):
    default_storage.save("figures/secret.png", ContentFile(face_picture().original))
    with pytest.raises(pdf.AssetRefused):
        pdf.fetch_asset(pdf.figure_url(name))


def test_a_detailed_print_copy_over_2_mb_is_still_printed(editor):
    """A 1280 px copy of a detailed PNG can weigh more than a logo may; the fetcher allows figures 8 MB."""
    import os

    from PIL import Image

    from tests.figures_support import upload

    noisy = Image.frombytes("RGB", (1400, 1000), os.urandom(1400 * 1000 * 3))
    buffer = io.BytesIO()
    noisy.save(buffer, format="PNG")
    picture = figures.prepare_upload(upload(buffer.getvalue(), "noise.png"))
    assert len(picture.renditions[1280]) > 2 * 1024 * 1024
    draft = factories.make_draft(author=editor, help_signs=SIGNS)
    services.figure_add(version=draft, user=editor, picture=picture, alt_text="Noise.")
    assert (1280, 914) in image_sizes(render(draft))
