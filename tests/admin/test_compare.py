"""What changed between two versions, and since a reviewer sent a version back
(education/admin/views/compare.py)."""

import re

import pytest
from django.urls import reverse

from education import services
from tests import factories
from tests.admin.helpers import change_url, compare_url, page, reload, workflow_url


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
