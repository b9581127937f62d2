"""HL7 Infobutton, MedlinePlus Connect-compatible: /infobutton/service and /infobutton/application."""

import json
import re
from pathlib import Path

import pytest
from lxml import etree

from education import codes, services
from tests import factories
from tests.interop.conftest import infobutton_query

HERE = Path(__file__).parent
ATOM_SCHEMA = etree.RelaxNG(etree.parse(str(HERE / "schemas" / "atom-rfc4287.rng")))
NS = {"atom": "http://www.w3.org/2005/Atom"}


def valid_atom(content: bytes):
    """The feed, after checking it against RFC 4287's RELAX NG schema and its two Schematron rules."""
    document = etree.fromstring(content)
    assert ATOM_SCHEMA.validate(document), ATOM_SCHEMA.error_log
    if document.xpath("atom:entry[not(atom:author)]", namespaces=NS):
        assert document.xpath("atom:author", namespaces=NS), "a feed needs an author unless every entry has one"
    for entry in document.xpath("atom:entry", namespaces=NS):
        assert entry.xpath("atom:link[@rel='alternate'] or atom:link[not(@rel)] or atom:content", namespaces=NS)
    return document


def shape(value):
    """Keys and nesting, not text: dicts keep their keys, lists the shape of their first item."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items() if not key.startswith("_source")}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    return "…"


def test_the_issue_example_gives_the_french_version_page_in_medlineplus_json_shape(client, coded, settings):
    response = client.get(
        "/infobutton/service",
        infobutton_query(knowledgeResponseType="application/json", **{"informationRecipient.languageCode.c": "fr"}),
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    feed = response.json()["feed"]
    [entry] = feed["entry"]
    assert entry["title"]["_value"] == "Grains de milium"
    assert entry["lang"] == "fr"
    assert (
        entry["link"][0]["href"]
        == f"{settings.SITE_URL.rstrip('/')}/leaflets/milia-test/v{coded['fr'].number}/?lang=fr"
    )
    assert entry["summary"]["_value"] == "Petits boutons blancs."
    assert {(c["scheme"], c["term"]) for c in feed["category"]} >= {
        ("mainSearchCriteria.v.c", "L72.0"),
        ("mainSearchCriteria.v.cs", codes.ICD10CM),
    }


def test_the_json_answer_has_medlineplus_connects_shape(client, coded):
    golden = json.loads((HERE / "golden" / "medlineplus-connect-response.json").read_text())
    response = client.get("/infobutton/service", infobutton_query(knowledgeResponseType="application/json"))
    assert shape(response.json()) == shape(golden)


def test_without_a_response_type_the_answer_is_a_valid_atom_feed(client, coded):
    response = client.get("/infobutton/service", infobutton_query())
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    feed = valid_atom(response.content)
    titles = feed.xpath("atom:entry/atom:title/text()", namespaces=NS)
    assert titles == [coded["en"].title]
    [href] = feed.xpath("atom:entry/atom:link/@href", namespaces=NS)
    assert href.endswith(f"/leaflets/milia-test/v{coded['en'].number}/?lang=en")


def test_an_empty_feed_is_still_valid_atom(client, coded):
    response = client.get("/infobutton/service", infobutton_query(code="L08.9"))
    assert response.status_code == 200
    feed = valid_atom(response.content)
    assert feed.xpath("atom:entry", namespaces=NS) == []


def test_a_language_without_a_version_falls_back_to_the_clinics_default_marked_as_such(client, coded):
    response = client.get(
        "/infobutton/service",
        infobutton_query(knowledgeResponseType="application/json", **{"informationRecipient.languageCode.c": "de"}),
    )
    [entry] = response.json()["feed"]["entry"]
    assert entry["lang"] == "en"
    feed = valid_atom(
        client.get("/infobutton/service", infobutton_query(**{"informationRecipient.languageCode.c": "de"})).content
    )
    assert feed.xpath("atom:entry/@xml:lang", namespaces=NS) == ["en"]


def test_medlineplus_spanish_code_is_understood(client, coded):
    response = client.get(
        "/infobutton/service",
        infobutton_query(knowledgeResponseType="application/json", **{"informationRecipient.languageCode.c": "sp"}),
    )
    assert response.status_code == 200  # no Spanish version: English, marked


def test_jsonp_wraps_the_json_in_the_callback(client, coded):
    response = client.get(
        "/infobutton/service", infobutton_query(knowledgeResponseType="application/javascript", callback="showLeaflets")
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    body = response.content.decode()
    match = re.fullmatch(r"/\*\*/showLeaflets\((.*)\);", body, re.DOTALL)
    assert match and json.loads(match.group(1))["feed"]["entry"]


@pytest.mark.parametrize("callback", ["alert(1)//", "a.b", "1abc", "x;y", "</script>", "a" * 65, "ŝ", "a b", "a\u2028"])
def test_a_callback_outside_the_strict_pattern_is_refused(client, coded, callback):
    response = client.get(
        "/infobutton/service", infobutton_query(knowledgeResponseType="application/javascript", callback=callback)
    )
    assert response.status_code == 400
    assert b"callback" in response.content


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"mainSearchCriteria.v.c": "L72.0"}, "mainSearchCriteria.v.cs"),
        (infobutton_query(system="2.16.840.1.113883.6.103"), "mainSearchCriteria.v.cs"),  # ICD-9-CM: not ours
        ({"mainSearchCriteria.v.cs": codes.ICD10CM}, "mainSearchCriteria.v.c"),
        (infobutton_query(code="L72.0'; DROP TABLE"), "mainSearchCriteria.v.c"),
        (infobutton_query(code="73211008", system=codes.SNOMED_CT), "mainSearchCriteria.v.c"),
        (infobutton_query(knowledgeResponseType="text/html"), "knowledgeResponseType"),
        (infobutton_query(knowledgeResponseType="application/javascript"), "callback"),
        (
            infobutton_query(**{"informationRecipient.languageCode.c": "français"}),
            "informationRecipient.languageCode.c",
        ),
        (infobutton_query(informationRecipient="ANYONE"), "informationRecipient"),
        (infobutton_query(clinic="../admin"), "clinic"),
        (infobutton_query(**{"mainSearchCriteria.v.dn": "x" * 201}), "mainSearchCriteria.v.dn"),
        (infobutton_query(**{"mainSearchCriteria.v.dn": "bad\x00byte"}), "mainSearchCriteria.v.dn"),
    ],
)
def test_a_malformed_request_answers_400_naming_the_parameter(client, coded, params, named):
    for address in ("/infobutton/service", "/infobutton/application"):
        response = client.get(address, params)
        assert response.status_code == 400
        assert f" {named} is not valid".encode() in response.content


def test_a_repeated_parameter_is_refused(client, coded):
    response = client.get(
        "/infobutton/service?" + "mainSearchCriteria.v.c=L72.0&" * 2 + f"mainSearchCriteria.v.cs={codes.ICD10CM}"
    )
    assert response.status_code == 400
    assert b"mainSearchCriteria.v.c is not valid" in response.content


def test_codes_without_their_dot_are_found(client, coded):
    response = client.get(
        "/infobutton/service", infobutton_query(code="l720", knowledgeResponseType="application/json")
    )
    assert len(response.json()["feed"]["entry"]) == 1


def test_only_published_versions_are_answered(client, coded, editor):
    """A draft of the leaflet (even in a new language) never shows; nor does a leaflet that only has drafts."""
    draft = services.version_create_draft(leaflet=coded["en"].leaflet, user=editor, language="en", based_on=coded["en"])
    factories.edit(draft, user=editor, title="DRAFT TITLE")
    other = factories.make_draft(author=editor, title="Only a draft")
    services.leaflet_codes_set(leaflet=other.leaflet, user=editor, wanted=[services.CodeData(codes.ICD10CM, "L72.0")])
    response = client.get("/infobutton/service", infobutton_query(knowledgeResponseType="application/json"))
    titles = [entry["title"]["_value"] for entry in response.json()["feed"]["entry"]]
    assert titles == [coded["en"].title]
    assert b"DRAFT" not in response.content and b"Only a draft" not in response.content


def test_no_staff_names_or_emails_in_the_answer(client, coded, editor, approver):
    editor.email, approver.email = "eddie@clinic.example", "claire@clinic.example"
    editor.save(), approver.save()
    for kind in ("text/xml", "application/json"):
        content = client.get("/infobutton/service", infobutton_query(knowledgeResponseType=kind)).content
        assert b"@clinic.example" not in content
        assert editor.username.encode() not in content and approver.username.encode() not in content


def test_a_withdrawn_version_is_not_answered(client, coded, approver):
    services.version_withdraw(version=coded["fr"], user=approver, reason="Wrong advice")
    response = client.get(
        "/infobutton/service",
        infobutton_query(knowledgeResponseType="application/json", **{"informationRecipient.languageCode.c": "fr"}),
    )
    assert [entry["lang"] for entry in response.json()["feed"]["entry"]] == ["en"]


def test_the_application_redirects_to_the_one_matching_page(client, coded):
    response = client.get("/infobutton/application", infobutton_query(**{"informationRecipient.languageCode.c": "fr"}))
    assert response.status_code == 302
    assert response["Location"] == f"/leaflets/milia-test/v{coded['fr'].number}/?lang=fr"


def test_the_application_lists_several_matches_and_says_when_there_is_none(client, coded, editor, approver):
    second = factories.make_published(author=editor, approver=approver, title="Second milia leaflet")
    services.leaflet_codes_set(leaflet=second.leaflet, user=editor, wanted=[services.CodeData(codes.ICD10CM, "L72.0")])
    response = client.get("/infobutton/application", infobutton_query())
    assert response.status_code == 200
    assert b"Second milia leaflet" in response.content and coded["en"].title.encode() in response.content
    response = client.get("/infobutton/application", infobutton_query(code="L08.9"))
    assert response.status_code == 200
    assert b"no leaflet for this diagnosis" in response.content


def test_the_clinic_parameter_brands_the_links(client, coded):
    from clinic.models import Clinic

    Clinic.objects.create(name="North site", slug="north")
    response = client.get(
        "/infobutton/service", infobutton_query(knowledgeResponseType="application/json", clinic="north")
    )
    assert response.json()["feed"]["entry"][0]["link"][0]["href"].endswith("&clinic=north")


def test_the_service_answers_in_three_queries_or_fewer(client, coded, django_assert_max_num_queries):
    for kind in ("text/xml", "application/json"):
        with django_assert_max_num_queries(3):
            assert client.get("/infobutton/service", infobutton_query(knowledgeResponseType=kind)).status_code == 200
    with django_assert_max_num_queries(3):
        client.get("/infobutton/application", infobutton_query())


def test_answers_are_cached_like_patient_pages_and_a_change_of_codes_shows_at_once(
    client, coded, editor, page_cache, django_assert_max_num_queries
):
    query = infobutton_query(knowledgeResponseType="application/json")
    first = client.get("/infobutton/service", query)
    with django_assert_max_num_queries(1):  # the content generation only
        again = client.get("/infobutton/service", query)
    assert again.content == first.content
    services.leaflet_codes_set(leaflet=coded["en"].leaflet, user=editor, wanted=[])
    assert client.get("/infobutton/service", query).json()["feed"]["entry"] == []


def test_requests_over_the_limit_answer_429(client, coded, settings):
    settings.INTEROP_REQUESTS_PER_MINUTE = 3
    statuses = [client.get("/infobutton/service", infobutton_query(code=f"L72.{n}")).status_code for n in range(5)]
    assert statuses[:3] == [200, 200, 200]
    assert statuses[3:] == [429, 429]
    response = client.get("/fhir/metadata")
    assert response.status_code == 429 and int(response["Retry-After"]) >= 1


def test_only_get_and_head(client, coded):
    assert client.post("/infobutton/service", infobutton_query()).status_code == 405


def test_a_withdrawal_shows_at_once_in_cached_answers(client, coded, approver, page_cache):
    query = infobutton_query(knowledgeResponseType="application/json", **{"informationRecipient.languageCode.c": "fr"})
    assert client.get("/infobutton/service", query).json()["feed"]["entry"][0]["lang"] == "fr"
    services.version_withdraw(version=coded["fr"], user=approver, reason="Wrong advice")
    assert [entry["lang"] for entry in client.get("/infobutton/service", query).json()["feed"]["entry"]] == ["en"]
