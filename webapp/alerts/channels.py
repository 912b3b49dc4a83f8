"""Channels: add, list, change rules, remove; the address is sealed on the way in."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.alerts import addresses, sealing
from webapp.alerts.models import AlertChannel

MAX_NAME = 100


def create_channel(session: Session, secret_key: str, name: str, url: str):
    """(channel, signing secret): the secret is returned this once, for webhooks only.
    A new channel alerts on the first person on an application."""
    name = (name or "").strip()
    if not name:
        raise ValueError("Give the channel a name.")
    if len(name) > MAX_NAME:
        raise ValueError(f"The name is longer than {MAX_NAME} characters.")
    if session.scalar(select(AlertChannel.id).where(AlertChannel.name == name)) is not None:
        raise ValueError(f"A channel named {name!r} already exists.")
    address = addresses.parse(url)
    values = {"url": address.url}
    signing_secret = None
    if address.kind == "webhook":
        signing_secret = values["secret"] = addresses.new_signing_secret()
    channel = AlertChannel(
        name=name, kind=address.kind, sealed=sealing.seal(secret_key, values),
        masked=address.masked, first_person=True, every_active_click=False, came_back=False,
    )
    session.add(channel)
    session.flush()
    return channel, signing_secret


def list_channels(session: Session) -> list[AlertChannel]:
    return list(session.scalars(select(AlertChannel).order_by(AlertChannel.name)))


def find_channel(session: Session, name: str) -> AlertChannel:
    channel = session.scalar(select(AlertChannel).where(AlertChannel.name == name))
    if channel is None:
        raise LookupError(f"No channel named {name!r}.")
    return channel


def set_rules(channel: AlertChannel, first_person: bool, every_active_click: bool,
              came_back: bool, digest_hour: int | None) -> None:
    if digest_hour is not None and not 0 <= digest_hour <= 23:
        raise ValueError("The digest hour must be between 0 and 23.")
    channel.first_person = first_person
    channel.every_active_click = every_active_click
    channel.came_back = came_back
    channel.digest_hour = digest_hour


def remove_channel(session: Session, channel: AlertChannel) -> None:
    """Its deliveries go with it (ON DELETE CASCADE)."""
    session.delete(channel)
    session.flush()


def rules_summary(channel: AlertChannel) -> str:
    rules = [label for on, label in (
        (channel.first_person, "first person"),
        (channel.every_active_click, "every person on active applications"),
        (channel.came_back, "came back after 7 days"),
        (channel.digest_hour is not None, f"digest at {channel.digest_hour:02d}:00"
         if channel.digest_hour is not None else ""),
    ) if on]
    return ", ".join(rules) or "no rules"
