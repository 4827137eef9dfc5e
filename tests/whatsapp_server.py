"""A small real WhatsApp Business Cloud API on 127.0.0.1 for tests.

It answers ``POST /<version>/<phone number id>/messages`` the way Meta's Graph
API does: it checks the bearer token, keeps every request it received and
answers from a queue of scripted responses (default: success with a fresh
``wamid``). The shapes follow Meta's documentation of the Cloud API:
https://developers.facebook.com/docs/whatsapp/cloud-api/reference/messages
"""

import itertools
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_PATH = re.compile(r"^/(v\d+\.\d+)/([^/]+)/messages$")


def success():
    """Meta's answer when it accepted the message (the ``wamid`` is filled in per request)."""
    return {"kind": "success"}


def error(status, code, message, error_type="OAuthException", details=None):
    """A Graph API error answer with HTTP ``status``."""
    body = {"message": message, "type": error_type, "code": code, "fbtrace_id": "AbCdEfGhIjK"}
    if details:
        body["error_data"] = {"messaging_product": "whatsapp", "details": details}
    return {"kind": "answer", "status": status, "body": {"error": body}}


def template_missing(name="collections_first", lang="pt_BR"):
    return error(
        400,
        132001,
        "(#132001) Template name does not exist in the translation",
        details=f"template name ({name}) does not exist in {lang}",
    )


def server_error(status=500):
    if status == 503:
        return error(503, 2, "Service temporarily unavailable", details="Please retry your request later.")
    return error(500, 1, "An unknown error occurred", details="An unknown error occurred.")


def hang():
    """Keep the connection open without answering (longer than any client timeout) until the server stops."""
    return {"kind": "hang"}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):
        pass

    def _send_json(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        server = self.server
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        request = {"path": self.path, "headers": dict(self.headers.items()), "body": body, "raw": raw}
        with server.lock:
            server.requests.append(request)
            answer = server.responses.pop(0) if server.responses else success()
        match = _PATH.match(self.path)
        if not match or match.group(2) != server.phone_number_id:
            self._send_json(
                400,
                {
                    "error": {
                        "message": f"Unsupported post request. Object with ID '{self.path}' does not exist",
                        "type": "GraphMethodException",
                        "code": 100,
                        "error_subcode": 33,
                        "fbtrace_id": "AbCdEfGhIjK",
                    }
                },
            )
            return
        if self.headers.get("Authorization") != f"Bearer {server.token}":
            self._send_json(
                401,
                {
                    "error": {
                        "message": "Invalid OAuth access token - Cannot parse access token",
                        "type": "OAuthException",
                        "code": 190,
                        "fbtrace_id": "AbCdEfGhIjK",
                    }
                },
            )
            return
        if answer["kind"] == "hang":
            # Released by stop(): the server never holds up the end of the test run.
            server.stopping.wait(60)
            return
        if answer["kind"] == "answer":
            self._send_json(answer["status"], answer["body"])
            return
        if not isinstance(body, dict) or body.get("messaging_product") != "whatsapp" or not body.get("to"):
            self._send_json(
                400,
                {
                    "error": {
                        "message": "(#100) The parameter messaging_product is required.",
                        "type": "OAuthException",
                        "code": 100,
                        "fbtrace_id": "AbCdEfGhIjK",
                    }
                },
            )
            return
        wamid = f"wamid.HBgN{next(server.counter):06d}"
        with server.lock:
            server.message_ids.append(wamid)
        self._send_json(
            200,
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": body["to"], "wa_id": body["to"]}],
                "messages": [{"id": wamid}],
            },
        )


class LocalWhatsAppServer(ThreadingHTTPServer):
    """``with LocalWhatsAppServer(token=..., phone_number_id=...) as server:`` then ``server.url``."""

    daemon_threads = True
    block_on_close = False

    def __init__(self, token="test-token", phone_number_id="1234567890", version="v23.0"):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.token = token
        self.phone_number_id = phone_number_id
        self.version = version
        self.requests = []
        self.responses = []
        self.message_ids = []
        self.lock = threading.Lock()
        self.counter = itertools.count(1)
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)

    @property
    def port(self):
        return self.server_address[1]

    @property
    def url(self):
        """The API base URL the company's settings point at."""
        return f"http://127.0.0.1:{self.port}/{self.version}"

    def answer(self, *responses):
        """Queue the answers of the next requests (then: success)."""
        with self.lock:
            self.responses.extend(responses)

    def reset(self):
        with self.lock:
            self.requests.clear()
            self.responses.clear()
            self.message_ids.clear()

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
