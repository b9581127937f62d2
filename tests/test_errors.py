"""The database down, and other failures: patients and staff get a page in plain words that names the clinic's
phone, never a bare "Server Error (500)" or a traceback (clinic/errors.py, clinic/contact.py, the page cache's
stale copies in education/middleware.py).

The outage is simulated by making every new database cursor fail with OperationalError, as a stopped
PostgreSQL does; a test that really stops and starts PostgreSQL is still to come."""

import contextlib
import json
import logging
from unittest import mock

import pytest
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import OperationalError

from clinic import contact as clinic_contact
from clinic.models import Clinic
from education import services
from tests import factories


@contextlib.contextmanager
def database_down():
    """Every query fails as it does when the database server is stopped."""

    def refuse(self):
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')

    with mock.patch.object(BaseDatabaseWrapper, "ensure_connection", refuse):
        yield


@pytest.fixture
def contact_file(settings, tmp_path):
    settings.CLINIC_CONTACT_FILE = tmp_path / "var" / "clinic-contact.json"
    settings.CLINIC_FALLBACK_NAME = ""
    settings.CLINIC_FALLBACK_PHONE = ""
    return settings.CLINIC_CONTACT_FILE


@pytest.fixture
def clinic(db, contact_file, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return Clinic.objects.create(
            name="Riverside Skin Clinic", slug="riverside", phone="01234 567 890", is_default=True
        )


def _text(response) -> str:
    return response.content.decode()


def _assert_outage_page(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    text = _text(response)
    assert "Riverside Skin Clinic" in text
    assert 'href="tel:01234567890">01234 567 890</a>' in text
    assert "Traceback" not in text and "OperationalError" not in text and "5432" not in text
    assert "Content-Security-Policy" in response  # the page goes through the CSP middleware like any other


# --- patient pages --------------------------------------------------------------------------------------------


def test_a_patient_page_answers_503_with_the_clinic_phone_while_the_database_is_down(client, published, clinic):
    with database_down():
        response = client.get("/leaflets/milia-test/")
    _assert_outage_page(response)
    assert "This page is not available right now" in _text(response)
    assert "The database is unavailable" not in _text(response)  # the staff wording is for staff


def test_with_the_page_cache_on_and_nothing_cached_a_patient_page_answers_503(page_cache, client, published, clinic):
    client.raise_request_exception = False  # the error comes from a middleware: Django calls handler500
    with database_down():
        response = client.get("/leaflets/milia-test/")
    _assert_outage_page(response)


def test_the_outage_page_is_in_the_language_the_browser_asks_for(client, published, clinic):
    # Its own sentences are not translated yet; the page's language and base.html's words are.
    with database_down():
        response = client.get("/leaflets/milia-test/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 503
    assert '<html lang="fr">' in _text(response)
    assert "Aller au contenu" in _text(response) and "Téléphone" in _text(response)


def test_the_outage_is_logged_once_as_an_error(client, published, clinic, caplog):
    with caplog.at_level(logging.INFO), database_down():
        client.get("/leaflets/milia-test/")
    errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert len(errors) == 1
    assert errors[0].name == "clinic.errors" and errors[0].exc_info is not None


def test_an_outage_met_in_a_middleware_is_logged_once_too(page_cache, client, published, clinic, caplog):
    client.raise_request_exception = False
    with caplog.at_level(logging.INFO), database_down():
        assert client.get("/leaflets/milia-test/").status_code == 503
    errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert len(errors) == 1 and errors[0].exc_info is not None  # Django's "Service Unavailable: ..." line


def test_a_cached_patient_page_is_served_stale_during_the_outage_then_fresh_when_the_database_is_back(
    page_cache, client, published, clinic, editor, approver
):
    first = client.get("/leaflets/milia-test/")
    assert first.status_code == 200 and "X-Served-Stale" not in first
    client.raise_request_exception = False  # the index below is not cached: handler500 answers 503
    with database_down():
        stale = client.get("/leaflets/milia-test/")
        index_not_cached = client.get("/leaflets/?q=never-asked")
    assert stale.status_code == 200
    assert stale["X-Served-Stale"] == "1" and stale["Warning"] == '110 - "Response is stale"'
    assert "Milia: small white bumps" in _text(stale)
    nonce = stale["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert f'<style nonce="{nonce}">' in _text(stale) and nonce not in _text(first)
    assert index_not_cached.status_code == 503

    draft = services.version_create_draft(leaflet=published.leaflet, user=editor, based_on=published)
    factories.edit(draft, user=editor, title="Milia: a new title", change_note="Clearer title")
    services.version_submit(version=draft, user=editor)
    services.version_approve_and_publish(
        version=draft, content_hash=factories.shown_hash(draft), attested=True, user=approver
    )
    back = client.get("/leaflets/milia-test/")
    assert back.status_code == 200 and "X-Served-Stale" not in back
    assert "Milia: a new title" in _text(back)


def test_the_cached_index_is_served_stale_during_the_outage(page_cache, client, published, clinic):
    assert client.get("/leaflets/").status_code == 200
    with database_down():
        response = client.get("/leaflets/")
    assert response.status_code == 200 and response["X-Served-Stale"] == "1"
    assert "Milia: small white bumps" in _text(response)


def test_no_stale_copy_is_kept_when_stale_if_error_is_off(page_cache, settings, client, published, clinic):
    settings.STALE_IF_ERROR_SECONDS = 0
    client.get("/leaflets/milia-test/")
    client.raise_request_exception = False
    with database_down():
        assert client.get("/leaflets/milia-test/").status_code == 503


def test_a_withdrawn_version_cached_before_the_withdrawal_is_not_served_afterwards(
    page_cache, client, published, clinic, approver, django_capture_on_commit_callbacks
):
    assert client.get(f"/leaflets/milia-test/v{published.number}/").status_code == 200
    assert client.get("/leaflets/milia-test/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        services.version_withdraw(version=published, user=approver, reason="Dangerous advice")
    # The database up: the new content generation, so a fresh 410, never the 200 cached before.
    assert client.get(f"/leaflets/milia-test/v{published.number}/").status_code == 410
    # Then the database down: the withdrawal dropped the stale copies, so no stale 200 either.
    client.raise_request_exception = False
    with database_down():
        assert client.get(f"/leaflets/milia-test/v{published.number}/").status_code == 503
        assert client.get("/leaflets/milia-test/").status_code == 503


def test_share_links_are_never_served_stale(page_cache, client, published, clinic, editor):
    _link, token = services.share_link_create(version=published, clinic=clinic, user=editor)
    assert client.get(f"/s/{token}/").status_code == 200
    with database_down():
        response = client.get(f"/s/{token}/")
    _assert_outage_page(response)


# --- staff pages ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("address", ["/staff/share/", "/admin/", "/admin/education/leaflet/"])
def test_staff_pages_answer_503_saying_nothing_was_saved(client, editor, clinic, address):
    client.force_login(editor)
    client.raise_request_exception = False  # the session is read in a middleware
    with database_down():
        response = client.get(address)
    assert response.status_code == 503 and response["Retry-After"] == "30"
    text = _text(response)
    assert "The database is unavailable" in text and "Nothing was saved" in text
    assert "Traceback" not in text and "OperationalError" not in text
    html = response.content.decode()
    assert "admin/css/base.css" in html and "Patient leaflets: staff" in html  # the plain staff page
    assert "01234 567 890" not in html  # not the patient page with the clinic's phone


def test_a_staff_post_during_the_outage_answers_503(client, editor, published, clinic):
    client.force_login(editor)
    client.raise_request_exception = False
    with database_down():
        response = client.post("/staff/share/", {"version": published.pk, "clinic": clinic.pk})
    assert response.status_code == 503
    assert "Nothing was saved" in _text(response)


# --- handler500 -----------------------------------------------------------------------------------------------


@pytest.fixture
def broken_urls(settings):
    settings.ROOT_URLCONF = "tests.broken_urls"


def test_handler500_renders_the_500_page_without_the_database(broken_urls, client, contact_file):
    clinic_contact.write_contact_file(
        Clinic(name="Riverside Skin Clinic", phone="01234 567 890", primary_colour="#0b5394", accent_colour="#8a3b12")
    )
    client.raise_request_exception = False
    with database_down():
        response = client.get("/broken/")
    assert response.status_code == 500
    text = _text(response)
    assert "Something went wrong" in text and "Riverside Skin Clinic" in text and "01234 567 890" in text
    assert "secret internal detail" not in text and "RuntimeError" not in text and "Traceback" not in text


def test_handler500_says_the_clinic_in_general_words_with_no_contact_at_all(broken_urls, client, contact_file):
    client.raise_request_exception = False
    response = client.get("/broken/")
    assert response.status_code == 500
    assert "Phone your clinic, using the number on your appointment letter." in _text(response)


# --- the contact file -----------------------------------------------------------------------------------------


def test_the_contact_file_is_rewritten_when_the_default_clinic_changes_its_phone(
    clinic, contact_file, django_capture_on_commit_callbacks
):
    assert json.loads(contact_file.read_text())["phone"] == "01234 567 890"
    clinic.phone = "01234 000 111"
    with django_capture_on_commit_callbacks(execute=True):
        clinic.save()
    assert json.loads(contact_file.read_text()) | {} == {
        "name": "Riverside Skin Clinic",
        "phone": "01234 000 111",
        "website": "",
        "primary_colour": "#0b5394",
        "accent_colour": "#8a3b12",
    }
    assert clinic_contact.clinic_contact().phone == "01234 000 111"
    assert [item.name for item in contact_file.parent.iterdir()] == ["clinic-contact.json"]  # no temporary left


def test_another_clinic_does_not_overwrite_the_default_clinics_contact(
    clinic, contact_file, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        Clinic.objects.create(name="Hilltop Satellite", slug="hilltop", phone="09999")
    assert json.loads(contact_file.read_text())["name"] == "Riverside Skin Clinic"


def test_the_contact_file_is_replaced_atomically(clinic, contact_file, monkeypatch):
    """Written to a temporary file in the same folder, then moved over the old one with os.replace."""
    calls = []
    real_replace = clinic_contact.os.replace

    def spy(source, target):
        calls.append((str(source), str(target)))
        assert json.loads(contact_file.read_text())["phone"] == "01234 567 890"  # the old file until the move
        real_replace(source, target)

    monkeypatch.setattr(clinic_contact.os, "replace", spy)
    clinic.phone = "01234 000 111"
    clinic_contact.write_contact_file(clinic)
    [(source, target)] = calls
    assert target == str(contact_file) and source != target
    assert source.startswith(str(contact_file.parent))
    assert json.loads(contact_file.read_text())["phone"] == "01234 000 111"


def test_a_failed_write_keeps_the_old_file_and_does_not_stop_the_save(clinic, contact_file, monkeypatch, caplog):
    def fail(source, target):
        raise OSError("disk full")

    monkeypatch.setattr(clinic_contact.os, "replace", fail)
    clinic.phone = "01234 000 111"
    with caplog.at_level(logging.ERROR):
        clinic_contact.write_contact_file(clinic)
    assert json.loads(contact_file.read_text())["phone"] == "01234 567 890"
    assert [item.name for item in contact_file.parent.iterdir()] == ["clinic-contact.json"]
    assert "Could not write the clinic's contact details" in caplog.text


def test_a_server_refreshes_its_copy_from_the_database(clinic, contact_file):
    """Saved through another server: this one's file is older (here: missing) until it refreshes it."""
    contact_file.unlink()
    assert clinic_contact.refresh_contact_file() is True
    assert json.loads(contact_file.read_text())["phone"] == "01234 567 890"


def test_without_the_database_the_refresh_keeps_the_file_and_says_so(clinic, contact_file, caplog):
    before = contact_file.read_text()
    with database_down(), caplog.at_level(logging.WARNING):
        assert clinic_contact.refresh_contact_file() is False
    assert contact_file.read_text() == before
    assert "Could not refresh the clinic's contact details" in caplog.text


def test_without_a_default_clinic_the_refresh_writes_nothing(db, contact_file):
    assert clinic_contact.refresh_contact_file() is False
    assert not contact_file.exists()


@pytest.mark.django_db(transaction=True)
def test_each_gunicorn_worker_refreshes_the_file_in_a_thread_of_its_own(contact_file):
    import threading

    from clinic import gunicorn

    Clinic.objects.create(name="Riverside Skin Clinic", slug="riverside", phone="01234 567 890", is_default=True)
    contact_file.unlink(missing_ok=True)
    gunicorn.post_worker_init(worker=None)
    [thread] = [thread for thread in threading.enumerate() if thread.name == "clinic-contact"]
    thread.join(timeout=30)
    assert json.loads(contact_file.read_text())["name"] == "Riverside Skin Clinic"


@pytest.mark.parametrize("content", [None, "", "{not json", "[1, 2]", '{"name": ""}', '{"name": 5}'])
def test_a_missing_or_corrupt_contact_file_falls_back_to_settings(settings, contact_file, content):
    if content is not None:
        contact_file.parent.mkdir(parents=True)
        contact_file.write_text(content)
    assert clinic_contact.clinic_contact() is None
    settings.CLINIC_FALLBACK_NAME = "Riverside (fallback)"
    settings.CLINIC_FALLBACK_PHONE = "0800 000 000"
    fallback = clinic_contact.clinic_contact()
    assert (fallback.name, fallback.phone) == ("Riverside (fallback)", "0800 000 000")


def test_colours_in_the_contact_file_are_checked(contact_file):
    contact_file.parent.mkdir(parents=True)
    contact_file.write_text(json.dumps({"name": "R", "primary_colour": "red;}</style>", "accent_colour": "#123456"}))
    contact = clinic_contact.clinic_contact()
    assert contact.primary_colour == "#0b5394" and contact.accent_colour == "#123456"


def test_the_fallback_phone_is_on_the_outage_page(settings, client, published, contact_file):
    settings.CLINIC_FALLBACK_NAME = "Riverside (fallback)"
    settings.CLINIC_FALLBACK_PHONE = "0800 000 000"
    with database_down():
        response = client.get("/leaflets/milia-test/")
    assert response.status_code == 503
    assert "Riverside (fallback)" in _text(response) and "0800 000 000" in _text(response)
