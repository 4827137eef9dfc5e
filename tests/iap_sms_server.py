"""A small real IAP SMS server on 127.0.0.1 for tests: it speaks IAP's JSON-RPC for sending SMS.

It answers ``POST /api/sms/3/send`` like Odoo's SMS service: one result per
number, ``success`` unless ``states`` gives another state for that number
(``wrong_number_format``, ``insufficient_credit``, …). It keeps every request's
parameters, so a test can check what was handed to the provider.
"""

import json

from .local_server import JsonHandler, LocalHTTPServer

SEND_PATH = "/api/sms/3/send"


class _Handler(JsonHandler):
    def do_POST(self):
        server = self.server
        try:
            request = json.loads(self.read_body() or b"{}")
        except ValueError:
            self.reply_json(400, {"error": "not JSON"})
            return
        request_id = request.get("id")
        if self.path != SEND_PATH:
            error = {"code": 404, "message": f"unknown endpoint {self.path}", "data": {"name": "werkzeug.NotFound"}}
            self.reply_json(200, {"jsonrpc": "2.0", "id": request_id, "error": error})
            return
        params = request.get("params") or {}
        with server.lock:
            server.requests.append(params)
        results = [
            {
                "uuid": number["uuid"],
                "state": server.states.get(number["number"], "success"),
                "credit": 1,
            }
            for message in params.get("messages", [])
            for number in message.get("numbers", [])
        ]
        self.reply_json(200, {"jsonrpc": "2.0", "id": request_id, "result": results})


class LocalIapSmsServer(LocalHTTPServer):
    """``with LocalIapSmsServer(states=...) as server:`` then ``server.endpoint``; ``server.sent`` is what it got."""

    def __init__(self, states=None):
        super().__init__(_Handler)
        self.states = dict(states or {})  # {number: IAP state}; numbers not listed get "success"
        self.requests = []

    @property
    def endpoint(self):
        """The value for the ``sms.endpoint`` system parameter."""
        return self.base_url

    @property
    def sent(self):
        """[(number, content, uuid)] of every number handed to the server, in order."""
        return [
            (number["number"], message["content"], number["uuid"])
            for params in self.requests
            for message in params.get("messages", [])
            for number in message.get("numbers", [])
        ]
