"""Fuzzing: Hypothesis sends random paths, query parameters and form fields to every public URL and form, and
to the staff share and handout forms while signed in. Whatever arrives, the answer is never a server error.

Django's test client re-raises a view's exception, so a crash fails the test with its traceback; a 5xx
answer fails it too (503 is the one deliberate 5xx, "the handout could not be made just now", and renders
are real here, so it must not happen either). Example counts keep the whole file to about 15 seconds.
"""

import string
from urllib.parse import quote, urlencode

import pytest
from django.test import Client
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from clinic.models import Clinic
from education import services
from tests import factories

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=100,
    deadline=None,
    derandomize=True,  # the same examples every run: a failure is reproducible, CI time is predictable
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Text that reaches views: anything printable, some control characters, very long runs, and the usual suspects.
NASTY = st.sampled_from(
    ["", " ", "0", "-1", "1e9", "99999999999999999999", "../../etc/passwd", "%00", "\x00", "' OR 1=1 --",
     "<script>alert(1)</script>", "é", "ß" * 200, "a" * 5000, "\u202e", "\ud800", "null", "[]", "{}", "fr", "en",
     "a4", "letter", "1", "riverside", "milia-test"]
)  # fmt: skip
TEXT = st.one_of(NASTY, st.text(max_size=80), st.text(string.ascii_letters + string.digits + "-_", max_size=70))
PARAMS = st.dictionaries(
    st.sampled_from(["clinic", "paper", "large", "q", "topic", "lang", "version", "leaflet", "page", "x"]),
    TEXT,
    max_size=5,
)


def _safe(text: str) -> str:
    """Text as a URL path segment (what a browser would send)."""
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


def _query(params: dict) -> str:
    encoded = {key: value.encode("utf-8", "surrogatepass") for key, value in params.items()}
    return urlencode(encoded)


def _post(client, url, form: dict):
    """POST form fields as raw bytes (lone surrogates become invalid UTF-8, as a hostile client may send)."""
    pairs = []
    for key, value in form.items():
        for item in value if isinstance(value, list) else [value]:
            pairs.append((key, item.encode("utf-8", "surrogatepass")))
    return client.post(url, data=urlencode(pairs), content_type="application/x-www-form-urlencoded")


def assert_no_server_error(response, what):
    assert response.status_code < 500, (response.status_code, what)


@pytest.fixture
def site(db):
    """A clinic, a published leaflet (with a share link), a draft and an editor who may share and print."""
    clinic = Clinic.objects.create(name="Riverside", slug="riverside", is_default=True)
    editor = factories.make_editor("fuzz-editor")
    approver = factories.make_approver("fuzz-approver")
    leaflet = factories.make_leaflet(user=editor, slug="milia-test")  # also one of the NASTY values
    published = factories.make_published(author=editor, approver=approver, leaflet=leaflet)
    draft = factories.make_draft(author=editor)
    _link, token = services.share_link_create(version=published, clinic=clinic, user=editor)
    return {"clinic": clinic, "editor": editor, "published": published, "draft": draft, "token": token}


@FUZZ
@given(
    kind=st.sampled_from(["index", "leaflet", "version", "handout", "share", "any"]),
    slug=TEXT,
    number=st.one_of(st.integers(min_value=-5, max_value=10**30), TEXT),
    params=PARAMS,
)
def test_public_urls_never_fail(site, kind, slug, number, params):
    if kind == "index":
        path = "/leaflets/"
    elif kind == "leaflet":
        path = f"/leaflets/{_safe(slug)}/"
    elif kind == "version":
        path = f"/leaflets/{_safe(slug)}/v{_safe(str(number))}/"
    elif kind == "handout":
        path = f"/leaflets/{_safe(slug)}/handout.pdf"
    elif kind == "share":
        path = f"/s/{_safe(slug)}/"
    else:
        path = "/" + _safe(slug)
    url = f"{path}?{_query(params)}" if params else path
    assert_no_server_error(Client().get(url), url)


@FUZZ
@given(params=PARAMS, version=st.sampled_from(["current", "exact", "handout", "share"]))
def test_real_leaflets_with_random_options_never_fail(site, params, version):
    published = site["published"]
    slug = published.leaflet.slug
    path = {
        "current": f"/leaflets/{slug}/",
        "exact": f"/leaflets/{slug}/v{published.number}/",
        "handout": f"/leaflets/{slug}/handout.pdf",
        "share": f"/s/{site['token']}/",
    }[version]
    url = f"{path}?{_query(params)}" if params else path
    response = Client().get(url)
    assert_no_server_error(response, url)
    if version == "handout" and response.status_code == 200:
        assert response.content.startswith(b"%PDF-")


@FUZZ
@given(token=st.one_of(TEXT, st.text(string.ascii_letters + string.digits + "-_", min_size=20, max_size=60)))
def test_share_tokens_never_fail_and_never_reveal_anything(site, token):
    response = Client().get(f"/s/{_safe(token)}/")
    assert_no_server_error(response, token)
    if token != site["token"]:
        assert response.status_code == 404


@FUZZ
@given(
    data=st.dictionaries(
        st.sampled_from(["username", "password", "otp_token", "otp_device", "next", "csrfmiddlewaretoken"]),
        TEXT,
        max_size=6,
    )
)
def test_the_admin_login_form_never_fails(site, data):
    response = _post(Client(), "/admin/login/", data)
    assert_no_server_error(response, data)


@pytest.fixture
def staff_client(site):
    client = Client()
    client.force_login(site["editor"])
    return client


def _choice(site, value):
    """A form value: usually random, sometimes a real id (so that valid forms get through too)."""
    real = {
        "published": str(site["published"].pk),
        "draft": str(site["draft"].pk),
        "clinic": str(site["clinic"].pk),
    }
    return real.get(value, value)


FORM_VALUE = st.one_of(TEXT, st.sampled_from(["published", "draft", "clinic"]))


@settings(FUZZ, max_examples=80)
@given(
    data=st.fixed_dictionaries(
        {},
        optional={
            "version": FORM_VALUE,
            "clinic": FORM_VALUE,
            "channel": st.one_of(st.sampled_from(["link", "qr", "email"]), TEXT),
            "expires_in": st.one_of(st.sampled_from(["30", "7", "90", "365", ""]), TEXT),
            "email": st.one_of(st.emails(), TEXT),
            "message": TEXT,
        },
    ),
    query=PARAMS,
)
@example(data={"version": "99999999999999999999", "clinic": "99999999999999999999", "channel": "qr"}, query={})
@example(data={}, query={"version": "99999999999999999999"})
def test_the_staff_share_form_never_fails(site, staff_client, data, query):
    data = {key: _choice(site, value) for key, value in data.items()}
    url = f"/staff/share/?{_query(query)}" if query else "/staff/share/"
    assert_no_server_error(staff_client.get(url), url)
    response = _post(staff_client, "/staff/share/", data)
    assert_no_server_error(response, data)


@settings(FUZZ, max_examples=40)
@given(
    data=st.fixed_dictionaries(
        {},
        optional={
            "versions": st.lists(FORM_VALUE, max_size=7),
            "clinic": FORM_VALUE,
            "paper": st.one_of(st.sampled_from(["a4", "letter"]), TEXT),
            "large_print": st.sampled_from(["on", "", "true", "0"]),
            "note": st.one_of(TEXT, st.text(max_size=600)),
        },
    ),
    query=PARAMS,
)
# Ids too large for the database's integer column (found by this test; kept as fixed examples).
@example(data={}, query={"version": "99999999999999999999"})
@example(data={}, query={"leaflet": "99999999999999999999"})
@example(data={"versions": ["99999999999999999999"], "clinic": "99999999999999999999"}, query={})
def test_the_staff_handout_form_never_fails(site, staff_client, data, query):
    form = {}
    for key, value in data.items():
        if isinstance(value, list):
            form[key] = [_choice(site, item) for item in value]
        else:
            form[key] = _choice(site, value)
    url = f"/staff/handout/?{_query(query)}" if query else "/staff/handout/"
    assert_no_server_error(staff_client.get(url), url)
    response = _post(staff_client, "/staff/handout/", form)
    assert_no_server_error(response, form)
    if response.status_code == 200 and response["Content-Type"] == "application/pdf":
        assert response.content.startswith(b"%PDF-")
