"""Diagnosis codes on the leaflet's admin page: an inline, saved through the service (each change on record)."""

from django.urls import reverse

from education import codes
from education.models import Leaflet, LeafletChange
from tests.admin.helpers import page


def leaflet_form(leaflet: Leaflet, rows: list[tuple[str, str, str]], *, existing=()) -> dict:
    data = {
        "name": leaflet.name,
        "topic": leaflet.topic,
        "tags": leaflet.tags,
        "review_interval_months": leaflet.review_interval_months,
        "owner": leaflet.owner_id or "",
        "codes-TOTAL_FORMS": str(len(existing) + len(rows)),
        "codes-INITIAL_FORMS": str(len(existing)),
        "codes-MIN_NUM_FORMS": "0",
        "codes-MAX_NUM_FORMS": "50",
    }
    for index, (row, delete) in enumerate(existing):
        data |= {
            f"codes-{index}-id": row.pk,
            f"codes-{index}-leaflet": leaflet.pk,
            f"codes-{index}-system": row.system,
            f"codes-{index}-code": row.code,
            f"codes-{index}-display": row.display,
        }
        if delete:
            data[f"codes-{index}-DELETE"] = "on"
    for offset, (system, code, display) in enumerate(rows):
        index = len(existing) + offset
        data |= {
            f"codes-{index}-leaflet": leaflet.pk,
            f"codes-{index}-system": system,
            f"codes-{index}-code": code,
            f"codes-{index}-display": display,
        }
    return data


def test_an_editor_adds_and_removes_codes_and_each_change_is_recorded(client, editor, leaflet):
    client.force_login(editor)
    url = reverse("admin:education_leaflet_change", args=[leaflet.pk])
    assert "Diagnosis codes" in page(client.get(url))

    response = client.post(url, leaflet_form(leaflet, [(codes.ICD10CM, "l720", "Epidermal cyst")]))
    assert response.status_code == 302, page(response)
    assert [(row.system, row.code) for row in leaflet.codes.all()] == [(codes.ICD10CM, "L72.0")]
    change = LeafletChange.objects.get(leaflet=leaflet, field="codes")
    assert (change.actor, change.after) == (editor, "ICD-10-CM L72.0 (Epidermal cyst)")

    row = leaflet.codes.get()
    response = client.post(url, leaflet_form(leaflet, [], existing=[(row, True)]))
    assert response.status_code == 302
    assert not leaflet.codes.exists()
    assert LeafletChange.objects.filter(leaflet=leaflet, field="codes").count() == 2


def test_a_snomed_code_with_a_wrong_check_digit_is_shown_as_an_error_and_nothing_changes(client, editor, leaflet):
    client.force_login(editor)
    url = reverse("admin:education_leaflet_change", args=[leaflet.pk])
    response = client.post(url, leaflet_form(leaflet, [(codes.SNOMED_CT, "73211008", "")]))
    assert response.status_code == 200
    assert "73211008 is not a valid SNOMED CT code." in page(response)
    assert not leaflet.codes.exists()
    assert not LeafletChange.objects.filter(leaflet=leaflet).exists()


def test_codes_show_in_the_leaflet_history(client, editor, leaflet):
    client.force_login(editor)
    url = reverse("admin:education_leaflet_change", args=[leaflet.pk])
    client.post(url, leaflet_form(leaflet, [(codes.ICD10CM, "L08.9", "")]))
    history = page(client.get(reverse("admin:education_leaflet_history", args=[leaflet.pk])))
    assert "ICD-10-CM L08.9" in history


def test_a_leaflet_form_sent_without_the_codes_table_leaves_the_codes_alone(client, editor, leaflet):
    from education import services

    services.leaflet_codes_set(leaflet=leaflet, user=editor, wanted=[services.CodeData(codes.ICD10CM, "L72.0")])
    client.force_login(editor)
    url = reverse("admin:education_leaflet_change", args=[leaflet.pk])
    data = {key: value for key, value in leaflet_form(leaflet, []).items() if not key.startswith("codes-")}
    response = client.post(url, {**data, "topic": "Skin"})
    assert response.status_code == 302
    assert [row.code for row in leaflet.codes.all()] == ["L72.0"]
