"""Email reminders over SMTP (SPRAVATO_MAIL_*): STARTTLS when MAIL_USE_TLS, the server's
certificate and name verified (against MAIL_CA_FILE, else the system's CAs), then a login when
MAIL_USERNAME is set; a timeout, one connection per batch, and a Message-ID of the reminder's own.

The SMTP conversation tells what a failure means: before the message's final "." nothing
was delivered (retry: 4xx and lost connections; refused: 5xx); after it, a lost reply
leaves the message in doubt, and the dispatcher never sends it again by itself.
"""
import re
import smtplib
import ssl
from email.header import Header
from email.mime.text import MIMEText
from email.utils import formatdate

from spravato_ops.services.dispatch import Delivery

DOT_AT_LINE_START = re.compile(rb"(?m)^\.")


def _text(reply):
    return reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)


def _answer(code, reply, stage):
    error = f"{stage}: {code} {_text(reply)}"
    return Delivery("refused" if 500 <= code < 600 else "retry", error=error)


def _problem(exc):
    """What went wrong, as staff read it: the server's answer, or the connection's error."""
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {_text(exc.smtp_error)}"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"the server's certificate was not accepted ({exc.verify_message})"
    return str(exc) or type(exc).__name__


class _Unreachable(Exception):
    """The connection could not be set up; says at which step (connect, STARTTLS, login)."""


class EmailChannel:
    redelivery_safe = False

    def __init__(self, server="localhost", port=25, username=None, password=None, use_tls=False,
                 sender="clinic@localhost", timeout_seconds=10, ca_file=None):
        self.server, self.port = server, int(port)
        self.username, self.password, self.use_tls = username, password, bool(use_tls)
        self.ca_file = ca_file or None
        self.sender, self.timeout = sender, float(timeout_seconds or 10)
        self._smtp = None

    def message_id(self, outgoing):
        domain = self.sender.rpartition("@")[2] or "localhost"
        return f"<{outgoing.key}@{domain}>"

    def compose(self, outgoing):
        """The message as bytes with CRLF line ends (the plain compat32 API: it is fast)."""
        message = MIMEText(outgoing.text, "plain", "utf-8")
        message["From"], message["To"] = self.sender, outgoing.recipient
        subject = outgoing.subject
        message["Subject"] = subject if subject.isascii() else Header(subject, "utf-8")
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = self.message_id(outgoing)
        return message.as_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")

    def send(self, outgoing):
        """Deliver one message; a Delivery says sent, retry, refused or in doubt."""
        payload = self.compose(outgoing)
        try:
            smtp = self._connection()
            for stage, (code, reply), accepted in (
                    ("MAIL FROM", smtp.mail(self.sender), (250,)),
                    ("RCPT TO", smtp.rcpt(outgoing.recipient), (250, 251)),
                    ("DATA", smtp.docmd("DATA"), (354,))):
                if code not in accepted:
                    smtp.rset()
                    return _answer(code, reply, stage)
        except _Unreachable as exc:
            return Delivery("retry", error=f"SMTP {self.server}:{self.port}: {exc}",
                            channel_down=True)
        except (OSError, smtplib.SMTPException) as exc:
            self.close()
            return Delivery("retry", error=f"SMTP {self.server}:{self.port}: {_problem(exc)}",
                            channel_down=True)
        return self._finish(smtp, payload, outgoing)

    def _finish(self, smtp, payload, outgoing):
        """Send the message and its final "."; from here on a lost reply is in doubt."""
        try:
            smtp.send(DOT_AT_LINE_START.sub(b"..", payload).rstrip(b"\r\n") + b"\r\n.\r\n")
            code, reply = smtp.getreply()
        except (OSError, smtplib.SMTPException) as exc:
            self.close()
            return Delivery("in_doubt", error=f"no answer after the message was sent: {exc}",
                            channel_down=True)
        if code == 250:
            return Delivery("sent", provider_id=self.message_id(outgoing))
        return _answer(code, reply, "end of DATA")

    def _connection(self):
        """The open connection, or a new one: EHLO, STARTTLS (verified) and login as set."""
        if self._smtp is not None:
            return self._smtp
        step, smtp = "connect", None
        try:
            smtp = smtplib.SMTP(self.server, self.port, timeout=self.timeout)
            smtp.ehlo()
            if self.use_tls:
                step = "STARTTLS"
                smtp.starttls(context=ssl.create_default_context(cafile=self.ca_file))
                smtp.ehlo()
            if self.username:
                step = f"login as {self.username}"
                smtp.login(self.username, self.password or "")
        except (OSError, smtplib.SMTPException) as exc:
            if smtp is not None:
                smtp.close()
            raise _Unreachable(f"{step}: {_problem(exc)}") from exc
        self._smtp = smtp
        return smtp

    def close(self):
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (OSError, smtplib.SMTPException):
                self._smtp.close()
            self._smtp = None
