"""manage.py demo and load_starter_leaflets."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from education.models import AuditEvent, LeafletVersion

pytestmark = pytest.mark.django_db
STARTER_SLUGS = {"milia-overview", "post-extraction-hygiene", "infection-warning-signs"}


def run(*args, **kwargs):
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out, **kwargs)
    return out.getvalue()


def test_load_starter_leaflets_adds_them_for_review_only(client):
    output = run("load_starter_leaflets")
    assert "awaiting review" in output
    versions = LeafletVersion.objects.filter(language="en")
    assert set(versions.values_list("leaflet__slug", flat=True)) == STARTER_SLUGS
    assert set(versions.values_list("status", flat=True)) == {"in_review"}
    for slug in STARTER_SLUGS:
        assert client.get(f"/leaflets/{slug}/").status_code == 404  # nothing reaches patients before sign-off
    assert "already present" in run("load_starter_leaflets")
    assert LeafletVersion.objects.count() == len(versions) * 2  # English and French, once


def test_load_starter_leaflets_with_an_unknown_author_is_a_clear_error():
    with pytest.raises(CommandError, match="No user called"):
        run("load_starter_leaflets", author="nobody")
    assert not LeafletVersion.objects.exists()


def test_the_starter_author_cannot_log_in(client):
    run("load_starter_leaflets")
    author = get_user_model().objects.get(username="starter-content")
    assert not author.has_usable_password()


def test_starter_content_is_clean_and_readable():
    from education.content import readability, sanitise_body
    from education.starter_content import STARTER_LEAFLETS

    assert [item["slug"] for item in STARTER_LEAFLETS] == [
        "milia-overview",
        "post-extraction-hygiene",
        "infection-warning-signs",
    ]
    for item in STARTER_LEAFLETS:
        content = item["versions"]["en"]
        assert sanitise_body(content["body"]) == content["body"]
        assert {sign["urgency"] for sign in content["help_signs"]} == {"routine", "urgent", "emergency"}
        assert len(content["references"]) >= 3
        score = readability(
            title=content["title"],
            summary=content["summary"],
            body=content["body"],
            help_signs=[sign["text"] for sign in content["help_signs"]],
        )
        assert score.meets_target, (item["slug"], score)
        assert "anthrax" not in content["body"].lower()  # French 'anthrax' is a carbuncle in English


def test_demo_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        run("demo", password="demo-pass-123")
    assert not get_user_model().objects.exists()


def test_demo_publishes_the_starter_leaflets_and_is_idempotent(settings, client):
    settings.DEBUG = True
    output = run("demo", password="demo-pass-123")
    assert "editor" in output and "clinician" in output and "admin" in output
    run("demo", password="demo-pass-123")
    published = LeafletVersion.objects.filter(status="published", language="en")
    assert set(published.values_list("leaflet__slug", flat=True)) == STARTER_SLUGS
    assert LeafletVersion.objects.filter(language="en").count() == 3
    for version in published:
        assert version.approved_by.username == "clinician"
        assert version.created_by.username == "editor"
        assert client.get(f"/leaflets/{version.leaflet.slug}/").status_code == 200
    assert AuditEvent.objects.filter(action="published").count() == LeafletVersion.objects.count()
    for username in ("editor", "clinician", "admin"):
        assert client.login(username=username, password="demo-pass-123")
    # The leaflets' owner has an address (a reserved domain), so review reminders have someone to write to.
    owners = {version.leaflet.owner.email for version in published}
    assert owners == {"editor@example.org"}


def test_demo_prints_a_generated_password_when_none_is_given(settings, client):
    settings.DEBUG = True
    output = run("demo")
    password = output.strip().splitlines()[-1].split()[-1]
    assert len(password) >= 12
    assert client.login(username="clinician", password=password)


def test_demo_prints_the_admin_address_of_this_server(settings):
    settings.DEBUG = True
    settings.SITE_URL = "http://127.0.0.1:9123"  # `make run PORT=9123` sets it
    assert "Demo logins (http://127.0.0.1:9123/admin/):" in run("demo", password="demo-pass-123")


def test_demo_refuses_a_too_short_password(settings):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="at least 8"):
        run("demo", password="short")
