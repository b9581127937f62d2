"""The handout render process against a real server (live_server): it outlives the request that starts it."""

import socket
from urllib.parse import urlsplit

from education.pdf import render as pdf_render


def test_a_request_that_starts_the_render_process_still_ends(demo, live_server):
    """The render process must not keep the connection of the request that forked it open: the browser or
    proxy would wait for that response to end. (Not a browser test: it lives here for the demo fixture.)"""
    pdf_render._render_process.stop()  # the request below forks a new one
    address = urlsplit(live_server.url)
    with socket.create_connection((address.hostname, address.port), timeout=15) as connection:
        request = f"GET /leaflets/milia-overview/handout.pdf?paper=letter&large=1 HTTP/1.0\r\nHost: {address.hostname}\r\n\r\n"
        connection.sendall(request.encode())
        received = b""
        while chunk := connection.recv(65536):  # until the server closes; a timeout here fails the test
            received += chunk
    assert received.startswith(b"HTTP/1.1 200") and b"%PDF-" in received
    assert received.rstrip().endswith(b"%%EOF")
    assert pdf_render._render_process.process is not None and pdf_render._render_process.process.is_alive()
