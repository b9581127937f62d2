"""Shared object storage (AWS_STORAGE_BUCKET_NAME): logos and stored handouts in an S3 bucket, against moto's S3
API server started on 127.0.0.1 by these tests (tests/servers.py). Private: nothing is readable without a
signature; the handout renderer reads the logo through the storage API."""

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from clinic.models import Clinic
from education import pdf
from tests import servers
from tests.pdf.support import png_logo, render, stored_handouts

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("weasyprint_stays_quiet")]


@pytest.fixture(scope="module")
def s3():
    with servers.s3_server() as options:
        yield options


@pytest.fixture(autouse=True)
def object_storage(s3, settings):
    """Default storage in a fresh bucket, as clinic/settings.py configures it from the AWS_* variables."""
    options = {**s3, "AWS_STORAGE_BUCKET_NAME": f"{s3['AWS_STORAGE_BUCKET_NAME']}-{os.urandom(3).hex()}"}
    servers.create_bucket(options)
    settings.STORAGES = {**settings.STORAGES, "default": servers.s3_storage_settings(options)}
    return options


def _bucket_keys(options) -> list[str]:
    listing = servers.s3_client(options).list_objects_v2(Bucket=options["AWS_STORAGE_BUCKET_NAME"])
    return [item["Key"] for item in listing.get("Contents", [])]


def test_the_settings_build_private_s3_storage_from_the_environment(s3):
    """clinic/settings.py itself, in a fresh process with only the environment variables set; pages may show
    images from the storage's origin (the signed logo URLs), and from nowhere else new."""
    code = (
        "from django.conf import settings; import json; "
        "print(json.dumps([settings.STORAGES['default'], settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src']]))"
    )
    environment = {**os.environ, **s3, "DJANGO_SETTINGS_MODULE": "clinic.settings", "DEBUG": "true"}
    environment.pop("DATABASE_URL", None)
    output = subprocess.run(  # noqa: S603
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env=environment, capture_output=True, text=True, check=True, timeout=60,
    ).stdout  # fmt: skip
    storage, img_src = json.loads(output)
    assert storage == servers.s3_storage_settings(s3)
    assert img_src == ["'self'", "data:", s3["AWS_S3_ENDPOINT_URL"]]


def test_a_logo_goes_to_the_bucket_and_is_private(object_storage):
    clinic = Clinic.objects.create(name="Riverside", slug="riverside", is_default=True)
    clinic.logo.save("riverside.png", ContentFile(png_logo()), save=True)
    assert clinic.logo.name in _bucket_keys(object_storage)
    plain = f"{object_storage['AWS_S3_ENDPOINT_URL']}/{object_storage['AWS_STORAGE_BUCKET_NAME']}/{clinic.logo.name}"
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(plain, timeout=10)  # noqa: S310 - loopback test server
    refused.value.close()
    assert refused.value.code == 403
    signed = clinic.logo.url
    assert "X-Amz-Signature=" in signed and "X-Amz-Expires=300" in signed  # good for five minutes
    with urllib.request.urlopen(signed, timeout=10) as answer:  # noqa: S310 - loopback test server
        assert answer.read() == png_logo()


def test_the_pdf_fetcher_reads_the_logo_through_the_storage_api(object_storage):
    name = default_storage.save("clinic-logos/logo.png", ContentFile(png_logo()))
    assert name in _bucket_keys(object_storage)
    response = pdf.HandoutURLFetcher().fetch(pdf.logo_url(name))
    assert response.content_type == "image/png" and response.read() == png_logo()


def test_a_stored_handout_is_kept_in_the_bucket_and_served_without_rendering(
    object_storage, leaflet_version, clinic, render_count
):
    first = render(leaflet_version, clinic)
    assert first.startswith(b"%PDF-")
    assert len(stored_handouts()) == 1
    assert any(key.startswith(f"{pdf.CACHE_DIR}/") for key in _bucket_keys(object_storage))
    assert render(leaflet_version, clinic) == first
    assert len(render_count) == 1  # the second came from the bucket


def test_a_withdrawn_versions_handouts_are_deleted_from_the_bucket(object_storage, leaflet_version, clinic):
    render(leaflet_version, clinic)
    assert pdf.forget_version(leaflet_version.pk) == 1
    assert not any(key.startswith(f"{pdf.CACHE_DIR}/") for key in _bucket_keys(object_storage))


def test_readyz_checks_the_bucket(client, object_storage):
    body = json.loads(client.get("/readyz").content)
    assert body["checks"]["storage"]["ok"] is True
    assert not [key for key in _bucket_keys(object_storage) if key.startswith("health/")]
