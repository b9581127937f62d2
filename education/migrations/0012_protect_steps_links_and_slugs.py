"""Database triggers that stop review being skipped and records being quietly undone, whatever the Python does.

- A leaflet version moves only along the workflow's steps (`STATUS_STEPS`): draft -> in_review -> published
  -> retired, with send-back (in_review -> draft) and discard (draft or in_review -> discarded). A change to
  any other status is refused, so nothing publishes a draft that was never in review.
- A new version row starts as a draft without approval, publication, retirement or review dates: every
  version reaches `published` through the steps above (and the checks of 0002 on the way).
- Nobody is added as a contributor to a version they approved (0002 refuses the other order: approving a
  version someone wrote or edited).
- A revoked share link stays revoked: its revocation (when, by whom) and its expiry no longer change.
- A leaflet's slug (its public address, printed on handouts as a QR code) never changes.

To add a status (for example `withdrawn`, reached from published and retired), a later migration calls
`install_status_steps(schema_editor, [*STATUS_STEPS, ("published", "withdrawn"), ("retired", "withdrawn")])`
(through `importlib`, as migration modules start with a digit), and `install_status_steps(schema_editor,
STATUS_STEPS)` to reverse. That migration also widens the `version_status_known` constraint, which on SQLite
rebuilds the versions table and drops its triggers: it must then run `install` here and `install_triggers`
of 0002 again (and 0002's rule that retired versions never change has to allow that step).
"""

from django.db import migrations

VERSION = "education_leafletversion"
CONTRIBUTOR = "education_versioncontributor"
LINK = "education_sharelink"
LEAFLET = "education_leaflet"

# Every status change a version may make (staying in the same status is always allowed).
STATUS_STEPS = [
    ("draft", "in_review"),
    ("draft", "discarded"),
    ("in_review", "draft"),
    ("in_review", "published"),
    ("in_review", "discarded"),
    ("published", "retired"),
]
# A new version carries none of these: they are set by the steps that approve, publish and retire it.
SET_BY_STEPS = ["approved_by_id", "approved_at", "published_at", "retired_at", "review_due"]
# What a revoked share link keeps for good.
REVOCATION = ["revoked_at", "revoked_by_id", "expires_at"]

STEPS_MESSAGE = (
    "a leaflet version moves only draft -> in_review -> published -> retired (or back to draft from review, "
    "or to discarded from draft or review)"
)
NEW_VERSION_MESSAGE = "a new leaflet version starts as a draft, without approval or publication"
CONTRIBUTOR_MESSAGE = "the approver of a version cannot be added as one of its contributors"
REVOKED_MESSAGE = "a revoked share link stays revoked: its revocation and expiry cannot change"
SLUG_MESSAGE = "the address (slug) of a leaflet never changes"


def _step_list(steps) -> str:
    return ", ".join(f"'{before}>{after}'" for before, after in steps)


def _is_step(steps) -> str:
    """True when the row's status change is one of `steps`; the same text works on SQLite and PostgreSQL."""
    return f"(OLD.status || '>' || NEW.status) IN ({_step_list(steps)})"


def _any_set(columns) -> str:
    return " OR ".join(f'NEW."{column}" IS NOT NULL' for column in columns)


def _sqlite_fail(message: str) -> str:
    return f"SELECT RAISE(ABORT, '{message}');"


def _postgresql_fail(message: str) -> str:
    # Concatenation rather than RAISE's % placeholders: the statement goes through the driver's parameter
    # parsing, where a % means something else.
    return f"RAISE EXCEPTION USING MESSAGE = {message}, ERRCODE = 'integrity_constraint_violation';"


def _postgresql_function(name: str, body: str) -> str:
    return f"""CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN {body} END $$"""


def _vendor(schema_editor) -> str:
    vendor = schema_editor.connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise RuntimeError(f"The leaflet workflow rules are only implemented for SQLite and PostgreSQL, not {vendor}.")
    return vendor


def install_status_steps(schema_editor, steps) -> None:
    """(Re)define which status changes a version may make; only this rule, so a later migration can widen it."""
    if _vendor(schema_editor) == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS version_status_steps")
        schema_editor.execute(
            f"""CREATE TRIGGER version_status_steps BEFORE UPDATE OF status ON {VERSION}
                WHEN NEW.status IS NOT OLD.status AND NOT {_is_step(steps)}
                BEGIN {_sqlite_fail(STEPS_MESSAGE)} END"""
        )
    else:
        schema_editor.execute(
            _postgresql_function(
                "education_version_status_steps",
                f"""IF NEW.status IS DISTINCT FROM OLD.status AND NOT {_is_step(steps)} THEN
                        {_postgresql_fail(f"'leaflet version ' || OLD.id || ' cannot go from ' || OLD.status || ' to ' || NEW.status || ': {STEPS_MESSAGE}'")}
                    END IF;
                    RETURN NEW;""",
            )
        )
        schema_editor.execute(f"DROP TRIGGER IF EXISTS version_status_steps ON {VERSION}")
        schema_editor.execute(
            f"""CREATE TRIGGER version_status_steps BEFORE UPDATE ON {VERSION}
                FOR EACH ROW EXECUTE FUNCTION education_version_status_steps()"""
        )


def _sqlite_statements() -> list[str]:
    return [
        f"""CREATE TRIGGER version_starts_as_draft BEFORE INSERT ON {VERSION}
            WHEN NEW.status IS NOT 'draft' OR {_any_set(SET_BY_STEPS)}
            BEGIN {_sqlite_fail(NEW_VERSION_MESSAGE)} END""",
        f"""CREATE TRIGGER contributor_not_the_approver BEFORE INSERT ON {CONTRIBUTOR}
            WHEN EXISTS (SELECT 1 FROM {VERSION} WHERE id = NEW.version_id AND approved_by_id = NEW.user_id)
            BEGIN {_sqlite_fail(CONTRIBUTOR_MESSAGE)} END""",
        f"""CREATE TRIGGER share_link_revocation_final BEFORE UPDATE ON {LINK}
            WHEN OLD.revoked_at IS NOT NULL
             AND NOT ({" AND ".join(f'NEW."{column}" IS OLD."{column}"' for column in REVOCATION)})
            BEGIN {_sqlite_fail(REVOKED_MESSAGE)} END""",
        f"""CREATE TRIGGER leaflet_slug_fixed BEFORE UPDATE OF slug ON {LEAFLET}
            WHEN NEW.slug IS NOT OLD.slug
            BEGIN {_sqlite_fail(SLUG_MESSAGE)} END""",
    ]


def _postgresql_statements() -> list[str]:
    def fail(message: str) -> str:
        return _postgresql_fail(f"'{message}'")

    same_revocation = " AND ".join(f'NEW."{column}" IS NOT DISTINCT FROM OLD."{column}"' for column in REVOCATION)
    return [
        _postgresql_function(
            "education_version_starts_as_draft",
            f"""IF NEW.status <> 'draft' OR {_any_set(SET_BY_STEPS)} THEN
                    {fail(NEW_VERSION_MESSAGE)}
                END IF;
                RETURN NEW;""",
        ),
        f"""CREATE TRIGGER version_starts_as_draft BEFORE INSERT ON {VERSION}
            FOR EACH ROW EXECUTE FUNCTION education_version_starts_as_draft()""",
        _postgresql_function(
            "education_contributor_not_the_approver",
            f"""IF EXISTS (SELECT 1 FROM {VERSION} WHERE id = NEW.version_id AND approved_by_id = NEW.user_id) THEN
                    {fail(CONTRIBUTOR_MESSAGE)}
                END IF;
                RETURN NEW;""",
        ),
        f"""CREATE TRIGGER contributor_not_the_approver BEFORE INSERT ON {CONTRIBUTOR}
            FOR EACH ROW EXECUTE FUNCTION education_contributor_not_the_approver()""",
        _postgresql_function(
            "education_share_link_revocation_final",
            f"""IF OLD.revoked_at IS NOT NULL AND NOT ({same_revocation}) THEN
                    {fail(REVOKED_MESSAGE)}
                END IF;
                RETURN NEW;""",
        ),
        f"""CREATE TRIGGER share_link_revocation_final BEFORE UPDATE ON {LINK}
            FOR EACH ROW EXECUTE FUNCTION education_share_link_revocation_final()""",
        _postgresql_function(
            "education_leaflet_slug_fixed",
            f"""IF NEW.slug IS DISTINCT FROM OLD.slug THEN
                    {fail(SLUG_MESSAGE)}
                END IF;
                RETURN NEW;""",
        ),
        f"""CREATE TRIGGER leaflet_slug_fixed BEFORE UPDATE ON {LEAFLET}
            FOR EACH ROW EXECUTE FUNCTION education_leaflet_slug_fixed()""",
    ]


def install(apps, schema_editor):
    install_status_steps(schema_editor, STATUS_STEPS)
    statements = _sqlite_statements() if _vendor(schema_editor) == "sqlite" else _postgresql_statements()
    for statement in statements:
        schema_editor.execute(statement)


def remove(apps, schema_editor):
    triggers = [
        ("version_status_steps", VERSION),
        ("version_starts_as_draft", VERSION),
        ("contributor_not_the_approver", CONTRIBUTOR),
        ("share_link_revocation_final", LINK),
        ("leaflet_slug_fixed", LEAFLET),
    ]
    if _vendor(schema_editor) == "sqlite":
        for trigger, _table in triggers:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    else:
        for trigger, table in triggers:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
        for trigger, _table in triggers:
            schema_editor.execute(f"DROP FUNCTION IF EXISTS education_{trigger}()")


class Migration(migrations.Migration):
    dependencies = [("education", "0011_withdrawal_attestation_copied_text_detail_changes")]
    operations = [migrations.RunPython(install, remove)]
