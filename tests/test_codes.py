"""Diagnosis code formats (education/codes.py) and the database's own check of them."""

import pytest
from django.db import IntegrityError, transaction
from hypothesis import given
from hypothesis import strategies as st

from education import codes
from education.models import LeafletCode


@pytest.mark.parametrize(
    "digits",
    ["73211009", "44054006", "38341003", "271807003", "236"],  # SNOMED CT identifiers and Verhoeff's own example
)
def test_verhoeff_accepts_real_check_digits(digits):
    assert codes.verhoeff_valid(digits)


def test_verhoeff_catches_every_single_digit_mistake():
    """Verhoeff's scheme detects any one wrong digit and any swap of two neighbours."""
    good = "73211009"
    for position in range(len(good)):
        for digit in "0123456789":
            if digit != good[position]:
                assert not codes.verhoeff_valid(good[:position] + digit + good[position + 1 :])
    for position in range(len(good) - 1):
        swapped = good[:position] + good[position + 1] + good[position] + good[position + 2 :]
        if swapped != good:
            assert not codes.verhoeff_valid(swapped)


def test_verhoeff_refuses_non_digits():
    assert not codes.verhoeff_valid("")
    assert not codes.verhoeff_valid("12a4")
    assert not codes.verhoeff_valid("١٢٣")  # Arabic-Indic digits are digits to Python, not to SNOMED CT


@pytest.mark.parametrize(
    ("system", "raw", "stored"),
    [
        (codes.ICD10CM, " l72.0 ", "L72.0"),
        (codes.ICD10CM, "L720", "L72.0"),
        (codes.ICD10CM, "T8140XA", "T81.40XA"),
        (codes.ICD10, "l089", "L08.9"),
        (codes.SNOMED_CT, " 73211009 ", "73211009"),
    ],
)
def test_codes_are_normalised_as_record_systems_send_them(system, raw, stored):
    assert codes.normalise(system, raw) == stored
    assert codes.format_problem(system, stored) is None


@pytest.mark.parametrize(
    ("system", "code", "problem"),
    [
        (codes.ICD10CM, "L7", "format"),
        (codes.ICD10CM, "L72.00000", "format"),
        (codes.ICD10CM, "7L2.0", "format"),
        (codes.ICD10, "L72.0X", "format"),
        (codes.SNOMED_CT, "73211008", "check digit"),
        (codes.SNOMED_CT, "012345", "format"),
        (codes.SNOMED_CT, "12345", "format"),
        (codes.SNOMED_CT, "1234567890123456789", "format"),
        ("1.2.3", "L72.0", "unknown code system"),
    ],
)
def test_malformed_codes_are_refused_with_the_reason(system, code, problem):
    assert problem in codes.format_problem(system, code)


def test_a_snomed_identifier_with_a_valid_check_digit_but_no_concept_partition_is_refused():
    # 1234567 + partition "99" + a correct check digit: the check digit alone is not enough.
    body = "123456799"
    digit = next(d for d in "0123456789" if codes.verhoeff_valid(body + d))
    assert "identifier" in codes.format_problem(codes.SNOMED_CT, body + digit)


@given(st.text(max_size=30))
def test_any_text_is_answered_never_raised(text):
    for system in (*codes.SYSTEMS, "nonsense"):
        code = codes.normalise(system, text)
        assert codes.format_problem(system, code) is None or isinstance(codes.format_problem(system, code), str)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("system", "code"),
    [(codes.ICD10CM, "l72.0"), (codes.ICD10, "L72.0X"), (codes.SNOMED_CT, "0123456"), ("9.9.9", "L72.0")],
)
def test_the_database_refuses_a_malformed_code_even_past_python(leaflet, system, code):
    with pytest.raises(IntegrityError), transaction.atomic():
        LeafletCode.objects.bulk_create([LeafletCode(leaflet=leaflet, system=system, code=code)])


@pytest.mark.django_db
def test_the_database_refuses_the_same_code_twice_on_a_leaflet(leaflet):
    LeafletCode.objects.create(leaflet=leaflet, system=codes.ICD10CM, code="L72.0")
    with pytest.raises(IntegrityError), transaction.atomic():
        LeafletCode.objects.create(leaflet=leaflet, system=codes.ICD10CM, code="L72.0")
