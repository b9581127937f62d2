"""The child process of tests/faults/test_publish_killed.py, run as `python -m tests.faults.publish_child STEP
...` with DJANGO_SETTINGS_MODULE=clinic.settings, DEBUG=true and DATABASE_URL set. Each step prints one JSON
line.

- `prepare`: migrate, load the demo, submit a new version of milia-overview (English) for review.
- `hang VERSION_ID MARKER`: approve and publish it, but stop inside the transaction right after the
  `published` audit event is recorded (the previous version already retired): write MARKER, then sleep until
  killed.
- `report VERSION_ID PREVIOUS_ID`: what the database now holds about both versions.
- `publish VERSION_ID`: approve and publish it, normally.
"""

import json
import sys
import time
from pathlib import Path

import django


def _prepare() -> dict:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from education import services
    from education.models import LeafletVersion
    from tests.factories import edit

    call_command("migrate", interactive=False, verbosity=0)
    call_command("demo", password="fault-test-only", stdout=open("/dev/null", "w"))  # noqa: SIM115
    editor = get_user_model().objects.get(username="editor")
    previous = LeafletVersion.objects.get(
        leaflet__slug="milia-overview", language="en", status=LeafletVersion.Status.PUBLISHED
    )
    draft = services.version_create_draft(leaflet=previous.leaflet, user=editor, based_on=previous)
    draft = edit(draft, user=editor, summary="A newer summary.", change_note="Newer.")
    services.version_submit(version=draft, user=editor)
    return {"version": draft.pk, "previous": previous.pk}


def _publish(version_id: int) -> dict:
    from django.contrib.auth import get_user_model

    from education import services
    from education.models import LeafletVersion
    from tests.factories import shown_hash

    version = LeafletVersion.objects.get(pk=version_id)
    clinician = get_user_model().objects.get(username="clinician")
    version = services.version_approve_and_publish(
        version=version, user=clinician, content_hash=shown_hash(version), attested=True
    )
    return {"status": version.status}


def _hang(version_id: int, marker: Path) -> dict:
    from education.models import AuditEvent
    from education.services import workflow

    record_event = workflow.record_event

    def record_event_then_hang(**kwargs):
        event = record_event(**kwargs)
        if kwargs["action"] == AuditEvent.Action.PUBLISHED:
            marker.write_text("inside the transaction")
            time.sleep(60)  # the test kills this process here
        return event

    workflow.record_event = record_event_then_hang
    return _publish(version_id)


def _report(version_id: int, previous_id: int) -> dict:
    from django.db.models import Count

    from education.models import AuditEvent, LeafletVersion

    version = LeafletVersion.objects.get(pk=version_id)
    previous = LeafletVersion.objects.get(pk=previous_id)
    published = (
        LeafletVersion.objects.filter(status=LeafletVersion.Status.PUBLISHED)
        .values("leaflet_id", "language")
        .annotate(count=Count("id"))
    )
    return {
        "version": {
            "status": version.status,
            "approved_by": version.approved_by_id,
            "published_at": bool(version.published_at),
        },
        "previous": {"status": previous.status, "retired_at": bool(previous.retired_at)},
        "version_events": list(
            AuditEvent.objects.filter(version=version).order_by("id").values_list("action", flat=True)
        ),
        "previous_events": list(
            AuditEvent.objects.filter(version=previous).order_by("id").values_list("action", flat=True)
        ),
        "published_per_leaflet_and_language": sorted(row["count"] for row in published),
    }


def main(step: str, *args: str) -> None:
    django.setup()
    if step == "prepare":
        answer = _prepare()
    elif step == "hang":
        answer = _hang(int(args[0]), Path(args[1]))
    elif step == "report":
        answer = _report(int(args[0]), int(args[1]))
    elif step == "publish":
        answer = _publish(int(args[0]))
    else:
        raise SystemExit(f"unknown step {step!r}")
    print(json.dumps(answer))


if __name__ == "__main__":
    main(*sys.argv[1:])
