"""Security hardening: response headers and the Content-Security-Policy, the admin login lock-out
(django-axes), two-factor login for staff (django-otp) and its enrolment command, and bounded PDF rendering."""

import base64
import datetime
import hashlib
import io
import re
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.models import Clinic
from clinic.security import client_ip_address
from education import pdf, services
from education.pdf import render as pdf_render
from tests import factories

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
PASSWORD = "test-pass-123"  # tests/factories.py


@pytest.fixture
def clinic():
    return Clinic.objects.create(name="Riverside", slug="riverside", is_default=True)


def _policy(response) -> dict[str, list[str]]:
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


# --- headers and the Content-Security-Policy --------------------------------------------------------------


def test_patient_pages_send_the_security_headers(client, published, clinic):
    response = client.get("/leaflets/milia-test/", secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_the_patient_policy_allows_no_inline_script_and_only_the_nonced_style(client, published, clinic):
    response = client.get("/leaflets/milia-test/")
    policy = _policy(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "style-src-attr" not in policy
    nonce = re.search(r"'nonce-([^']+)'", " ".join(policy["style-src"])).group(1)
    html = response.content.decode()
    assert html.count("<style") == 1
    assert f'<style nonce="{nonce}">' in html
    # Every response has a new nonce.
    again = re.search(r"'nonce-([^']+)'", client.get("/leaflets/milia-test/")["Content-Security-Policy"]).group(1)
    assert again != nonce


def _public_pages(client, published, clinic, editor):
    _link, token = services.share_link_create(version=published, clinic=clinic, user=editor)
    paths = ["/leaflets/", "/leaflets/?q=milia", "/leaflets/milia-test/", f"/leaflets/milia-test/v{published.number}/"]
    paths += [f"/s/{token}/", "/leaflets/no-such-leaflet/", "/s/" + "Z" * 32 + "/"]
    return [(path, client.get(path)) for path in paths]


def test_no_public_page_has_inline_script_or_style_attributes(client, published, clinic, editor):
    for path, response in _public_pages(client, published, clinic, editor):
        html = response.content.decode()
        assert response["Content-Type"].startswith("text/html"), path
        assert " style=" not in html, path
        assert not re.search(r"\son[a-z]+=", html), path  # no event-handler attributes
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert " src=" in tag, (path, tag)
        for tag in re.findall(r"<style\b[^>]*>", html):
            assert "nonce=" in tag, (path, tag)
        assert "Content-Security-Policy" in response, path


def test_the_staff_pages_have_the_strict_policy_too(client, published, clinic, editor):
    client.force_login(editor)
    response = client.get("/staff/share/")
    assert response.status_code == 200
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert " style=" not in response.content.decode()


def test_the_admin_policy_lists_the_hash_of_its_import_map_and_no_unsafe_inline_script(client, draft, editor):
    client.force_login(editor)
    response = client.get(f"/admin/education/leafletversion/{draft.pk}/change/")
    assert response.status_code == 200
    maps = re.findall(rb'<script type="importmap">(.*?)</script>', response.content, re.S)
    assert maps, "the rich-text editor's import map is on the page"
    expected = {f"'sha256-{base64.b64encode(hashlib.sha256(body).digest()).decode()}'" for body in maps}
    policy = _policy(response)
    assert expected <= set(policy["script-src"])
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert policy["style-src-attr"] == ["'unsafe-inline'"]
    assert "'unsafe-inline'" not in policy["style-src"]


def test_a_changed_import_map_would_not_be_allowed(client, draft, editor):
    """The hash is of the exact bytes: a script differing by one character is not covered."""
    from clinic.middleware import import_map_hashes

    body = b'<script type="importmap">{"imports": {}}</script>'
    assert import_map_hashes(body) != import_map_hashes(body.replace(b"{}", b"{ }"))
    assert import_map_hashes(b"<script>alert(1)</script>") == []
    for lookalike in (
        b"<script data-type=importmap>alert(1)</script>",
        b"<script data-x type=importmap>alert(1)</script>",
        b'<script type="importmap" src="https://evil.example/x.js">alert(1)</script>',
        b"<SCRIPT TYPE=IMPORTMAP>alert(1)</SCRIPT>",
    ):
        assert import_map_hashes(lookalike) == [], lookalike


def test_pdf_responses_carry_no_policy(client, published, clinic):
    response = client.get("/leaflets/milia-test/handout.pdf")
    assert response.status_code == 200
    assert "Content-Security-Policy" not in response
    assert response["X-Content-Type-Options"] == "nosniff"


def test_share_pages_keep_their_own_stricter_referrer_policy(client, published, clinic, editor):
    _link, token = services.share_link_create(version=published, clinic=clinic, user=editor)
    assert client.get(f"/s/{token}/")["Referrer-Policy"] == "no-referrer"


def test_the_prebuilt_policy_is_what_django_csp_would_build(settings):
    from csp.utils import build_policy

    from clinic.middleware import ClinicCSPMiddleware

    middleware = ClinicCSPMiddleware(lambda request: None)
    assert middleware.standard_policy("abc123==") == build_policy(nonce="abc123==")
    assert middleware.standard_policy(None) == build_policy()
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    assert middleware.standard_policy(None) == "default-src 'none'"  # follows a settings change


# --- patient pages from the cache -------------------------------------------------------------------------


def _nonce(response) -> str:
    return re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)


def test_a_cached_patient_page_gets_a_fresh_nonce_and_needs_one_query(
    page_cache, client, published, clinic, django_assert_num_queries
):
    first = client.get("/leaflets/milia-test/")
    with django_assert_num_queries(1):  # the latest audit event, nothing else
        second = client.get("/leaflets/milia-test/")
    assert second.status_code == 200
    assert _nonce(first) != _nonce(second)
    assert f'<style nonce="{_nonce(second)}">' in second.content.decode()
    assert second.content.replace(_nonce(second).encode(), b"N") == first.content.replace(_nonce(first).encode(), b"N")
    assert second["Vary"] == first["Vary"] and second["Content-Language"] == first["Content-Language"]


def test_publishing_shows_at_once_despite_the_cache(page_cache, client, published, clinic, editor, approver):
    assert "Milia: small white bumps" in client.get("/leaflets/milia-test/").content.decode()
    draft = services.version_create_draft(leaflet=published.leaflet, user=editor, based_on=published)
    factories.edit(draft, user=editor, title="Milia: a new title", change_note="Clearer title")
    services.version_submit(version=draft, user=editor)
    services.version_approve_and_publish(
        version=draft, content_hash=factories.shown_hash(draft), attested=True, user=approver
    )
    assert "Milia: a new title" in client.get("/leaflets/milia-test/").content.decode()


def test_retiring_takes_a_leaflet_down_at_once_despite_the_cache(page_cache, client, published, clinic, approver):
    assert client.get("/leaflets/milia-test/").status_code == 200
    services.leaflet_withdraw(leaflet=published.leaflet, user=approver, reason="Outdated")
    assert client.get("/leaflets/milia-test/").status_code == 410


def test_staff_and_share_links_are_never_served_from_the_cache(
    page_cache, client, published, clinic, editor, django_assert_max_num_queries
):
    client.force_login(editor)  # a session cookie: always a fresh page
    client.get("/leaflets/milia-test/")
    with django_assert_max_num_queries(20) as queries:
        client.get("/leaflets/milia-test/")
    assert len(queries) > 1
    link, token = services.share_link_create(version=published, clinic=clinic, user=editor)
    anonymous = Client()
    for _view in range(3):
        anonymous.get(f"/s/{token}/")
    link.refresh_from_db()
    assert link.view_count == 3
    from education.models import Handout

    before = Handout.objects.count()
    anonymous.get("/leaflets/milia-test/handout.pdf")
    anonymous.get("/leaflets/milia-test/handout.pdf")
    assert Handout.objects.count() == before  # public downloads write nothing


def test_the_public_handout_is_cached_and_a_new_version_shows_at_once(
    page_cache, client, published, clinic, editor, approver, django_assert_num_queries
):
    first = client.get("/leaflets/milia-test/handout.pdf")
    with django_assert_num_queries(1):  # the latest audit event, nothing else
        second = client.get("/leaflets/milia-test/handout.pdf")
    assert second["Content-Type"] == "application/pdf" and second.content == first.content
    draft = services.version_create_draft(leaflet=published.leaflet, user=editor, based_on=published)
    factories.edit(draft, user=editor, title="Milia: a new title", change_note="Clearer title")
    services.version_submit(version=draft, user=editor)
    services.version_approve_and_publish(
        version=draft, content_hash=factories.shown_hash(draft), attested=True, user=approver
    )
    assert client.get("/leaflets/milia-test/handout.pdf").content != first.content


def test_each_language_and_query_is_cached_apart(page_cache, client, published, clinic):
    english = client.get("/leaflets/", HTTP_ACCEPT_LANGUAGE="en")
    french = client.get("/leaflets/", HTTP_ACCEPT_LANGUAGE="fr")
    assert english["Content-Language"] == "en" and french["Content-Language"] == "fr"
    assert client.get("/leaflets/", HTTP_ACCEPT_LANGUAGE="fr")["Content-Language"] == "fr"
    assert client.get("/leaflets/?q=zzz-nothing").content != client.get("/leaflets/").content


# --- admin login lock-out (django-axes) -------------------------------------------------------------------


@pytest.fixture
def axes_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)


def _login(client, username, password, **extra):
    return client.post(LOGIN, {"username": username, "password": password, "next": "/admin/"}, **extra)


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_four_bad_passwords_do_not_lock_the_account(axes_on, client, editor):
    for _attempt in range(4):
        assert _login(client, editor.username, "wrong").status_code == 200
    response = _login(client, editor.username, PASSWORD)
    assert response.status_code == 302 and _logged_in(client)


def test_five_bad_passwords_lock_out_even_the_right_one_until_the_cool_off_ends(axes_on, client, editor):
    from axes.models import AccessAttempt

    statuses = [_login(client, editor.username, "wrong").status_code for _attempt in range(5)]
    assert statuses[:4] == [200] * 4
    assert statuses[4] == 429  # the fifth failure locks
    locked = _login(client, editor.username, PASSWORD)
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode()
    assert "15 minutes" in locked.content.decode()
    assert not _logged_in(client)
    # 16 minutes later (the attempts are dated back rather than the clock moved forward)
    AccessAttempt.objects.update(attempt_time=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=16))
    response = _login(client, editor.username, PASSWORD)
    assert response.status_code == 302 and _logged_in(client)


def test_the_lock_is_per_username_and_address(axes_on, client, editor, approver):
    for _attempt in range(5):
        _login(client, editor.username, "wrong")
    assert _login(client, editor.username, PASSWORD).status_code == 429
    # A colleague behind the same address, and the same user from another address, still get in.
    assert _login(Client(), approver.username, PASSWORD).status_code == 302
    assert _login(Client(), editor.username, PASSWORD, REMOTE_ADDR="192.0.2.7").status_code == 302


def test_axes_reset_lifts_every_lock(axes_on, client, editor):
    for _attempt in range(5):
        _login(client, editor.username, "wrong")
    call_command("axes_reset", stdout=io.StringIO())
    assert _login(client, editor.username, PASSWORD).status_code == 302


def test_the_client_address_comes_from_the_proxy_only_behind_it(rf, settings):
    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="203.0.113.9")
    settings.BEHIND_TLS_PROXY = False
    assert client_ip_address(request) == "127.0.0.1"  # a header anyone could send is ignored
    settings.BEHIND_TLS_PROXY = True
    assert client_ip_address(request) == "203.0.113.9"
    assert client_ip_address(rf.get("/", REMOTE_ADDR="127.0.0.1")) == "127.0.0.1"


def test_behind_the_proxy_a_client_that_reaches_gunicorn_directly_cannot_choose_its_address(rf, settings):
    """With BEHIND_TLS_PROXY on, X-Real-IP counts only on requests from the proxy's own address."""
    settings.BEHIND_TLS_PROXY = True
    direct = rf.get("/", REMOTE_ADDR="198.51.100.7", HTTP_X_REAL_IP="203.0.113.9")
    assert client_ip_address(direct) == "198.51.100.7"
    settings.TRUSTED_PROXY_ADDRESSES = ["10.0.0.5"]
    assert client_ip_address(rf.get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_REAL_IP="203.0.113.9")) == "203.0.113.9"
    assert client_ip_address(rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="203.0.113.9")) == "127.0.0.1"


# --- two-factor login (django-otp) ------------------------------------------------------------------------


@pytest.fixture
def two_factor(settings):
    settings.STAFF_2FA_REQUIRED = True


def _device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def _code(device: TOTPDevice, *, offset_steps: int = 0) -> str:
    value = totp(device.bin_key, device.step, device.t0 - offset_steps * device.step, device.digits, device.drift)
    return f"{value:0{device.digits}d}"


def _otp_login(client, user, token):
    data = {"username": user.username, "password": PASSWORD, "otp_token": token, "next": "/admin/"}
    return client.post(LOGIN, data)


def test_with_two_factor_required_the_login_page_asks_for_the_code(two_factor, client):
    html = client.get(LOGIN).content.decode()
    assert 'name="otp_token"' in html
    assert 'autocomplete="one-time-code"' in html


def test_with_two_factor_required_a_password_alone_is_refused(two_factor, client, editor):
    _device(editor)
    response = _otp_login(client, editor, "")
    assert response.status_code == 200
    assert not _logged_in(client)
    assert (
        "Please enter the correct username, password and code from your authenticator app." in response.content.decode()
    )


def test_a_wrong_password_and_a_wrong_code_get_the_same_message(two_factor, client, editor):
    """The login page never confirms a guessed password by asking only for the code."""
    device = _device(editor)
    wrong_code = f"{(int(_code(device)) + 1) % 1_000_000:06d}"
    right_password = _otp_login(client, editor, wrong_code).content.decode()
    data = {"username": editor.username, "password": "not-the-password", "otp_token": wrong_code, "next": "/admin/"}
    wrong_password = client.post(LOGIN, data).content.decode()
    message = "Please enter the correct username, password and code from your authenticator app."
    assert message in right_password and message in wrong_password
    assert "Invalid token" not in right_password and "OTP" not in right_password


def test_with_two_factor_required_a_wrong_code_is_refused(two_factor, client, editor):
    device = _device(editor)
    wrong = f"{(int(_code(device)) + 1) % 1_000_000:06d}"
    response = _otp_login(client, editor, wrong)
    assert response.status_code == 200 and not _logged_in(client)


def test_with_two_factor_required_the_right_code_lets_staff_in_everywhere(two_factor, client, editor):
    device = _device(editor)
    response = _otp_login(client, editor, _code(device))
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert client.get("/staff/share/").status_code == 200
    assert client.get("/staff/handout/").status_code == 200


def test_with_two_factor_required_a_code_works_only_once(two_factor, editor):
    device = _device(editor)
    code = _code(device)
    assert _otp_login(Client(), editor, code).status_code == 302
    second = Client()
    assert _otp_login(second, editor, code).status_code == 200 and not _logged_in(second)


def test_with_two_factor_required_staff_without_an_app_are_told_to_enrol(two_factor, client, editor):
    response = _otp_login(client, editor, "123456")
    assert not _logged_in(client)
    assert "enrol_totp" in response.content.decode()


def test_with_two_factor_required_a_session_without_the_code_gets_neither_admin_nor_staff_pages(
    two_factor, client, editor
):
    _device(editor)
    client.force_login(editor)  # signed in with a password only
    admin = client.get("/admin/")
    assert admin.status_code == 302 and admin["Location"].startswith("/admin/login/")
    for path in ["/staff/share/", "/staff/handout/?version=1"]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/admin/login/?next=/staff/"), path
    assert client.post("/staff/share/", {"version": "1"}).status_code == 302


def test_without_two_factor_the_demo_logs_in_with_a_password(client, editor, settings):
    settings.STAFF_2FA_REQUIRED = False
    html = client.get(LOGIN).content.decode()
    assert 'name="otp_token"' not in html
    response = _login(client, editor.username, PASSWORD)
    assert response.status_code == 302 and _logged_in(client)
    assert client.get("/admin/").status_code == 200
    assert client.get("/staff/share/").status_code == 200


def test_patient_pages_never_ask_for_a_code(two_factor, client, published, clinic):
    assert client.get("/leaflets/milia-test/").status_code == 200


# --- enrol_totp -------------------------------------------------------------------------------------------


def _enrol(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("enrol_totp", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_enrol_totp_refuses_an_unknown_user():
    with pytest.raises(CommandError, match="No user with the username 'nobody'"):
        _enrol("nobody")
    assert not TOTPDevice.objects.exists()


def test_enrol_totp_prints_an_address_and_a_qr_code_that_work(two_factor, editor):
    out, _err = _enrol(editor.username)
    url = re.search(r"otpauth://totp/\S+", out).group(0)
    assert "█" in out or "▀" in out  # the terminal QR code
    query = parse_qs(urlsplit(url).query)
    assert query["issuer"] == ["Patient leaflets"]
    device = TOTPDevice.objects.get(user=editor)
    assert device.confirmed
    # The secret in the address is the device's key: an app set up from it gives codes that log in.
    secret = base64.b32decode(query["secret"][0] + "=" * (-len(query["secret"][0]) % 8))
    assert secret == device.bin_key
    assert _otp_login(Client(), editor, _code(device)).status_code == 302


def test_enrol_totp_keeps_an_existing_app_unless_told_to_replace_it(editor):
    _enrol(editor.username)
    first = TOTPDevice.objects.get(user=editor)
    with pytest.raises(CommandError, match="--replace"):
        _enrol(editor.username)
    out, _err = _enrol(editor.username, "--replace", "--no-qr")
    assert "Removed" in out
    assert list(TOTPDevice.objects.filter(user=editor).values_list("pk", flat=True)) != [first.pk]
    assert TOTPDevice.objects.filter(user=editor).count() == 1


def test_enrol_totp_warns_about_a_user_who_cannot_use_the_admin():
    user = factories.make_user("visitor", is_active=True)
    user.is_staff = False
    user.save()
    _out, err = _enrol("visitor", "--no-qr")
    assert "not an active member of staff" in err


# --- bounded PDF rendering --------------------------------------------------------------------------------


def _stored_handouts() -> list[str]:
    if not default_storage.exists(pdf.CACHE_DIR):
        return []
    found = []
    folders, _files = default_storage.listdir(pdf.CACHE_DIR)
    for folder in folders:
        found += default_storage.listdir(f"{pdf.CACHE_DIR}/{folder}")[1]
    return found


def _hang(html, state):
    time.sleep(60)


@pytest.fixture
def warm_renderer():
    """The app process's fonts and stylesheet, built before a test replaces the render function (building
    them renders once, in this process)."""
    pdf_render._render_state()


def test_a_render_that_runs_too_long_is_stopped_and_nothing_is_stored(
    published, clinic, settings, monkeypatch, warm_renderer
):
    settings.HANDOUT_RENDER_TIMEOUT = 1
    monkeypatch.setattr(pdf_render, "_write_pdf", _hang)  # the render process inherits the hang
    started = time.monotonic()
    with pytest.raises(pdf.HandoutError, match="longer than 1 s"):
        pdf.handout_pdf(versions=[published], clinic=clinic, options=pdf.HandoutOptions())
    assert time.monotonic() - started < 10
    assert _stored_handouts() == []


def test_a_render_process_that_dies_leaves_nothing_stored(published, clinic, monkeypatch, warm_renderer):
    import os

    monkeypatch.setattr(pdf_render, "_write_pdf", lambda html, state: os._exit(9))
    with pytest.raises(pdf.HandoutError, match="without a result"):
        pdf.handout_pdf(versions=[published], clinic=clinic, options=pdf.HandoutOptions())
    assert _stored_handouts() == []


def test_a_timed_out_handout_is_a_clear_error_page_for_the_patient(
    client, published, clinic, settings, monkeypatch, warm_renderer
):
    settings.HANDOUT_RENDER_TIMEOUT = 1
    monkeypatch.setattr(pdf_render, "_write_pdf", _hang)
    response = client.get("/leaflets/milia-test/handout.pdf")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert _stored_handouts() == []


def test_handout_html_over_the_size_limit_is_refused_before_rendering(published, clinic, settings, monkeypatch):
    settings.HANDOUT_MAX_HTML_BYTES = 2_000
    monkeypatch.setattr(pdf_render, "_render_in_process", lambda *args: pytest.fail("rendered"))
    with pytest.raises(pdf.HandoutError, match="larger than 2000 bytes"):
        pdf.handout_pdf(versions=[published], clinic=clinic, options=pdf.HandoutOptions())
    assert _stored_handouts() == []


def test_a_normal_render_is_well_within_the_limits_and_is_stored(published, clinic):
    html = pdf.handout_html(versions=[published], clinic=clinic, options=pdf.HandoutOptions(large_print=True))
    assert len(html.encode()) < 100_000  # a tenth of the default limit
    data = pdf.handout_pdf(versions=[published], clinic=clinic, options=pdf.HandoutOptions())
    assert data.startswith(b"%PDF-")
    assert len(_stored_handouts()) == 1


def test_warnings_in_the_render_process_reach_the_app_log(caplog):
    html = '<html lang="en"><body><img src="https://elsewhere.example/x.png" alt=""><p>Hi</p></body></html>'
    _data, errors = pdf.html_to_pdf(html)
    assert "refused" in caplog.text  # logged by the fetcher inside the render process
    assert errors


def test_one_render_process_serves_many_renders_and_is_replaced_in_time(monkeypatch):
    html = '<html lang="en"><body><p>Hello</p></body></html>'
    pdf.html_to_pdf(html)
    first = pdf_render._render_process.process.pid
    pdf.html_to_pdf(html)
    assert pdf_render._render_process.process.pid == first  # kept between renders
    monkeypatch.setattr(pdf_render, "RENDERS_PER_PROCESS", pdf_render._render_process.renders)
    pdf.html_to_pdf(html)
    assert pdf_render._render_process.process.pid != first  # replaced after RENDERS_PER_PROCESS renders


def test_a_stopped_render_process_is_replaced_for_the_next_render(settings, monkeypatch, warm_renderer):
    html = '<html lang="en"><body><p>Hello</p></body></html>'
    settings.HANDOUT_RENDER_TIMEOUT = 1
    monkeypatch.setattr(pdf_render, "_write_pdf", _hang)
    with pytest.raises(pdf.HandoutError, match="longer than 1 s"):
        pdf.html_to_pdf(html)
    assert pdf_render._render_process.process is None  # killed, not left running
    monkeypatch.undo()
    data, _errors = pdf.html_to_pdf(html)
    assert data.startswith(b"%PDF-")
