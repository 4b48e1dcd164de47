"""Delivery channels for patient reminders: SMTP email, an SMS webhook, or the log (demo).

A channel's `send(outgoing)` answers a Delivery (services/dispatch.py) and never raises for
a delivery problem: one bad address or a dead server costs that message, not the batch.
`redelivery_safe` says whether its provider drops a message sent again with the same key.
"""
import sys
from dataclasses import dataclass

from spravato_ops.services.dispatch import Delivery

from .mail import EmailChannel
from .sms import SmsWebhookChannel


@dataclass(frozen=True)
class Outgoing:
    """One message ready to leave: who, what, and the reminder's own key."""

    reminder_id: int
    key: str
    recipient: str
    subject: str
    text: str


class LogChannel:
    """Print each message (the demo's `make run`); nothing leaves the machine."""

    redelivery_safe = False

    def __init__(self, name, stream=None):
        self.name, self.stream = name, stream or sys.stdout

    def send(self, outgoing):
        subject = f" | {outgoing.subject}" if outgoing.subject else ""
        print(f"[reminder {outgoing.reminder_id} by {self.name} to {outgoing.recipient}{subject}]"
              f"\n{outgoing.text}\n", file=self.stream, flush=True)
        return Delivery("sent", provider_id=f"log-{outgoing.key}")

    def close(self):
        pass


class Unconfigured:
    """A channel the settings do not set up: every message is refused, saying which setting."""

    redelivery_safe = False

    def __init__(self, setting):
        self.setting = setting

    def send(self, outgoing):
        return Delivery("refused", error=f"not configured: set {self.setting}")

    def close(self):
        pass


def open_channels(settings):
    """The channel of each reminder channel name (email, sms) under the settings."""
    if settings.delivery == "log":
        return {"email": LogChannel("email"), "sms": LogChannel("sms")}
    sms = (SmsWebhookChannel(**settings.sms) if settings.sms.get("url")
           else Unconfigured("SPRAVATO_SMS_WEBHOOK_URL"))
    return {"email": EmailChannel(**settings.mail), "sms": sms}
