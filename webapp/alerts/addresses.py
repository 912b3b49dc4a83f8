"""What a pasted channel address is: a Standard Webhooks receiver (http/https) or an
Apprise notification URL; refused with a message a person can act on otherwise."""

import base64
import ipaddress
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

APPRISE_HELP = "https://github.com/caronc/apprise/wiki"
MAX_LENGTH = 2000


@dataclass(frozen=True)
class Address:
    kind: str  # "webhook" or "apprise"
    url: str
    masked: str


def parse(url: str) -> Address:
    """Raise ValueError with the reason when the address cannot be used."""
    url = (url or "").strip()
    if not url:
        raise ValueError("Paste a notification URL (such as mailtos://… or ntfy://…) "
                         "or a webhook address (https://…).")
    if len(url) > MAX_LENGTH:
        raise ValueError(f"The address is longer than {MAX_LENGTH} characters.")
    if any(character.isspace() for character in url):
        raise ValueError("The address contains spaces or line breaks.")
    scheme, separator, _rest = url.partition("://")
    if not separator or not scheme:
        raise ValueError("The address has no scheme: it should start with https:// for a "
                         "webhook or with a service such as mailtos:// or ntfy://.")
    scheme = scheme.lower()
    if scheme in ("http", "https"):
        return _webhook(url)
    return _apprise(url, scheme)


def _webhook(url: str) -> Address:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as problem:
        raise ValueError(f"The webhook address is malformed ({problem}).") from problem
    if not parts.hostname:
        raise ValueError("The webhook address has no host name.")
    if parts.username or parts.password:
        raise ValueError("Put no user name or password in a webhook address: its requests "
                         "are signed instead.")
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    shown = f"{parts.scheme.lower()}://{host}{f':{port}' if port else ''}"
    rest = url.split(parts.netloc, 1)[1]
    return Address("webhook", url, shown + ("/…" if rest.strip("/") else ""))


def _apprise(url: str, scheme: str) -> Address:
    import apprise
    from apprise.manager_plugins import NotificationManager

    if scheme not in NotificationManager():
        raise ValueError(f"{scheme}:// is neither a webhook (http:// or https://) nor a "
                         f"service Apprise knows; see {APPRISE_HELP} for the URL formats.")
    # add() returns False for a URL its service cannot use; Apprise logs the failure with
    # credentials masked (its secure_logging default, CWE-312).
    if not apprise.Apprise().add(url):
        raise ValueError(f"Apprise cannot use this {scheme}:// URL: a part is missing or "
                         f"malformed. Check the format for {scheme}:// at {APPRISE_HELP}.")
    return Address("apprise", url, f"{scheme}://{_visible_host(url)}…")


def _visible_host(url: str) -> str:
    """A server's name or address is no secret; a token in the host's place (ntfy topics,
    chat webhook ids) is."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    if not host:
        return ""
    try:
        ipaddress.ip_address(host)
        return host
    except ValueError:
        return host if "." in host else ""


def new_signing_secret() -> str:
    """whsec_ and 32 random bytes in base64, the Standard Webhooks secret format."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode("ascii")
