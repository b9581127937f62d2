"""The render process is killed from outside (SIGKILL: the kernel's out-of-memory killer, an operator's
`kill -9`) while it renders a patient's handout: that request answers the 503 error page, the same handout
answers it at once for FAILURE_MEMORY_SECONDS (education/pdf/cache.py), and any other handout is rendered by a
fresh render process, without restarting the app.

tests/test_security.py covers a render process that exits by itself mid-render (os._exit) and one stopped
for taking too long; here the process is killed by another, as it would be on a server."""

import functools
import os
import signal
import threading
import time

import pytest

from clinic.models import Clinic
from education.pdf import render as pdf_render

pytestmark = [pytest.mark.faults, pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork: renders run in-process")]


@pytest.fixture
def clinic(db):
    return Clinic.objects.create(name="Riverside", slug="riverside", is_default=True)


def _signal_then_hang(html, state, *, marker):
    marker.write_text("rendering")
    time.sleep(60)  # killed here


def _kill_the_render_process_once_it_renders(marker, killed: list) -> None:
    deadline = time.monotonic() + 30
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    process = pdf_render._render_process.process
    if process is not None and marker.exists():
        os.kill(process.pid, signal.SIGKILL)
        killed.append(process.pid)


def test_a_render_process_killed_mid_render_gives_the_error_page_then_a_fresh_one_renders(
    client, published, clinic, monkeypatch, tmp_path
):
    pdf_render._render_state()  # fonts and stylesheet built here, before the render function is replaced
    marker = tmp_path / "rendering"
    monkeypatch.setattr(pdf_render, "_write_pdf", functools.partial(_signal_then_hang, marker=marker))
    killed = []
    killer = threading.Thread(target=_kill_the_render_process_once_it_renders, args=(marker, killed))
    killer.start()
    try:
        started = time.monotonic()
        response = client.get("/leaflets/milia-test/handout.pdf")
    finally:
        killer.join(timeout=35)
    assert killed, "the render never started"
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert time.monotonic() - started < 15  # not the render timeout: the dead process is noticed at once
    assert pdf_render._render_process.process is None  # cleaned up, not left as a zombie

    monkeypatch.undo()
    # That handout is remembered as failed for a while (FAILURE_MEMORY_SECONDS in education/pdf/cache.py):
    # the error page at once, without rendering again.
    assert client.get("/leaflets/milia-test/handout.pdf").status_code == 503
    # Any other handout renders, in a fresh render process.
    response = client.get("/leaflets/milia-test/handout.pdf?large=1")
    assert response.status_code == 200
    assert b"".join(response.streaming_content if response.streaming else [response.content]).startswith(b"%PDF-")
    assert pdf_render._render_process.process.pid != killed[0]
