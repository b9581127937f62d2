"""The review loop from the staff home, in Chromium: an approver finds a submitted version waiting (and has an
email), sends it back; the editor finds it sent back with the comment (and an email), resubmits; the
approver approves it from the review page. axe-core finds no violation on the staff home or the review page."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model
from django.core import mail

from education import services
from education.models import LeafletVersion
from tests import factories
from tests.browser.conftest import login

pytestmark = pytest.mark.django_db(transaction=True)


def no_axe_violations(page) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


@pytest.fixture
def staff(browser, live_server):
    """Sign a member of staff in, in a browser context of their own; every context is closed before the live
    server stops, so no late request from an open page (a lazy image, a reading-grade call) outlives it."""
    contexts = []

    def signed_in(username):
        context = browser.new_context(viewport={"width": 1366, "height": 900}, bypass_csp=True)
        contexts.append(context)
        page = context.new_page()
        login(page, live_server, username)
        return page

    yield signed_in
    for context in contexts:
        context.close()


def test_the_review_loop_runs_from_the_staff_home(staff, live_server, demo, settings):
    settings.SITE_URL = live_server.url
    users = get_user_model().objects
    for name in ("editor", "clinician"):
        users.filter(username=name).update(email=f"{name}@clinic.example")
    editor = users.get(username="editor")
    published = LeafletVersion.objects.get(leaflet__slug="milia-overview", language="en", status="published")
    draft = services.version_create_draft(leaflet=published.leaflet, user=editor, based_on=published)
    factories.edit(draft, user=editor, summary="Milia are tiny white bumps. They are harmless.", change_note="Clearer.")
    mail.outbox.clear()

    writer = staff("editor")
    writer.goto(f"{live_server.url}/admin/education/leafletversion/{draft.pk}/change/")
    writer.fill("#id_workflow_comment", "I made the summary shorter.")
    writer.click("button[name=_submit_for_review]")
    writer.wait_for_load_state()
    assert "Submitted for clinical review." in writer.content()
    assert any(message.to == ["clinician@clinic.example"] for message in mail.outbox)

    approver = staff("clinician")
    approver.click("text=Staff home")
    approver.wait_for_url(f"{live_server.url}/staff/")
    waiting = approver.locator("#waiting-for-review")
    assert "Submitted by" in waiting.inner_text()
    no_axe_violations(approver)
    waiting.locator("a", has_text=draft.title).click()
    approver.wait_for_url(f"**/leafletversion/{draft.pk}/review/")
    assert "I made the summary shorter." in approver.locator("#submit-note").inner_text()
    assert "harmless" in approver.locator("#review-changes").inner_text()
    no_axe_violations(approver)
    mail.outbox.clear()
    approver.fill("#id_comment_send_back", "Say that they often go away on their own.")
    approver.click("form.workflow-send_back button[type=submit]")
    approver.wait_for_load_state()
    assert "Sent back to the authors as a draft." in approver.content()
    assert [message.to for message in mail.outbox] == [["editor@clinic.example"]]
    assert "Say that they often go away on their own." in mail.outbox[0].body

    writer.goto(f"{live_server.url}/staff/")
    sent_back = writer.locator("#sent-back")
    assert "Say that they often go away on their own." in sent_back.inner_text()
    no_axe_violations(writer)
    sent_back.locator("a", has_text=draft.title).click()
    writer.wait_for_load_state()
    factories.edit(draft, user=editor, summary="Milia are tiny white bumps. They often go away on their own.")
    writer.reload()
    writer.fill("#id_workflow_comment", "Added that they often go away.")
    writer.click("button[name=_submit_for_review]")
    writer.wait_for_load_state()
    assert "Submitted for clinical review." in writer.content()

    approver.goto(f"{live_server.url}/staff/")
    approver.locator("#waiting-for-review a", has_text=draft.title).click()
    approver.wait_for_url(f"**/leafletversion/{draft.pk}/review/")
    comments = approver.locator("#earlier-comments").inner_text()
    assert "Say that they often go away on their own." in comments and "Added that they often go away." in comments
    approver.check("#id_attest")
    approver.click("form.workflow-approve button[type=submit]")
    approver.wait_for_load_state()
    assert "Approved and published." in approver.content()
    draft.refresh_from_db()
    assert draft.status == "published" and draft.approved_by.username == "clinician"
