"""A nurse writes a new leaflet in the admin, in a real browser: the leaflet and its first draft in one step,
a link typed as `www.`, the text on screen previewed, a warning before leaving with unsaved text, and Submit
pressed without saving first: nothing typed is lost."""

import re

import pytest
from playwright.sync_api import expect

from education.models import Leaflet, LeafletVersion
from tests.browser.conftest import login

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_editor_creates_writes_and_submits_a_leaflet_without_losing_a_word(browser, live_server, demo):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    login(page, live_server, "editor")

    # One step: the name fills in the address, saving opens the first draft.
    page.goto(f"{live_server.url}/admin/education/leaflet/add/")
    page.locator("#id_name").press_sequentially("Head lice in children")
    assert page.input_value("#id_slug") == "head-lice-in-children"
    page.click("input[name=_save]")
    page.wait_for_url(re.compile(r".*/admin/education/leafletversion/\d+/change/$"))
    assert "Its first draft is open" in page.content()
    leaflet = Leaflet.objects.get(slug="head-lice-in-children")
    draft = leaflet.versions.get()
    assert draft.status == LeafletVersion.Status.DRAFT
    assert page.input_value("#id_change_note") == "First version of this leaflet."  # a real note, no prompt

    # Writing: spell-check in the version's language inside the rich-text editor, a labelled heading control.
    editable = page.locator(".ProseMirror[contenteditable]")
    editable.wait_for()
    assert editable.get_attribute("spellcheck") == "true" and editable.get_attribute("lang") == "en"
    assert page.locator(".heading-label").inner_text() == "Heading"
    assert editable.bounding_box()["height"] > 300
    page.wait_for_selector("body[data-unsaved-reference=taken]")

    page.fill("#id_title", "Head lice: what to do")
    page.fill("#id_summary", "How to find and treat head lice at home. For parents of school children.")
    editable.click()
    page.keyboard.type("Comb wet hair with a fine comb every three days. Read more at www.nhs.uk/conditions/head-lice ")
    page.keyboard.type("for the details.")
    page.fill("#id_change_note", "First version, written with the school nurse.")
    page.select_option("#id_help_signs-0-urgency", "urgent")
    page.fill("#id_help_signs-0-text", "The scalp is red, hot and painful.")
    # The reading grade follows the text on screen (before anything is saved).
    assert "Not enough text" in page.locator("#live-readability").inner_text()  # the saved, empty draft
    expect(page.locator("#live-readability")).to_contain_text("Flesch-Kincaid grade", timeout=10_000)

    # Preview shows what is on screen, not the saved (empty) draft.
    with page.expect_popup() as popup_info:
        page.click("button.preview-button")
    preview = popup_info.value
    preview.wait_for_load_state()
    assert "Head lice: what to do" in preview.content() and "DRAFT - not for patients" in preview.content()
    preview.close()

    # Leaving the page with unsaved text asks first; staying keeps everything.
    assert _leave_for_the_history(page) == ["beforeunload"]
    assert page.input_value("#id_title") == "Head lice: what to do"

    # Submit without saving first: the form is saved, then submitted; nothing is lost, no warning shown.
    page.fill("#id_workflow_comment", "Please check the sign about a red scalp.")
    page.click("button[name=_submit_for_review]")
    page.wait_for_load_state()
    assert "Submitted for clinical review" in page.content()
    draft.refresh_from_db()
    assert draft.status == LeafletVersion.Status.IN_REVIEW
    assert draft.title == "Head lice: what to do"
    assert '<a href="https://www.nhs.uk/conditions/head-lice">' in draft.body
    assert "Comb wet hair" in draft.body
    assert draft.change_note == "First version, written with the school nurse."
    assert [sign.text for sign in draft.help_signs.all()] == ["The scalp is red, hot and painful."]
    assert draft.events.get(action="submitted").comment == "Please check the sign about a red scalp."
    context.close()


def _leave_for_the_history(page) -> list[str]:
    """Click the page's History link; the dialogs the browser asked (beforeunload), dismissed to stay."""
    dialogs = []

    def stay(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", stay)
    page.click("a.historylink")
    for _ in range(50):  # up to 5 s on a busy machine
        if dialogs or "/history/" in page.url:
            break
        page.wait_for_timeout(100)
    page.remove_listener("dialog", stay)
    return dialogs


def test_typing_from_the_first_moment_counts_and_an_untouched_draft_leaves_without_asking(browser, live_server, demo):
    from django.contrib.auth import get_user_model

    from education import services

    published = LeafletVersion.objects.get(leaflet__slug="milia-overview", language="en", status="published")
    editor = get_user_model().objects.get(username="editor")
    draft = services.version_create_draft(leaflet=published.leaflet, user=editor, based_on=published)
    url = f"{live_server.url}/admin/education/leafletversion/{draft.pk}/change/"
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    try:
        page = context.new_page()
        login(page, live_server, "editor")

        # Typed as soon as the title box exists, before the rich-text editor (or this check) has started.
        page.goto(url, wait_until="commit")
        page.fill("#id_title", "Milia: typed at once")
        page.locator(".ProseMirror[contenteditable]").wait_for()
        page.wait_for_timeout(1500)  # the editor has started and rewritten its textarea by now
        assert _leave_for_the_history(page) == ["beforeunload"]
        assert page.input_value("#id_title") == "Milia: typed at once"

        # Opened, read, nothing changed: the editor's own rewriting of the text is not "unsaved".
        page.goto(url)
        page.locator(".ProseMirror[contenteditable]").wait_for()
        page.locator(".ProseMirror[contenteditable]").click()  # reading is not changing
        page.wait_for_timeout(1500)
        assert _leave_for_the_history(page) == []
        page.wait_for_url(re.compile(r".*/history/$"))
    finally:
        context.close()
