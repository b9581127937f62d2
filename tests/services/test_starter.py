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
