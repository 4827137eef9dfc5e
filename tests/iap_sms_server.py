"""A small real IAP SMS server on 127.0.0.1 for tests: it speaks IAP's JSON-RPC for sending SMS.

It answers ``POST /api/sms/3/send`` like Odoo's SMS service: one result per
number, ``success`` unless ``states`` gives another state for that number
(``wrong_number_format``, ``insufficient_credit``, …). It keeps every request's
parameters, so a test can check what was handed to the provider.
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SEND_PATH = "/api/sms/3/send"


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, format, *args):
        pass  # keep the test log quiet

    def reply(self, status, payload):
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        server = self.server
        length = int(self.headers.get("Content-Length") or 0)
        try:
            request = json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            self.reply(400, {"error": "not JSON"})
            return
        request_id = request.get("id")
        if self.path != SEND_PATH:
            error = {"code": 404, "message": f"unknown endpoint {self.path}", "data": {"name": "werkzeug.NotFound"}}
            self.reply(200, {"jsonrpc": "2.0", "id": request_id, "error": error})
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
        self.reply(200, {"jsonrpc": "2.0", "id": request_id, "result": results})


class LocalIapSmsServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, states=None):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.states = dict(states or {})  # {number: IAP state}; numbers not listed get "success"
        self.requests = []
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def port(self):
        return self.server_address[1]

    @property
    def endpoint(self):
        """The value for the ``sms.endpoint`` system parameter."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def sent(self):
        """[(number, content, uuid)] of every number handed to the server, in order."""
        return [
            (number["number"], message["content"], number["uuid"])
            for params in self.requests
            for message in params.get("messages", [])
            for number in message.get("numbers", [])
        ]

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()
        self.thread.join(timeout=5)
