"""Diagnosis codes in the export file (format 3), and format 2 files without them."""

import json

from education import codes, services, transfer
from education.models import LeafletCode
from tests.test_transfer import FORMAT_3_SECTIONS, empty_leaflet_tables, run


def test_codes_go_through_an_export_and_an_import(published, editor, tmp_path):
    services.leaflet_codes_set(
        leaflet=published.leaflet, user=editor, wanted=[services.CodeData(codes.ICD10CM, "L72.0", "Epidermal cyst")]
    )
    path = tmp_path / "export.json"
    run("export_leaflets", output=str(path))
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format_version"] == transfer.FORMAT_VERSION == 3
    assert [(row["system"], row["code"], row["display"]) for row in data["leaflet_codes"]] == [
        (codes.ICD10CM, "L72.0", "Epidermal cyst")
    ]
    empty_leaflet_tables()
    run("import_leaflets", str(path))
    assert list(LeafletCode.objects.values_list("leaflet__slug", "code")) == [(published.leaflet.slug, "L72.0")]


def test_a_format_2_file_imports_without_codes(published, editor, tmp_path):
    services.leaflet_codes_set(leaflet=published.leaflet, user=editor, wanted=[services.CodeData(codes.ICD10, "L72.0")])
    data = transfer.export_data()
    data["format_version"] = 2
    for key in FORMAT_3_SECTIONS:  # codes and the staff workspace came with format 3
        del data[key]
    path = tmp_path / "old.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    empty_leaflet_tables()
    run("import_leaflets", str(path))
    assert not LeafletCode.objects.exists()
