"""Background jobs (education/jobs.py): queued after the commit, run by the worker, retried with a growing delay,
failures on record in the admin."""

import datetime

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import TestCase
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from education import jobs, pdf

JOB = "education.jobs.delete_stored_handouts"


@pytest.fixture
def database_queue(transactional_db, settings):
    """The production queue: rows in the database, run by `manage.py db_worker`."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    yield
    DBTaskResult.objects.all().delete()


def work_off_the_queue() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0", verbosity=0)


def test_a_job_is_queued_only_when_the_transaction_commits(database_queue):
    with transaction.atomic():
        jobs.after_commit(JOB, version_id=1)
        assert not DBTaskResult.objects.exists()
    row = DBTaskResult.objects.get()
    assert row.status == "READY" and row.args_kwargs["kwargs"] == {
        "job": JOB,
        "kwargs": {"version_id": 1},
        "attempt": 1,
    }


def test_nothing_is_queued_when_the_transaction_rolls_back(database_queue):
    with pytest.raises(RuntimeError), transaction.atomic():
        jobs.after_commit(JOB, version_id=1)
        raise RuntimeError("rolled back")
    assert not DBTaskResult.objects.exists()


def test_the_worker_runs_a_queued_job_once(database_queue, monkeypatch):
    calls = []
    monkeypatch.setattr(pdf, "forget_version", lambda version_id: calls.append(version_id) or 0)
    jobs.after_commit(JOB, version_id=7)
    work_off_the_queue()
    work_off_the_queue()  # a second worker pass finds nothing left to do
    assert calls == [7]
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_a_failed_job_is_kept_with_its_traceback_and_tried_again_later(database_queue, monkeypatch):
    def broken(version_id):
        raise OSError("storage unreachable")

    monkeypatch.setattr(pdf, "forget_version", broken)
    before = timezone.now()
    jobs.after_commit(JOB, version_id=7)
    work_off_the_queue()
    failed = DBTaskResult.objects.get(status="FAILED")
    assert "storage unreachable" in failed.traceback
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.args_kwargs["kwargs"]["attempt"] == 2
    assert retry.run_after >= before + datetime.timedelta(seconds=jobs.RETRY_DELAYS[0])
    work_off_the_queue()  # not due yet: the worker leaves it
    assert DBTaskResult.objects.filter(status="READY").count() == 1


def test_the_last_attempt_is_not_retried(database_queue, monkeypatch):
    monkeypatch.setattr(pdf, "forget_version", lambda version_id: 1 / 0)
    jobs.enqueue(JOB, _attempt=jobs.MAX_ATTEMPTS, version_id=7)
    work_off_the_queue()
    assert list(DBTaskResult.objects.values_list("status", flat=True)) == ["FAILED"]


def test_retry_delays_grow():
    assert list(jobs.RETRY_DELAYS) == sorted(jobs.RETRY_DELAYS) and jobs.MAX_ATTEMPTS == len(jobs.RETRY_DELAYS) + 1


@pytest.mark.parametrize(
    ("job", "kwargs"),
    [
        ("os.system", {"command": "true"}),
        ("tests.anything", {}),
        (JOB, {"version": object()}),
        (None, {}),
    ],
)
def test_only_our_own_jobs_with_json_arguments_are_queued(db, job, kwargs):
    with pytest.raises(jobs.JobRefused):
        jobs.after_commit(job, **kwargs)
    with pytest.raises(jobs.JobRefused):
        jobs.run(job, **kwargs)


def test_the_immediate_backend_runs_the_job_at_the_commit(db, monkeypatch, django_capture_on_commit_callbacks):
    calls = []
    monkeypatch.setattr(pdf, "forget_version", lambda version_id: calls.append(version_id) or 0)
    with django_capture_on_commit_callbacks(execute=True):
        jobs.after_commit(JOB, version_id=3)
        assert calls == []
    assert calls == [3]


def test_failed_jobs_are_listed_in_the_admin(database_queue, admin_client, monkeypatch):
    monkeypatch.setattr(pdf, "forget_version", lambda version_id: 1 / 0)
    jobs.enqueue(JOB, _attempt=jobs.MAX_ATTEMPTS, version_id=7)
    work_off_the_queue()
    response = admin_client.get("/admin/django_tasks_database/dbtaskresult/?status__exact=FAILED")
    assert response.status_code == 200
    assert JOB.encode() in response.content and b"ZeroDivisionError" in response.content


def test_staff_without_the_right_cannot_see_the_jobs(client, editor):
    client.force_login(editor)
    assert client.get("/admin/django_tasks_database/dbtaskresult/").status_code == 403


def test_a_queue_that_fails_after_the_commit_is_logged_not_raised(db, monkeypatch, caplog):
    """The change has committed: a queue that cannot take the job then is an error in the log, not a 500."""

    def broken(*args, **kwargs):
        raise OSError("queue unreachable")

    monkeypatch.setattr(jobs, "enqueue", broken)
    with TestCase.captureOnCommitCallbacks(execute=True):
        jobs.after_commit(JOB, version_id=1)
    assert "queue unreachable" in caplog.text
