"""What a patient and a member of staff see in a real browser: no JavaScript needed, keyboard use, and an
axe-core accessibility scan (WCAG 2.2 A and AA rules) with zero violations."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import login

# A real database for the live server (the `demo` fixture also empties it safely afterwards).
pytestmark = pytest.mark.django_db(transaction=True)

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]}
}


def assert_accessible(page):
    results = Axe().run(page, options=AXE_OPTIONS)
    assert results.violations_count == 0, results.generate_report()


def test_the_leaflet_reads_with_javascript_off(no_js_page, live_server, demo):
    page = no_js_page
    response = page.goto(f"{live_server.url}/leaflets/milia-overview/")
    assert response.status == 200
    assert page.locator("h1").inner_text() == "Milia: small white bumps on the skin"
    assert page.locator(".get-help").is_visible()
    assert page.get_by_text("Get help now").is_visible()
    assert page.get_by_role("link", name="Download PDF").is_visible()
    assert page.locator("[data-print]").is_hidden()  # the print button needs JavaScript, so it stays hidden


def test_the_print_button_appears_with_javascript(page, live_server, demo):
    page.goto(f"{live_server.url}/leaflets/milia-overview/")
    assert page.locator("[data-print]").is_visible()


def test_keyboard_users_can_skip_to_the_content_and_see_focus(page, live_server, demo):
    page.goto(f"{live_server.url}/leaflets/")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert skip.evaluate("element => element === document.activeElement")
    assert skip.is_visible()
    outline = skip.evaluate("element => getComputedStyle(element).outlineStyle")
    background = skip.evaluate("element => getComputedStyle(element).backgroundColor")
    assert outline != "none" or background != "rgba(0, 0, 0, 0)"
    page.keyboard.press("Enter")
    page.wait_for_function("location.hash === '#main'", timeout=5000)  # the jump is asynchronous
    # Tab on until the first leaflet link is focused, then follow it with Enter.
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('.leaflet-list') !== null"):
            break
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert "/leaflets/" in page.url and page.url.rstrip("/") != f"{live_server.url}/leaflets"


def test_the_page_reflows_at_400_percent_zoom(browser, live_server, demo):
    """A 1280 px wide window at 400% zoom is 320 CSS px wide: no horizontal scrolling."""
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(f"{live_server.url}/leaflets/milia-overview/")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    context.close()


@pytest.mark.parametrize("path", ["/leaflets/", "/leaflets/milia-overview/", "/leaflets/infection-warning-signs/v1/"])
def test_patient_pages_have_no_accessibility_violations(page, live_server, demo, path):
    page.goto(live_server.url + path)
    assert_accessible(page)


def test_a_share_page_has_no_accessibility_violations(page, live_server, demo):
    from django.contrib.auth import get_user_model

    from clinic.models import Clinic
    from education import services
    from education.models import LeafletVersion

    version = LeafletVersion.objects.get(leaflet__slug="post-extraction-hygiene", language="en", status="published")
    _link, token = services.share_link_create(
        version=version, clinic=Clinic.objects.get(), user=get_user_model().objects.get(username="editor")
    )
    page.goto(f"{live_server.url}/s/{token}/")
    assert page.locator("h1").inner_text().startswith("Caring for your skin")
    assert_accessible(page)


def test_staff_share_form_and_result_have_no_accessibility_violations(browser, live_server, demo, settings):
    settings.SITE_URL = live_server.url
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    login(page, live_server, "editor")
    page.goto(f"{live_server.url}/staff/share/")
    assert_accessible(page)
    page.select_option("#id_version", index=1)  # nothing is chosen in advance
    page.check("input[value=qr]")
    page.click("form[method=post] button[type=submit]")  # not the picker's "Filter the list"
    page.wait_for_load_state()
    assert page.locator("svg title").count() == 1
    assert_accessible(page)
    url = page.input_value("#share-url")
    context.close()
    patient_context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    patient = patient_context.new_page()
    assert patient.goto(url).status == 200
    assert patient.locator("h1").count() == 1
    patient_context.close()
