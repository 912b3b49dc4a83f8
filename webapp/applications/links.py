"""Tracked links: the unguessable ids handed out per application and source."""

import secrets
from urllib.parse import quote

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp.models import Job, TrackingLink
from webapp.rules import MAX_SOURCE_LENGTH, TRACKING_ID, normalise_source

SOURCES = ("linkedin", "calendly", "portfolio", "resume", "email")
# The ingest door's rule for a tracking_id; a link must be one a sender can post.
MAX_LABEL_LENGTH = 200
MAX_URL_LENGTH = 1000


def new_tracking_id() -> str:
    """128 random bits: nobody can guess another application's link."""
    return secrets.token_urlsafe(16)


def tracked_url(template: str, source: str, tracking_id: str) -> str:
    """The ready-to-paste URL; both values are quoted so free-text sources stay one segment."""
    return template.format(source=quote(source, safe=""), tracking_id=quote(tracking_id, safe=""))


def field_problems(source: str, destination_url: str | None,
                   label: str | None) -> dict[str, str]:
    """The problems with a link's editable fields, by field, in words a person can act on."""
    problems = {}
    if not source:
        problems["source"] = "Choose a source or type one."
    elif len(source) > MAX_SOURCE_LENGTH:
        problems["source"] = f"A source is at most {MAX_SOURCE_LENGTH} characters."
    if destination_url and not destination_url.startswith(("https://", "http://")):
        problems["destination_url"] = "A destination URL starts with https:// or http://"
    elif destination_url and len(destination_url) > MAX_URL_LENGTH:
        problems["destination_url"] = f"A destination URL is at most {MAX_URL_LENGTH} characters."
    if label and len(label) > MAX_LABEL_LENGTH:
        problems["label"] = f"A label is at most {MAX_LABEL_LENGTH} characters."
    return problems


def check_link(session: Session, source: str, tracking_id: str, destination_url: str | None,
               label: str | None) -> list[str]:
    """The problems with a proposed link, in words a person can act on."""
    fields = field_problems(source, destination_url, label)
    problems = [fields["source"]] if "source" in fields else []
    if not TRACKING_ID.fullmatch(tracking_id):
        problems.append("A tracking id is 1 to 100 of the characters A-Z a-z 0-9 . _ ~ -")
    elif session.scalar(select(TrackingLink.id).where(TrackingLink.tracking_id == tracking_id)):
        problems.append(f"A link with the tracking id {tracking_id} already exists.")
    return problems + [fields[name] for name in ("destination_url", "label") if name in fields]


def update_link(link: TrackingLink, source: str, label: str | None,
                destination_url: str | None) -> dict[str, str]:
    """Change what a link says (its tracking id stays); the problems by field, or {}."""
    source = normalise_source(source)
    label = (label or "").strip() or None
    destination_url = (destination_url or "").strip() or None
    problems = field_problems(source, destination_url, label)
    if not problems:
        link.source, link.label, link.destination_url = source, label, destination_url
    return problems


def create_link(session: Session, job_id: int, source: str, tracking_id: str | None = None,
                label: str | None = None, destination_url: str | None = None) -> TrackingLink:
    """Register a link; a given tracking_id (an unmatched one) claims its earlier clicks."""
    source = normalise_source(source)
    tracking_id = new_tracking_id() if tracking_id is None else tracking_id.strip()
    label = (label or "").strip() or None
    destination_url = (destination_url or "").strip() or None
    problems = check_link(session, source, tracking_id, destination_url, label)
    if session.get(Job, job_id) is None:
        problems.append(f"No job with id {job_id}.")
    if problems:
        raise ValueError(" ".join(problems))
    link = TrackingLink(tracking_id=tracking_id, job_id=job_id, source=source, label=label,
                        destination_url=destination_url)
    session.add(link)
    session.flush()
    return link


def links_for_job(session: Session, job_id: int) -> list[TrackingLink]:
    return list(session.scalars(
        select(TrackingLink).where(TrackingLink.job_id == job_id)
        .order_by(TrackingLink.created_at, TrackingLink.id)
    ))


def link_counts(session: Session) -> dict[int, int]:
    """How many links each job has, for the applications list."""
    rows = session.execute(
        select(TrackingLink.job_id, func.count(TrackingLink.id)).group_by(TrackingLink.job_id)
    )
    return dict(rows.all())
