"""FHIR R4, read-only: /fhir/metadata and /fhir/DocumentReference, every answer checked by fhir.resources."""

import base64
import hashlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.documentreference import DocumentReference
from fhir.resources.R4B.operationoutcome import OperationOutcome

from education import codes, pdf, selectors, services
from tests import factories

ICD_URI = "http://hl7.org/fhir/sid/icd-10-cm"


def fhir_json(response):
    assert response["Content-Type"].startswith("application/fhir+json")
    return response.json()


def bundle(client, **params):
    response = client.get("/fhir/DocumentReference", params)
    assert response.status_code == 200, response.content
    data = fhir_json(response)
    Bundle.model_validate(data)
    for entry in data["entry"]:
        DocumentReference.model_validate(entry["resource"])
    return data


def problem(response, status):
    assert response.status_code == status
    data = fhir_json(response)
    OperationOutcome.model_validate(data)
    return data["issue"][0]


def test_metadata_is_a_valid_capability_statement(client, db):
    data = fhir_json(client.get("/fhir/metadata"))
    CapabilityStatement.model_validate(data)
    [resource] = data["rest"][0]["resource"]
    assert resource["type"] == "DocumentReference"
    assert {param["name"] for param in resource["searchParam"]} == {"type", "language", "status", "_id"}
    assert data["fhirVersion"] == "4.0.1"


def test_search_by_l72_0_finds_both_languages_with_their_codes(client, coded, settings):
    data = bundle(client, type=f"{ICD_URI}|L72.0")
    assert data["total"] == 2
    by_language = {
        entry["resource"]["content"][0]["attachment"]["language"]: entry["resource"] for entry in data["entry"]
    }
    french = by_language["fr"]
    assert french["id"] == str(coded["fr"].pk)
    assert french["status"] == "current" and french["docStatus"] == "final"
    assert french["type"]["coding"] == [{"system": ICD_URI, "code": "L72.0", "display": "Epidermal cyst"}]
    page, handout = (item["attachment"] for item in french["content"])
    assert page["url"] == f"{settings.SITE_URL.rstrip('/')}/leaflets/milia-test/v{coded['fr'].number}/?lang=fr"
    assert (page["contentType"], page["language"], page["title"]) == ("text/html", "fr", "Grains de milium")
    assert handout["contentType"] == "application/pdf" and handout["url"].endswith(
        "/leaflets/milia-test/handout.pdf?lang=fr"
    )


@pytest.mark.parametrize(
    "token", ["L72.0", "l720", f"urn:oid:{codes.ICD10CM}|L72.0", f"{ICD_URI}|L08.9,{ICD_URI}|L72.0"]
)
def test_the_type_token_forms_all_find_the_leaflet(client, coded, token):
    assert bundle(client, type=token)["total"] == 2


def test_language_status_and_id_narrow_the_search(client, coded):
    assert [e["resource"]["id"] for e in bundle(client, type="L72.0", language="fr")["entry"]] == [str(coded["fr"].pk)]
    assert bundle(client, _id=str(coded["en"].pk))["total"] == 1
    assert bundle(client, _id="999999")["total"] == 0
    assert bundle(client, status="current")["total"] == 2
    assert bundle(client, status="entered-in-error")["total"] == 0
    assert bundle(client, type=f"{ICD_URI}|L08.9")["total"] == 0


def test_a_superseded_version_is_superseded_without_a_handout_link(client, coded, editor, other_approver):
    newer = factories.supersede(coded["en"], editor=editor, approver=other_approver)
    data = bundle(client, type="L72.0", language="en")
    statuses = {entry["resource"]["id"]: entry["resource"]["status"] for entry in data["entry"]}
    assert statuses == {str(newer.pk): "current", str(coded["en"].pk): "superseded"}
    old = next(e["resource"] for e in data["entry"] if e["resource"]["id"] == str(coded["en"].pk))
    assert [item["attachment"]["contentType"] for item in old["content"]] == ["text/html"]
    assert bundle(client, type="L72.0", status="superseded")["total"] == 1


def test_drafts_are_never_documents(client, coded, editor):
    draft = services.version_create_draft(leaflet=coded["en"].leaflet, user=editor, language="en", based_on=coded["en"])
    data = bundle(client, type="L72.0")
    assert str(draft.pk) not in {entry["resource"]["id"] for entry in data["entry"]}
    problem(client.get(f"/fhir/DocumentReference/{draft.pk}"), 404)


def test_a_withdrawn_version_is_absent_and_its_read_answers_410(client, coded, approver):
    services.version_withdraw(version=coded["fr"], user=approver, reason="Wrong advice")
    assert {e["resource"]["id"] for e in bundle(client, type="L72.0")["entry"]} == {str(coded["en"].pk)}
    assert problem(client.get(f"/fhir/DocumentReference/{coded['fr'].pk}"), 410)["code"] == "deleted"


def test_read_gives_one_valid_document(client, coded):
    response = client.get(f"/fhir/DocumentReference/{coded['en'].pk}")
    DocumentReference.model_validate(fhir_json(response))
    assert response.json()["id"] == str(coded["en"].pk)


def test_author_and_approver_are_names_never_usernames_or_emails(client, coded, editor, approver):
    editor.first_name, editor.last_name, editor.email = "Eddie", "Edits", "eddie@clinic.example"
    approver.email = "claire@clinic.example"  # no name given: the clinic stands in
    editor.save(), approver.save()
    response = client.get(f"/fhir/DocumentReference/{coded['en'].pk}")
    data = response.json()
    assert data["author"] == [{"display": "Eddie Edits"}]
    clinic = selectors.default_clinic()
    assert data["authenticator"]["display"] == (clinic.name if clinic else "Clinic patient-education leaflets")
    assert b"@clinic.example" not in response.content
    assert f'"{approver.username}"'.encode() not in response.content


def test_a_stored_handout_is_described_with_its_size_and_sha1(client, coded):
    version = coded["en"]
    clinic = selectors.default_clinic()
    key = pdf.handout_cache_key(versions=[version], clinic=clinic, options=pdf.HandoutOptions())
    data = b"%PDF-1.7 a stored handout %%EOF"
    default_storage.save(f"{pdf.CACHE_DIR}/v{version.pk}/{key}.pdf", ContentFile(data))
    resource = client.get(f"/fhir/DocumentReference/{version.pk}").json()
    handout = resource["content"][1]["attachment"]
    assert handout["size"] == len(data)
    assert handout["hash"] == base64.b64encode(hashlib.sha1(data).digest()).decode()  # noqa: S324
    DocumentReference.model_validate(resource)


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"type": "http://example.org/codes|L72.0"}, "type"),
        ({"type": f"{ICD_URI}|L7"}, "type"),
        ({"type": "L72.0,"}, "type"),
        ({"type": "<script>"}, "type"),
        ({"language": "français"}, "language"),
        ({"status": "draft"}, "status"),
        ({"_id": "../1"}, "_id"),
        ({"clinic": "no such/clinic"}, "clinic"),
    ],
)
def test_bad_search_parameters_answer_400_operation_outcomes_naming_them(client, coded, params, named):
    issue = problem(client.get("/fhir/DocumentReference", params), 400)
    assert issue["code"] == "invalid" and issue["diagnostics"].startswith(f"{named}:")


def test_only_json_is_offered(client, db):
    assert problem(client.get("/fhir/metadata", {"_format": "xml"}), 406)["code"] == "not-supported"
    assert client.get("/fhir/metadata", {"_format": "json"}).status_code == 200


@pytest.mark.parametrize("resource_id", ["abc", "0", "-1", "99999999999999999999999", "1.5", "a" * 65])
def test_unknown_ids_answer_404(client, db, resource_id):
    problem(client.get(f"/fhir/DocumentReference/{resource_id}"), 404)


def test_fhir_answers_in_three_queries_or_fewer(client, coded, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):  # the versions with their codes, the clinic
        bundle(client, type="L72.0")
    with django_assert_max_num_queries(2):
        client.get(f"/fhir/DocumentReference/{coded['en'].pk}")
    with django_assert_max_num_queries(0):
        client.get("/fhir/metadata")


def test_fhir_answers_are_cached_and_errors_are_not(client, coded, page_cache, django_assert_max_num_queries):
    first = client.get("/fhir/DocumentReference", {"type": "L72.0"})
    with django_assert_max_num_queries(1):  # the content generation only
        assert client.get("/fhir/DocumentReference", {"type": "L72.0"}).content == first.content
    bad = client.get("/fhir/DocumentReference", {"status": "draft"})
    assert bad.status_code == 400 and bad["Cache-Control"] == "no-store"


def test_with_the_page_cache_a_first_answer_still_takes_three_queries_or_fewer(
    client, coded, page_cache, django_assert_max_num_queries
):
    with django_assert_max_num_queries(3):  # the content generation, then the answer
        bundle(client, type="L72.0", language="fr")


def test_codes_with_every_kind_of_meaning_come_back_intact(client, coded, editor):
    services.leaflet_codes_set(
        leaflet=coded["en"].leaflet,
        user=editor,
        wanted=[
            services.CodeData(codes.ICD10CM, "L72.0", 'Kyste épidermique, "milium" | L72.0; a,b'),
            services.CodeData(codes.SNOMED_CT, "73211009", "control\x1echaracters\x1fgone"),
            services.CodeData(codes.ICD10, "L08.9", ""),
        ],
    )
    resource = client.get(f"/fhir/DocumentReference/{coded['en'].pk}").json()
    assert resource["type"]["coding"] == [
        {"system": "http://hl7.org/fhir/sid/icd-10", "code": "L08.9"},
        {"system": ICD_URI, "code": "L72.0", "display": 'Kyste épidermique, "milium" | L72.0; a,b'},
        {"system": "http://snomed.info/sct", "code": "73211009", "display": "controlcharactersgone"},
    ]
