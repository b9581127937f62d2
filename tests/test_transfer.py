"""manage.py export_leaflets and import_leaflets: one JSON file, loaded losslessly into an empty database."""

import copy
import datetime
import gzip
import importlib
import json
import os
import sqlite3
import subprocess
import sys
from contextlib import contextmanager
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.core.management.color import no_style
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from clinic.models import Clinic
from education import services, transfer
from education.models import (
    AuditEvent,
    Handout,
    HelpSign,
    Leaflet,
    LeafletChange,
    LeafletVersion,
    PageViewCount,
    PatientFeedback,
    ReviewReminder,
    ShareEmail,
    ShareLink,
    VersionContributor,
)
from tests import factories

pytestmark = pytest.mark.django_db
PROJECT = Path(__file__).resolve().parent.parent
Sign = services.HelpSignData


def run(*args, **kwargs) -> str:
    out = StringIO()
    call_command(*args, stdout=out, **kwargs)
    return out.getvalue()


# --- a clinic's history, built the way the app builds it --------------------------------------------------


@pytest.fixture
def history():
    """Every kind of row in every status: published, retired, sent back, discarded, translated, shared, handed
    out, reminded; two editors on one draft; contributors through copied text; a version withdrawn while
    published and one withdrawn after it was superseded; a recall (links revoked, staff told) and a link opened
    after the withdrawal; a leaflet's details changed; non-ASCII text; an inactive user; a logo in media
    storage."""
    eddie = factories.make_user("eddie", group="Leaflet editors", email="eddie@example.org", first_name="Eddie")
    erin = factories.make_user("erin", group="Leaflet editors", first_name="Érin", last_name="Ødegård")
    claire = factories.make_approver("claire")
    omar = factories.make_approver("omar")
    default_storage.save("clinic-logos/riviere.png", ContentFile(b"\x89PNG test logo"))
    riviere = Clinic.objects.create(
        name="Clinique de la Rivière",
        slug="riviere",
        logo="clinic-logos/riviere.png",
        logo_alt_text="Logo : une rivière",
        address="1 rue de l'Exemple\n75000 Paris",
        urgent_care_advice="Si la clinique est fermée, appelez le 15.",
        urgent_care_advice_translations={"en": "If the clinic is closed, call 15."},
        language="fr",
        is_default=True,
    )
    annex = Clinic.objects.create(name="Annex", slug="annex", primary_colour="#123456")

    milia = factories.make_leaflet(user=eddie, slug="milia", name="Milia — overview")
    v1 = factories.make_published(author=eddie, approver=claire, leaflet=milia)
    v2 = services.version_create_draft(leaflet=milia, user=eddie, based_on=v1, change_note="Clearer wording")
    v2 = factories.edit(v2, user=eddie, title="Milia ✓", help_signs=[Sign("emergency", "Fièvre élevée 🌡")])
    v2 = services.version_submit(version=v2, user=eddie)
    v2 = services.version_send_back(version=v2, user=claire, comment="Add the routine sign back, please.")
    v2 = factories.edit(v2, user=erin, help_signs=[Sign("routine", "Still there"), Sign("emergency", "High fever")])
    v2 = services.version_submit(version=v2, user=erin, comment="Done")
    v2 = services.version_approve_and_publish(
        version=v2, content_hash=factories.shown_hash(v2), attested=True, user=omar, comment="Approved"
    )  # retires v1
    v3 = services.version_create_draft(leaflet=milia, user=erin, based_on=v2)
    factories.edit(v3, user=eddie, summary="A draft two people edited.")
    french = services.version_create_draft(leaflet=milia, user=erin, language="fr", translation_of=v2)
    french = factories.edit(french, user=erin, title="Grains de milium", summary="Résumé « simple ».")
    services.version_submit(version=french, user=erin)

    care = factories.make_leaflet(user=erin, slug="care", name="Care after removal", review_interval_months=6)
    discarded = factories.make_draft(leaflet=care, author=erin)
    services.version_discard(version=discarded, user=erin, comment="Wrong leaflet")
    care_v2 = factories.make_published(author=erin, approver=claire, leaflet=care)
    Leaflet.objects.filter(pk=care.pk).update(owner=None)
    milia.topic, milia.tags = "Skin, babies", "milia, spots"
    services.leaflet_update(leaflet=milia, user=eddie, changed=["topic", "tags"])

    link, token = services.share_link_create(
        version=v2, clinic=riviere, user=eddie, expires_at=timezone.now() + datetime.timedelta(days=30)
    )
    services.share_link_count_view(link=link)
    revoked, _token = services.share_link_create(version=v2, clinic=annex, user=erin)
    services.share_link_revoke(link=revoked, user=claire)
    care_link, _token = services.share_link_create(version=care_v2, clinic=annex, user=erin)
    services.handout_record(
        versions=[v2], channel="print", clinic=riviere, user=eddie, options={"paper": "a4", "large_print": True}
    )
    services.handout_record(versions=[v2], channel="qr")
    services.handout_record(versions=[v2, care_v2], channel="email", clinic=riviere, user=eddie, share_link=link)
    ReviewReminder.objects.create(
        leaflet=milia, recipient=eddie, sent_on=datetime.date(2026, 1, 5), review_due=v2.review_due
    )

    services.leaflet_withdraw(leaflet=care, user=claire, reason="Wrong dressing advice")  # published -> withdrawn
    care_v2.refresh_from_db()  # as the recall page loads it
    services.share_link_count_view(link=care_link, after_withdrawal=True)
    services.recall_revoke_links(version=care_v2, user=claire)  # the care link
    services.recall_notify_staff(version=care_v2, user=claire)  # tells eddie
    services.recall_notify_staff(version=v2, user=omar)  # a recall of the published version: nothing withdrawn
    services.version_withdraw(version=v1, user=omar, reason="Superseded, and its advice is now wrong")
    get_user_model().objects.filter(username="claire").update(is_active=False)  # she left; history stays
    return {"token": token, "milia": milia, "v1": v1, "v2": v2, "care_v2": care_v2}


def _schema(conn):
    class Schema:
        connection = conn

        def execute(self, sql, params=()):
            with conn.cursor() as cursor:
                cursor.execute(sql, params or None)

    return Schema()


@contextmanager
def rules_lifted():
    """Drop the history-protecting triggers for the duration (inside the test's transaction), then put them back
    with the migrations' own functions, in migration order (0011 replaces 0002's rule for versions)."""
    protect_history = importlib.import_module("education.migrations.0002_protect_history")
    protect_handouts = importlib.import_module("education.migrations.0005_protect_handouts")
    withdrawal = importlib.import_module("education.migrations.0011_withdrawal_attestation_copied_text_detail_changes")
    version_figures = importlib.import_module("education.migrations.0014_version_figures")
    workspace = importlib.import_module("education.migrations.0015_staff_workspace")
    schema = _schema(connection)
    workspace.remove_triggers(None, schema)
    version_figures.remove_triggers(None, schema)
    withdrawal.remove(None, schema)
    protect_handouts.remove(None, schema)
    protect_history.remove_triggers(None, schema)
    try:
        yield
    finally:
        protect_history.install_triggers(None, schema)
        protect_handouts.install(None, schema)
        withdrawal.install(None, schema)
        version_figures.install_triggers(None, schema)
        workspace.install_triggers(None, schema)


def empty_leaflet_tables():
    """What a freshly migrated database looks like to the import (users and groups stay): no rows, and id
    sequences back at the start."""
    with rules_lifted(), connection.cursor() as cursor:
        for model in reversed(transfer.ALL_MODELS):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
        sequences = [{"table": model._meta.db_table, "column": "id"} for model in transfer.ALL_MODELS]
        for statement in connection.ops.sequence_reset_by_name_sql(no_style(), sequences):
            cursor.execute(statement)
    assert transfer.existing_rows() == {}


def _refused(action):
    with pytest.raises(IntegrityError), transaction.atomic():
        action()


def _raw_delete(model, pk):
    """A DELETE straight to the database: only the triggers stand in the way (Django's PROTECT does not)."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [pk])  # noqa: S608


# --- round trip -------------------------------------------------------------------------------------------


def test_export_import_export_is_byte_identical_and_the_rules_hold_again(history, tmp_path):
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    assert "Wrote" in run("export_leaflets", output=str(first))
    before = {model: model.objects.count() for model in transfer.ALL_MODELS}
    empty_leaflet_tables()

    output = run("import_leaflets", str(first))
    run("export_leaflets", output=str(second))

    assert first.read_bytes() == second.read_bytes()
    assert {model: model.objects.count() for model in transfer.ALL_MODELS} == before
    assert "Imported 2 clinics, 2 leaflets, 6 versions" in output
    assert "Matched existing users: claire, eddie, erin, omar" in output
    # The import ran under the database's rules, and they still hold: history is frozen again.
    published = LeafletVersion.objects.get(status="published", leaflet__slug="milia")
    _refused(lambda: LeafletVersion.objects.filter(pk=published.pk).update(title="Changed"))
    _refused(lambda: _raw_delete(LeafletVersion, published.pk))
    _refused(lambda: AuditEvent.objects.all().delete())
    _refused(lambda: HelpSign.objects.filter(version=published).delete())
    _refused(lambda: _raw_delete(Handout, Handout.objects.first().pk))


def test_the_export_holds_every_status_timestamp_and_reference(history):
    data = transfer.export_data()
    versions = {(v["leaflet"], v["language"], v["number"]): v for v in data["versions"]}
    milia = history["milia"].pk
    assert {v["status"] for v in data["versions"]} == {"published", "retired", "draft", "in_review", "discarded"}
    assert versions[(milia, "en", 2)]["approved_by"] == "omar"
    assert versions[(milia, "en", 2)]["based_on"] == versions[(milia, "en", 1)]["id"]
    assert versions[(milia, "fr", 1)]["translation_of"] == versions[(milia, "en", 2)]["id"]
    assert [c["user"] for c in versions[(milia, "en", 3)]["contributors"]] == ["erin", "eddie"]
    assert [s["text"] for s in versions[(milia, "en", 2)]["help_signs"]] == ["Still there", "High fever"]
    event = AuditEvent.objects.order_by("pk").first()
    assert data["audit_events"][0]["at"] == event.at.astimezone(datetime.UTC).isoformat()
    assert data["handouts"][0]["options"] == {"large_print": True, "paper": "a4"}
    assert data["share_links"][1]["revoked_by"] == "claire"
    assert data["clinics"][0]["logo"] == "clinic-logos/riviere.png"
    assert [section for section in data] == ["format", "format_version", *transfer.SECTION_KEYS]
    for key in transfer.SECTION_KEYS[1:]:
        ids = [record["id"] for record in data[key]]
        assert ids == sorted(ids), key


def test_the_export_names_people_by_username_and_holds_no_secrets(history, tmp_path):
    path = tmp_path / "export.json"
    run("export_leaflets", output=str(path))
    text = path.read_text(encoding="utf-8")
    data = json.loads(text)
    assert [user["username"] for user in data["users"]] == ["claire", "eddie", "erin", "omar"]
    assert set(data["users"][0]) == set(transfer.USER_KEYS)
    assert data["users"][0]["is_active"] is False
    assert data["users"][2]["last_name"] == "Ødegård"  # written as UTF-8, not escaped
    assert "password" not in text and "md5$" not in text
    assert history["token"] not in text  # only the token's hash
    assert services.share_token_hash(history["token"]) in text
    assert os.stat(path).st_mode & 0o077 == 0  # staff names and emails: readable by its owner only


def test_every_model_field_is_in_the_export_format():
    """A field added to a model must be added to the export (and the format version considered)."""
    for part in transfer.SECTIONS:
        for spec in (part, *part.children):
            concrete = {f.name for f in spec.model._meta.concrete_fields} - {spec.parent}
            assert set(spec.fields) == concrete, spec.model.__name__


def test_every_model_of_the_apps_is_in_the_export():
    """A model added to the apps must be exported too (or deliberately left out here)."""
    models = {*apps.get_app_config("education").get_models(), *apps.get_app_config("clinic").get_models()}
    # Left out: what patients told us and page views are statistics about the published pages of this
    # installation, not the leaflets' content or history (database backups keep them); share emails are the
    # job queue's outbox (sealed with this install's SECRET_KEY and erased once sent), not history; the
    # handout records they lead to are exported.
    left_out = {PatientFeedback, PageViewCount, ShareEmail}
    assert models - left_out == set(transfer.ALL_MODELS)


def test_two_exports_of_the_same_data_are_identical_and_stdout_matches_the_file(history, tmp_path):
    path = tmp_path / "export.json"
    run("export_leaflets", output=str(path))
    assert run("export_leaflets") == path.read_text(encoding="utf-8") == transfer.export_text()


def test_new_work_after_an_import_gets_fresh_ids(history, tmp_path):
    path = tmp_path / "export.json"
    run("export_leaflets", output=str(path))
    highest = LeafletVersion.objects.order_by("-pk").first().pk
    empty_leaflet_tables()
    run("import_leaflets", str(path))
    eddie = get_user_model().objects.get(username="eddie")
    leaflet = factories.make_leaflet(user=eddie, slug="after-restore")
    draft = factories.make_draft(leaflet=leaflet, author=eddie)
    assert draft.pk > highest
    clinic = Clinic.objects.create(name="New", slug="new")
    assert clinic.pk > 2


def test_a_logo_missing_from_media_storage_is_reported(history, tmp_path):
    path = tmp_path / "export.json"
    run("export_leaflets", output=str(path))
    empty_leaflet_tables()
    default_storage.delete("clinic-logos/riviere.png")
    output = run("import_leaflets", str(path))
    assert "Warning: The logo of clinic riviere (clinic-logos/riviere.png) is not in the media storage" in output


def test_people_missing_here_are_created_inactive_without_a_password(history, tmp_path):
    data = transfer.export_data()
    empty_leaflet_tables()
    for user in data["users"]:
        if user["username"] == "eddie":
            user["username"] = "eddie2"
            user["groups"] = ["Leaflet editors", "Night shift"]
    text = json.dumps(data).replace('"eddie"', '"eddie2"')
    path = tmp_path / "renamed.json"
    path.write_text(text, encoding="utf-8")

    output = run("import_leaflets", str(path))

    created = get_user_model().objects.get(username="eddie2")
    assert not created.is_active and not created.has_usable_password()
    assert (created.first_name, created.email, created.is_staff) == ("Eddie", "eddie@example.org", True)
    assert list(created.groups.values_list("name", flat=True)) == ["Leaflet editors"]
    assert "Created 1 users, inactive and without a usable password: eddie2" in output
    assert "there is no group 'Night shift' here" in output
    assert Leaflet.objects.get(slug="milia").owner == created


def test_a_fresh_database_from_the_command_line(history, tmp_path):
    """Import into a newly migrated SQLite file in another process: same data, people created inactive."""
    source = tmp_path / "export.json"
    run("export_leaflets", output=str(source))
    database = tmp_path / "fresh.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": f"sqlite:///{database}",
    }

    def manage(*args):
        return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
            [sys.executable, "manage.py", *args], cwd=PROJECT, env=env, capture_output=True, text=True, timeout=120
        )

    assert manage("migrate", "--no-input").returncode == 0
    imported = manage("import_leaflets", str(source))
    assert imported.returncode == 0, imported.stderr
    again = manage("export_leaflets", "--output", str(tmp_path / "again.json"))
    assert again.returncode == 0, again.stderr

    original = json.loads(source.read_text(encoding="utf-8"))
    restored = json.loads((tmp_path / "again.json").read_text(encoding="utf-8"))
    assert all(user["is_active"] is False for user in restored["users"])
    for user in restored["users"]:
        user["is_active"] = next(u["is_active"] for u in original["users"] if u["username"] == user["username"])
    assert restored == original
    with sqlite3.connect(database) as db:
        passwords = [row[0] for row in db.execute("SELECT password FROM auth_user")]
    assert len(passwords) == 4 and all(password.startswith("!") for password in passwords)

    twice = manage("import_leaflets", str(source))
    assert twice.returncode == 1
    assert "The database is not empty" in twice.stderr and "Traceback" not in twice.stderr
    corrupt = tmp_path / "corrupt.json"
    corrupt.write_bytes(source.read_bytes()[:500])
    broken = manage("import_leaflets", str(corrupt))
    assert broken.returncode == 1
    assert "not valid JSON" in broken.stderr and "Traceback" not in broken.stderr


# --- withdrawal, recall, detail changes, copied text and the approver's statement --------------------------


def test_withdrawals_recalls_detail_changes_copied_text_and_attestations_survive_the_round_trip(history, tmp_path):
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    run("export_leaflets", output=str(first))
    data = json.loads(first.read_text(encoding="utf-8"))
    v1, v2, care_v2 = (_first(data, "versions", id=history[name].pk) for name in ("v1", "v2", "care_v2"))
    french = _first(data, "versions", language="fr")
    # What the file holds: both kinds of withdrawal, the recall, the detail changes, the copied text's authors.
    assert (v1["status"], v1["withdrawn_by"], v1["withdrawal_reason"]) == (
        "retired",
        "omar",
        "Superseded, and its advice is now wrong",
    )
    assert v1["retired_at"] < v1["withdrawn_at"]  # superseded first, withdrawn later
    assert (care_v2["status"], care_v2["withdrawn_by"], care_v2["retired_at"]) == (
        "retired",
        "claire",
        care_v2["withdrawn_at"],
    )
    events = [(e["version"], e["action"], e["from_status"], e["to_status"]) for e in data["audit_events"]]
    assert (v1["id"], "withdrawn", "retired", "retired") in events
    assert (care_v2["id"], "withdrawn", "published", "retired") in events
    assert (care_v2["id"], "revoked_all", "retired", "retired") in events
    assert (care_v2["id"], "recall_sent", "retired", "retired") in events
    assert (v2["id"], "recall_sent", "published", "published") in events
    published_events = _events_of(data, v2, action="published")
    assert published_events[0]["attestation"] == services.approval_statement()
    assert {e["action"] for e in data["audit_events"] if e["attestation"] is not None} == {"published"}
    assert {(c["user"], c["via"]) for c in french["contributors"]} == {("erin", None), ("eddie", v2["id"])}
    assert [link["views_after_withdrawal"] for link in data["share_links"]] == [None, None, 1]
    assert [(c["leaflet"], c["actor"], c["field"], c["before"], c["after"]) for c in data["leaflet_changes"]] == [
        (history["milia"].pk, "eddie", "topic", "Dermatology", "Skin, babies"),
        (history["milia"].pk, "eddie", "tags", "", "milia, spots"),
    ]
    empty_leaflet_tables()

    output = run("import_leaflets", str(first))
    run("export_leaflets", output=str(second))

    assert first.read_bytes() == second.read_bytes()
    assert "2 leaflet detail changes" in output
    withdrawn = LeafletVersion.objects.get(pk=v1["id"])
    assert withdrawn.is_withdrawn and not withdrawn.is_public
    assert withdrawn.withdrawn_by.get_username() == "omar"
    assert not LeafletVersion.objects.get(pk=care_v2["id"]).is_public
    # The rules hold for what was imported: a withdrawal never changes and is never undone; detail changes
    # are append-only.
    _refused(lambda: LeafletVersion.objects.filter(pk=v1["id"]).update(withdrawal_reason="Changed"))
    _refused(lambda: LeafletVersion.objects.filter(pk=care_v2["id"]).update(withdrawn_at=None))
    _refused(lambda: LeafletChange.objects.all().delete())


# --- bad input: a clear refusal, and nothing imported -----------------------------------------------------


@pytest.fixture
def exported(history):
    return transfer.export_data()


def import_json(tmp_path, data) -> str:
    path = tmp_path / "import.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return run("import_leaflets", str(path))


def test_import_refuses_a_database_that_already_holds_leaflets(exported, tmp_path):
    before = transfer.existing_rows()
    with pytest.raises(CommandError, match=r"The database is not empty \(2 clinics, 2 leaflets, 6 leaflet versions"):
        import_json(tmp_path, exported)
    assert transfer.existing_rows() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "There is no file"),
        (b"", "is empty"),
        (b"   \n", "is empty"),
        (gzip.compress(b'{"format": "clinic-leaflets"}'), "not UTF-8 text"),
        (b'{"format": "clinic-leaflets", "format_version": 1, "users": [', "not valid JSON"),
        (b"[1, 2, 3]", "not a leaflet export"),
        (b"[" * 100_000 + b"]" * 100_000, "nested far too deeply"),
        (b'{"model": "education.leaflet", "pk": 1}', "not a leaflet export"),
        (b'{"format": "clinic-leaflets", "format_version": "1"}', "no valid format_version"),
        (b'{"format": "clinic-leaflets", "format_version": 99}', "newer version of the app"),
        (
            b'{"format": "clinic-leaflets", "format_version": 4}',
            "written in format 4 by a newer version of the app; this version reads format 3",
        ),
        (b'{"format": "clinic-leaflets", "format_version": 1, "users": []}', "missing clinics, leaflets"),
    ],
)
def test_import_refuses_missing_empty_and_foreign_files(tmp_path, content, message):
    path = tmp_path / "leaflets.json"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        run("import_leaflets", str(path))
    assert transfer.existing_rows() == {}


def test_import_refuses_a_folder(tmp_path):
    with pytest.raises(CommandError, match="is a folder"):
        run("import_leaflets", str(tmp_path))


def test_import_without_a_file_argument_is_a_usage_error():
    with pytest.raises(CommandError, match="the following arguments are required: FILE"):
        run("import_leaflets")


def _first(data, section, **match):
    return next(r for r in data[section] if all(r[k] == v for k, v in match.items()))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["versions"][0].update(approved_at="2026-01-01T10:00:00"),
            r"versions\[0\] \(id \d+\)\.approved_at",
        ),
        (lambda d: d["versions"][0].update(review_due="next year"), r"review_due: 'next year' is not a date"),
        (lambda d: d["versions"][0].update(status="live"), r"\.status: 'live' is not one of"),
        (lambda d: d["versions"][0].update(leaflet=999), r"\.leaflet: 999 is not the id of a record in the leaflets"),
        (lambda d: d["versions"][0].update(created_by="mallory"), r"'mallory' is not a username listed"),
        (lambda d: d["versions"][0].update(number="1"), r"\.number: must be a whole number"),
        (lambda d: d["versions"][0].pop("title"), r"versions\[0\] \(id \d+\): missing title"),
        (lambda d: d["versions"][0].update(extra=1), r"unknown field\(s\) extra"),
        (lambda d: d["versions"][0]["help_signs"][0].update(urgency="soon"), r"help_signs\[0\]\.urgency"),
        (lambda d: d["leaflets"].append(copy.deepcopy(d["leaflets"][0])), r"id \d+ appears twice"),
        (lambda d: d["leaflets"][0].update(id=-4), r"id must be a positive whole number"),
        (lambda d: d["leaflets"][0].update(id=10**30), r"id must be a positive whole number"),
        (lambda d: d["share_links"][0].update(view_count=10**30), r"view_count: must be a whole number"),
        (lambda d: d["clinics"][0].update(logo="../../etc/passwd"), r"is not a file name inside the media storage"),
        (lambda d: d["clinics"][0].update(primary_colour="red;}"), r"primary_colour: Enter a colour as #RRGGBB"),
        (lambda d: d["handouts"][0].update(items="none"), r'"items" must be a list of records'),
        (
            lambda d: d["clinics"][0].update(urgent_care_advice_translations={"French": "Call 15."}),
            r"urgent_care_advice_translations: French is not a language code",
        ),
        (
            lambda d: d["clinics"][0].update(urgent_care_advice_translations=["Call 15."]),
            r"urgent_care_advice_translations: Give the translated advice as",
        ),
        (lambda d: d["users"][0].update(password="md5$x"), r"users\[0\]: a user has exactly the fields"),
        (lambda d: d["users"][0].update(username="bad name!"), r"users\[0\]\.username"),
        (lambda d: d.update(leaflets={"id": 1}), r'"leaflets" must be a list of records'),
        (lambda d: d.pop("leaflet_changes"), r"does not have the sections of format 3 \(missing leaflet_changes\)"),
        (lambda d: d["versions"][0].pop("withdrawn_at"), r"versions\[0\] \(id \d+\): missing withdrawn_at"),
        (lambda d: d["versions"][0]["contributors"][0].pop("via"), r"contributors\[0\]: missing via"),
        (lambda d: d["audit_events"][0].pop("attestation"), r"audit_events\[0\] \(id \d+\): missing attestation"),
        (lambda d: d["leaflet_changes"][0].update(actor="mallory"), r"leaflet_changes\[0\] \(id \d+\)\.actor"),
        (lambda d: d["share_links"][0].update(views_after_withdrawal=-1), r"views_after_withdrawal: Ensure this value"),
        (lambda d: d["handouts"][0].update(channel="fax"), r"'fax' is not one of print, email, qr, link, download"),
    ],
)
def test_import_names_the_bad_value_and_imports_nothing(exported, tmp_path, change, message):
    empty_leaflet_tables()
    users_before = get_user_model().objects.count()
    data = copy.deepcopy(exported)
    change(data)
    with pytest.raises(CommandError, match=message):
        import_json(tmp_path, data)
    assert transfer.existing_rows() == {}
    assert get_user_model().objects.count() == users_before


def test_a_file_from_before_the_translated_advice_imports_with_none(exported, tmp_path):
    """Files written before clinics had urgent-care advice per language (added to format 1) still import."""
    empty_leaflet_tables()
    data = copy.deepcopy(exported)
    for clinic in data["clinics"]:
        del clinic["urgent_care_advice_translations"]
    import_json(tmp_path, data)
    riviere = Clinic.objects.get(slug="riviere")
    assert riviere.urgent_care_advice == "Si la clinique est fermée, appelez le 15."
    assert riviere.urgent_care_advice_translations == {}


FORMAT_3_SECTIONS = ("staff_profiles", "review_requests", "review_renewals", "notifications", "leaflet_codes")


def as_format_1(data: dict) -> dict:
    """The file as this app wrote it before format 2: no withdrawal, attestation, via, views after
    withdrawal or leaflet detail changes."""
    old = copy.deepcopy(data)
    old["format_version"] = 1
    del old["leaflet_changes"]
    for key in FORMAT_3_SECTIONS:
        del old[key]
    for version in old["versions"]:
        for name in ("withdrawn_at", "withdrawn_by", "withdrawal_reason"):
            del version[name]
        for contributor in version["contributors"]:
            del contributor["via"]
    for event in old["audit_events"]:
        del event["attestation"]
    for link in old["share_links"]:
        del link["views_after_withdrawal"]
    return old


@pytest.fixture
def before_withdrawal(published, approver, other_approver):
    """A history format 1 could hold: a published version (its approval attested), a draft copied from it, a
    share link; nothing withdrawn, recalled or changed in the leaflet's details."""
    colleague = factories.make_editor("erin")
    services.version_create_draft(leaflet=published.leaflet, user=colleague, based_on=published)
    clinic = Clinic.objects.create(name="Riverside", slug="riverside", is_default=True)
    link, _token = services.share_link_create(version=published, clinic=clinic, user=colleague)
    services.share_link_count_view(link=link)
    return transfer.export_data()


def test_a_format_1_file_still_imports_with_the_newer_fields_empty(before_withdrawal, tmp_path):
    data = before_withdrawal
    assert any(event["attestation"] for event in data["audit_events"])
    assert any(c["via"] for version in data["versions"] for c in version["contributors"])
    empty_leaflet_tables()

    output = import_json(tmp_path, as_format_1(data))

    assert "0 leaflet detail changes" in output
    expected = copy.deepcopy(data)  # what format 1 could not say is empty now; everything else is the same
    for event in expected["audit_events"]:
        event["attestation"] = None
    for version in expected["versions"]:
        for contributor in version["contributors"]:
            contributor["via"] = None
    for key in FORMAT_3_SECTIONS:  # nor the staff workspace (notifications, renewals)
        expected[key] = []
    assert transfer.export_data() == expected


def test_a_format_1_file_that_lost_a_withdrawal_is_refused(exported, tmp_path):
    """A format 1 file cannot say a version was withdrawn; imported, its text would be shown again."""
    empty_leaflet_tables()
    with pytest.raises(CommandError, match=r"audit_events\[\d+\] \(id \d+\): it records a withdrawal, but its version"):
        import_json(tmp_path, as_format_1(exported))
    assert transfer.existing_rows() == {}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(leaflet_changes=[]), r"does not have the sections of format 1 \(unknown leaflet_changes\)"),
        (
            lambda d: d["versions"][0].update(withdrawn_at=None),
            r"versions\[0\] \(id \d+\): unknown field\(s\) withdrawn_at",
        ),
        (lambda d: d["versions"][1]["contributors"][1].update(via=1), r"contributors\[1\]: unknown field\(s\) via"),
    ],
)
def test_a_format_1_file_has_only_the_fields_of_format_1(before_withdrawal, tmp_path, change, message):
    empty_leaflet_tables()
    data = as_format_1(before_withdrawal)
    change(data)
    with pytest.raises(CommandError, match=message):
        import_json(tmp_path, data)
    assert transfer.existing_rows() == {}


def test_handouts_recorded_as_public_downloads_still_import(exported, tmp_path):
    """Public PDF downloads were once recorded as handouts ("download", a channel the app no longer offers
    but the database still allows): an export of such a database imports and exports unchanged."""
    empty_leaflet_tables()
    data = copy.deepcopy(exported)
    anonymous = _first(data, "handouts", created_by=None)
    anonymous["channel"] = "download"
    import_json(tmp_path, data)
    assert Handout.objects.get(pk=anonymous["id"]).channel == "download"
    assert transfer.export_text() == transfer.dumps(data)


def test_an_approval_that_breaks_the_four_eyes_rule_is_refused_by_the_database(exported, tmp_path, monkeypatch):
    """The import does not sidestep the triggers: an approver listed as a contributor is refused by the
    database even when the file's own checks are switched off."""
    monkeypatch.setattr(transfer.importing, "check_history", lambda sections, format_version: None)
    empty_leaflet_tables()
    data = copy.deepcopy(exported)
    published = _first(data, "versions", status="published", approved_by="omar")
    published["contributors"].append({"id": 999, "user": "omar", "via": None})
    with pytest.raises(CommandError, match="breaks a database rule.*approved by someone who wrote or edited it"):
        import_json(tmp_path, data)
    assert transfer.existing_rows() == {}


def test_two_published_versions_of_one_leaflet_are_refused(exported, tmp_path):
    """A file whose history is consistent (the retirement and withdrawal left out everywhere) still meets the
    database's rule."""
    empty_leaflet_tables()
    data = copy.deepcopy(exported)
    retired = _first(data, "versions", status="retired", number=1, language="en")
    retired.update(status="published", retired_at=None, withdrawn_at=None, withdrawn_by=None, withdrawal_reason=None)
    for action in ("retired", "withdrawn"):
        data["audit_events"].remove(_first(data, "audit_events", version=retired["id"], action=action))
    with pytest.raises(CommandError, match="breaks a database rule, so nothing was imported"):
        import_json(tmp_path, data)
    assert transfer.existing_rows() == {}


# --- a file that does not tell the truth about itself: refused, naming the record, nothing imported ---------


def _approved_by_omar(data):
    return _first(data, "versions", status="published", approved_by="omar")


def _events_of(data, version, **match):
    return [
        e for e in data["audit_events"] if e["version"] == version["id"] and all(e[k] == v for k, v in match.items())
    ]


def _change_body_keep_hash(data):
    _approved_by_omar(data)["body"] = "<p>Pop the spots with a needle.</p>"


def _change_sign_keep_hash(data):
    _approved_by_omar(data)["help_signs"][1]["text"] = "Fever is nothing to worry about"


def _change_body_and_its_hash(data):
    """The version's own hash recomputed to fit, but the approval in the audit trail was of other content."""
    version = _approved_by_omar(data)
    version["body"] = "<p>Pop the spots with a needle.</p>"
    version["content_hash"] = transfer.version_fingerprint(version)


def _publication_by_someone_else(data):
    _events_of(data, _approved_by_omar(data), action="published")[0]["actor"] = "claire"


def _second_publication_added(data):
    version = _approved_by_omar(data)
    forged = {**_events_of(data, version, action="published")[0], "id": 9999, "actor": "erin"}
    data["audit_events"].append(forged)


def _submission_left_out(data):
    version = _approved_by_omar(data)
    data["audit_events"].remove(_events_of(data, version, action="submitted")[-1])


def _published_straight_from_draft(data):
    _events_of(data, _approved_by_omar(data), action="published")[0]["from_status"] = "draft"


def _approver_edited(data):
    _events_of(data, _approved_by_omar(data), action="edited")[-1]["actor"] = "omar"


def _status_not_in_history(data):
    _first(data, "versions", status="draft")["status"] = "in_review"


def _history_removed(data):
    draft = _first(data, "versions", status="draft")
    data["audit_events"] = [e for e in data["audit_events"] if e["version"] != draft["id"]]


def _sent_back_content_changed(data):
    _events_of(data, _approved_by_omar(data), action="sent_back")[0]["content"]["title"] = "Something else"


def _editor_not_a_contributor(data):
    draft = _first(data, "versions", status="draft")
    draft["contributors"] = [c for c in draft["contributors"] if c["user"] != "eddie"]


def _created_by_someone_else(data):
    draft = _first(data, "versions", status="draft")
    _events_of(data, draft, action="created")[0]["actor"] = "eddie"  # erin opened it


def _submission_of_other_content(data):
    _events_of(data, _approved_by_omar(data), action="submitted")[-1]["content_hash"] = "b" * 64


def _event_moved_to_another_leaflet(data):
    event = _events_of(data, _approved_by_omar(data), action="edited")[0]
    event["leaflet"] = _first(data, "leaflets", slug="care")["id"]


def _approval_on_a_draft(data):
    _first(data, "versions", status="draft")["approved_by"] = "omar"


def _approver_listed_as_contributor(data):
    _approved_by_omar(data)["contributors"].append({"id": 999, "user": "omar", "via": None})


def _superseded_then_withdrawn(data):
    return _first(data, "versions", status="retired", withdrawn_by="omar")


def _withdrawn_while_published(data):
    return _first(data, "versions", status="retired", withdrawn_by="claire")


def _withdrawal_event_removed(data):
    """Without its withdrawal in the audit trail, a superseded version would look readable by patients again."""
    version = _superseded_then_withdrawn(data)
    data["audit_events"].remove(_events_of(data, version, action="withdrawn")[0])


def _withdrawal_event_removed_while_published(data):
    version = _withdrawn_while_published(data)
    data["audit_events"].remove(_events_of(data, version, action="withdrawn")[0])


def _withdrawal_taken_out_of_the_version(data):
    _superseded_then_withdrawn(data).update(withdrawn_at=None, withdrawn_by=None, withdrawal_reason=None)


def _withdrawal_by_someone_else(data):
    _events_of(data, _superseded_then_withdrawn(data), action="withdrawn")[0]["actor"] = "eddie"


def _withdrawal_credited_to_someone_else(data):
    _superseded_then_withdrawn(data)["withdrawn_by"] = "claire"


def _withdrawal_reason_changed(data):
    _withdrawn_while_published(data)["withdrawal_reason"] = "Nothing wrong with it"


def _withdrawn_twice(data):
    event = _events_of(data, _superseded_then_withdrawn(data), action="withdrawn")[0]
    data["audit_events"].append({**event, "id": 9999})


def _withdrawal_without_a_reason(data):
    version = _superseded_then_withdrawn(data)
    version["withdrawal_reason"] = "  "
    _events_of(data, version, action="withdrawn")[0]["comment"] = "  "


def _draft_withdrawn(data):
    withdrawn = _superseded_then_withdrawn(data)
    _first(data, "versions", status="draft").update({name: withdrawn[name] for name in transfer.WITHDRAWAL_FIELDS})


def _recall_that_publishes_again(data):
    _events_of(data, _withdrawn_while_published(data), action="recall_sent")[0]["to_status"] = "published"


def _attestation_on_a_submission(data):
    _events_of(data, _approved_by_omar(data), action="submitted")[-1]["attestation"] = "I approve."


def _copied_text_author_as_editor(data):
    """The French draft's copied text is eddie's; he never edited the draft itself."""
    french = _first(data, "versions", language="fr")
    _first({"contributors": french["contributors"]}, "contributors", user="eddie")["via"] = None


def _copied_from_another_leaflet(data):
    french = _first(data, "versions", language="fr")
    contributor = _first({"contributors": french["contributors"]}, "contributors", user="eddie")
    contributor["via"] = _withdrawn_while_published(data)["id"]


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        (_change_body_keep_hash, r"versions\[\d+\] \(id \d+\): its content does not match its content_hash"),
        (_change_sign_keep_hash, r"versions\[\d+\] \(id \d+\): its content does not match its content_hash"),
        (
            _change_body_and_its_hash,
            r"audit_events\[\d+\] \(id \d+\): its content_hash is not the content_hash of its version \(id \d+\), so it "
            r"approved other content",
        ),
        (
            _publication_by_someone_else,
            r"audit_events\[\d+\] \(id \d+\): published by 'claire', but its version \(id \d+\) records 'omar' as its approver",
        ),
        (
            _second_publication_added,
            r"audit_events\[\d+\] \(id 9999\): it starts from 'in_review', but its version \(id \d+\) was 'published' after",
        ),
        (
            _submission_left_out,
            r"audit_events\[\d+\] \(id \d+\): it starts from 'in_review', but its version \(id \d+\) was 'draft'",
        ),
        (
            _published_straight_from_draft,
            r"audit_events\[\d+\] \(id \d+\): a 'published' event goes from 'in_review' to 'published', not from "
            r"'draft'",
        ),
        (
            _approver_edited,
            r"audit_events\[\d+\] \(id \d+\): 'omar' approved its version \(id \d+\), so cannot also have written or edited it",
        ),
        (
            _status_not_in_history,
            r"versions\[\d+\] \(id \d+\): its audit events end in 'draft', but its status is 'in_review'",
        ),
        (_history_removed, r"versions\[\d+\] \(id \d+\): it has no audit events"),
        (_sent_back_content_changed, r"audit_events\[\d+\] \(id \d+\): the content kept with it does not match"),
        (_editor_not_a_contributor, r"versions\[\d+\] \(id \d+\): 'eddie' wrote or edited it .* not listed among"),
        (
            _created_by_someone_else,
            r"audit_events\[\d+\] \(id \d+\): its version \(id \d+\) was created by 'erin', not by 'eddie'",
        ),
        (
            _submission_of_other_content,
            r"audit_events\[\d+\] \(id \d+\): its content_hash is not that of the content of its version",
        ),
        (_event_moved_to_another_leaflet, r"audit_events\[\d+\] \(id \d+\): it names leaflet \d+, but its version"),
        (_approval_on_a_draft, r"versions\[\d+\] \(id \d+\): a draft version cannot have approved_by"),
        (
            _approver_listed_as_contributor,
            r"versions\[\d+\] \(id \d+\): 'omar' approved it but is listed among its contributors",
        ),
        (
            _withdrawal_event_removed,
            r"versions\[\d+\] \(id \d+\): it was withdrawn \(withdrawn_at\), but no 'withdrawn' audit event records",
        ),
        (
            _withdrawal_event_removed_while_published,
            r"audit_events\[\d+\] \(id \d+\): it starts from 'retired', but its version \(id \d+\) was 'published'",
        ),
        (
            _withdrawal_taken_out_of_the_version,
            r"audit_events\[\d+\] \(id \d+\): it records a withdrawal, but its version \(id \d+\) has no withdrawn_at: "
            r"imported like this, a withdrawn text would be shown to patients again",
        ),
        (
            _withdrawal_by_someone_else,
            r"audit_events\[\d+\] \(id \d+\): withdrawn by 'eddie', but its version \(id \d+\) records 'omar'",
        ),
        (
            _withdrawal_credited_to_someone_else,
            r"audit_events\[\d+\] \(id \d+\): withdrawn by 'omar', but its version \(id \d+\) records 'claire'",
        ),
        (
            _withdrawal_reason_changed,
            r"audit_events\[\d+\] \(id \d+\): its comment is not the withdrawal_reason of its version",
        ),
        (_withdrawn_twice, r"audit_events\[\d+\] \(id 9999\): its version \(id \d+\) was already withdrawn"),
        (
            _withdrawal_without_a_reason,
            r"versions\[\d+\] \(id \d+\): a withdrawn version has withdrawn_by and a withdrawal_reason",
        ),
        (_draft_withdrawn, r"versions\[\d+\] \(id \d+\): a draft version cannot have been withdrawn"),
        (
            _recall_that_publishes_again,
            r"audit_events\[\d+\] \(id \d+\): a 'recall_sent' event goes from 'published' to 'published' or from "
            r"'retired' to 'retired', not from 'retired' to 'published'",
        ),
        (
            _attestation_on_a_submission,
            r"audit_events\[\d+\] \(id \d+\): a 'submitted' event has an attestation",
        ),
        (
            _copied_text_author_as_editor,
            r"versions\[\d+\] \(id \d+\): 'eddie' is listed among its contributors as having written or edited it, "
            r"but no 'created' or 'edited' audit event is theirs",
        ),
        (
            _copied_from_another_leaflet,
            r"versions\[\d+\] \(id \d+\): 'eddie' is listed as a contributor through text copied from version \d+, "
            r"which is not another version of the same leaflet",
        ),
    ],
)
def test_a_file_whose_history_was_tampered_with_is_refused_and_nothing_is_imported(exported, tmp_path, tamper, message):
    empty_leaflet_tables()
    users_before = get_user_model().objects.count()
    data = copy.deepcopy(exported)
    tamper(data)
    with pytest.raises(CommandError, match=message):
        import_json(tmp_path, data)
    assert transfer.existing_rows() == {}
    assert get_user_model().objects.count() == users_before


def test_the_error_names_the_tampered_version_by_its_place_and_id(exported, tmp_path):
    empty_leaflet_tables()
    data = copy.deepcopy(exported)
    _change_body_keep_hash(data)
    index = data["versions"].index(_approved_by_omar(data))
    with pytest.raises(transfer.TransferError) as error:
        transfer.import_data(data)
    assert str(error.value).startswith(f"versions[{index}] (id {data['versions'][index]['id']}): ")


def test_imported_versions_step_through_review_to_their_status(exported, tmp_path):
    """The import takes each version through the workflow's steps, so the database's step rules hold for it."""
    empty_leaflet_tables()
    import_json(tmp_path, exported)
    statuses = {v["id"]: v["status"] for v in exported["versions"]}
    assert dict(LeafletVersion.objects.values_list("id", "status")) == statuses
    assert set(statuses.values()) == set(LeafletVersion.Status.values)


def test_users_that_already_exist_are_matched_and_left_alone(exported, tmp_path):
    empty_leaflet_tables()
    data = copy.deepcopy(exported)
    _first(data, "users", username="eddie").update(first_name="Someone else", is_active=False, groups=[])
    import_json(tmp_path, data)
    eddie = get_user_model().objects.get(username="eddie")
    assert (eddie.first_name, eddie.is_active, eddie.has_usable_password()) == ("Eddie", True, True)
    assert eddie.groups.filter(name="Leaflet editors").exists()


# --- export: bad destinations -----------------------------------------------------------------------------


def test_export_to_a_missing_folder_or_a_folder_is_a_clear_error(history, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    with pytest.raises(CommandError, match="does not exist"):
        run("export_leaflets", output=str(folder / "no-such-folder" / "export.json"))
    with pytest.raises(CommandError, match="is a folder; give a file name"):
        run("export_leaflets", output=str(folder))
    assert list(folder.iterdir()) == []  # nothing half-written left behind


def test_export_replaces_an_older_file_whole(history, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    path = folder / "export.json"
    path.write_text("old contents", encoding="utf-8")
    run("export_leaflets", output=str(path))
    assert json.loads(path.read_text(encoding="utf-8"))["format"] == "clinic-leaflets"
    assert [p.name for p in folder.iterdir()] == ["export.json"]


def test_an_empty_database_exports_and_imports(tmp_path):
    path = tmp_path / "empty.json"
    run("export_leaflets", output=str(path))
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data == {
        "format": "clinic-leaflets",
        "format_version": transfer.FORMAT_VERSION,
        **{key: [] for key in transfer.SECTION_KEYS},
    }
    assert "Imported 0 clinics, 0 leaflets" in run("import_leaflets", str(path))
    assert VersionContributor.objects.count() == 0 and ShareLink.objects.count() == 0


def test_reviews_without_change_requests_and_notifications_survive_the_round_trip(history, tmp_path):
    """Format 3: the staff workspace (a renewal and its audit step, a named reviewer, notifications)."""
    published = LeafletVersion.objects.filter(status="published").first()
    reviewer = factories.make_approver("rita")
    published.leaflet.review_interval_months = 60
    published.leaflet.save()
    services.version_review_renew(version=published, user=reviewer, attested=True, comment="Still right.")
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    run("export_leaflets", output=str(first))
    data = json.loads(first.read_text(encoding="utf-8"))
    assert data["review_renewals"][0]["comment"] == "Still right." and data["notifications"]
    empty_leaflet_tables()
    run("import_leaflets", str(first))
    run("export_leaflets", output=str(second))
    assert first.read_bytes() == second.read_bytes()


# --- figures ----------------------------------------------------------------------------------------------


def _published_with_figure():
    from tests.figures_support import add_figure

    editor, approver = factories.make_editor("fig-editor"), factories.make_approver("fig-approver")
    draft = factories.make_draft(author=editor)
    add_figure(draft, user=editor, caption="Small white bumps.", after_heading="What is this?")
    services.version_submit(version=draft, user=editor)
    return services.version_approve_and_publish(
        version=draft, content_hash=factories.shown_hash(draft), attested=True, user=approver
    )


def test_figures_and_their_pictures_survive_the_round_trip(tmp_path, settings):
    version = _published_with_figure()
    figure = version.figures.get()
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    run("export_leaflets", output=str(first))
    data = json.loads(first.read_text(encoding="utf-8"))
    assert [p["sha256"] for p in data["pictures"]] == [figure.sha256]
    empty_leaflet_tables()
    settings.MEDIA_ROOT = tmp_path / "fresh-media"  # a new server: the pictures come from the file alone

    output = run("import_leaflets", str(first))
    run("export_leaflets", output=str(second))

    assert first.read_bytes() == second.read_bytes()
    assert "1 figures" in output
    restored = LeafletVersion.objects.get(pk=version.pk)
    assert restored.figures.get().fingerprint_data() == figure.fingerprint_data()
    assert all(default_storage.exists(name) for _width, name in restored.figures.get().renditions())


@pytest.mark.parametrize(
    "tamper",
    [
        lambda data: data["versions"][0]["figures"][0].update(alt_text="Changed by hand"),
        lambda data: data["pictures"][0].update(data=data["pictures"][0]["data"][:-8] + "AAAAAAA="),
        lambda data: data["pictures"].clear(),
        lambda data: data["pictures"][0].update(data="not base64!"),
    ],
)
def test_an_import_refuses_figures_or_pictures_changed_by_hand(tmp_path, tamper):
    _published_with_figure()
    path = tmp_path / "export.json"
    run("export_leaflets", output=str(path))
    data = json.loads(path.read_text(encoding="utf-8"))
    tamper(data)
    path.write_text(json.dumps(data), encoding="utf-8")
    empty_leaflet_tables()
    with pytest.raises(CommandError):
        run("import_leaflets", str(path))
    assert transfer.existing_rows() == {}
