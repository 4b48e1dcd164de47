"""Real servers on loopback for the scheduler tests: SMTP (aiosmtpd, optionally requiring
STARTTLS and a login), one that never answers, and an SMS webhook (http.server); each counts
what it receives."""
import asyncio
import email
import ipaddress
import json
import socket
import ssl
import threading
from collections import Counter
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


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
        self.sessions = []  # (over TLS?, login) of each message's SMTP session

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
            self.sessions.append((session.ssl is not None, _login_of(session.auth_data)))
        return "250 Message accepted for delivery"

    def message_ids(self):
        with self.lock:
            return Counter(m["Message-ID"] for m in self.messages)

    def count(self):
        with self.lock:
            return len(self.messages)


def _login_of(auth_data):
    return auth_data.login.decode() if isinstance(auth_data, LoginPassword) else None


class SmtpServer:
    """aiosmtpd on loopback; `options` go to its SMTP class (tls_context, authenticator...)."""

    def __init__(self, handler, **options):
        self.handler = handler
        self.port = free_port()
        self.controller = Controller(handler, hostname="127.0.0.1", port=self.port, **options)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()


class Accounts:
    """An aiosmtpd authenticator: these logins and passwords; keeps each attempt made."""

    def __init__(self, **passwords):
        self.passwords, self.attempts = passwords, []

    def __call__(self, server, session, envelope, mechanism, auth_data):
        login, password = auth_data.login.decode(), auth_data.password.decode()
        self.attempts.append((mechanism, login, session.ssl is not None))
        return AuthResult(success=self.passwords.get(login) == password, handled=False,
                          auth_data=auth_data)


class TestCertificates:
    """A CA made for the test and a certificate it signs for 127.0.0.1 and localhost, as PEM
    files under `folder`: `ca_file` for the client, `server_context()` for the server."""

    __test__ = False  # not a test class

    def __init__(self, folder):
        now = datetime.now(timezone.utc)
        ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(
            ec.SECP256R1())
        ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test mail CA")])
        ca = (self._base(ca_name, ca_name, ca_key.public_key(), now)
              .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
              .add_extension(x509.KeyUsage(True, False, False, False, False, True, True, False,
                                           False), critical=True)
              .sign(ca_key, hashes.SHA256()))
        server = (self._base(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]),
                             ca_name, key.public_key(), now)
                  .add_extension(x509.BasicConstraints(ca=False, path_length=None),
                                 critical=True)
                  .add_extension(x509.SubjectAlternativeName([
                      x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                      x509.DNSName("localhost")]), critical=False)
                  .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]),
                                 critical=False)
                  .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                      ca_key.public_key()), critical=False)
                  .sign(ca_key, hashes.SHA256()))
        self.ca_file, self.cert_file, self.key_file = (
            folder / "ca.pem", folder / "server.pem", folder / "server.key")
        self.ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
        self.cert_file.write_bytes(server.public_bytes(serialization.Encoding.PEM))
        self.key_file.write_bytes(key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption()))

    @staticmethod
    def _base(subject, issuer, public_key, now):
        return (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer)
                .public_key(public_key).serial_number(x509.random_serial_number())
                .not_valid_before(now - timedelta(minutes=5))
                .not_valid_after(now + timedelta(days=1))
                .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key),
                               critical=False))

    def server_context(self):
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert_file, self.key_file)
        return context


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
