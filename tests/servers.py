"""Real servers on loopback for the tests of the shared cache and shared storage: Debian's `redis-server` and
moto's S3 API server, each started on a free 127.0.0.1 port and stopped after. A test that cannot get its
server is skipped with the reason, never faked.

`bash scripts/install-system-packages --dev` installs redis-server; requirements-dev.txt pins moto[server].
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

STARTUP_SECONDS = 20


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_port(process: subprocess.Popen, port: int, name: str) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with status {process.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.1)
    raise RuntimeError(f"{name} did not answer on port {port} within {STARTUP_SECONDS} s")


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextlib.contextmanager
def redis_server(folder: Path) -> Iterator[str]:
    """A throwaway redis-server (nothing saved to disk); yields its redis:// URL. Skips when it cannot run."""
    binary = shutil.which("redis-server") or (
        "/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists() else None
    )
    if binary is None:
        pytest.skip("redis-server is not installed (bash scripts/install-system-packages --dev installs it)")
    port = free_port()
    command = [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"]
    command += ["--dir", str(folder), "--protected-mode", "yes", "--loglevel", "warning"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
    try:
        try:
            _wait_for_port(process, port, "redis-server")
        except RuntimeError as error:
            pytest.skip(f"redis-server could not start: {error}")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        _stop(process)


@contextlib.contextmanager
def s3_server() -> Iterator[dict]:
    """moto's S3 API in server mode with one empty private bucket; yields the AWS_* settings to reach it."""
    try:
        import boto3  # noqa: F401
        import moto.server  # noqa: F401
    except ImportError as error:
        pytest.skip(f"moto[server] or boto3 is not installed ({error.name}); pip install -r requirements-dev.txt")
    port = free_port()
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        try:
            _wait_for_port(process, port, "moto_server")
        except RuntimeError as error:
            pytest.skip(f"moto's S3 server could not start: {error}")
        options = {
            "AWS_STORAGE_BUCKET_NAME": f"leaflets-{uuid.uuid4().hex[:12]}",
            "AWS_S3_ENDPOINT_URL": f"http://127.0.0.1:{port}",
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",  # moto accepts any key
            "AWS_S3_REGION_NAME": "us-east-1",
        }
        create_bucket(options)
        yield options
    finally:
        _stop(process)


def s3_client(options: dict):
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=options["AWS_S3_ENDPOINT_URL"],
        aws_access_key_id=options["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=options["AWS_SECRET_ACCESS_KEY"],
        region_name=options["AWS_S3_REGION_NAME"],
    )


def create_bucket(options: dict) -> None:
    s3_client(options).create_bucket(Bucket=options["AWS_STORAGE_BUCKET_NAME"])


def s3_storage_settings(options: dict) -> dict:
    """The STORAGES["default"] that clinic/settings.py builds from these AWS_* variables."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": options["AWS_STORAGE_BUCKET_NAME"],
            "endpoint_url": options["AWS_S3_ENDPOINT_URL"],
            "access_key": options["AWS_ACCESS_KEY_ID"],
            "secret_key": options["AWS_SECRET_ACCESS_KEY"],
            "region_name": options["AWS_S3_REGION_NAME"],
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 300,
            "signature_version": "s3v4",
            "file_overwrite": False,
            "location": "",
        },
    }


def png_bytes(colour: str = "#0b5394") -> bytes:
    """A small PNG image (a clinic logo)."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (120, 40), colour).save(buffer, format="PNG")
    return buffer.getvalue()
