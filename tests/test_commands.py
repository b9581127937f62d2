"""manage.py demo and load_starter_leaflets."""

import copy

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from education.models import AuditEvent, LeafletVersion, Notification
from tests import factories

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


def test_the_demo_setting_itself_up_is_not_news_on_the_staff_home(settings, editor):
    """Its own submissions and approvals leave no unread notification; later, real ones stay unread when the
    demo runs again."""
    settings.DEBUG = True
    run("demo", password="demo-pass-123")
    assert Notification.objects.filter(version__leaflet__slug__in=STARTER_SLUGS).exists()
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    real = factories.make_in_review(author=editor)  # tells the demo's clinician, among the approvers
    run("demo", password="demo-pass-123")
    assert Notification.objects.filter(version=real, recipient__username="clinician", read_at__isnull=True).exists()


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


def test_load_starter_leaflets_offers_newer_text_as_drafts_and_says_so(settings, monkeypatch):
    from education.services import starter
    from education.starter_content import STARTER_LEAFLETS

    settings.DEBUG = True
    run("demo", password="demo-pass-123")  # the clinic has the starter leaflets published
    bundle = copy.deepcopy(STARTER_LEAFLETS)
    for item in bundle:
        for content in item["versions"].values():
            content["summary"] += " (2027)"
    monkeypatch.setattr(starter, "STARTER_LEAFLETS", bundle)

    output = run("load_starter_leaflets")

    assert output.count("Offered new starter text for") == 6
    assert "The published version is unchanged" in output
    assert "A clinician must review and approve" in output
    assert LeafletVersion.objects.filter(status="published").count() == 6
    assert LeafletVersion.objects.filter(status="in_review").count() == 6

    again = run("load_starter_leaflets")
    assert again.count("already awaiting review as v2") == 6
    assert "nothing changed" in again
    assert LeafletVersion.objects.count() == 12


def test_load_starter_leaflets_says_when_it_leaves_an_open_draft_alone(editor, monkeypatch):
    from education import services
    from education.services import starter
    from education.starter_content import STARTER_LEAFLETS

    run("load_starter_leaflets")
    version = LeafletVersion.objects.get(leaflet__slug="milia-overview", language="en")
    services.version_send_back(version=version, user=factories.make_approver(), comment="Use our own times.")
    bundle = copy.deepcopy(STARTER_LEAFLETS)
    bundle[0]["versions"]["en"]["summary"] += " (2027)"
    monkeypatch.setattr(starter, "STARTER_LEAFLETS", bundle)

    output = run("load_starter_leaflets")

    assert "milia-overview (en): v1 is an open draft or in review, so it was not overwritten." in output
    version.refresh_from_db()
    assert version.status == "draft" and not version.summary.endswith("(2027)")


def test_the_demo_clinic_does_not_send_french_readers_to_the_nhs(settings):
    from clinic.models import Clinic

    settings.DEBUG = True
    run("demo", password="demo-pass-123")
    advice = Clinic.objects.get(slug="riverside-skin-demo").urgent_care_advice_in("fr")
    assert "NHS" not in advice and "999" not in advice and "A&E" not in advice
    assert "15" in advice and "112" in advice
    assert "exemple" in advice.lower()  # clearly the clinic's to replace


def test_the_demo_corrects_older_demo_data_that_sent_french_readers_to_nhs_111(settings):
    from clinic.models import Clinic
    from education.management.commands.demo import DEMO_CLINIC

    settings.DEBUG = True
    Clinic.objects.create(
        **{**DEMO_CLINIC, "urgent_care_advice_translations": {"fr": "Appelez le NHS 111 ou le 999."}},
        is_default=True,
    )
    run("demo", password="demo-pass-123")
    assert "112" in Clinic.objects.get(slug="riverside-skin-demo").urgent_care_advice_in("fr")
