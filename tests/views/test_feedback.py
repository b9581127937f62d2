"""'Was this leaflet helpful?' on patient pages: no cookie, no tracking, nothing identifying stored, and no
bad input ever answers 500."""

import datetime

import pytest
from django.db import DatabaseError, connection, transaction

from clinic.models import Clinic
from education import selectors, services
from education.content import REMOVED_CONTACT
from education.models import PageViewCount, PatientFeedback
from education.views.feedback import rate_limit
from tests import factories

pytestmark = pytest.mark.django_db

URL = "/leaflets/milia-test/v1/feedback/"
SITE = "http://testserver"


@pytest.fixture
def clinic():
    return Clinic.objects.create(name="Riverside Skin Clinic", slug="riverside", is_default=True, phone="01632 960 000")


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    rate_limit.reset()
    yield
    rate_limit.reset()


def post(client, data=None, *, origin=SITE, url=URL, **headers):
    data = {"lang": "en", "helpful": "yes", **(data or {})}
    if origin is not None:
        headers["HTTP_ORIGIN"] = origin
    return client.post(url, data, **headers)


def test_the_patient_page_ends_with_the_question_as_a_plain_form(client, published):
    response = client.get("/leaflets/milia-test/")
    body = response.content.decode()
    assert "Was this leaflet helpful?" in body
    assert f'action="{URL}"' in body
    assert 'name="helpful" value="yes"' in body and 'name="helpful" value="no"' in body
    assert 'maxlength="500"' in body
    assert "csrfmiddlewaretoken" not in body
    assert body.rindex("Was this leaflet helpful?") > body.index("When to get help")  # at the end


@pytest.mark.parametrize("path", ["/leaflets/", "/leaflets/milia-test/", "/leaflets/milia-test/v1/"])
def test_patient_pages_set_no_cookie(client, published, path):
    response = client.get(path)
    assert response.status_code == 200
    assert "Set-Cookie" not in str(response.serialize_headers())
    assert not response.cookies


def test_an_answer_is_stored_with_the_version_language_and_day_and_sets_no_cookie(client, published):
    response = post(client, {"helpful": "no", "comment": "Too long. Call me on 020 7946 0000 or a@b.org"})
    assert response.status_code == 200
    assert "Thank you" in response.content.decode()
    assert not response.cookies
    assert response["Cache-Control"].startswith("no-store") or "no-store" in response["Cache-Control"]
    (row,) = PatientFeedback.objects.all()
    assert row.version == published and row.language == "en" and row.helpful is False
    assert row.day == datetime.date.today() or abs((row.day - datetime.date.today()).days) <= 1
    assert row.comment == f"Too long. Call me on {REMOVED_CONTACT} or {REMOVED_CONTACT}"


def test_nothing_identifying_is_stored_in_any_column(client, published):
    post(
        client,
        {"comment": "Great, thanks! ann@example.org +33 6 12 34 56 78"},
        HTTP_USER_AGENT="Mozilla/5.0 SecretAgent/1.0",
        REMOTE_ADDR="203.0.113.77",
        HTTP_X_REAL_IP="198.51.100.9",
        HTTP_ACCEPT_LANGUAGE="fr-BE",
    )
    client.get("/leaflets/milia-test/", HTTP_USER_AGENT="Mozilla/5.0 SecretAgent/1.0", REMOTE_ADDR="203.0.113.77")
    columns = {f.column for f in PatientFeedback._meta.concrete_fields}
    assert columns == {"id", "version_id", "language", "day", "helpful", "comment"}
    assert {f.column for f in PageViewCount._meta.concrete_fields} == {"id", "version_id", "day", "views"}
    with connection.cursor() as cursor:
        for table in (PatientFeedback._meta.db_table, PageViewCount._meta.db_table):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - our own table names
            stored = " ".join(str(value) for row in cursor.fetchall() for value in row)
            for secret in (
                "203.0.113",
                "198.51.100",
                "SecretAgent",
                "Mozilla",
                "ann@",
                "example.org",
                "12 34",
                "fr-BE",
            ):
                assert secret not in stored, (table, secret)


def test_a_post_from_another_site_or_without_origin_is_refused(client, published):
    assert post(client, origin="https://evil.example").status_code == 403
    assert post(client, origin="null").status_code == 403
    assert post(client, origin=None).status_code == 403
    # A browser that sends no Origin but a Referer from the page itself is accepted.
    assert post(client, origin=None, HTTP_REFERER=f"{SITE}/leaflets/milia-test/").status_code == 200
    assert PatientFeedback.objects.count() == 1


def test_a_filled_trap_field_is_thanked_but_not_stored(client, published):
    response = post(client, {"website": "http://spam.example"})
    assert response.status_code == 200
    assert not PatientFeedback.objects.exists()


def test_answers_are_rate_limited_per_address_in_memory(client, published, settings):
    settings.FEEDBACK_RATE_LIMIT = 2
    assert post(client, REMOTE_ADDR="192.0.2.1").status_code == 200
    assert post(client, REMOTE_ADDR="192.0.2.1").status_code == 200
    assert post(client, REMOTE_ADDR="192.0.2.1").status_code == 429
    assert post(client, REMOTE_ADDR="192.0.2.2").status_code == 200  # another address
    assert PatientFeedback.objects.count() == 3
    assert "192.0.2" not in repr(rate_limit.seen)  # only salted hashes, even in memory


@pytest.mark.parametrize(
    "data",
    [
        {"helpful": ""},
        {"helpful": "maybe"},
        {"helpful": "yes", "comment": "x" * 501},
        {"helpful": "yes", "comment": "\x00\x01"},
        {"lang": ""},
        {"lang": "xx"},
        {"lang": "en" * 100},
    ],
)
def test_bad_input_is_refused_politely_never_500(client, published, data):
    response = post(client, data)
    assert response.status_code in (200, 400, 404)
    if data.get("comment", "").startswith("\x00"):
        assert response.status_code == 200
        assert "\x00" not in PatientFeedback.objects.get().comment
    elif response.status_code == 400:
        assert not PatientFeedback.objects.exists()


def test_a_body_that_is_not_utf8_is_not_a_500(client, published):
    body = b"lang=en&helpful=yes&comment=%FF%FE%00ok"
    response = client.post(URL, body, content_type="application/x-www-form-urlencoded", HTTP_ORIGIN=SITE)
    assert response.status_code in (200, 400)


@pytest.mark.parametrize(
    "url",
    ["/leaflets/nope/v1/feedback/", "/leaflets/milia-test/v2/feedback/", "/leaflets/milia-test/v99999999999/feedback/"],
)
def test_feedback_on_a_version_that_does_not_exist_is_not_found(client, published, url):
    assert post(client, url=url).status_code == 404


def test_feedback_is_only_taken_by_post(client, published):
    assert client.get(URL).status_code == 405


@pytest.mark.parametrize("fixture", ["draft", "in_review"])
def test_feedback_on_an_unpublished_version_is_not_found(client, request, fixture):
    request.getfixturevalue(fixture)
    assert post(client).status_code == 404
    assert not PatientFeedback.objects.exists()


def test_feedback_on_a_withdrawn_version_is_refused(client, published, approver):
    services.version_withdraw(version=published, user=approver, reason="Wrong advice in v1")
    response = post(client, {"comment": "still here?"})
    assert response.status_code == 410
    assert not PatientFeedback.objects.exists()
    with pytest.raises(services.WorkflowError):
        services.feedback_record(version=published, helpful=True)  # the caller's copy is out of date
    with pytest.raises(DatabaseError, match="feedback is only taken on a version patients can read"):
        with transaction.atomic():  # the database refuses it too, whatever the Python does
            PatientFeedback.objects.create(version=published, language="en", day=datetime.date.today(), helpful=True)


def test_feedback_on_a_retired_version_is_still_taken(client, published, editor, other_approver):
    second = services.version_create_draft(leaflet=published.leaflet, user=editor, based_on=published)
    factories.edit(second, user=editor, title="Milia: version two")
    services.version_submit(version=second, user=editor)
    services.version_approve_and_publish(
        version=second, content_hash=factories.shown_hash(second), attested=True, user=other_approver
    )
    assert post(client).status_code == 200
    assert PatientFeedback.objects.get().version == published


def test_a_patient_answers_on_their_share_link_and_nothing_ties_the_answer_to_it(client, published, editor, clinic):
    """A share page sends no Referer, so its form posts with Origin "null": the valid token vouches instead."""
    _link, token = services.share_link_create(version=published, clinic=clinic, user=editor)
    page = client.get(f"/s/{token}/").content.decode()
    assert "Was this leaflet helpful?" in page and f'action="/s/{token}/feedback/"' in page

    response = post(client, {"helpful": "no", "comment": "Clear, thanks."}, origin="null", url=f"/s/{token}/feedback/")

    assert response.status_code == 200 and "Thank you" in response.content.decode()
    assert "no-store" in response["Cache-Control"] and response["Referrer-Policy"] == "no-referrer"
    assert f'href="/s/{token}/"' in response.content.decode()  # back to the patient's own link
    row = PatientFeedback.objects.get()
    assert (row.version, row.helpful, row.comment) == (published, False, "Clear, thanks.")
    stored = " ".join(str(getattr(row, field.attname)) for field in PatientFeedback._meta.concrete_fields)
    assert token not in stored  # and no column names a link (test_nothing_identifying_is_stored_in_any_column)
    assert not any("link" in field.name or "share" in field.name for field in PatientFeedback._meta.fields)


def test_share_link_answers_are_refused_from_another_site_or_a_bad_link(client, published, editor, clinic, approver):
    link, token = services.share_link_create(version=published, clinic=clinic, user=editor)
    assert post(client, origin="https://evil.example", url=f"/s/{token}/feedback/").status_code == 403
    assert post(client, origin="null", url="/s/not-a-real-token-at-all/feedback/").status_code == 404
    services.share_link_revoke(link=link, user=editor)
    assert post(client, origin="null", url=f"/s/{token}/feedback/").status_code == 404
    assert not PatientFeedback.objects.exists()
    assert client.get(f"/s/{token}/feedback/").status_code == 405


def test_share_link_answers_go_through_the_same_checks(client, published, editor, clinic, settings):
    _link, token = services.share_link_create(version=published, clinic=clinic, user=editor)
    url = f"/s/{token}/feedback/"
    assert post(client, {"helpful": "maybe"}, origin="null", url=url).status_code == 400
    assert post(client, {"website": "spam"}, origin="null", url=url).status_code == 200  # the trap: not stored
    assert not PatientFeedback.objects.exists()
    settings.FEEDBACK_RATE_LIMIT = 1
    rate_limit.reset()  # the answer refused above was counted
    assert post(client, origin="null", url=url).status_code == 200
    assert post(client, origin="null", url=url).status_code == 429
    assert PatientFeedback.objects.count() == 1


def test_a_share_link_to_a_withdrawn_version_takes_no_answer(client, published, editor, clinic, approver):
    _link, token = services.share_link_create(version=published, clinic=clinic, user=editor)
    services.version_withdraw(version=published, user=approver, reason="Wrong advice in v1")
    response = post(client, origin="null", url=f"/s/{token}/feedback/")
    assert response.status_code in (404, 410) and not PatientFeedback.objects.exists()


# --- page views --------------------------------------------------------------------------------------------


def test_each_view_of_a_page_adds_one_to_the_day_counter(client, published):
    for _ in range(3):
        client.get("/leaflets/milia-test/")
    client.get("/leaflets/milia-test/v1/")
    client.head("/leaflets/milia-test/")  # not a reading
    client.get("/leaflets/")  # the index is no version's page
    assert services.page_views_flush() == 4
    assert PageViewCount.objects.get(version=published).views == 4
    assert "X-Leaflet-Version-Id" not in client.get("/leaflets/milia-test/")


def test_pages_from_the_page_cache_count_too(client, published, page_cache):
    first = client.get("/leaflets/milia-test/")
    second = client.get("/leaflets/milia-test/")
    assert first.status_code == second.status_code == 200
    services.page_views_flush()
    assert PageViewCount.objects.get(version=published).views == 2
    assert "X-Leaflet-Version-Id" not in second


def test_views_are_counted_in_memory_and_stored_together(client, published, settings):
    for _ in range(5):
        client.get("/leaflets/milia-test/")
    assert not PageViewCount.objects.exists()
    assert services.page_views_flush() == 5
    assert PageViewCount.objects.get(version=published).views == 5
    settings.PAGE_VIEW_FLUSH_SECONDS = 0  # the request that finds the interval over stores them
    client.get("/leaflets/milia-test/")
    assert PageViewCount.objects.get(version=published).views == 6


def test_the_summary_counts_answers_views_and_shows_the_latest_comments(client, published, leaflet):
    post(client, {"helpful": "yes", "comment": "Clear"})
    post(client, {"helpful": "no"}, REMOTE_ADDR="192.0.2.5")
    client.get("/leaflets/milia-test/")
    services.page_views_flush()
    other = factories.make_published(author=factories.make_editor("ed2"), approver=factories.make_approver("ap2"))
    summaries = selectors.feedback_summary(version_ids=[published.pk, other.pk], comments=5)
    mine = summaries[published.pk]
    assert (mine.helpful, mine.not_helpful, mine.views, mine.answers, mine.helpful_percent) == (1, 1, 1, 2, 50)
    assert [row.comment for row in mine.comments] == ["Clear"]
    assert summaries[other.pk].answers == 0 and summaries[other.pk].helpful_percent is None
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    assert selectors.feedback_summary(version_ids=[published.pk], since=tomorrow)[published.pk].answers == 0
    assert [row.comment for row in selectors.recent_feedback_comments(since=datetime.date.min)] == ["Clear"]
