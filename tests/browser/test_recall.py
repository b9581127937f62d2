"""A dermatologist withdraws a version that turned out to be wrong and works through its recall report."""

import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from clinic.models import Clinic
from education import services
from education.models import AuditEvent, LeafletVersion, ShareLink
from tests.browser.conftest import login

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_approver_withdraws_a_version_and_works_through_its_recall_report(browser, live_server, demo, settings):
    settings.SITE_URL = live_server.url
    users = get_user_model().objects
    editor = users.get(username="editor")
    editor.email = "editor@example.org"
    editor.save()
    version = LeafletVersion.objects.get(leaflet__slug="milia-overview", language="en", status="published")
    clinic = Clinic.objects.get()
    _link, token = services.share_link_create(version=version, clinic=clinic, user=editor)
    services.handout_record(versions=[version], channel="qr", clinic=clinic, user=editor, share_link=_link)
    services.handout_record(versions=[version], channel="print", clinic=clinic, user=editor)

    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    login(page, live_server, "clinician")
    page.goto(f"{live_server.url}/admin/education/leafletversion/{version.pk}/change/")
    page.fill("#id_comment_withdraw", "The advice on squeezing is wrong.")
    page.click("form.workflow-withdraw button[type=submit]")
    page.wait_for_load_state()
    assert "Withdrawn: no link, page or handout shows this version any more." in page.content()
    assert "The advice on squeezing is wrong." in page.locator(".withdrawn").inner_text()

    page.click("text=Recall report: who was given this version")
    page.wait_for_load_state()
    rows = page.locator("#recall-lines tbody tr")
    assert rows.count() == 2
    table = page.locator("#recall-lines").inner_text()
    assert "QR code shown or printed" in table and "Printed handout" in table and "still works" in table
    page.click("text=Revoke the 1 live share link")
    page.wait_for_load_state()
    assert "1 live share link revoked." in page.content()
    assert "no longer works" in page.locator("#recall-lines").inner_text()
    assert not ShareLink.objects.filter(revoked_at__isnull=True).exists()

    mail.outbox.clear()  # the workflow's own notifications (demo data, the withdrawal) went before
    page.click("text=Email each member of staff their own handouts of it")
    page.wait_for_load_state()
    assert "Recall notice emailed to: editor." in page.content()
    assert [message.to for message in mail.outbox] == [["editor@example.org"]]
    with page.expect_download() as download:
        page.click("text=Download as CSV")
    csv_text = Path(download.value.path()).read_text(encoding="utf-8")
    assert csv_text.splitlines()[0].startswith("when,clinic,channel,member of staff")
    assert len(csv_text.strip().splitlines()) == 3
    actions = list(AuditEvent.objects.filter(version=version).values_list("action", flat=True).order_by("id"))
    assert actions[-3:] == ["withdrawn", "revoked_all", "recall_sent"]
    context.close()

    patient_context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    patient = patient_context.new_page()
    response = patient.goto(f"{live_server.url}/s/{token}/")
    assert response.status == 404  # revoked: it now looks like any unknown link
    response = patient.goto(f"{live_server.url}/leaflets/milia-overview/v{version.number}/")
    assert response.status == 410
    assert re.search(r"withdrawn by .* on", patient.locator("main").inner_text())
    assert version.summary not in patient.content()
    patient_context.close()
