"""The Content-Security-Policy in a real browser: the admin's rich-text editor (django-prose-editor, with its
inline import map) still loads, edits and saves, and neither the admin nor the patient pages report a single
CSP violation (listened to as `securitypolicyviolation` events and console messages)."""

import pytest

from tests.browser.conftest import login

pytestmark = pytest.mark.django_db(transaction=True)

LISTEN_FOR_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`);
});
"""


@pytest.fixture
def watched(browser):
    """A page that records CSP violations: events in the page and the console messages Chromium logs."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(LISTEN_FOR_VIOLATIONS)
    page = context.new_page()
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.csp_console = console
    yield page
    context.close()


def violations(page) -> list[str]:
    events = page.evaluate("window.__cspViolations || []")
    logged = [text for text in page.csp_console if "Content Security Policy" in text]
    return [*events, *logged]


def _draft_of_milia():
    from django.contrib.auth import get_user_model

    from education import services
    from education.models import Leaflet, LeafletVersion

    editor = get_user_model().objects.get(username="editor")
    leaflet = Leaflet.objects.get(slug="milia-overview")
    published = LeafletVersion.objects.get(leaflet=leaflet, language="en", status="published")
    return services.version_create_draft(
        leaflet=leaflet, user=editor, language="en", based_on=published, change_note="Checking the editor"
    )


def test_the_rich_text_editor_works_under_the_admin_policy(watched, live_server, demo):
    from education.models import LeafletVersion

    page = watched
    draft = _draft_of_milia()
    login(page, live_server, "editor")
    response = page.goto(f"{live_server.url}/admin/education/leafletversion/{draft.pk}/change/")
    policy = response.headers["content-security-policy"]
    assert "'sha256-" in policy and "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]

    editor = page.locator(".ProseMirror:visible").first  # the body; others are hidden templates
    editor.wait_for(state="visible", timeout=10_000)
    editor.click()
    page.keyboard.press("Control+End")
    page.keyboard.type(" Typed under a strict policy.")
    with page.expect_navigation():
        page.click("input[name=_continue]")
    assert page.locator(".errornote").count() == 0, page.locator(".errornote").all_inner_texts()

    draft = LeafletVersion.objects.get(pk=draft.pk)
    assert "Typed under a strict policy." in draft.body
    assert violations(page) == []


def test_the_admin_and_staff_pages_report_no_violation(watched, live_server, demo):
    page = watched
    login(page, live_server, "editor")
    for path in ["/admin/", "/admin/education/leaflet/", "/admin/education/leafletversion/"]:
        page.goto(live_server.url + path)
        page.wait_for_load_state("load")
    page.goto(f"{live_server.url}/staff/share/")
    page.select_option("#id_version", index=1)  # nothing is chosen in advance
    page.check("input[value=qr]")
    with page.expect_navigation():
        page.click("form[method=post] button[type=submit]")  # not the picker's "Filter the list"
    assert page.locator("svg title").count() == 1
    assert violations(page) == []


def test_patient_pages_and_the_login_report_no_violation(watched, live_server, demo):
    page = watched
    for path in ["/leaflets/", "/leaflets/milia-overview/", "/admin/login/"]:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        policy = response.headers["content-security-policy"]
        if path.startswith("/leaflets/"):
            assert "'unsafe-inline'" not in policy
            assert "style-src 'self' 'nonce-" in policy  # the clinic colours' <style>, and nothing else inline
        page.wait_for_load_state("load")
        if path == "/leaflets/milia-overview/":  # the clinic's colours reached the page through that <style>
            brand = page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--brand')")
            assert brand.strip().startswith("#")
    assert violations(page) == []


def test_an_inline_script_is_blocked_on_a_patient_page(watched, live_server, demo):
    """The listener works: a script injected into a patient page is refused and reported."""
    page = watched
    page.goto(f"{live_server.url}/leaflets/milia-overview/")
    page.evaluate(
        """() => { const s = document.createElement("script"); s.textContent = "window.__ran = true";
        document.body.append(s); }"""
    )
    assert page.evaluate("window.__ran === undefined")
    page.wait_for_function("window.__cspViolations.length > 0")
    assert any("script-src" in violation for violation in violations(page))
