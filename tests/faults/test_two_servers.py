"""Two servers, one clinic: two gunicorn servers on different loopback ports sharing one PostgreSQL, one Redis
(CACHE_URL) and one S3 API server (moto, AWS_STORAGE_BUCKET_NAME), plus one job worker (`manage.py db_worker`),
all in production mode and all started here.

It shows: a logo stored by one server is shown by the other; a handout rendered through A is served by B from
the bucket without rendering; publishing is visible through B at once although B had the page in its cache;
the hourly share-email limit holds across both; a share email queued through A is sent once, by the worker."""

import email
import http.cookiejar
import re
import secrets
import signal
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests import servers
from tests.faults.conftest import BASE_DIR, PYTHON, child_environment, free_port

pytestmark = pytest.mark.faults

GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
PAGE = "/leaflets/milia-overview/"
HANDOUT = "/leaflets/milia-overview/handout.pdf"
PASSWORD = secrets.token_urlsafe(12)
EMAILS_PER_HOUR = 3


class Browser:
    """A member of staff's browser for one server: cookies kept, forms posted with their CSRF token."""

    def __init__(self, origin: str):
        self.origin = origin
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str) -> tuple[int, dict, bytes]:
        return self._open(urllib.request.Request(self.origin + path))

    def post(self, path: str, fields: dict) -> tuple[int, dict, bytes]:
        data = urllib.parse.urlencode(fields).encode()
        return self._open(urllib.request.Request(self.origin + path, data=data, headers={"Referer": self.origin}))

    def _open(self, request) -> tuple[int, dict, bytes]:
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            with error:
                return error.code, dict(error.headers), error.read()

    def form_value(self, html: bytes, name: str) -> str:
        found = re.search(rb'name="' + name.encode() + rb'" value="([^"]*)"', html)
        assert found, f"no {name} in the form"
        return found.group(1).decode()

    def log_in(self, username: str) -> None:
        _status, _headers, page = self.get("/admin/login/")
        token = self.form_value(page, "csrfmiddlewaretoken")
        self.post("/admin/login/", {"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD})
        assert b'name="form_key"' in self.get("/staff/share/")[2], "not logged in"

    def share_by_email(self, version_id: int, clinic_id: int, address: str) -> int:
        _status, _headers, page = self.get("/staff/share/")
        fields = {
            "csrfmiddlewaretoken": self.form_value(page, "csrfmiddlewaretoken"),
            "form_key": self.form_value(page, "form_key"),
            "version": version_id, "clinic": clinic_id, "channel": "email", "expires_in": "30", "email": address,
        }  # fmt: skip
        return self.post("/staff/share/", fields)[0]


def manage(*args: str, env: dict) -> str:
    result = subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
        [PYTHON, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, f"manage.py {args[0]}: {result.stdout}{result.stderr}"
    return result.stdout


def _shell(code: str, env: dict) -> str:
    """Run Python with Django set up, as one of the servers does (its settings and environment)."""
    result = subprocess.run(  # noqa: S603
        [PYTHON, "-c", f"import django; django.setup()\n{code}"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert result.returncode == 0, f"{result.stdout}{result.stderr}"
    return result.stdout.strip()


def start(command: list[str], env: dict, log: Path) -> subprocess.Popen:
    with log.open("w") as output:
        return subprocess.Popen(  # noqa: S603 - our own programs, fixed arguments
            command, cwd=BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )


def stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


QUEUE_LENGTH = (
    "from django_tasks_db.models import DBTaskResult\n"
    "print(DBTaskResult.objects.filter(status__in=['READY', 'RUNNING']).count())"
)


def wait_until_healthy(origin: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while True:
        assert process.poll() is None, f"gunicorn stopped: {log.read_text()}"
        try:
            with urllib.request.urlopen(origin + "/healthz", timeout=5) as answer:  # noqa: S310 - loopback
                if answer.status == 200:
                    return
        except OSError:
            pass
        assert time.monotonic() < deadline, f"gunicorn did not answer: {log.read_text()}"
        time.sleep(0.2)


@pytest.fixture(scope="module")
def cluster(throwaway_postgres, tmp_path_factory):
    if not Path(GUNICORN).exists():
        pytest.skip(f"gunicorn is not installed ({GUNICORN}; pip install -r requirements.txt)")
    tmp = tmp_path_factory.mktemp("cluster")
    with servers.redis_server(tmp) as redis_url, servers.s3_server() as s3:
        ports = [free_port(), free_port()]
        mail_folder = tmp / "mail"
        mail_folder.mkdir()
        common = {
            "DATABASE_URL": throwaway_postgres.createdb("cluster"),
            "CACHE_URL": redis_url,
            **s3,
            "MEDIA_ROOT": str(tmp / "no-local-media"),
            "STATIC_ROOT": str(tmp / "static"),
            "CLINIC_CONTACT_FILE": str(tmp / "var" / "clinic-contact.json"),
            "SITE_URL": "https://leaflets.clinic.example",
            "LOG_LEVEL": "WARNING",
            "EMAIL_FILE_PATH": str(mail_folder),
            "SHARE_EMAILS_PER_HOUR": str(EMAILS_PER_HOUR),
        }
        manage("migrate", "--no-input", env=child_environment(**common, DEBUG="true"))
        manage("demo", f"--password={PASSWORD}", env=child_environment(**common, DEBUG="true"))
        production = child_environment(
            **common,
            DJANGO_SETTINGS_MODULE="tests.faults.cluster_settings",
            DEBUG="false",
            SECRET_KEY=secrets.token_urlsafe(50),
            ALLOWED_HOSTS="127.0.0.1",
            SECURE_SSL_REDIRECT="false",  # no TLS proxy in front of these servers
            SECURE_COOKIES="false",
            STAFF_2FA_REQUIRED="false",
            EMAIL_URL="smtp://127.0.0.1:1",  # for the deploy check only: cluster_settings writes mail to files
            PUBLIC_PAGE_CACHE_SECONDS="60",
            GUNICORN_ACCESS_LOG="/dev/null",
        )
        manage("collectstatic", "--no-input", "--verbosity", "0", env=production)
        processes = []
        try:
            origins = []
            for name, port in zip("AB", ports, strict=True):
                log = tmp / f"gunicorn-{name}.log"
                command = [GUNICORN, "-c", "python:clinic.gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1"]
                processes.append(start([*command, "clinic.wsgi"], production, log))
                origins.append(f"http://127.0.0.1:{port}")
                wait_until_healthy(origins[-1], processes[-1], log)
            worker = [PYTHON, "manage.py", "db_worker", "--no-reload", "--interval", "0.2", "--queue-name", "*"]
            processes.append(start(worker, production, tmp / "worker.log"))
            # The demo queued jobs (handouts stored ahead of time, notifications); the tests start once the
            # worker has done them, so nothing it writes later is mistaken for a server's work.
            wait_for(lambda: _shell(QUEUE_LENGTH, production) == "0", seconds=180, what="the demo's jobs")
            yield {"A": origins[0], "B": origins[1], "env": production, "s3": s3, "mail": mail_folder, "tmp": tmp}
        finally:
            for process in processes:
                stop(process)


def wait_for(condition, seconds: float = 60, what: str = "the worker"):
    deadline = time.monotonic() + seconds
    while not (result := condition()):
        assert time.monotonic() < deadline, f"waited {seconds} s for {what}"
        time.sleep(0.2)
    return result


def bucket_objects(s3: dict, prefix: str) -> dict:
    listing = servers.s3_client(s3).list_objects_v2(Bucket=s3["AWS_STORAGE_BUCKET_NAME"], Prefix=prefix)
    return {item["Key"]: item["LastModified"] for item in listing.get("Contents", [])}


def test_a_logo_stored_by_one_server_is_shown_by_the_other(cluster):
    png = servers.png_bytes()
    _shell(
        "from django.core.files.base import ContentFile\nfrom clinic.models import Clinic\n"
        f"Clinic.objects.get(is_default=True).logo.save('cluster-logo.png', ContentFile({png!r}), save=True)",
        cluster["env"],
    )
    _status, _headers, page = Browser(cluster["B"]).get(PAGE)
    src = re.search(rb'class="site-logo" src="([^"]+)"', page)
    assert src, "B's page shows no logo"
    url = src.group(1).decode().replace("&amp;", "&")
    assert url.startswith(cluster["s3"]["AWS_S3_ENDPOINT_URL"]) and "X-Amz-Signature=" in url
    with urllib.request.urlopen(url, timeout=10) as image:  # noqa: S310 - the loopback S3 server
        assert image.read() == png


def test_a_handout_rendered_through_a_is_served_by_b_without_rendering(cluster):
    s3 = servers.s3_client(cluster["s3"])
    for key in bucket_objects(cluster["s3"], "handouts/"):  # stored ahead by the worker: A must render it now
        s3.delete_object(Bucket=cluster["s3"]["AWS_STORAGE_BUCKET_NAME"], Key=key)
    status, headers, first = Browser(cluster["A"]).get(HANDOUT)
    assert status == 200 and first.startswith(b"%PDF-")
    stored = wait_for(lambda: bucket_objects(cluster["s3"], "handouts/"), what="the stored handout")
    status, headers, second = Browser(cluster["B"]).get(HANDOUT)
    assert status == 200 and second == first  # a new render would carry a new creation date
    assert bucket_objects(cluster["s3"], "handouts/") == stored  # nothing written again


def test_publishing_through_a_is_visible_through_b_at_once(cluster):
    b = Browser(cluster["B"])
    assert b.get(PAGE)[0] == 200  # now in the shared page cache
    _shell(
        "from education import services\nfrom education.models import LeafletVersion\n"
        "from django.contrib.auth import get_user_model\nfrom tests import factories\n"
        "User = get_user_model()\neditor, approver = User.objects.get(username='editor'), User.objects.get(username='clinician')\n"
        "published = LeafletVersion.objects.get(leaflet__slug='milia-overview', language='en', status='published')\n"
        "draft = services.version_create_draft(leaflet=published.leaflet, user=editor, based_on=published)\n"
        "factories.edit(draft, user=editor, title='Milia: seen from every server', change_note='Cluster test')\n"
        "services.version_submit(version=draft, user=editor)\n"
        "services.version_approve_and_publish(version=draft, content_hash=factories.shown_hash(draft), attested=True, user=approver)\n",
        cluster["env"],
    )
    status, _headers, page = b.get(PAGE)
    assert status == 200 and b"Milia: seen from every server" in page


def test_the_hourly_email_limit_holds_across_both_servers_and_each_email_goes_once(cluster):
    ids = _shell(
        "from clinic.models import Clinic\nfrom education.models import LeafletVersion\n"
        "v = LeafletVersion.objects.filter(status='published', language='en').order_by('pk').first()\n"
        "print(v.pk, Clinic.objects.get(is_default=True).pk)",
        cluster["env"],
    )
    version_id, clinic_id = (int(value) for value in ids.split())
    a, b = Browser(cluster["A"]), Browser(cluster["B"])
    a.log_in("editor")
    b.log_in("editor")
    answers = [
        a.share_by_email(version_id, clinic_id, "one@example.org"),
        b.share_by_email(version_id, clinic_id, "two@example.org"),
        a.share_by_email(version_id, clinic_id, "three@example.org"),
        b.share_by_email(version_id, clinic_id, "four@example.org"),  # the fourth in the hour
    ]
    assert answers == [200, 200, 200, 429]
    patients = {"one@example.org", "two@example.org", "three@example.org", "four@example.org"}

    def to_patients():  # the mail folder also holds the staff's workflow notifications (publishing, ...)
        addressees = (email.message_from_bytes(path.read_bytes())["To"] for path in cluster["mail"].iterdir())
        return sorted(to for to in addressees if to in patients)

    sent = wait_for(lambda: len(to_patients()) >= 3 and to_patients())
    time.sleep(2)  # a fourth or a second copy would have gone by now
    assert to_patients() == ["one@example.org", "three@example.org", "two@example.org"], sent
    done = _shell(
        "from education.models import ShareEmail\n"
        "print(ShareEmail.objects.filter(sent_at__isnull=False, sealed='').count(), ShareEmail.objects.count())",
        cluster["env"],
    )
    assert done == "3 3"
