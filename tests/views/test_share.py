"""Share links for patients, the staff share page and emailing a link."""

import datetime
import logging
import re

import pytest
from django.core import mail
from django.db import connection
from django.test import TestCase
from django.utils import timezone

from clinic.models import Clinic
from education import services
from education.models import Handout, LeafletVersion, ShareLink
from tests import factories

pytestmark = pytest.mark.django_db
SHARE_URL = "/staff/share/"


def post_and_run_jobs(client, data, **headers):
    """Post the share form; the background jobs its commit queues (the email) then run, as the worker would."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(SHARE_URL, data, **headers)


@pytest.fixture
def clinic():
    return Clinic.objects.create(
        name="Riverside Skin Clinic", slug="riverside", is_default=True, phone="01632 960 000",
        urgent_care_advice="Out of hours, call 111.",
    )  # fmt: skip


@pytest.fixture
def other_clinic():
    return Clinic.objects.create(name="Hillside Dermatology", slug="hillside", phone="01632 960 999")


@pytest.fixture
def link_and_token(published, other_clinic, editor):
    return services.share_link_create(version=published, clinic=other_clinic, user=editor)


def share_post(version, clinic, **extra):
    return {"version": version.pk, "clinic": clinic.pk, "channel": "link", "expires_in": "30", **extra}


# --- the patient's view of a link ---------------------------------------------------------------------


def test_a_valid_link_shows_the_pinned_version_with_its_clinics_branding(client, link_and_token, clinic):
    link, token = link_and_token
    response = client.get(f"/s/{token}/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Milia: small white bumps" in text
    assert "Hillside Dermatology" in text and "01632 960 999" in text
    assert "Riverside Skin Clinic" not in text
    link.refresh_from_db()
    assert link.view_count == 1


def test_share_pages_are_private(client, link_and_token):
    _link, token = link_and_token
    response = client.get(f"/s/{token}/")
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "no-referrer"


def test_a_link_to_a_superseded_version_offers_the_newer_one(client, link_and_token, editor, other_approver):
    link, token = link_and_token
    second = services.version_create_draft(leaflet=link.version.leaflet, user=editor, based_on=link.version)
    factories.edit(second, user=editor, title="Milia: second version")
    services.version_submit(version=second, user=editor)
    services.version_approve_and_publish(
        version=second, content_hash=factories.shown_hash(second), attested=True, user=other_approver
    )
    text = client.get(f"/s/{token}/").content.decode()
    assert "Milia: small white bumps" in text  # still the version the patient was given
    assert "A newer version of this leaflet is available." in text
    assert 'href="/leaflets/milia-test/v2/?lang=en"' in text


def _state(name, link, token, approver):
    if name == "expired":
        ShareLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    elif name == "revoked":
        services.share_link_revoke(link=link, user=approver)
    elif name == "unknown":
        return token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    elif name == "malformed":
        return "not a token!"
    elif name == "too-short":
        return "abc"
    elif name == "too-long":
        return "a" * 500
    elif name == "sql":
        return "x' OR '1'='1"
    return token


def _without_nonce(content: bytes) -> bytes:
    return re.sub(rb'nonce="[^"]*"', b'nonce=""', content)


@pytest.mark.parametrize("state", ["expired", "revoked", "unknown", "malformed", "too-short", "too-long", "sql"])
def test_unknown_expired_revoked_and_malformed_links_look_the_same(client, link_and_token, approver, state):
    link, token = link_and_token
    reference = client.get("/s/" + "Z" * 32 + "/")
    asked = _state(state, link, token, approver)
    response = client.get(f"/s/{asked}/")
    assert response.status_code == 404
    # Identical but for the CSP nonce, which is random in every response (tests/test_security.py).
    assert _without_nonce(response.content) == _without_nonce(reference.content)
    assert response["Cache-Control"] == reference["Cache-Control"]
    link.refresh_from_db()
    assert link.view_count == 0


def test_a_link_whose_leaflet_was_withdrawn_says_so(client, link_and_token, approver):
    link, token = link_and_token
    services.leaflet_withdraw(leaflet=link.version.leaflet, user=approver, reason="Outdated")
    response = client.get(f"/s/{token}/")
    assert response.status_code == 410 and "no-store" in response["Cache-Control"]
    text = response.content.decode()
    assert "This leaflet was withdrawn by" in text and link.version.summary not in text
    link.refresh_from_db()
    assert (link.view_count, link.views_after_withdrawal) == (0, 1)


def test_share_page_query_count(client, link_and_token, django_assert_max_num_queries):
    _link, token = link_and_token
    with django_assert_max_num_queries(4):
        assert client.get(f"/s/{token}/").status_code == 200


# --- the staff share page -----------------------------------------------------------------------------


def test_the_share_page_is_for_staff_only(client, published):
    response = client.get(SHARE_URL)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(factories.make_user())
    assert client.get(SHARE_URL).status_code == 403  # staff without a role


@pytest.mark.parametrize("channel", ["link", "qr"])
def test_staff_create_a_link_shown_once_with_a_qr_code(client, published, clinic, editor, channel):
    client.force_login(editor)
    response = post_and_run_jobs(client, share_post(published, clinic, channel=channel))
    assert response.status_code == 200
    text = response.content.decode()
    link = ShareLink.objects.get()
    token = response.context["url"].rstrip("/").rsplit("/", 1)[-1]
    assert services.share_token_hash(token) == link.token_hash
    assert "<svg" in text and "<title>" in text  # local QR code with a title
    handout = Handout.objects.get()
    assert (handout.channel, handout.share_link, handout.created_by) == (channel, link, editor)
    assert list(handout.versions.all()) == [published]
    assert link.expires_at > timezone.now() + datetime.timedelta(days=29)
    assert client.get(f"/s/{token}/").status_code == 200


def test_emailing_a_link_sends_one_message_and_stores_no_address(client, published, clinic, editor, caplog):
    caplog.set_level(logging.DEBUG)
    address = "patient.person@example.org"
    client.force_login(editor)
    response = post_and_run_jobs(
        client, share_post(published, clinic, channel="email", email=address, message="See you on Monday.")
    )
    assert response.status_code == 200
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == [address]
    assert sent.subject == "Information from Riverside Skin Clinic"
    assert "milia" not in sent.subject.lower()  # the subject names the clinic, not the condition
    assert "See you on Monday." in sent.body and "/s/" in sent.body
    assert Handout.objects.get().channel == "email"
    assert address not in caplog.text and "Monday" not in caplog.text
    assert_nowhere_in_database(address)
    assert_nowhere_in_database("See you on Monday")


def assert_nowhere_in_database(needle):
    """Search every text column of every table for the value."""
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            columns = [
                column.name
                for column in connection.introspection.get_table_description(cursor, table)
                if column.type_code in _text_type_codes()
            ]
            for column in columns:
                quoted_table, quoted_column = connection.ops.quote_name(table), connection.ops.quote_name(column)
                cursor.execute(
                    f"SELECT COUNT(*) FROM {quoted_table} WHERE CAST({quoted_column} AS TEXT) LIKE %s",  # noqa: S608
                    [f"%{needle}%"],
                )
                assert cursor.fetchone()[0] == 0, f"{needle!r} found in {table}.{column}"


def test_the_database_search_finds_what_is_there(clinic):
    """The helper above must be able to fail: it finds a value that is stored."""
    with pytest.raises(AssertionError, match="education|clinic"):
        assert_nowhere_in_database("Riverside Skin")


def _text_type_codes():
    if connection.vendor == "sqlite":
        return {"varchar", "text", "TEXT", "VARCHAR", "char", "json", "text(1)"} | {
            f"varchar({n})" for n in range(1, 1000)
        }
    return {25, 1043, 3802, 114, 1042}  # PostgreSQL: text, varchar, jsonb, json, char


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"channel": "email", "email": ""}, "Enter the patient"),
        ({"channel": "email", "email": "not-an-address"}, "valid email"),
        ({"channel": "email", "email": "a@example.org\nBcc: x@example.org"}, "valid email"),
        ({"channel": "email", "email": "a@example.org", "message": "x" * 501}, "at most 500"),
        ({"channel": "fax"}, "Select a valid choice"),
        ({"expires_in": "5000"}, "Select a valid choice"),
        ({"version": ""}, "Choose the leaflet to share."),
        ({"form_key": "not a key!"}, "This form is out of date."),
    ],
)
def test_bad_share_requests_are_refused_and_nothing_is_sent_or_stored(
    client, published, clinic, editor, extra, message
):
    client.force_login(editor)
    response = post_and_run_jobs(client, {**share_post(published, clinic), **extra})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not mail.outbox and not ShareLink.objects.exists() and not Handout.objects.exists()


def test_only_published_versions_can_be_picked(client, draft, clinic, editor):
    client.force_login(editor)
    response = post_and_run_jobs(client, share_post(draft, clinic))
    assert "Select a valid choice" in response.content.decode()
    assert not ShareLink.objects.exists()


def test_sending_is_rate_limited_per_person(client, published, clinic, editor, approver, settings):
    settings.SHARE_EMAILS_PER_HOUR = 2
    client.force_login(editor)
    data = share_post(published, clinic, channel="email", email="p@example.org")
    assert post_and_run_jobs(client, data).status_code == 200
    assert post_and_run_jobs(client, data).status_code == 200
    refused = post_and_run_jobs(client, data)
    assert refused.status_code == 429
    assert "the most allowed" in refused.content.decode()
    assert len(mail.outbox) == 2
    client.force_login(approver)  # the limit is per person
    assert post_and_run_jobs(client, data).status_code == 200


def test_a_revoked_link_stops_working_at_once(client, link_and_token, approver):
    link, token = link_and_token
    client.force_login(approver)
    response = client.post(
        "/admin/education/sharelink/", {"action": "revoke", "_selected_action": [link.pk]}, follow=True
    )
    assert "1 link revoked." in response.content.decode()
    client.logout()
    assert client.get(f"/s/{token}/").status_code == 404


# --- a form submitted twice sends once -------------------------------------------------------------------


def _hidden_fields(client, published) -> dict:
    """What the browser sends back unseen from the share form as it was shown (the CSRF token aside)."""
    text = client.get(SHARE_URL, {"version": published.pk}).content.decode()
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', text))
    fields.pop("csrfmiddlewaretoken", None)
    return fields


def _shown_form(client, published):
    """The share form as a member of staff opens it: with its one-time key."""
    key = _hidden_fields(client, published)["form_key"]
    assert len(key) >= 43  # 32 random bytes
    return key


def test_each_share_form_gets_its_own_random_key(client, published, clinic, editor):
    client.force_login(editor)
    assert _shown_form(client, published) != _shown_form(client, published)


@pytest.mark.parametrize("channel", ["email", "link", "qr"])
def test_refreshing_the_result_page_sends_nothing_twice(client, published, clinic, editor, channel, caplog):
    """The browser's "resend the form?" on the result page posts the same form again: it sends one email and
    makes one link and one handout record, and the second answer says so."""
    caplog.set_level(logging.DEBUG)
    client.force_login(editor)
    extra = {"email": "patient@example.org", "message": "Hello Jane, here it is."} if channel == "email" else {}
    data = {**share_post(published, clinic, channel=channel, **extra), **_hidden_fields(client, published)}
    first = post_and_run_jobs(client, data)
    assert first.status_code == 200 and "url" in first.context
    again = post_and_run_jobs(client, data)
    assert len(mail.outbox) == (1 if channel == "email" else 0)
    assert ShareLink.objects.count() == 1 and Handout.objects.count() == 1
    assert again.status_code == 409
    text = again.content.decode()
    assert "This was already sent. To share again, start a new share." in text
    assert f'href="/staff/share/?version={published.pk}"' in text  # "Start a new share"
    assert "/s/" not in text  # the link is never shown twice
    # Only a hash of the key is kept, and still nothing about the patient; the key is not logged.
    key = data["form_key"]
    assert ShareLink.objects.get().form_key_hash == services.share_token_hash(key)
    assert_nowhere_in_database(key)
    assert_nowhere_in_database("patient@example.org")
    assert key not in caplog.text and "patient@example.org" not in caplog.text


def test_a_new_form_shares_again(client, published, clinic, editor):
    client.force_login(editor)
    for _ in range(2):
        data = share_post(published, clinic, form_key=_shown_form(client, published))
        assert post_and_run_jobs(client, data).status_code == 200
    assert ShareLink.objects.count() == 2 and Handout.objects.count() == 2


def test_a_refused_form_keeps_its_key_and_can_be_sent_once_corrected(client, published, clinic, editor):
    client.force_login(editor)
    key = _shown_form(client, published)
    refused = post_and_run_jobs(client, share_post(published, clinic, channel="email", form_key=key))
    assert refused.status_code == 200 and f'value="{key}"' in refused.content.decode()
    data = share_post(published, clinic, channel="email", email="p@example.org", form_key=key)
    assert post_and_run_jobs(client, data).status_code == 200
    assert post_and_run_jobs(client, data).status_code == 409
    assert len(mail.outbox) == 1


def test_an_email_that_cannot_be_sent_gives_out_nothing_and_the_same_form_can_be_sent_again(
    client, published, clinic, editor, monkeypatch
):
    """The email goes from a background job after the link's transaction has committed (no database lock held
    while the mail server answers). When it cannot be sent (here at once: the tests' jobs backend does not
    retry), the link is revoked and the form's key freed. No working link, no handout record, nothing of the
    address left, and the same form sends once it is tried again."""
    import smtplib

    from django.core.mail import EmailMessage

    client.force_login(editor)
    data = share_post(
        published, clinic, channel="email", email="p@example.org", form_key=_shown_form(client, published)
    )

    def refuse(self, fail_silently=False):
        raise smtplib.SMTPServerDisconnected("gone")

    with monkeypatch.context() as patched:
        patched.setattr(EmailMessage, "send", refuse)
        response = post_and_run_jobs(client, data)
    assert response.status_code == 200
    assert not ShareLink.objects.filter(revoked_at__isnull=True).exists() and not Handout.objects.exists()
    unsent = ShareLink.objects.get()
    assert unsent.revoked_by == editor and unsent.form_key_hash is None
    assert_nowhere_in_database("p@example.org")
    assert post_and_run_jobs(client, data).status_code == 200
    assert len(mail.outbox) == 1 and ShareLink.objects.filter(revoked_at__isnull=True).count() == 1
    assert Handout.objects.get().share_link.revoked_at is None


# --- channel and address must agree ------------------------------------------------------------------------


@pytest.mark.parametrize("channel", ["link", "qr"])
def test_an_address_or_message_with_the_link_or_qr_channel_is_refused_on_its_field(
    client, published, clinic, editor, channel
):
    client.force_login(editor)
    response = client.post(
        SHARE_URL, share_post(published, clinic, channel=channel, email="p@example.org", message="Hi Jane")
    )
    errors = response.context["form"].errors
    assert "used only when the link is sent by email" in errors["email"][0]
    assert "sent only with an email" in errors["message"][0]
    assert "used only when the link is sent by email" in response.content.decode()
    assert not mail.outbox and not ShareLink.objects.exists() and not Handout.objects.exists()


def test_the_email_channel_without_an_address_is_refused_on_its_field(client, published, clinic, editor):
    client.force_login(editor)
    response = post_and_run_jobs(client, share_post(published, clinic, channel="email"))
    assert "Enter the patient" in response.context["form"].errors["email"][0]
    assert not ShareLink.objects.exists()


def test_the_button_fits_every_channel(client, published, clinic, editor):
    client.force_login(editor)
    text = client.get(SHARE_URL).content.decode()
    assert re.search(r'<button type="submit"[^>]*>Share</button>', text)
    assert "Create link" not in text


# --- the leaflet asked for in the address ------------------------------------------------------------------


def _selected_version(text: str) -> str:
    select = re.search(r'<select name="version".*?</select>', text, re.S).group(0)
    return re.findall(r'<option value="([^"]*)" selected>', select)


NOT_PUBLISHED = "is not published"


@pytest.mark.parametrize("asked", ["abc", "999999", "99999999999999999999", "-1", "draft", "retired"])
def test_a_bad_or_stale_version_in_the_address_chooses_nothing_and_says_so(
    client, published, clinic, editor, approver, asked
):
    if asked == "draft":
        asked = str(services.version_create_draft(leaflet=published.leaflet, user=editor, based_on=published).pk)
    elif asked == "retired":
        old = published.pk
        second = services.version_create_draft(leaflet=published.leaflet, user=editor, based_on=published)
        factories.edit(second, user=editor, title="Milia: second version")
        services.version_submit(version=second, user=editor)
        services.version_approve_and_publish(
            version=second, content_hash=factories.shown_hash(second), attested=True, user=factories.make_approver()
        )
        asked = str(old)
    client.force_login(editor)
    response = client.get(SHARE_URL, {"version": asked})
    assert response.status_code == 200
    text = response.content.decode()
    assert NOT_PUBLISHED in text and 'role="alert"' in text
    assert _selected_version(text) == [""]  # "Choose a leaflet", not the first one in the list


def test_a_published_version_in_the_address_is_chosen_without_a_message(client, published, clinic, editor):
    other = factories.make_published(author=editor, approver=factories.make_approver(), title="Another leaflet")
    client.force_login(editor)
    for version in (published, other):
        text = client.get(SHARE_URL, {"version": version.pk}).content.decode()
        assert _selected_version(text) == [str(version.pk)] and NOT_PUBLISHED not in text
    text = client.get(SHARE_URL).content.decode()
    assert _selected_version(text) == [""] and NOT_PUBLISHED not in text


# --- translations whose source has moved on ----------------------------------------------------------------


@pytest.fixture
def out_of_date_french(published, editor, other_approver):
    """A published French translation of v1, after which the English v2 was published."""
    draft = services.version_create_draft(
        leaflet=published.leaflet, user=editor, language="fr", translation_of=published
    )
    factories.edit(draft, user=editor, title="Grains de milium", summary="Une fiche courte.")
    services.version_submit(version=draft, user=editor)
    french = services.version_approve_and_publish(
        version=draft, content_hash=factories.shown_hash(draft), attested=True, user=other_approver
    )
    second = services.version_create_draft(leaflet=published.leaflet, user=editor, based_on=published)
    factories.edit(second, user=editor, title="Milia: second version")
    services.version_submit(version=second, user=editor)
    services.version_approve_and_publish(
        version=second, content_hash=factories.shown_hash(second), attested=True, user=factories.make_approver()
    )
    return french


def test_an_out_of_date_translation_is_marked_in_the_choices(
    client, out_of_date_french, clinic, editor, django_assert_max_num_queries
):
    up_to_date = services.version_create_draft(
        leaflet=factories.make_published(author=editor, approver=factories.make_approver(), title="Other").leaflet,
        user=editor,
        language="fr",
        translation_of=LeafletVersion.objects.get(title="Other"),
    )
    factories.edit(up_to_date, user=editor, title="Autre fiche")
    services.version_submit(version=up_to_date, user=editor)
    services.version_approve_and_publish(
        version=up_to_date, content_hash=factories.shown_hash(up_to_date), attested=True, user=factories.make_approver()
    )
    client.force_login(editor)
    with django_assert_max_num_queries(8):  # no query per choice
        text = client.get(SHARE_URL).content.decode()
    assert "Grains de milium (v1, fr) — translation out of date</option>" in text
    assert "Milia: second version (v2, en)</option>" in text
    assert "Autre fiche (v1, fr)</option>" in text
    assert text.count("translation out of date") == 1


# --- the email's greeting -----------------------------------------------------------------------------------


def test_with_a_message_the_email_opens_with_it_and_not_our_greeting(client, published, clinic, editor):
    client.force_login(editor)
    data = share_post(published, clinic, channel="email", email="p@example.org", message="Hello Jane, as promised.")
    post_and_run_jobs(client, data)
    body = mail.outbox[0].body
    assert body.startswith("Hello Jane, as promised.\n\nRiverside Skin Clinic has shared some information")
    assert "Hello," not in body


def test_without_a_message_the_email_opens_with_our_greeting(client, published, clinic, editor):
    client.force_login(editor)
    post_and_run_jobs(client, share_post(published, clinic, channel="email", email="p@example.org"))
    assert mail.outbox[0].body.startswith("Hello,\n\nRiverside Skin Clinic has shared some information")


def test_a_french_email_with_a_message_has_no_french_greeting_either(client, out_of_date_french, clinic, editor):
    client.force_login(editor)
    data = share_post(out_of_date_french, clinic, channel="email", email="p@example.org", message="Voici la fiche.")
    post_and_run_jobs(client, data, HTTP_ACCEPT_LANGUAGE="en")
    body = mail.outbox[0].body
    assert body.startswith("Voici la fiche.\n\nRiverside Skin Clinic a partagé")
    assert "Bonjour" not in body
