"""Sending one delivery: a signed webhook POST or an Apprise notification. An error comes
back as short text for the deliveries list; it never quotes the address (it may hold
credentials)."""

from datetime import UTC, datetime

ERROR_LENGTH = 300


def send_webhook(url: str, secret: str, delivery_id: str, body: str,
                 timeout: float) -> str | None:
    """POST the body signed as Standard Webhooks says (webhook-id, webhook-timestamp,
    webhook-signature over "id.timestamp.body"); any 2xx is delivered. Redirects are not
    followed: a receiver that moved must be re-entered, not guessed."""
    # Imported when a webhook is sent: ~20 MB that a worker whose dispatcher is on standby
    # (or a deployment without webhooks) never needs to hold.
    import requests
    from standardwebhooks.webhooks import Webhook

    sent_at = datetime.now(UTC)
    headers = {
        "content-type": "application/json",
        "user-agent": "tracking-ingest-alerts",
        "webhook-id": delivery_id,
        "webhook-timestamp": str(int(sent_at.timestamp())),
        "webhook-signature": Webhook(secret).sign(delivery_id, sent_at, body),
    }
    try:
        response = requests.post(url, data=body.encode(), headers=headers,
                                 timeout=(min(timeout, 5.0), timeout), allow_redirects=False)
    except requests.exceptions.ConnectTimeout:
        return "The receiver did not accept a connection in time."
    except requests.exceptions.ReadTimeout:
        return f"The receiver did not answer within {timeout:g} s."
    except requests.exceptions.SSLError:
        return "TLS failed: the receiver's certificate was not accepted."
    except requests.exceptions.ConnectionError:
        return "Could not connect to the receiver."
    except requests.exceptions.RequestException as problem:
        return f"The request failed ({type(problem).__name__})."
    with response:
        if 200 <= response.status_code < 300:
            return None
        if 300 <= response.status_code < 400:
            return (f"The receiver answered {response.status_code} (a redirect); redirects are "
                    "not followed: enter the new address.")
        excerpt = response.text[:120].strip()
        return _short(f"The receiver answered {response.status_code}"
                      + (f": {excerpt}" if excerpt else "."))


def send_apprise(url: str, title: str, body: str, timeout: float) -> str | None:
    """Notify through Apprise; its log lines (credentials masked) explain a failure."""
    import apprise

    notifier = apprise.Apprise()
    if not notifier.add(url):
        return "Apprise cannot use this URL any more; remove the channel and add it again."
    result = notifier.notify(body=body, title=title, timeout=timeout)
    if result:
        return None
    said = [entry.message for service in result for entry in service.logs()
            if entry.level in ("WARNING", "ERROR", "CRITICAL")]
    return _short(" ".join(said) or f"Apprise reported {result.status.name.lower()}.")


def _short(message: str) -> str:
    return message if len(message) <= ERROR_LENGTH else message[:ERROR_LENGTH - 1] + "…"
