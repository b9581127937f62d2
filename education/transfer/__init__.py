"""Export every leaflet and its history to one JSON file, and load such a file into an empty database.

The file is a portable copy next to the database backups (see docs/operations.md): clinics, leaflets, every
version in every status (with its "when to get help" signs and contributors, and its withdrawal if it was
withdrawn), the audit trail (with the statement each approver signed), changes to leaflets' details, share
links (token hashes only), handout records and review reminders. People are named by username, with their
names, email, active/staff flags and groups; password hashes are never written.

The file is a JSON object: "format" and "format_version" first, then one list per section, each sorted by id
(users by username), each record with the same keys in the same order. Exporting the same data twice gives
the same bytes, so an import followed by an export can be compared with the original file. Exports are
written in format 3. Format 2 added withdrawal (versions' withdrawn_at, withdrawn_by, withdrawal_reason), the
approver's attestation on audit events, contributors counted through copied text (`via`), share links'
views_after_withdrawal, and the leaflet_changes section. A format 1 file (written before those existed)
still imports, with those fields empty and no leaflet changes. Format 3 added the leaflet_codes section
(the diagnosis codes record systems find leaflets by) and the staff workspace; a format 2 file imports without
them. Versions' figures (a nested list) and their pictures (a "pictures" section: each original once, base64,
checked against its SHA-256 and decoded as an upload is) are left out of files without any, so older files
still import. A newer format is refused.

The import keeps primary keys and timestamps, and goes through the database's own rules (constraints and
the triggers of migrations 0002, 0005, 0011 and 0012) rather than around them: each version is inserted as
a draft, its signs and contributors are added, then it steps through the workflow to its final status
(draft -> in_review -> published -> retired, or draft -> discarded), taking its approval fields on the step
that publishes it, so the four-eyes trigger checks every approval in the file. A withdrawn version takes its
withdrawal on the step that retires it when it was withdrawn while published, or in an update of the
retired row when it was withdrawn after being superseded, the only two ways the triggers allow.

Before anything is written the import also checks that the file tells the truth about itself: every
version's content matches its fingerprint (`content_hash`), and each version's audit events are a real
sequence of workflow steps that ends in the version's status, signed off by the recorded approver, who never
edited it, and withdrawn by the person the version names if (and only if) it was withdrawn. A file edited
by hand (a published text changed, an approval forged, a withdrawal taken out) is refused.

The modules: `format` (the sections and fields, the steps the audit trail may record, reading a file),
`export`, `checks` (every value, then the history) and `importing`. Everything is reachable from here.
"""

from education.transfer.checks import check_history, decode, version_fingerprint
from education.transfer.export import export_data, export_text, write_export
from education.transfer.format import (
    ALL_MODELS,
    EDITING_ACTIONS,
    EVENT_STEPS,
    FIELDS_SET_BY_STEP,
    FORMAT,
    FORMAT_VERSION,
    LEGACY_VALUES,
    MAX_ID,
    PUBLIC_STATUSES,
    SECTION_KEYS,
    SECTION_OF_MODEL,
    SECTIONS,
    STEPS_TO_STATUS,
    USER_KEYS,
    VERSION_FINAL_FIELDS,
    WITHDRAWAL_FIELDS,
    Part,
    TransferError,
    check_format,
    dumps,
    load_file,
    section_keys,
    summary,
)
from education.transfer.importing import ImportReport, existing_rows, import_data

__all__ = [
    "ALL_MODELS",
    "EDITING_ACTIONS",
    "EVENT_STEPS",
    "FIELDS_SET_BY_STEP",
    "FORMAT",
    "FORMAT_VERSION",
    "LEGACY_VALUES",
    "MAX_ID",
    "PUBLIC_STATUSES",
    "SECTIONS",
    "SECTION_KEYS",
    "SECTION_OF_MODEL",
    "STEPS_TO_STATUS",
    "USER_KEYS",
    "VERSION_FINAL_FIELDS",
    "WITHDRAWAL_FIELDS",
    "ImportReport",
    "Part",
    "TransferError",
    "check_format",
    "check_history",
    "decode",
    "dumps",
    "existing_rows",
    "export_data",
    "export_text",
    "import_data",
    "load_file",
    "section_keys",
    "summary",
    "version_fingerprint",
    "write_export",
]
