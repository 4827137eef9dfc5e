"""What the tests' local servers share: a real server on 127.0.0.1, served by a daemon thread.

Each server (SMTP, IAP SMS, WhatsApp Cloud API) binds a free port on 127.0.0.1 and is
started and stopped with ``with server:`` (or ``start()``/``stop()``); the HTTP ones
read and answer JSON through :class:`JsonHandler`.
"""

import json
import socketserver
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _LocalServer:
    """Mixin for a ``socketserver`` server: bound to 127.0.0.1 on a free port, served in the background."""

    daemon_threads = True
    allow_reuse_address = True
    block_on_close = False

    def __init__(self, handler):
        super().__init__(("127.0.0.1", 0), handler)
        self.lock = threading.Lock()
        # Set when the server stops: a handler that holds a connection open lets go then.
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)

    @property
    def port(self):
        return self.server_address[1]

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.stopping.set()
        self.shutdown()
        self.server_close()
        self.thread.join(timeout=5)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


class LocalTCPServer(_LocalServer, socketserver.ThreadingTCPServer):
    """A line-based TCP server (SMTP)."""


class LocalHTTPServer(_LocalServer, ThreadingHTTPServer):
    """An HTTP server; ``base_url`` is where a client reaches it."""

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}"


class JsonHandler(BaseHTTPRequestHandler):
    """An HTTP request handler that reads and answers JSON, and keeps the test log quiet."""

    content_type = "application/json"

    def log_message(self, format, *args):
        pass

    def read_body(self):
        """The raw body of the request (empty without a Content-Length)."""
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def reply_json(self, status, payload):
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", self.content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
