"""The diagnosis codes of the bundled starter leaflets (README, "Connecting a record system", says why each).

Only ICD-10-CM and WHO ICD-10: SNOMED CT is licensed per country and its identifiers should come from the
clinic's own national release, so the starter content carries none; a clinic adds them in the admin.
"""

from education.codes import ICD10, ICD10CM

MILIA = [
    (ICD10CM, "L72.0", "Epidermal cyst"),  # ICD-10-CM's index sends "milium" here
    (ICD10, "L72.0", "Epidermal cyst"),
]

STARTER_CODES: dict[str, list[tuple[str, str, str]]] = {
    "milia-overview": MILIA,
    "post-extraction-hygiene": [
        *MILIA,
        (ICD10CM, "Z48.817", "Encounter for surgical aftercare following surgery on the skin and subcutaneous tissue"),
    ],
    "infection-warning-signs": [
        *MILIA,
        (ICD10CM, "L08.9", "Local infection of the skin and subcutaneous tissue, unspecified"),
        (ICD10, "L08.9", "Local infection of skin and subcutaneous tissue, unspecified"),
    ],
}
