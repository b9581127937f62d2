"""A figure on a phone: fetched only when the reader nears it, one copy only, no wider than the screen needs,
with its alt text."""

import re

import pytest

from tests.figures_support import FACE_PNG

pytestmark = pytest.mark.django_db(transaction=True)


def publish_with_figure_at_the_end() -> None:
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile

    from education import figures, selectors, services

    users = get_user_model().objects
    editor, clinician = users.get(username="editor"), users.get(username="clinician")
    published = next(v for v in selectors.published_of_leaflet(slug="milia-overview") if v.language == "en")
    draft = services.version_create_draft(leaflet=published.leaflet, user=editor, based_on=published)
    picture = figures.prepare_upload(SimpleUploadedFile("face.png", FACE_PNG.read_bytes()))
    services.figure_add(version=draft, user=editor, picture=picture, alt_text="A face with small white bumps.")
    draft.refresh_from_db()
    draft = services.version_edit_draft(
        version=draft, user=editor, expected_revision=draft.revision, title=draft.title, summary=draft.summary,
        body=draft.body, references=draft.references, change_note="Adds a picture.",
        help_signs=[services.HelpSignData(s.urgency, s.text) for s in draft.help_signs.all()],
    )  # fmt: skip
    services.version_submit(version=draft, user=editor)
    draft.refresh_from_db()
    services.version_approve_and_publish(version=draft, user=clinician, content_hash=draft.content_hash, attested=True)


def test_a_phone_fetches_one_figure_copy_only_when_the_reader_scrolls_to_it(browser, live_server, demo):
    publish_with_figure_at_the_end()
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    page = context.new_page()
    fetched = []
    page.on("request", lambda request: fetched.append(request.url) if "/figures/" in request.url else None)
    page.goto(f"{live_server.url}/leaflets/milia-overview/", wait_until="networkidle")
    assert fetched == []  # far below the first screen: not fetched yet

    image = page.get_by_role("img", name="A face with small white bumps.")
    image.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    page.wait_for_load_state("networkidle")

    assert len(fetched) == 1
    width = int(re.search(r"-(\d+)\.png$", fetched[0]).group(1))
    offered = sorted(int(w) for w in re.findall(r" (\d+)w", image.get_attribute("srcset")))
    needed = image.evaluate("img => img.getBoundingClientRect().width") * 2
    # The smallest copy that fills the 2x screen, or the largest there is: never a bigger one.
    assert width == next((w for w in offered if w >= needed), offered[-1])
    context.close()
