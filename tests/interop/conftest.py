import pytest

from education import codes, services
from tests import factories

ICD = codes.ICD10CM


@pytest.fixture
def coded(published, editor, approver):
    """The published English leaflet coded ICD-10-CM L72.0, with a published French translation."""
    services.leaflet_codes_set(
        leaflet=published.leaflet, user=editor, wanted=[services.CodeData(ICD, "L72.0", "Epidermal cyst")]
    )
    draft = services.version_create_draft(
        leaflet=published.leaflet, user=editor, language="fr", translation_of=published
    )
    draft = factories.edit(draft, user=editor, title="Grains de milium", summary="Petits boutons blancs.")
    services.version_submit(version=draft, user=editor)
    french = services.version_approve_and_publish(
        version=draft, user=approver, content_hash=factories.shown_hash(draft), attested=True
    )
    return {"en": published, "fr": french}


def infobutton_query(code="L72.0", system=ICD, **extra) -> dict:
    return {"mainSearchCriteria.v.cs": system, "mainSearchCriteria.v.c": code, **extra}
