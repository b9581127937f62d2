"""The bundled starter leaflets (education/services/starter.py)."""

import pytest

from education import services
from education.models import LeafletVersion

Status = LeafletVersion.Status
pytestmark = pytest.mark.django_db


def test_starter_leaflets_load_for_review_and_only_once(db):
    loaded = services.starter_leaflets_load()
    assert {v.leaflet.slug for v in loaded} == {"milia-overview", "post-extraction-hygiene", "infection-warning-signs"}
    assert {v.status for v in loaded} == {Status.IN_REVIEW}
    assert services.starter_leaflets_load() == []


def test_starter_figures_are_attached_when_the_content_names_them(monkeypatch):
    """education/starter_content.py may give a version `"figures"`; each file (in STARTER_FIGURES_DIR) is
    checked, re-encoded and added with its alt text, caption and heading before the draft goes to review."""
    import copy

    from education.services import starter
    from tests.figures_support import FACE_PNG

    leaflets = copy.deepcopy(starter.STARTER_LEAFLETS)
    first = leaflets[0]
    heading = "Where they appear"
    first["versions"]["en"]["figures"] = [
        {"file": FACE_PNG.name, "alt": "A face with small white bumps.", "caption": "Milia.", "after_heading": heading}
    ]
    monkeypatch.setattr(starter, "STARTER_LEAFLETS", leaflets)
    monkeypatch.setattr(starter, "STARTER_FIGURES_DIR", FACE_PNG.parent)

    loaded = services.starter_leaflets_load()

    with_figure = [v for v in loaded if v.figures.exists()]
    assert [(v.leaflet.slug, v.language) for v in with_figure] == [(first["slug"], "en")]
    figure = with_figure[0].figures.get()
    assert (figure.alt_text, figure.caption, figure.after_heading) == (
        "A face with small white bumps.",
        "Milia.",
        heading,
    )
    assert with_figure[0].status == Status.IN_REVIEW
