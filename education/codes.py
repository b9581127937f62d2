"""Diagnosis codes on leaflets: the code systems a record system asks by, and their format rules (pure
functions, no database).

Each system is named by its HL7 OID (what an Infobutton request sends in `mainSearchCriteria.v.cs`) and by
its FHIR URI (what a FHIR `Coding.system` holds). The format checks catch typing mistakes; they do not prove
that a code exists in the current release of its code system.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ICD10CM = "2.16.840.1.113883.6.90"
ICD10 = "2.16.840.1.113883.6.3"
SNOMED_CT = "2.16.840.1.113883.6.96"


@dataclass(frozen=True)
class CodeSystem:
    oid: str
    name: str
    uri: str
    pattern: re.Pattern
    example: str


SYSTEMS: dict[str, CodeSystem] = {
    # ICD-10-CM: a letter, two digits, then after a dot up to four more characters (letters or digits).
    ICD10CM: CodeSystem(
        ICD10CM,
        "ICD-10-CM",
        "http://hl7.org/fhir/sid/icd-10-cm",
        re.compile(r"^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$"),
        "L72.0",
    ),
    # ICD-10 (WHO): a letter, two digits, then after a dot one digit (two in some national versions).
    ICD10: CodeSystem(
        ICD10, "ICD-10", "http://hl7.org/fhir/sid/icd-10", re.compile(r"^[A-Z][0-9]{2}(\.[0-9]{1,2})?$"), "L72.0"
    ),
    # SNOMED CT identifiers: 6 to 18 digits, no leading zero, the last a Verhoeff check digit.
    SNOMED_CT: CodeSystem(
        SNOMED_CT, "SNOMED CT", "http://snomed.info/sct", re.compile(r"^[1-9][0-9]{5,17}$"), "271807003"
    ),
}
BY_URI = {system.uri: system for system in SYSTEMS.values()}

# The database's own format check (education.models.codes): the same patterns, written once here.
DATABASE_PATTERNS = {oid: system.pattern.pattern for oid, system in SYSTEMS.items()}

# SNOMED CT partition identifiers (the two digits before the check digit) for concepts, descriptions and
# relationships, short and long (extension) forms.
SNOMED_PARTITIONS = {"00", "01", "02", "10", "11", "12"}

_VERHOEFF_D = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 2, 3, 4, 0, 6, 7, 8, 9, 5),
    (2, 3, 4, 0, 1, 7, 8, 9, 5, 6),
    (3, 4, 0, 1, 2, 8, 9, 5, 6, 7),
    (4, 0, 1, 2, 3, 9, 5, 6, 7, 8),
    (5, 9, 8, 7, 6, 0, 4, 3, 2, 1),
    (6, 5, 9, 8, 7, 1, 0, 4, 3, 2),
    (7, 6, 5, 9, 8, 2, 1, 0, 4, 3),
    (8, 7, 6, 5, 9, 3, 2, 1, 0, 4),
    (9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
)
_VERHOEFF_P = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 5, 7, 6, 2, 8, 3, 0, 9, 4),
    (5, 8, 0, 3, 7, 9, 6, 1, 4, 2),
    (8, 9, 1, 6, 0, 4, 3, 5, 2, 7),
    (9, 4, 5, 3, 1, 2, 6, 8, 7, 0),
    (4, 2, 8, 6, 5, 7, 3, 9, 0, 1),
    (2, 7, 9, 3, 8, 0, 6, 4, 1, 5),
    (7, 0, 4, 6, 9, 1, 3, 2, 5, 8),
)


def verhoeff_valid(digits: str) -> bool:
    """True when the last digit of `digits` is the Verhoeff check digit of the others (SNOMED CT's rule)."""
    if not digits.isascii() or not digits.isdigit():
        return False
    check = 0
    for position, digit in enumerate(reversed(digits)):
        check = _VERHOEFF_D[check][_VERHOEFF_P[position % 8][int(digit)]]
    return check == 0


def normalise(system: str, code: str) -> str:
    """The code as stored: trimmed; ICD codes upper-case, with the dot after the third character that record
    systems sometimes leave out ('l720' -> 'L72.0')."""
    code = (code or "").strip()
    if system in (ICD10CM, ICD10):
        code = code.upper()
        if len(code) > 3 and "." not in code:
            code = f"{code[:3]}.{code[3:]}"
    return code


def format_problem(system: str, code: str) -> str | None:
    """Why a (normalised) code cannot be one of its system's, in English for logs and tests; None when it
    looks right. Callers show their own translated message."""
    known = SYSTEMS.get(system)
    if known is None:
        return "unknown code system"
    if not known.pattern.fullmatch(code or ""):
        return f"not in {known.name} format (for example {known.example})"
    if system == SNOMED_CT:
        if code[-3:-1] not in SNOMED_PARTITIONS:
            return "not a SNOMED CT concept, description or relationship identifier"
        if not verhoeff_valid(code):
            return "the SNOMED CT check digit is wrong"
    return None


def system_name(oid: str) -> str:
    known = SYSTEMS.get(oid)
    return known.name if known else oid
