"""The draft editor and the new-leaflet screen (education/admin/versions.py, leaflets.py, views/writing.py,
views/preview.py): no lost work, links listed back when removed, one-step new leaflet, help while writing,
and actions a user may not take shown disabled with the reason."""

import json

import pytest
from django.urls import reverse

from education import services
from education.models import Leaflet, LeafletVersion
from tests import factories
from tests.admin.helpers import change_url, page, reload, version_form_data, workflow_url

Status = LeafletVersion.Status
ADD_URL = "/admin/education/leaflet/add/"


def preview_url(version):
    return reverse("admin:education_leafletversion_preview", args=[version.pk])


def readability_url(version):
    return reverse("admin:education_leafletversion_readability", args=[version.pk])


def new_leaflet(**extra):
    return {"name": "Head lice", "slug": "head-lice", "topic": "", "tags": "", "review_interval_months": 24,
            "owner": "", "language": "en", **extra}  # fmt: skip


# --- Submit saves first ---------------------------------------------------------------------------------


def test_submit_on_the_editing_form_saves_the_text_on_screen_then_submits_it(client, draft, editor):
    client.force_login(editor)
    data = version_form_data(draft, title="Typed but never saved", change_note="Clearer title.")
    data |= {"_submit_for_review": "1", "workflow_comment": "Please look at the title."}
    response = client.post(change_url(draft), data, follow=True)
    version = reload(draft)
    assert (version.status, version.title) == (Status.IN_REVIEW, "Typed but never saved")
    assert version.events.get(action="submitted").comment == "Please look at the title."
    assert "Submitted for clinical review." in page(response)


def test_submit_with_a_form_that_cannot_be_saved_submits_nothing_and_keeps_the_text(client, draft, editor):
    client.force_login(editor)
    data = version_form_data(draft, title="", summary="My unsaved summary", _submit_for_review="1")
    response = client.post(change_url(draft), data)
    assert response.status_code == 200  # the form again, with its errors and the typed text
    assert "My unsaved summary" in page(response)
    assert reload(draft).status == Status.DRAFT


def test_submit_refused_by_the_rules_still_saves_the_edits_and_says_so(client, leaflet, editor):
    draft = services.version_create_draft(leaflet=leaflet, user=editor)  # no note, no signs yet
    client.force_login(editor)
    data = version_form_data(draft, title="Saved title", change_note="", _submit_for_review="1")
    response = client.post(change_url(draft), data, follow=True)
    version = reload(draft)
    assert version.status == Status.DRAFT and version.title == "Saved title"
    assert "Your edits are saved, but not sent on" in page(response)
    assert "a change note" in page(response)


def test_a_stale_page_cannot_submit_or_discard_a_draft_saved_since(client, draft, editor):
    client.force_login(editor)
    seen = reload(draft).revision
    factories.edit(draft, user=editor, title="Saved in another tab")
    for action, extra in (("submit", {}), ("discard", {"confirm": "yes"})):
        response = client.post(workflow_url(draft, action), {"seen_revision": seen, **extra}, follow=True)
        assert "Nothing was done: this draft was saved again" in page(response)
        assert reload(draft).status == Status.DRAFT


@pytest.fixture
def a_save_lands_before_the_lock(monkeypatch):
    """Another editor's save commits just before the workflow service takes the leaflet's lock."""
    from education.services import workflow

    real_lock = workflow.lock_version

    def lock_after_a_save(version):
        LeafletVersion.objects.filter(pk=version.pk).update(revision=version.revision + 1, title="Saved meanwhile")
        return real_lock(version)

    monkeypatch.setattr(workflow, "lock_version", lock_after_a_save)


@pytest.mark.parametrize("seen", [None, "", "not-a-number", "99999999999999999999999"])
def test_a_post_on_a_draft_without_a_readable_edit_count_does_nothing(client, draft, editor, seen):
    client.force_login(editor)
    for action, extra in (("submit", {}), ("discard", {"confirm": "yes"})):
        data = {**extra, **({} if seen is None else {"seen_revision": seen})}
        response = client.post(workflow_url(draft, action), data, follow=True)
        assert response.status_code == 200 and "Nothing was done" in page(response)
        assert reload(draft).status == Status.DRAFT


@pytest.mark.parametrize(("action", "extra"), [("submit", {}), ("discard", {"confirm": "yes"})])
def test_a_save_landing_between_the_pages_check_and_the_action_is_caught_under_the_lock(
    client, draft, editor, a_save_lands_before_the_lock, action, extra
):
    """The view's own check passes; another editor's save commits just before the service takes its lock."""
    client.force_login(editor)
    response = client.post(workflow_url(draft, action), {"seen_revision": reload(draft).revision, **extra}, follow=True)
    assert "Someone saved this draft after you opened it" in page(response)
    assert reload(draft).status == Status.DRAFT


def test_save_then_submit_submits_only_the_text_this_user_saved(client, draft, editor, a_save_lands_before_the_lock):
    client.force_login(editor)
    data = version_form_data(draft, title="My own title", change_note="Clearer wording.")
    response = client.post(change_url(draft), {**data, "_submit_for_review": "1"}, follow=True)
    assert "Your edits are saved, but not sent on" in page(response)
    assert reload(draft).status == Status.DRAFT


def test_the_draft_page_loads_the_unsaved_changes_script_and_its_words(client, draft, editor):
    client.force_login(editor)
    text = page(client.get(change_url(draft)))
    assert "js/editor.js" in text and 'id="editor-support"' in text
    assert "<script>" not in text  # no inline script: the CSP allows none
    assert 'form="leafletversion_form" name="_submit_for_review"' in text


# --- preview of the text on screen ----------------------------------------------------------------------


def test_preview_shows_the_posted_text_and_signs_and_stores_nothing(client, draft, editor):
    client.force_login(editor)
    before = reload(draft)
    data = version_form_data(
        draft,
        title="Unsaved title",
        body="<p>Unsaved body <script>x()</script></p>",
        new_signs=[("emergency", "You cannot breathe.")],
    )
    response = client.post(preview_url(draft), data)
    text = page(response)
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert "Unsaved title" in text and "Unsaved body" in text and "You cannot breathe." in text
    assert "x()" not in text
    after = reload(draft)
    assert (after.title, after.body, after.revision) == (before.title, before.body, before.revision)


def test_preview_post_is_refused_for_a_version_that_is_not_a_draft(client, published, approver):
    client.force_login(approver)
    assert client.post(preview_url(published), {"title": "Forged"}).status_code == 403


def test_preview_post_with_nonsense_counts_is_not_an_error(client, draft, editor):
    client.force_login(editor)
    for total in ("abc", "-5", "99999999999999999999"):
        response = client.post(preview_url(draft), {"title": "T", "help_signs-TOTAL_FORMS": total})
        assert response.status_code == 200


# --- links and what the sanitiser removes ----------------------------------------------------------------


def test_saving_lists_what_the_sanitiser_removed_and_keeps_www_links(client, draft, editor):
    client.force_login(editor)
    body = (
        '<p>See <a href="www.nhs.uk/conditions/milia">the NHS page</a> and '
        '<a href="javascript:alert(1)">this</a>.<img src="https://x.example/a.png"></p>'
    )
    response = client.post(change_url(draft), version_form_data(draft, body=body), follow=True)
    text = page(response)
    assert "removed: a link to &#x27;javascript:alert(1)&#x27;; an image" in text.replace("removed:", "removed:")
    version = reload(draft)
    assert '<a href="https://www.nhs.uk/conditions/milia">the NHS page</a>' in version.body
    assert "javascript" not in version.body


def test_saving_a_clean_body_lists_nothing_removed(client, draft, editor):
    client.force_login(editor)
    response = client.post(change_url(draft), version_form_data(draft, body="<p>Plain.</p>"), follow=True)
    assert "could not be kept" not in page(response)


# --- change note --------------------------------------------------------------------------------------


def test_the_change_note_prompt_is_never_shown_as_text_nor_saved_from_the_form(client, leaflet, editor):
    draft = services.version_create_draft(leaflet=leaflet, user=editor)
    client.force_login(editor)
    text = page(client.get(change_url(draft)))
    assert 'placeholder="Describe what you changed and why."' in text
    assert f'value="{services.CHANGE_NOTE_PROMPT}"' not in text
    client.post(change_url(draft), version_form_data(draft, change_note=""))
    # Left empty: still "not written", so submitting asks for one (the database needs some text).
    with pytest.raises(services.WorkflowError, match="change note"):
        services.version_submit(version=reload(draft), user=editor)
    client.post(change_url(draft), version_form_data(draft, change_note="  New   leaflet. "))
    assert reload(draft).change_note == "New leaflet."


def test_an_empty_change_note_over_a_written_one_is_refused_in_plain_words(client, draft, editor):
    client.force_login(editor)
    response = client.post(change_url(draft), version_form_data(draft, change_note=""))
    assert response.status_code == 200
    assert "Say what changed in this version and why" in page(response)


# --- new leaflet in one step ----------------------------------------------------------------------------


def test_a_new_leaflet_opens_its_first_draft_at_once(client, editor):
    client.force_login(editor)
    form = page(client.get(ADD_URL))
    # The address is filled in from the name as it is typed (Django's prepopulate script, no inline code).
    assert "data-prepopulated-fields=" in form and "&quot;dependency_ids&quot;: [&quot;#id_name&quot;]" in form
    response = client.post(ADD_URL, new_leaflet(language="fr"))
    leaflet = Leaflet.objects.get(slug="head-lice")
    draft = leaflet.versions.get()
    assert response.status_code == 302 and response["Location"] == change_url(draft)
    assert (draft.language, draft.status, draft.change_note) == ("fr", Status.DRAFT, "First version of this leaflet.")


@pytest.mark.parametrize("slug", ["Head Lice", "tête", "head--lice", "-head", "head_lice", "a b"])
def test_a_bad_address_is_explained_in_plain_words(client, editor, slug):
    client.force_login(editor)
    response = client.post(ADD_URL, new_leaflet(slug=slug))
    text = page(response)
    assert response.status_code == 200
    assert "The address can only use lower-case letters" in text
    assert "“slug”" not in text and "&#x27;slug&#x27;" not in text
    assert not Leaflet.objects.exists()


def test_an_address_already_taken_is_explained(client, editor, leaflet):
    client.force_login(editor)
    response = client.post(ADD_URL, new_leaflet(slug=leaflet.slug))
    assert response.status_code == 200
    assert "Another leaflet already has this address" in page(response)


def test_an_unknown_language_for_the_first_draft_is_refused_on_its_field(client, editor):
    client.force_login(editor)
    response = client.post(ADD_URL, new_leaflet(language="xx"))
    assert response.status_code == 200 and not Leaflet.objects.exists()


def test_the_new_draft_button_says_first_draft_when_there_is_no_version(client, editor):
    leaflet = factories.make_leaflet(user=editor)
    client.force_login(editor)
    url = reverse("admin:education_leaflet_change", args=[leaflet.pk])
    text = page(client.get(url))
    assert "Start the first draft" in text and "Copies the latest version" not in text
    factories.make_draft(leaflet=leaflet, author=editor)
    assert "Start a new draft" in page(client.get(url))


# --- writing help ---------------------------------------------------------------------------------------


def test_the_body_editor_spell_checks_in_the_versions_language(client, leaflet, editor):
    french = services.version_create_draft(leaflet=leaflet, user=editor, language="fr")
    client.force_login(editor)
    text = page(client.get(change_url(french)))
    assert 'spellcheck="true" lang="fr" id="id_body"' in text


def test_the_reading_score_of_the_text_on_screen_with_the_hardest_sentences(client, draft, editor):
    client.force_login(editor)
    long_sentence = "Patients experiencing considerable inflammation should immediately contact their dermatologist."
    data = version_form_data(draft, body=f"<p>Wash your face. {long_sentence} Keep it dry.</p>")
    response = client.post(readability_url(draft), data)
    result = json.loads(response.content)
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert "Flesch-Kincaid grade" in result["verdict"]
    assert result["hardest"][0]["sentence"] == long_sentence


def test_the_reading_score_endpoint_is_for_editors_and_posts_only(client, draft, editor, approver):
    client.force_login(editor)
    assert client.get(readability_url(draft)).status_code == 405
    assert client.post(readability_url(draft), {"help_signs-TOTAL_FORMS": "zz"}).status_code == 200
    client.logout()
    assert client.post(readability_url(draft), {}).status_code == 302  # to the login page
    reader = factories.make_user("reader")
    client.force_login(reader)
    assert client.post(readability_url(draft), {}).status_code == 403


def test_the_saved_drafts_hardest_sentences_are_on_the_page_without_the_script(client, draft, editor):
    long_sentence = "Patients experiencing considerable inflammation should immediately contact their dermatologist."
    factories.edit(draft, user=editor, body=f"<p>{long_sentence}</p>")
    client.force_login(editor)
    text = page(client.get(change_url(draft)))
    assert "Hardest sentences to read" in text and long_sentence in text


# --- actions shown disabled with the reason ---------------------------------------------------------------


def test_an_editor_sees_withdraw_disabled_with_the_reason_on_the_leaflet_page(client, published, editor):
    client.force_login(editor)
    text = page(client.get(reverse("admin:education_leaflet_change", args=[published.leaflet_id])))
    assert "Only clinical approvers can withdraw a leaflet from patients." in text
    assert reverse("admin:education_leaflet_retire", args=[published.leaflet_id]) not in text


def test_an_editor_sees_approve_and_withdraw_disabled_with_the_reason_on_versions(client, in_review, editor):
    client.force_login(editor)
    text = page(client.get(change_url(in_review)))
    assert "Only clinical approvers can approve and publish a version." in text
    assert "Only clinical approvers can send a version back." in text


def test_unavailable_actions_name_the_reason_for_each_role(draft, in_review, editor, approver):
    assert services.unavailable_actions(version=draft, user=editor) == []
    reasons = dict(services.unavailable_actions(version=reload(in_review), user=approver))
    assert reasons == {}
    author_reasons = dict(services.unavailable_actions(version=reload(in_review), user=editor))
    assert set(author_reasons) == {"approve", "send_back"}
