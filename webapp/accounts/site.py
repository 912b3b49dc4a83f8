"""The owner's own site, which hosts the tracked links: its address makes every link's URL
and names the first API key. TRACKED_LINK_TEMPLATE stays the default for scripted installs."""

from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy.orm import Session

from webapp import config
from webapp.models import SiteSetting

SITE_ADDRESS = "site_address"
# The path the site serves a tracked link at, after its address (the integration guide's shape).
LINK_PATH = "/{source}?tid={tracking_id}"
MAX_ADDRESS_LENGTH = 200


def parse_address(raw: str) -> tuple[str | None, str | None]:
    """A site address as stored (scheme, host and an optional path, no trailing slash), or
    the problem with it in words a person can act on."""
    text = raw.strip()
    if not text:
        return None, "Enter the address of your site, like https://www.example.com."
    if "://" not in text:
        text = "https://" + text
    if len(text) > MAX_ADDRESS_LENGTH:
        return None, f"The address is at most {MAX_ADDRESS_LENGTH} characters."
    parts = urlsplit(text)
    host = parts.hostname or ""
    if parts.scheme not in ("https", "http") or "." not in host and host != "localhost":
        return None, "Enter an address like https://www.example.com."
    if parts.query or parts.fragment or parts.username or any(c.isspace() for c in text):
        return None, "Enter the site's address alone, without spaces, ? or #."
    return f"{parts.scheme}://{parts.netloc.lower()}{parts.path.rstrip('/')}", None


def template_for(address: str) -> str:
    return address + LINK_PATH


def stored_address(session: Session) -> str | None:
    setting = session.get(SiteSetting, SITE_ADDRESS)
    return setting.value if setting else None


def link_template(session: Session) -> str:
    """The URL pattern of a tracked link: the owner's site, else the configured default."""
    address = stored_address(session)
    return template_for(address) if address else current_app.config["TRACKED_LINK_TEMPLATE"]


def configured_address() -> str:
    """The site address an operator's TRACKED_LINK_TEMPLATE implies, to pre-fill setup; empty
    for the built-in default (someone else's site) or a template of another shape."""
    template = current_app.config["TRACKED_LINK_TEMPLATE"]
    if template == config.defaults("")["TRACKED_LINK_TEMPLATE"] or not template.endswith(LINK_PATH):
        return ""
    return template[: -len(LINK_PATH)]


def save_address(session: Session, address: str) -> None:
    """Keep the address (the caller commits); one owner sets it, so a merge is enough."""
    session.merge(SiteSetting(name=SITE_ADDRESS, value=address))


def key_name(address: str) -> str:
    """The first API key is named after the site that will send clicks with it."""
    host = urlsplit(address).hostname or address
    return host.removeprefix("www.")
