"""The staff home, the review page, "Reviewed, no change", the governance register (and its CSV) and the
leaflet history's handouts: what each shows, to whom, and that bad input never makes a 500."""

import csv
import io
import re

import pytest
from django.urls import reverse

from education import selectors, services
from education.admin.views.register import csv_cell
from education.models import AuditEvent, ReviewRenewal
from tests import factories

pytestmark = pytest.mark.django_db
HOME = "/staff/"


def section(html: str, section_id: str) -> str:
    start = html.index(f'id="{section_id}"')
    return html[start : html.index("</section>", start)]


def test_the_staff_home_needs_a_signed_in_member_of_staff(client):
    response = client.get(HOME)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_staff_home_has_every_section(client, editor):
    client.force_login(editor)
    html = client.get(HOME).content.decode()
    for section_id in ("waiting-for-review", "my-drafts", "sent-back", "due-for-review", "translations-out-of-date"):
        assert f'id="{section_id}"' in html


def test_an_approver_finds_a_submitted_version_waiting_with_who_submitted_it(client, in_review, approver):
    client.force_login(approver)
    html = section(client.get(HOME).content.decode(), "waiting-for-review")
    assert in_review.title in html
    assert reverse("admin:education_leafletversion_review", args=[in_review.pk]) in html
    assert "eddie" in html


def test_a_version_named_for_a_reviewer_comes_first_in_their_queue(client, leaflet, editor, approver, other_approver):
    older = factories.make_in_review(author=editor, title="Older submission")
    named = factories.make_draft(leaflet=leaflet, author=editor, title="Named for Omar")
    services.version_submit(version=named, user=editor, reviewer=other_approver)
    client.force_login(other_approver)
    html = section(client.get(HOME).content.decode(), "waiting-for-review")
    assert html.index("Named for Omar") < html.index(older.title)
    client.force_login(approver)
    html = section(client.get(HOME).content.decode(), "waiting-for-review")
    assert html.index(older.title) < html.index("Named for Omar")  # oldest first for everyone else


def test_an_approver_does_not_see_their_own_version_as_waiting(client, leaflet, approver):
    own = factories.make_in_review(author=approver, title="My own text")
    client.force_login(approver)
    assert own.title not in section(client.get(HOME).content.decode(), "waiting-for-review")


def test_the_author_sees_a_sent_back_version_with_the_comment(client, in_review, editor, approver):
    services.version_send_back(version=in_review, user=approver, comment="Add when to call 999.")
    client.force_login(editor)
    html = client.get(HOME).content.decode()
    assert "Add when to call 999." in section(html, "sent-back")
    assert in_review.title not in section(html, "my-drafts")
    assert "Sent back" in section(html, "notifications")


def test_my_drafts_lists_open_drafts_of_mine(client, draft, editor):
    client.force_login(editor)
    assert draft.title in section(client.get(HOME).content.decode(), "my-drafts")


def test_due_for_review_lists_the_owners_leaflets_due_within_90_days(client, published, editor, settings):
    published.leaflet.owner = editor
    published.leaflet.save()
    client.force_login(editor)
    assert published.title not in section(client.get(HOME).content.decode(), "due-for-review")
    home = selectors.staff_home(user=editor, today=published.review_due)
    assert [v.pk for v in home.due_for_review] == [published.pk]


def test_long_sections_show_the_first_few_and_count_them_all(editor, approver):
    from education.models import Leaflet

    due = [factories.make_published(author=editor, approver=approver) for _ in range(3)]
    Leaflet.objects.filter(pk__in=[v.leaflet_id for v in due]).update(owner=editor)

    home = selectors.staff_home(user=editor, today=due[0].review_due, limit=2)

    assert len(home.due_for_review) == 2 and home.due_count == 3
    assert [v.pk for v in home.due_for_review] == [v.pk for v in due[:2]]  # soonest first, then by name
    assert selectors.staff_home(user=editor, today=due[0].review_due, limit=5).due_count == 3


def test_marking_notifications_read(client, in_review, approver):
    client.force_login(approver)
    response = client.post(reverse("education:notifications_read"))
    assert response.status_code == 302
    assert "0 unread" in client.get(HOME).content.decode()
    assert client.get(reverse("education:notifications_read")).status_code == 405


def test_the_review_page_shows_the_note_the_comments_the_changes_and_both_decisions(
    client, published, editor, approver, other_approver
):
    draft = services.version_create_draft(leaflet=published.leaflet, user=editor, based_on=published)
    factories.edit(draft, user=editor, summary="A clearer summary for patients.", change_note="Clearer summary.")
    services.version_submit(version=draft, user=editor, comment="First go.")
    services.version_send_back(version=draft, user=other_approver, comment="Shorter, please.")
    services.version_submit(version=draft, user=editor, comment="Shortened as asked.")
    client.force_login(approver)
    response = client.get(reverse("admin:education_leafletversion_review", args=[draft.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Shortened as asked." in html[html.index('id="submit-note"') :][:300]
    assert "Shortened as asked." in html and "Shorter, please." in html and "First go." in html
    assert "clearer" in section(html, "review-changes")
    decision = section(html, "review-decision")
    assert "workflow/approve/" in decision and "workflow/send_back/" in decision


def test_the_review_page_shows_every_picture_marked_against_the_published_version(client, leaflet, editor, approver):
    from education import figures
    from tests.figures_support import add_figure, picture_bytes, upload

    def picture(colour):
        return figures.prepare_upload(upload(picture_bytes(colour=colour), "picture.png"))

    first = factories.make_draft(leaflet=leaflet, author=editor)
    add_figure(first, user=editor, alt_text="Milia on a cheek.")
    services.figure_add(version=first, user=editor, picture=picture((200, 0, 0)), alt_text="A red forearm.")
    services.version_submit(version=first, user=editor)
    published = services.version_approve_and_publish(
        version=first, content_hash=factories.shown_hash(first), attested=True, user=approver
    )
    draft = services.version_create_draft(leaflet=leaflet, user=editor, based_on=published)
    face, red = draft.figures.order_by("position")
    services.figure_update(figure=face, user=editor, alt_text="Milia on both cheeks.", caption="", after_heading="")
    services.figure_remove(figure=red, user=editor)
    services.figure_add(version=draft, user=editor, picture=picture((0, 0, 200)), alt_text="A blue forearm.")
    factories.edit(draft, user=editor, change_note="New pictures.")
    services.version_submit(version=draft, user=editor)

    client.force_login(approver)
    html = section(client.get(reverse("admin:education_leafletversion_review", args=[draft.pk])).content.decode(),
                   "review-figures")  # fmt: skip

    states = re.findall(r'class="review-figure figure-(\w+)".*?alt="([^"]+)"', html, flags=re.S)
    assert states == [("changed", "Milia on both cheeks."), ("new", "A blue forearm."), ("removed", "A red forearm.")]
    assert "New picture" in html and "Removed: in the published version, not in this one" in html
    for src in re.findall(r'<img class="figure-thumbnail" src="([^"]+)"', html):
        assert client.get(src).status_code == 200  # the reviewer sees each picture, the draft's ones included


def test_approving_from_the_review_page_publishes_it(client, in_review, approver):
    client.force_login(approver)
    url = reverse("admin:education_leafletversion_workflow", args=[in_review.pk, "approve"])
    data = {"content_hash": factories.shown_hash(in_review), "attest": "yes", "from_review": "1", "comment": ""}
    response = client.post(url, data)
    assert response.status_code == 302
    in_review.refresh_from_db()
    assert in_review.status == "published"


def test_a_refused_approval_from_the_review_page_returns_to_the_review_page(client, in_review, approver):
    client.force_login(approver)
    url = reverse("admin:education_leafletversion_workflow", args=[in_review.pk, "approve"])
    response = client.post(url, {"content_hash": "0" * 64, "from_review": "1", "comment": ""})
    assert response["Location"] == reverse("admin:education_leafletversion_review", args=[in_review.pk])


def test_submitting_with_an_unknown_reviewer_is_refused_plainly(client, draft, editor):
    client.force_login(editor)
    url = reverse("admin:education_leafletversion_workflow", args=[draft.pk, "submit"])
    for reviewer in ("999999", "not-a-number", "1" * 40):
        response = client.post(url, {"comment": "", "reviewer": reviewer})
        assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_the_review_page_of_an_unknown_version_is_404(client, approver):
    client.force_login(approver)
    assert client.get("/admin/education/leafletversion/999999/review/").status_code == 404


def test_reviewed_no_change_renews_the_review_date_and_records_an_event(client, published, other_approver, settings):
    published.leaflet.review_interval_months = 36
    published.leaflet.save()
    client.force_login(other_approver)
    url = reverse("admin:education_leafletversion_renew", args=[published.pk])
    assert client.get(url).status_code == 200
    refused = client.post(url, {"comment": "Checked."})  # no attestation
    assert refused.status_code == 200 and not ReviewRenewal.objects.exists()
    response = client.post(url, {"comment": "Checked the references.", "attest": "yes"})
    assert response.status_code == 302
    renewal = ReviewRenewal.objects.get()
    assert published.next_review_due == renewal.review_due > published.review_due
    event = AuditEvent.objects.filter(version=published).first()
    assert event.action == "reviewed" and "Checked the references." in event.comment and event.attestation
    page = client.get(published.get_absolute_url()).content.decode()
    assert renewal.review_due.strftime("%B %Y") in page  # patients see the date in force


def test_an_editor_cannot_record_a_review(client, published, editor):
    client.force_login(editor)
    url = reverse("admin:education_leafletversion_renew", args=[published.pk])
    assert client.post(url, {"comment": "x", "attest": "yes"}).status_code == 403
    assert not ReviewRenewal.objects.exists()


def test_a_renewal_row_is_append_only(published, other_approver):
    from django.db import DatabaseError, transaction

    published.leaflet.review_interval_months = 36
    published.leaflet.save()
    renewal = services.version_review_renew(version=published, user=other_approver, attested=True, comment="Fine.")
    with pytest.raises(DatabaseError), transaction.atomic():
        ReviewRenewal.objects.filter(pk=renewal.pk).update(comment="changed")
    with pytest.raises(DatabaseError), transaction.atomic():
        ReviewRenewal.objects.filter(pk=renewal.pk).delete()


def test_the_register_lists_every_leaflet_and_exports_csv(client, published, approver, editor):
    factories.make_leaflet(user=editor, name='=HYPERLINK("http://evil")')
    client.force_login(approver)
    html = client.get(reverse("admin:education_leaflet_register")).content.decode()
    assert published.leaflet.name in html and "claire" in html
    response = client.get(reverse("admin:education_leaflet_register_csv"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Leaflet"
    names = [row[0] for row in rows[1:]]
    assert published.leaflet.name in names
    assert '\'=HYPERLINK("http://evil")' in names  # never a formula


def test_the_register_lists_a_leaflet_whose_only_draft_was_discarded(published, editor):

    abandoned = factories.make_leaflet(user=editor, name="Abandoned idea")
    draft = services.version_create_draft(leaflet=abandoned, user=editor)
    services.version_discard(version=draft, user=editor)

    rows = [(row.leaflet.name, row.language, row.version, row.open_version) for row in selectors.governance_register()]

    assert ("Abandoned idea", "", None, None) in rows
    assert [name for name, *_rest in rows].count(published.leaflet.name) == 1


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"])
def test_csv_cells_never_start_a_formula(value):
    assert csv_cell(value).startswith("'")


def test_csv_cells_keep_ordinary_text():
    assert csv_cell("Milia") == "Milia" and csv_cell(None) == "" and csv_cell(3) == "3"


def test_the_register_needs_staff(client):
    assert client.get(reverse("admin:education_leaflet_register_csv")).status_code == 302


def test_a_leaflets_history_lists_its_handouts_and_links_to_the_fingerprinted_version(
    client, published, approver, editor
):
    services.handout_record(versions=[published], channel="print", clinic=None, user=editor, options={})
    client.force_login(approver)
    html = client.get(reverse("admin:education_leaflet_history", args=[published.leaflet_id])).content.decode()
    assert 'id="handout-history"' in html
    assert reverse("admin:education_leafletversion_change", args=[published.pk]) in section_table(html)


def section_table(html):
    start = html.index('id="handout-history"')
    return html[start : html.index("</table>", start)]


def test_a_member_of_staff_chooses_the_language_of_their_emails(client, editor):
    from education.notifications import staff_language

    client.force_login(editor)
    url = reverse("education:email_language")
    assert client.post(url, {"language": "fr"}).status_code == 302
    assert staff_language(editor) == "fr"
    for bad in ("xx", "", "fr" * 50):
        assert client.post(url, {"language": bad}).status_code == 302
    assert staff_language(editor) == "fr"
    assert client.get(url).status_code == 405


def test_the_workspace_records_are_read_only_in_the_admin(client, superuser, in_review):
    from education.models import Notification

    client.force_login(superuser)
    note = Notification.objects.first()
    assert client.get(reverse("admin:education_notification_changelist")).status_code == 200
    assert client.get(reverse("admin:education_reviewrenewal_changelist")).status_code == 200
    assert client.get(reverse("admin:education_staffprofile_changelist")).status_code == 200
    assert (
        client.post(reverse("admin:education_notification_delete", args=[note.pk]), {"post": "yes"}).status_code == 403
    )


def test_a_review_request_already_dealt_with_says_so_in_the_notifications(client, approver, other_approver, in_review):
    services.version_send_back(version=in_review, user=other_approver, comment="Not yet.")
    client.force_login(approver)
    assert "no longer waiting: now Draft" in section(client.get(HOME).content.decode(), "notifications")


def test_after_a_review_without_change_patients_see_when_it_was_last_reviewed(published, other_approver):
    published.leaflet.review_interval_months = 36
    published.leaflet.save()
    renewal = services.version_review_renew(version=published, user=other_approver, attested=True, comment="Fine.")
    assert published.last_reviewed_at == renewal.reviewed_at > published.approved_at
    shown = selectors.public_version(slug=published.leaflet.slug, number=published.number, language="en")
    assert (shown.last_reviewed_at, shown.next_review_due) == (renewal.reviewed_at, renewal.review_due)


# --- what patients tell us, on the staff home and in the register ------------------------------------------


def test_approvers_see_what_patients_told_us_on_the_staff_home(client, published, approver, editor):
    services.feedback_record(version=published, helpful=False, comment="Call me on 020 7946 0000, the words are hard")
    services.feedback_record(version=published, helpful=True)
    client.force_login(approver)
    html = section(client.get(HOME).content.decode(), "patient-feedback")
    assert "Yes: 1, no: 1" in html
    assert "the words are hard" in html and "7946" not in html  # scrubbed before it was stored
    assert reverse("admin:education_leafletversion_change", args=[published.pk]) in html
    client.force_login(editor)
    assert 'id="patient-feedback"' not in client.get(HOME).content.decode()  # comments are for approvers


def test_the_register_counts_answers_and_page_views_of_the_last_90_days(client, published, approver):
    services.feedback_record(version=published, helpful=True)
    services.feedback_record(version=published, helpful=True)
    services.feedback_record(version=published, helpful=False)
    services.page_view_count(version_id=published.pk)
    services.page_views_flush()
    client.force_login(approver)
    html = client.get(reverse("admin:education_leaflet_register")).content.decode()
    assert "<td>2 / 1</td>" in html
    rows = list(
        csv.reader(io.StringIO(client.get(reverse("admin:education_leaflet_register_csv")).content.decode("utf-8-sig")))
    )
    header, row = rows[0], next(row for row in rows[1:] if row[0] == published.leaflet.name)
    assert [
        row[header.index(name)] for name in ("Helpful (90 days)", "Not helpful (90 days)", "Page views (90 days)")
    ] == ["2", "1", "1"]
