"""The staff side through the admin: who may do what, the writing and sign-off flows, and bad input.

Every test drives the real admin URLs with the test client and then checks the database, so a page that
looks right but changed nothing (or changed something it should not) fails.
"""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from education import selectors, services
from education.admin import LeafletAdmin
from education.models import Leaflet, LeafletVersion, ShareLink
from tests import factories

Status = LeafletVersion.Status
LOGIN_URL = "/admin/login/"


# --- helpers ----------------------------------------------------------------------------------------------


def change_url(version: LeafletVersion) -> str:
    return reverse("admin:education_leafletversion_change", args=[version.pk])


def workflow_url(version: LeafletVersion, action: str) -> str:
    return reverse("admin:education_leafletversion_workflow", args=[version.pk, action])


def new_draft_url(leaflet: Leaflet) -> str:
    return reverse("admin:education_leaflet_new_draft", args=[leaflet.pk])


def compare_url(version: LeafletVersion, against: str | int | None = None) -> str:
    url = reverse("admin:education_leafletversion_compare", args=[version.pk])
    return url if against is None else f"{url}?against={against}"


def reload(version: LeafletVersion) -> LeafletVersion:
    return LeafletVersion.objects.get(pk=version.pk)


def page(response) -> str:
    return response.content.decode()


def version_form_data(version: LeafletVersion, *, new_signs=(), **changes) -> dict:
    """POST data for the version change form, named as the admin renders it: the model fields, the hidden
    `seen_revision`, and the `help_signs` inline formset (existing signs kept, `new_signs` added as rows)."""
    version = reload(version)
    existing = list(version.help_signs.all())
    data = {
        "title": version.title,
        "summary": version.summary or "A short summary for the patient.",
        "body": version.body or factories.BODY,
        "references": version.references,
        "change_note": "Edited in the admin.",
        "seen_revision": version.revision,
        "help_signs-TOTAL_FORMS": len(existing) + len(new_signs),
        "help_signs-INITIAL_FORMS": len(existing),
        "help_signs-MIN_NUM_FORMS": 0,
        "help_signs-MAX_NUM_FORMS": services.MAX_HELP_SIGNS,
    }
    rows = [(sign.pk, sign.urgency, sign.text) for sign in existing] + [("", u, t) for u, t in new_signs]
    for i, (pk, urgency, text) in enumerate(rows):
        data |= {
            f"help_signs-{i}-id": pk,
            f"help_signs-{i}-version": version.pk,
            f"help_signs-{i}-urgency": urgency,
            f"help_signs-{i}-text": text,
        }
    return data | changes


def assert_login_redirect(response) -> None:
    assert response.status_code == 302
    assert response["Location"].startswith(f"{LOGIN_URL}?next=")


# --- 1. the role x action permission grid -----------------------------------------------------------------


@dataclass
class Attempt:
    method: str
    url: str
    data: dict
    took_effect: Callable[[], bool]


def build_attempt(action: str, *, actor, author, signer) -> Attempt:
    """Create what `action` needs; say how to try it and how to tell from the database whether it happened.

    `author` (an editor) writes every version except "approve own", which `actor` writes itself;
    `signer` (another approver) publishes the versions that must already be published."""
    if action == "add":
        leaflet = factories.make_leaflet(user=author)  # no version yet, so nothing is open
        return Attempt("post", new_draft_url(leaflet), {"language": "en"}, lambda: leaflet.versions.exists())
    if action == "approve own":
        version = factories.make_in_review(author=actor or author)
    elif action == "approve other":
        version = factories.make_in_review(author=author)
    elif action in {"edit published", "retire"}:
        version = factories.make_published(author=author, approver=signer)
    else:
        version = factories.make_draft(author=author, title="Original title")
    if action == "view":
        return Attempt("get", change_url(version), {}, lambda: reload(version).status != Status.DRAFT)
    status_becomes = {
        "submit": Status.IN_REVIEW,
        "approve own": Status.PUBLISHED,
        "approve other": Status.PUBLISHED,
        "retire": Status.RETIRED,
    }
    if action in status_becomes:
        url = workflow_url(version, action.split()[0])
        data = {"comment": "Withdrawn: the guidance changed."} if action == "retire" else {}
        return Attempt("post", url, data, lambda: reload(version).status == status_becomes[action])
    if action in {"edit draft", "edit published"}:
        return Attempt(
            "post", change_url(version), version_form_data(version, title="Changed title"),
            lambda: reload(version).title == "Changed title",
        )  # fmt: skip
    delete_url = reverse("admin:education_leafletversion_delete", args=[version.pk])
    method, data = ("get", {}) if action == "delete (GET)" else ("post", {"post": "yes"})
    return Attempt(method, delete_url, data, lambda: not LeafletVersion.objects.filter(pk=version.pk).exists())


ROLES = ("anonymous", "editor", "approver", "superuser")
LOGIN = (302, False)  # redirected to the login page, nothing changed
SHOWN = (200, False)
DONE = (302, True)  # redirected after success, the change is in the database
DENIED = (403, False)
REFUSED = (302, False)  # sent back to the page with an error message, nothing changed
GRID = {
    #                  anonymous  editor  approver  superuser
    "view":           (LOGIN,     SHOWN,  SHOWN,    SHOWN),
    "add":            (LOGIN,     DONE,   DONE,     DONE),
    "edit draft":     (LOGIN,     DONE,   DONE,     DONE),
    "edit published": (LOGIN,     REFUSED, REFUSED, REFUSED),  # read-only page; a forged POST is refused
    "submit":         (LOGIN,     DONE,   DONE,     DONE),
    "approve own":    (LOGIN,     DENIED, DENIED,   DENIED),  # superusers too: the four-eyes rule
    "approve other":  (LOGIN,     DENIED, DONE,     DONE),
    "retire":         (LOGIN,     DENIED, DONE,     DONE),
    "delete (GET)":   (LOGIN,     DENIED, DENIED,   DENIED),  # versions are never deleted
    "delete (POST)":  (LOGIN,     DENIED, DENIED,   DENIED),
}  # fmt: skip


@pytest.mark.parametrize(
    ("action", "role", "expected"),
    [
        pytest.param(
            action,
            role,
            cell,
            id=f"{action}-{role}",
        )
        for action, cells in GRID.items()
        for role, cell in zip(ROLES, cells, strict=True)
    ],
)
def test_each_role_may_do_exactly_what_its_permissions_allow(
    client, action, role, expected, editor, approver, other_approver, superuser
):
    """One cell of the grid: the exact HTTP status, and whether the action reached the database."""
    actors = {"anonymous": None, "editor": factories.make_editor("edna"), "approver": approver, "superuser": superuser}
    actor = actors[role]
    attempt = build_attempt(action, actor=actor, author=editor, signer=other_approver)
    if actor is not None:
        client.force_login(actor)

    response = getattr(client, attempt.method)(attempt.url, attempt.data)

    expected_status, expected_effect = expected
    assert response.status_code == expected_status
    if role == "anonymous":
        assert_login_redirect(response)
    elif expected_status == 302:
        assert not response["Location"].startswith(LOGIN_URL)
    assert attempt.took_effect() is expected_effect


# --- 2. flows through the admin ---------------------------------------------------------------------------


def test_editor_writes_and_submits_then_approver_publishes_to_the_patient_page(client, editor, approver):
    """The whole journey: create a leaflet, start a draft, edit it, submit; another clinician approves."""
    client.force_login(editor)
    assert client.get(reverse("admin:education_leaflet_add")).status_code == 200
    response = client.post(
        reverse("admin:education_leaflet_add"),
        {"name": "Head lice", "slug": "head-lice", "topic": "Children", "tags": "hair, school",
         "review_interval_months": 12, "owner": ""},
    )  # fmt: skip
    assert response.status_code == 302
    leaflet = Leaflet.objects.get(slug="head-lice")
    assert (leaflet.name, leaflet.review_interval_months, leaflet.owner) == ("Head lice", 12, editor)

    response = client.post(new_draft_url(leaflet), {"language": "en"})
    version = leaflet.versions.get()
    assert response.status_code == 302
    assert response["Location"] == change_url(version)
    assert (version.number, version.status) == (1, Status.DRAFT)

    form_page = page(client.get(change_url(version)))
    for name in ("title", "summary", "body", "change_note", "seen_revision", "help_signs-TOTAL_FORMS",
                 "help_signs-INITIAL_FORMS", "help_signs-0-urgency", "help_signs-0-text"):  # fmt: skip
        assert f'name="{name}"' in form_page
    data = version_form_data(
        version,
        title="Head lice: what to do",
        summary="How to find and treat head lice at home.",
        body="<h2>Checking</h2><p>Comb wet hair with a fine comb.</p>",
        change_note="First version.",
        new_signs=[("routine", "Lice are still there after two treatments."), ("urgent", "The scalp is red and hot.")],
    )
    response = client.post(change_url(version), data)
    assert response.status_code == 302
    version = reload(version)
    assert version.title == "Head lice: what to do"
    assert version.body == "<h2>Checking</h2><p>Comb wet hair with a fine comb.</p>"
    assert [(s.urgency, s.text) for s in version.help_signs.all()] == [
        ("routine", "Lice are still there after two treatments."),
        ("urgent", "The scalp is red and hot."),
    ]
    assert "Submit for clinical review" in page(client.get(change_url(version)))

    assert client.post(workflow_url(version, "submit"), {"comment": ""}).status_code == 302
    assert reload(version).status == Status.IN_REVIEW
    assert client.get("/leaflets/head-lice/").status_code == 404  # not public until approved

    client.force_login(approver)
    assert "Approve and publish" in page(client.get(change_url(version)))
    response = client.post(workflow_url(version, "approve"), {"comment": "Checked against national guidance."})
    assert response.status_code == 302
    version = reload(version)
    assert (version.status, version.approved_by) == (Status.PUBLISHED, approver)

    response = client.get("/leaflets/head-lice/")
    assert response.status_code == 200
    assert "Head lice: what to do" in page(response)
    assert "The scalp is red and hot." in page(response)


def test_history_page_lists_each_event_with_who_did_it_and_the_comment(client, in_review, approver):
    client.force_login(approver)
    client.post(workflow_url(in_review, "approve"), {"comment": "Accurate and clear; approved."})

    response = client.get(reverse("admin:education_leafletversion_history", args=[in_review.pk]))

    assert response.status_code == 200
    html = page(response)
    rows = re.findall(r"<tr><th scope=\"row\">.*?</tr>", html, flags=re.S)
    assert [re.search(r"<td>(Draft created|Draft edited|Submitted for review|Approved and published)</td>", row)[1]
            for row in rows] == ["Draft created", "Draft edited", "Submitted for review", "Approved and published"]  # fmt: skip
    assert "<td>eddie</td>" in rows[0] and "<td>claire</td>" in rows[-1]
    assert "Accurate and clear; approved." in rows[-1]


def test_a_leaflets_history_page_lists_the_events_of_all_its_versions(client, published, editor):
    second = services.version_create_draft(leaflet=published.leaflet, user=editor, based_on=published)
    client.force_login(editor)

    response = client.get(reverse("admin:education_leaflet_history", args=[published.leaflet_id]))

    assert response.status_code == 200
    assert response.context["title"] == f"History: {published.leaflet}"
    assert [event.version for event in response.context["events"]][-1] == second
    assert "Approved and published" in page(response) and "<td>v2 (en)</td>" in page(response)
    assert client.get(reverse("admin:education_leaflet_history", args=[999999])).status_code == 404


def test_send_back_needs_a_comment_and_records_it(client, in_review, approver):
    client.force_login(approver)

    response = client.post(workflow_url(in_review, "send_back"), {"comment": "  "}, follow=True)
    assert "Say what needs to change when you send a version back." in page(response)
    assert reload(in_review).status == Status.IN_REVIEW

    client.post(workflow_url(in_review, "send_back"), {"comment": "Add a sign about fever."})
    assert reload(in_review).status == Status.DRAFT
    history = page(client.get(reverse("admin:education_leafletversion_history", args=[in_review.pk])))
    assert "Sent back to draft" in history and "Add a sign about fever." in history


def test_the_authors_see_why_their_draft_was_sent_back_on_the_draft_itself(client, in_review, approver, editor):
    client.force_login(approver)
    client.post(workflow_url(in_review, "send_back"), {"comment": "Add a sign about fever."})
    client.force_login(editor)
    text = page(client.get(change_url(in_review)))
    assert "Sent back by" in text and "Add a sign about fever." in text


def test_a_note_for_the_reviewer_goes_with_the_submission(client, draft, editor):
    factories.edit(draft, user=editor, change_note="Clearer wording.")
    client.force_login(editor)
    text = page(client.get(change_url(draft)))
    assert "Note for the reviewer (optional)" in text and "sends the saved draft, not the form below" in text
    client.post(workflow_url(draft, "submit"), {"comment": "Please check the new fever sign."})
    assert reload(draft).status == Status.IN_REVIEW
    assert draft.events.get(action="submitted").comment == "Please check the new fever sign."


def test_only_public_versions_link_to_the_patient_page(client, draft, published, editor):
    client.force_login(editor)
    assert "View on site" not in page(client.get(change_url(draft)))
    published_page = page(client.get(change_url(published)))
    assert "View on site" not in published_page and f'href="{published.get_absolute_url()}"' in published_page


def test_discarding_needs_the_box_ticked(client, draft, editor):
    client.force_login(editor)
    response = client.post(workflow_url(draft, "discard"), {"comment": ""}, follow=True)
    assert "Not discarded: tick the box" in page(response)
    assert reload(draft).status == Status.DRAFT
    client.post(workflow_url(draft, "discard"), {"comment": "", "confirm": "yes"})
    assert reload(draft).status == Status.DISCARDED


# --- 3. bad input: a clear message, nothing changed, never a 500 ------------------------------------------


def test_stale_form_is_refused_and_keeps_the_other_edit(client, draft, editor):
    """Open the form, someone else saves the draft, then the old form is posted: nothing is overwritten."""
    client.force_login(editor)
    opened = client.get(change_url(draft))
    seen = opened.context["adminform"].form["seen_revision"].value()
    stale_data = version_form_data(draft, title="My stale title")
    assert stale_data["seen_revision"] == seen

    other = factories.make_editor("olive")
    factories.edit(draft, user=other, title="The other person's title")
    revision = reload(draft).revision

    response = client.post(change_url(draft), stale_data)

    assert response.status_code == 200
    assert "Someone saved this draft after you opened it" in page(response)
    assert "Your changes are NOT saved" in page(response)
    assert (reload(draft).title, reload(draft).revision) == ("The other person's title", revision)
    # The conflict shows what changed: the saved title against the one this user sent, word by word,
    # and the user's text is still in the form.
    conflict = [line for line in response.context["conflict_lines"] if line.section == "Title"]
    assert len(conflict) == 1 and conflict[0].change == "changed"
    assert "other" in conflict[0].old_html and "stale" in conflict[0].new_html
    assert "someone else saved this draft while you were editing" in page(response)
    assert 'value="My stale title"' in page(response)


def test_approver_cannot_approve_their_own_version(client, approver):
    version = factories.make_in_review(author=approver)
    client.force_login(approver)

    html = page(client.get(change_url(version)))
    assert "You wrote or edited this version, so another clinician must approve it." in html
    assert "Approve and publish" not in html
    assert client.post(workflow_url(version, "approve"), {"comment": ""}).status_code == 403
    assert reload(version).status == Status.IN_REVIEW


def test_approver_cannot_approve_a_version_they_edited(client, draft, editor, approver):
    factories.edit(draft, user=approver, summary="The approver improved the summary.")
    version = services.version_submit(version=draft, user=editor)
    client.force_login(approver)

    assert "Approve and publish" not in page(client.get(change_url(version)))
    assert client.post(workflow_url(version, "approve"), {"comment": ""}).status_code == 403
    assert reload(version).status == Status.IN_REVIEW
    assert reload(version).approved_by is None


def test_second_draft_while_one_is_open_is_refused_with_a_message(client, draft, editor):
    client.force_login(editor)

    response = client.post(new_draft_url(draft.leaflet), {"language": "en"}, follow=True)

    assert response.status_code == 200
    assert "Version 1 is still open (Draft). Finish or discard it before starting another draft." in page(response)
    assert draft.leaflet.versions.count() == 1


def test_new_draft_in_an_unknown_language_is_refused_with_a_message(client, leaflet, editor):
    client.force_login(editor)
    response = client.post(new_draft_url(leaflet), {"language": "xx"}, follow=True)
    assert "Choose a language for the new draft." in page(response)
    assert not leaflet.versions.exists()


def test_published_version_is_read_only_and_a_forged_edit_is_refused(client, published, editor):
    client.force_login(editor)

    html = page(client.get(change_url(published)))
    assert "It can no longer be changed: start a new draft to update it." in html
    for editable in ('name="title"', 'name="body"', 'name="seen_revision"', 'name="help_signs-0-text"'):
        assert editable not in html
    response = client.post(change_url(published), version_form_data(published, title="Quietly changed"), follow=True)

    assert "Not saved: this version is now Published" in page(response)
    published_now = reload(published)
    assert (published_now.title, published_now.content_hash) == (published.title, published.content_hash)


def test_oversized_body_is_refused_with_the_limit_in_the_message(client, draft, editor, settings):
    settings.LEAFLET_MAX_BODY_CHARS = 200
    client.force_login(editor)
    before = reload(draft)

    response = client.post(change_url(draft), version_form_data(draft, body="<p>" + "word " * 100 + "</p>"))

    assert response.status_code == 200
    assert "The body is too long" in page(response) and "the limit is 200" in page(response)
    assert (reload(draft).body, reload(draft).revision) == (before.body, before.revision)


def test_body_html_saved_through_the_admin_keeps_only_allowed_tags_attributes_and_link_schemes(client, draft, editor):
    client.force_login(editor)
    dirty = (
        '<h2>Care</h2><p onclick="steal()" style="color:red">Wash <strong>gently</strong>.</p>'
        "<script>alert('x')</script>"
        '<p><img src="http://evil.example/pixel.png"> <a href="javascript:alert(1)">Click</a> '
        '<a href="https://www.nhs.uk/" target="_blank">NHS</a> <a href="mailto:clinic@example.org">Email</a> '
        '<a href="tel:+441234567890">Call</a> <a href="http://insecure.example/">Old site</a></p>'
    )

    assert client.post(change_url(draft), version_form_data(draft, body=dirty)).status_code == 302

    body = reload(draft).body
    for forbidden in ("<script", "alert", "onclick", "style=", "<img", "evil.example", "javascript:", "http:",
                      "target="):  # fmt: skip
        assert forbidden not in body
    for kept in ("<h2>Care</h2>", "<strong>gently</strong>", '<a href="https://www.nhs.uk/">NHS</a>',
                 '<a href="mailto:clinic@example.org">Email</a>', '<a href="tel:+441234567890">Call</a>'):  # fmt: skip
        assert kept in body
    tags = set(re.findall(r"<\s*([a-zA-Z0-9]+)", body))
    assert tags <= {"h2", "h3", "p", "br", "strong", "em", "ul", "ol", "li", "a"}


def test_unknown_workflow_action_is_not_found(client, draft, editor):
    client.force_login(editor)
    assert client.post(workflow_url(draft, "publish-now"), {"comment": ""}).status_code == 404
    assert reload(draft).status == Status.DRAFT


def test_workflow_urls_refuse_get(client, draft, editor):
    client.force_login(editor)
    response = client.get(workflow_url(draft, "submit"))
    assert response.status_code == 405
    assert reload(draft).status == Status.DRAFT


def test_workflow_comment_over_2000_characters_is_refused_with_a_message(client, in_review, approver):
    client.force_login(approver)
    response = client.post(workflow_url(in_review, "send_back"), {"comment": "x" * 2001}, follow=True)
    assert "The comment is too long (2000 characters at most)." in page(response)
    assert reload(in_review).status == Status.IN_REVIEW


@pytest.mark.parametrize(
    "against",
    [
        "abc",
        "-1",
        "1.5",
        "99999999999999999999999",  # beyond any database integer
        "\u00b2",  # superscript two: str.isdigit() says True, int() would raise ValueError
    ],
)
def test_compare_with_a_malformed_version_id_is_not_found(client, draft, editor, against):
    client.force_login(editor)
    assert client.get(compare_url(draft, against)).status_code == 404


def test_compare_with_a_version_of_another_leaflet_is_not_found(client, draft, editor):
    stranger = factories.make_draft(author=editor, title="Another leaflet")
    client.force_login(editor)
    assert client.get(compare_url(draft, stranger.pk)).status_code == 404


# --- 4. the compare view ----------------------------------------------------------------------------------

V1_BODY = (
    "<h2>What is milia?</h2><p>Milia are small white bumps on the skin.</p>"
    '<p>Read more on <a href="https://www.nhs.uk/conditions/milia/">the NHS website</a>.</p>'
)
V2_BODY = (
    "<h2>What are milia?</h2><p>Milia are tiny white bumps on the skin.</p>"
    '<p>Read more on <a href="https://www.nhs.uk/conditions/milia-spots/">the NHS website</a>.</p>'
)


def hidden(label: str, words: str) -> str:
    return f'<span class="visually-hidden">[{label}: </span>{words}<span class="visually-hidden">]</span>'


def test_compare_shows_changed_words_heading_and_link_as_text_not_colour_only(client, editor, approver):
    v1 = factories.make_published(author=editor, approver=approver, title="Milia", body=V1_BODY)
    v2 = services.version_create_draft(leaflet=v1.leaflet, user=editor, based_on=v1)
    v2 = factories.edit(v2, user=editor, body=V2_BODY)
    client.force_login(editor)
    assert "Compare with v1" in page(client.get(change_url(v2)))

    response = client.get(compare_url(v2))  # default: the draft against the published version

    assert response.status_code == 200
    assert (response.context["old"], response.context["new"]) == (v1, v2)
    html = page(response)
    assert "Changes from v1 (left) to v2 (right)" in html
    assert f"<del>{hidden('removed', 'small')}</del>" in html
    assert f"<ins>{hidden('added', 'tiny')}</ins>" in html
    changed_rows = re.findall(r'<tr class="changed">(.*?)</tr>', html, flags=re.S)
    heading_row = next(row for row in changed_rows if "Body · heading" in row)
    assert f"<del>{hidden('removed', 'is')}</del>" in heading_row
    assert f"<ins>{hidden('added', 'are')}</ins>" in heading_row
    link_row = next(row for row in changed_rows if "milia-spots" in row)
    assert "[added: </span>[https://www.nhs.uk/conditions/milia-spots/]" in link_row
    assert "[removed: </span>[https://www.nhs.uk/conditions/milia/]" in link_row
    assert '<tr class="same">' not in html  # by default only changes are listed, with a count of the rest
    assert "unchanged parts are hidden" in html
    whole = page(client.get(compare_url(v2, v1.pk) + "&whole=1"))
    assert '<tr class="same">' in whole  # on request, the whole text for context


def test_compare_against_an_explicit_earlier_version(client, editor, approver):
    v1 = factories.make_published(author=editor, approver=approver, title="Milia", body=V1_BODY)
    v2 = services.version_create_draft(leaflet=v1.leaflet, user=editor, based_on=v1)
    client.force_login(approver)

    response = client.get(compare_url(v1, v2.pk))

    assert response.status_code == 200
    assert (response.context["old"], response.context["new"]) == (v1, v2)
    assert "[added: " not in page(response) and "[removed: " not in page(response)  # v2 copies v1 unchanged


# --- 5. the preview page ----------------------------------------------------------------------------------


def test_preview_is_for_staff_only(client, draft):
    response = client.get(reverse("admin:education_leafletversion_preview", args=[draft.pk]))
    assert_login_redirect(response)


def test_preview_of_a_draft_is_marked_and_never_cached(client, draft, editor):
    client.force_login(editor)

    response = client.get(reverse("admin:education_leafletversion_preview", args=[draft.pk]))

    assert response.status_code == 200
    assert "DRAFT - not for patients" in page(response)
    assert "Milia: small white bumps" in page(response)
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_preview_of_a_published_version_is_not_marked_draft(client, published, editor):
    client.force_login(editor)
    response = client.get(reverse("admin:education_leafletversion_preview", args=[published.pk]))
    assert response.status_code == 200
    assert "DRAFT - not for patients" not in page(response)


# --- 6. review dates on the leaflet list ------------------------------------------------------------------


def changelist_names(client, query: str = "") -> set[str]:
    response = client.get(reverse("admin:education_leaflet_changelist") + query)
    assert response.status_code == 200
    return {leaflet.name for leaflet in response.context["cl"].result_list}


def test_changelist_marks_an_overdue_review(client, editor, approver, monkeypatch):
    three_years_ago = timezone.now() - datetime.timedelta(days=3 * 365)
    with monkeypatch.context() as patch:  # publish "in the past": the row cannot be updated afterwards
        patch.setattr(timezone, "now", lambda: three_years_ago)
        old_leaflet = factories.make_leaflet(user=editor, name="Old leaflet")
        old = factories.make_published(author=editor, approver=approver, leaflet=old_leaflet)
    assert old.review_due < timezone.localdate()
    factories.make_published(
        author=editor, approver=approver, leaflet=factories.make_leaflet(user=editor, name="Fresh")
    )
    client.force_login(editor)

    html = page(client.get(reverse("admin:education_leaflet_changelist")))

    assert f'<strong class="overdue">OVERDUE since {date_format(old.review_due, "j M Y")}</strong>' in html
    assert changelist_names(client, "?review=overdue") == {"Old leaflet"}


def test_review_due_filter_and_display_with_a_chosen_today(published):
    due = published.review_due
    overdue = selectors.leaflets_for_admin().filter(selectors.review_due_filter("overdue", today=due))
    assert not overdue.exists()
    overdue = selectors.leaflets_for_admin().filter(
        selectors.review_due_filter("overdue", today=due + datetime.timedelta(days=1))
    )
    assert list(overdue) == [published.leaflet]

    model_admin = LeafletAdmin(Leaflet, admin.site)
    annotated = selectors.leaflets_for_admin().get(pk=published.leaflet_id)
    assert model_admin.review_due(annotated) == due.isoformat()
    annotated.published_review_due = timezone.localdate() - datetime.timedelta(days=1)
    assert "OVERDUE since" in model_admin.review_due(annotated)
    annotated.published_review_due = None
    assert model_admin.review_due(annotated) == "–"


def test_changelist_filter_due_within_90_days(client, editor, approver):
    soon = factories.make_leaflet(user=editor, name="Soon leaflet", review_interval_months=2)
    later = factories.make_leaflet(user=editor, name="Later leaflet", review_interval_months=24)
    factories.make_leaflet(user=editor, name="Unpublished leaflet", review_interval_months=2)
    for leaflet in (soon, later):
        factories.make_published(author=editor, approver=approver, leaflet=leaflet)
    client.force_login(editor)

    assert changelist_names(client, "?review=soon") == {"Soon leaflet"}
    assert changelist_names(client, "?review=overdue") == set()
    assert changelist_names(client) == {"Soon leaflet", "Later leaflet", "Unpublished leaflet"}


# --- 7. readability ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("fixture", ["draft", "published"])
def test_version_page_shows_the_readability_grade(client, editor, fixture, request):
    version = request.getfixturevalue(fixture)
    client.force_login(editor)
    html = page(client.get(change_url(version)))
    assert "Flesch-Kincaid grade" in html
    assert "target 8 or lower" in html


def test_readability_asks_for_more_text_when_there_is_too_little(client, leaflet, editor):
    version = services.version_create_draft(leaflet=leaflet, user=editor)
    client.force_login(editor)
    assert "Not enough text to measure yet." in page(client.get(change_url(version)))


def test_share_links_list_says_how_each_was_shared_and_whether_it_still_works(client, published, approver):
    import datetime

    from django.utils import timezone

    from clinic.models import Clinic

    clinic = Clinic.objects.create(name="Riverside", slug="riverside")
    working, _token = services.share_link_create(version=published, clinic=clinic, user=approver, expires_at=None)
    services.handout_record(versions=[published], channel="qr", clinic=clinic, user=approver, share_link=working)
    revoked, _token = services.share_link_create(version=published, clinic=clinic, user=approver, expires_at=None)
    services.share_link_revoke(link=revoked, user=approver)
    expired, _token = services.share_link_create(
        version=published, clinic=clinic, user=approver, expires_at=timezone.now() + datetime.timedelta(days=1)
    )
    ShareLink.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - datetime.timedelta(days=1))
    client.force_login(factories.make_user("root", superuser=True))
    listing = page(client.get("/admin/education/sharelink/"))
    assert "QR code" in listing and "Works (no expiry)" in listing
    assert "Revoked " in listing and "Expired " in listing
    working_only = page(client.get("/admin/education/sharelink/?status=working"))
    assert "Works (no expiry)" in working_only and "Revoked " not in working_only and "Expired " not in working_only
    assert "Revoked " in page(client.get("/admin/education/sharelink/?status=revoked"))


def test_the_audit_trail_names_status_changes_in_words(client, published):
    client.force_login(factories.make_user("root", superuser=True))
    listing = page(client.get("/admin/education/auditevent/"))
    assert "In review → Published" in listing
    assert "in_review" not in listing.replace('"in_review"', "")


def test_the_reviewer_sees_what_changed_since_they_sent_a_version_back(client, in_review, approver, editor):
    client.force_login(approver)
    client.post(workflow_url(in_review, "send_back"), {"comment": "Add a sign about fever."})
    event = in_review.events.get(action="sent_back")
    assert event.content["title"] == in_review.title and event.content["signs"]  # what was sent back

    draft = factories.edit(
        reload(in_review),
        user=editor,
        title="Milia: small white bumps, updated",
        help_signs=[
            *[services.HelpSignData(s.urgency, s.text) for s in in_review.help_signs.all()],
            services.HelpSignData("emergency", "You have a fever and the redness is spreading."),
        ],
    )
    services.version_submit(version=draft, user=editor)
    version_page = page(client.get(change_url(draft)))
    compare = reverse("admin:education_leafletversion_compare_sent_back", args=[draft.pk])
    assert f'href="{compare}"' in version_page and "Changes since it was sent back" in version_page
    diff = page(client.get(compare))
    assert "Add a sign about fever." in diff  # the reviewer's own request, beside the changes
    assert "You have a fever and the redness is spreading." in diff and "updated" in diff
    assert diff.count('<tr class="same">') == 0 and "unchanged parts are hidden" in diff


def test_there_is_nothing_to_compare_before_a_version_is_sent_back(client, in_review, approver):
    client.force_login(approver)
    assert "Changes since it was sent back" not in page(client.get(change_url(in_review)))
    compare = reverse("admin:education_leafletversion_compare_sent_back", args=[in_review.pk])
    assert client.get(compare).status_code == 404
