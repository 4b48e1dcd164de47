"""SMS reminders through an HTTP webhook (SPRAVATO_SMS_WEBHOOK_URL): POST JSON
{to, text, reminder_id} with the reminder's Idempotency-Key, an optional shared secret
(X-Webhook-Secret), and a timeout.

The webhook's contract is that a request repeating an Idempotency-Key is the message it
already took (answered 2xx, not sent again): so a request whose answer was lost is simply
retried. 5xx and 429 are retried with backoff; any other 4xx refuses this message.
"""
import json
import urllib.error
import urllib.request

from spravato_ops.services.dispatch import Delivery

SECRET_HEADER = "X-Webhook-Secret"


class SmsWebhookChannel:
    redelivery_safe = True

    def __init__(self, url, secret=None, timeout_seconds=10):
        self.url, self.secret, self.timeout = url, secret, float(timeout_seconds or 10)

    def send(self, outgoing):
        """POST one message; a Delivery says sent, retry or refused."""
        body = json.dumps({"to": outgoing.recipient, "text": outgoing.text,
                           "reminder_id": outgoing.reminder_id}).encode()
        headers = {"Content-Type": "application/json", "Idempotency-Key": outgoing.key}
        if self.secret:
            headers[SECRET_HEADER] = str(self.secret)
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return Delivery("sent", provider_id=_provider_id(response.read()))
        except urllib.error.HTTPError as exc:
            error = f"webhook answered {exc.code} {exc.reason}"
            retry = exc.code >= 500 or exc.code == 429
            return Delivery("retry" if retry else "refused", error=error)
        except (OSError, ValueError) as exc:  # refused, unreachable, timed out, bad URL
            return Delivery("retry", error=f"webhook unreachable: {exc}", channel_down=True)

    def close(self):
        pass


def _provider_id(raw):
    """The provider's message id from a JSON answer ({"id": ...} or {"message_id": ...})."""
    try:
        data = json.loads(raw or b"{}")
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    found = data.get("id", data.get("message_id"))
    return None if found is None else str(found)[:200]
