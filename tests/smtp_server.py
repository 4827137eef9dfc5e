"""A small real SMTP server on 127.0.0.1 for tests: it speaks enough SMTP for smtplib.

It accepts every recipient except those in ``reject``, which get a permanent
550 error, and keeps the messages it received.
"""

import socketserver
from email import message_from_bytes, policy

from .local_server import LocalTCPServer


class _Handler(socketserver.StreamRequestHandler):
    def reply(self, line):
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        server = self.server
        self.reply("220 localhost test SMTP ready")
        sender, recipients = None, []
        while True:
            line = self.rfile.readline()
            if not line:
                return
            command = line.decode(errors="replace").strip()
            verb = command[:4].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250-localhost")
                self.reply("250 8BITMIME")
            elif verb == "MAIL":
                sender, recipients = command.split(":", 1)[1].strip(), []
                self.reply("250 OK")
            elif verb == "RCPT":
                address = command.split(":", 1)[1].strip().strip("<>").split(">")[0]
                if address in server.reject:
                    self.reply(f"550 5.1.1 <{address}>: mailbox unavailable")
                else:
                    recipients.append(address)
                    self.reply("250 OK")
            elif verb == "DATA":
                if not recipients:
                    self.reply("554 no valid recipients")
                    continue
                self.reply("354 end with <CRLF>.<CRLF>")
                data = []
                while True:
                    chunk = self.rfile.readline()
                    if chunk in (b".\r\n", b".\n", b""):
                        break
                    data.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                message = message_from_bytes(b"".join(data), policy=policy.default)
                with server.lock:
                    server.messages.append({"from": sender, "to": list(recipients), "message": message})
                self.reply("250 OK queued")
            elif verb == "RSET":
                sender, recipients = None, []
                self.reply("250 OK")
            elif verb == "NOOP":
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 command not implemented")


class LocalSMTPServer(LocalTCPServer):
    """``with LocalSMTPServer(reject=...) as server:`` then ``server.port``; ``server.messages`` is what it got."""

    def __init__(self, reject=()):
        super().__init__(_Handler)
        self.reject = set(reject)
        self.messages = []
