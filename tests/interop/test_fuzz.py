"""Hostile and random parameters on every record-system address: a 200, 400, 404, 406 or 410, never a 500."""

from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from education import codes

NAMES = [
    "mainSearchCriteria.v.cs",
    "mainSearchCriteria.v.c",
    "mainSearchCriteria.v.dn",
    "informationRecipient.languageCode.c",
    "informationRecipient",
    "knowledgeResponseType",
    "callback",
    "clinic",
    "type",
    "language",
    "status",
    "_id",
    "_format",
]
HOSTILE = [
    "",
    " ",
    "L72.0",
    "l720",
    codes.ICD10CM,
    codes.SNOMED_CT,
    "73211009",
    "application/javascript",
    "application/json",
    "<script>alert(1)</script>",
    "'; DROP TABLE education_leafletcode; --",
    "../../etc/passwd",
    "%00",
    "\x00",
    "\ud800",
    "\u2028",
    "A" * 5000,
    "fr",
    "current",
    "http://hl7.org/fhir/sid/icd-10-cm|L72.0",
    "|",
    "||",
    ",,,",
    "9" * 40,
]
ADDRESSES = ["/infobutton/service", "/infobutton/application", "/fhir/metadata", "/fhir/DocumentReference"]
ALLOWED = {200, 302, 400, 404, 406, 410}


@pytest.fixture(autouse=True)
def _no_rate_limit(settings):
    """Hundreds of requests a minute from one address: the limit itself is tested in test_infobutton.py."""
    settings.INTEROP_REQUESTS_PER_MINUTE = 0


values = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=60))


@hypothesis_settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(address=st.sampled_from(ADDRESSES), params=st.lists(st.tuples(st.sampled_from(NAMES), values), max_size=6))
@pytest.mark.django_db
def test_no_parameters_ever_answer_500(client, coded, address, params):
    query = "&".join(f"{quote(name)}={quote(value, safe='', errors='surrogatepass')}" for name, value in params)
    response = client.get(f"{address}?{query}")
    assert response.status_code in ALLOWED, (address, params, response.status_code)
    if response.status_code == 400:
        named = response.content.decode("utf-8", "replace")
        assert any(name in named for name in NAMES), named


@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(resource_id=st.text(max_size=80))
@pytest.mark.django_db
def test_no_document_id_ever_answers_500(client, coded, resource_id):
    response = client.get("/fhir/DocumentReference/" + quote(resource_id, safe="", errors="surrogatepass"))
    assert response.status_code in {200, 301, 404, 410}, (resource_id, response.status_code)
