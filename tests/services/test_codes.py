"""Setting a leaflet's diagnosis codes: validated, and every change on record."""

import pytest

from education import codes, services
from education.models import LeafletChange
from tests import factories

ICD = codes.ICD10CM


def _codes(leaflet):
    return sorted((row.system, row.code, row.display) for row in leaflet.codes.all())


def test_setting_codes_records_the_list_before_and_after(leaflet, editor):
    services.leaflet_codes_set(leaflet=leaflet, user=editor, wanted=[services.CodeData(ICD, "l720", "Epidermal cyst")])
    assert _codes(leaflet) == [(ICD, "L72.0", "Epidermal cyst")]
    change = LeafletChange.objects.get(leaflet=leaflet, field="codes")
    assert (change.actor, change.before, change.after) == (editor, "", "ICD-10-CM L72.0 (Epidermal cyst)")

    services.leaflet_codes_set(
        leaflet=leaflet, user=editor, wanted=[services.CodeData(codes.SNOMED_CT, "73211009", "")]
    )
    assert _codes(leaflet) == [(codes.SNOMED_CT, "73211009", "")]
    latest = LeafletChange.objects.filter(leaflet=leaflet, field="codes").order_by("-id").first()
    assert (latest.before, latest.after) == ("ICD-10-CM L72.0 (Epidermal cyst)", "SNOMED CT 73211009")


def test_setting_the_same_codes_again_records_nothing(leaflet, editor):
    wanted = [services.CodeData(ICD, "L72.0")]
    services.leaflet_codes_set(leaflet=leaflet, user=editor, wanted=wanted)
    services.leaflet_codes_set(leaflet=leaflet, user=editor, wanted=wanted)
    assert LeafletChange.objects.filter(leaflet=leaflet, field="codes").count() == 1


def test_a_malformed_code_changes_nothing(leaflet, editor):
    services.leaflet_codes_set(leaflet=leaflet, user=editor, wanted=[services.CodeData(ICD, "L72.0")])
    with pytest.raises(services.WorkflowError, match="not a valid SNOMED CT code"):
        services.leaflet_codes_set(
            leaflet=leaflet,
            user=editor,
            wanted=[services.CodeData(ICD, "L08.9"), services.CodeData(codes.SNOMED_CT, "73211008")],
        )
    assert _codes(leaflet) == [(ICD, "L72.0", "")]


def test_someone_who_may_not_change_leaflets_may_not_change_codes(leaflet, db):
    visitor = factories.make_user("visitor")
    with pytest.raises(services.NotPermitted):
        services.leaflet_codes_set(leaflet=leaflet, user=visitor, wanted=[services.CodeData(ICD, "L72.0")])
    assert not leaflet.codes.exists()


def test_too_many_codes_are_refused(leaflet, editor):
    wanted = [services.CodeData(ICD, f"L{n:02d}.0") for n in range(services.MAX_CODES + 1)]
    with pytest.raises(services.WorkflowError, match="at most"):
        services.leaflet_codes_set(leaflet=leaflet, user=editor, wanted=wanted)


def test_starter_leaflets_carry_their_codes(db, editor):
    services.starter_leaflets_load(author=editor)
    from education.models import Leaflet

    milia = Leaflet.objects.get(slug="milia-overview")
    assert (ICD, "L72.0") in {(row.system, row.code) for row in milia.codes.all()}
    infection = Leaflet.objects.get(slug="infection-warning-signs")
    assert (ICD, "L08.9") in {(row.system, row.code) for row in infection.codes.all()}


def test_starter_codes_fill_in_only_leaflets_without_codes(db, editor):
    from education.models import Leaflet

    services.starter_leaflets_load(author=editor)
    milia = Leaflet.objects.get(slug="milia-overview")
    services.leaflet_codes_set(leaflet=milia, user=editor, wanted=[])
    other = Leaflet.objects.get(slug="post-extraction-hygiene")
    services.leaflet_codes_set(leaflet=other, user=editor, wanted=[services.CodeData(ICD, "L72.0")])
    assert services.starter_codes_apply(user=editor) == 1
    assert milia.codes.filter(system=ICD, code="L72.0").exists()
    assert _codes(other) == [(ICD, "L72.0", "")]
