"""Real servers on loopback for the scheduler tests: SMTP (aiosmtpd), one that never answers,
and an SMS webhook (http.server); each counts what it receives."""
import asyncio
import email
import json
import socket
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Mailbox:
    """An aiosmtpd handler: keeps each accepted message; may refuse or stall on request."""

    def __init__(self, refuse_rcpt=(), refuse_data=False, stall_after_data=0.0):
        self.refuse_rcpt, self.refuse_data = set(refuse_rcpt), refuse_data
        self.stall_after_data = stall_after_data
        self.messages, self.lock = [], threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse_rcpt:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.refuse_data:
            return "554 5.7.1 Message refused"
        if self.stall_after_data:
            await asyncio.sleep(self.stall_after_data)
        message = email.message_from_bytes(envelope.content)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def message_ids(self):
        with self.lock:
            return Counter(m["Message-ID"] for m in self.messages)

    def count(self):
        with self.lock:
            return len(self.messages)


class SmtpServer:
    def __init__(self, handler):
        self.handler = handler
        self.port = free_port()
        self.controller = Controller(handler, hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()


class SilentServer:
    """Accepts connections and never says a word (an SMTP server that hangs)."""

    def __init__(self):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.port = self.socket.getsockname()[1]
        self.held, self.stopping = [], threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)

    def _accept(self):
        self.socket.settimeout(0.2)
        while not self.stopping.is_set():
            try:
                self.held.append(self.socket.accept()[0])
            except OSError:
                continue

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        self.thread.join()
        for connection in self.held:
            connection.close()
        self.socket.close()


class Webhook:
    """An SMS webhook: answers from a script of statuses (then 200), keeps every request, and
    takes a repeated Idempotency-Key as the message it already has (its contract)."""

    def __init__(self, statuses=(), secret=None):
        self.statuses, self.secret = list(statuses), secret
        self.requests, self.delivered, self.lock = [], {}, threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms"

    def _handler(self):
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                status, answer = hook.answer(dict(self.headers), body)
                raw = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, *args):
                pass

        return Handler

    def answer(self, headers, body):
        with self.lock:
            self.requests.append((headers, body))
            if self.secret and headers.get("X-Webhook-Secret") != self.secret:
                return 401, {"error": "bad secret"}
            status = self.statuses.pop(0) if self.statuses else 200
            if status != 200:
                return status, {"error": "scripted"}
            key = headers["Idempotency-Key"]
            self.delivered.setdefault(key, (f"sms-{len(self.delivered) + 1}", body))
            return 200, {"id": self.delivered[key][0]}

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
