"""The role x action grid: for each role and each admin action, the exact HTTP status and whether the
action reached the database.

Every test drives the real admin URLs with the test client and then checks the database, so a page that
looks right but changed nothing (or changed something it should not) fails.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import reverse

from education.models import LeafletVersion
from tests import factories
from tests.admin.helpers import (
    LOGIN_URL,
    approval_data,
    assert_login_redirect,
    change_url,
    new_draft_url,
    reload,
    version_form_data,
    workflow_url,
)

Status = LeafletVersion.Status


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
    elif action in {"edit published", "withdraw"}:
        version = factories.make_published(author=author, approver=signer)
    else:
        version = factories.make_draft(author=author, title="Original title")
    if action == "view":
        return Attempt("get", change_url(version), {}, lambda: reload(version).status != Status.DRAFT)
    status_becomes = {
        "submit": Status.IN_REVIEW,
        "approve own": Status.PUBLISHED,
        "approve other": Status.PUBLISHED,
    }
    if action == "withdraw":
        data = {"comment": "Withdrawn: the guidance changed."}
        return Attempt("post", workflow_url(version, "withdraw"), data, lambda: reload(version).is_withdrawn)
    if action in status_becomes:
        url = workflow_url(version, action.split()[0])
        data = approval_data(version) if action.startswith("approve") else {"seen_revision": reload(version).revision}
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
    "withdraw":       (LOGIN,     DENIED, DONE,     DONE),
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
