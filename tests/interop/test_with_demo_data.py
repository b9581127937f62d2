"""The issue's "done when", with `manage.py demo`'s data: the exact requests a record system would send."""

from io import StringIO

import pytest
from django.core.management import call_command
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement

from education.models import LeafletVersion
from tests.interop.test_infobutton import valid_atom

ISSUE_EXAMPLE = (
    "/infobutton/service?mainSearchCriteria.v.cs=2.16.840.1.113883.6.90&mainSearchCriteria.v.c=L72.0"
    "&knowledgeResponseType=application/json&informationRecipient.languageCode.c=fr"
)


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True
    call_command("demo", password="demo-pass-123", stdout=StringIO())


def test_the_issue_example_returns_the_french_milia_overview_exact_version_page(client, demo, settings):
    french = LeafletVersion.objects.get(leaflet__slug="milia-overview", language="fr", status="published")
    response = client.get(ISSUE_EXAMPLE)
    assert response.status_code == 200
    links = [entry["link"][0]["href"] for entry in response.json()["feed"]["entry"]]
    expected = f"{settings.SITE_URL.rstrip('/')}/leaflets/milia-overview/v{french.number}/?lang=fr"
    assert expected in links
    assert all(entry["lang"] == "fr" for entry in response.json()["feed"]["entry"])


def test_the_same_without_a_response_type_is_a_valid_atom_feed(client, demo):
    response = client.get(ISSUE_EXAMPLE.replace("&knowledgeResponseType=application/json", ""))
    feed = valid_atom(response.content)
    assert len(feed.xpath("//*[local-name()='entry']")) == 3  # overview, aftercare and warning signs


def test_metadata_and_a_search_by_l72_0_are_accepted_by_fhir_resources(client, demo):
    CapabilityStatement.model_validate(client.get("/fhir/metadata").json())
    data = client.get("/fhir/DocumentReference", {"type": "http://hl7.org/fhir/sid/icd-10-cm|L72.0"}).json()
    Bundle.model_validate(data)
    assert data["total"] == 6  # three leaflets, English and French
