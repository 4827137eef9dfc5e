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

from .local_server import JsonHandler, LocalHTTPServer

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


class _Handler(JsonHandler):
    protocol_version = "HTTP/1.1"
    content_type = "application/json; charset=UTF-8"

    def do_POST(self):
        server = self.server
        raw = self.read_body()
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
            self.reply_json(
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
            self.reply_json(
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
            self.reply_json(answer["status"], answer["body"])
            return
        if not isinstance(body, dict) or body.get("messaging_product") != "whatsapp" or not body.get("to"):
            self.reply_json(
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
        self.reply_json(
            200,
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": body["to"], "wa_id": body["to"]}],
                "messages": [{"id": wamid}],
            },
        )


class LocalWhatsAppServer(LocalHTTPServer):
    """``with LocalWhatsAppServer(token=..., phone_number_id=...) as server:`` then ``server.url``."""

    def __init__(self, token="test-token", phone_number_id="1234567890", version="v23.0"):
        super().__init__(_Handler)
        self.token = token
        self.phone_number_id = phone_number_id
        self.version = version
        self.requests = []
        self.responses = []
        self.message_ids = []
        self.counter = itertools.count(1)

    @property
    def url(self):
        """The API base URL the company's settings point at."""
        return f"{self.base_url}/{self.version}"

    def answer(self, *responses):
        """Queue the answers of the next requests (then: success)."""
        with self.lock:
            self.responses.extend(responses)

    def reset(self):
        with self.lock:
            self.requests.clear()
            self.responses.clear()
            self.message_ids.clear()
