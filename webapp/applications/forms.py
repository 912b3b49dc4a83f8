"""The rules for an application's fields, shared by the web form and the CSV import."""

from dataclasses import dataclass
from datetime import date

from webapp.models import APPLICATION_STATUSES

FIELDS = ("company", "title", "posting_url", "location", "applied_on", "status", "notes")
LABELS = {
    "company": "Company",
    "title": "Job title",
    "posting_url": "Posting URL",
    "location": "Location",
    "applied_on": "Applied on",
    "status": "Status",
    "notes": "Notes",
}
_MAX_LENGTHS = {"company": 200, "title": 200, "posting_url": 1000, "location": 200,
                "notes": 10_000}


@dataclass(frozen=True)
class ApplicationValues:
    company: str
    title: str
    posting_url: str | None
    location: str | None
    applied_on: date | None
    status: str
    notes: str | None


def _parse_date(text: str) -> date:
    if len(text) != 10:
        raise ValueError(text)
    return date.fromisoformat(text)


def parse_application(raw: dict[str, str]) -> tuple[ApplicationValues | None, dict[str, str]]:
    """Clean values, or an error message per field name; never both."""
    text = {name: (raw.get(name) or "").strip() for name in FIELDS}
    errors: dict[str, str] = {}
    for name in ("company", "title"):
        if not text[name]:
            errors[name] = f"{LABELS[name]} is required."
    for name, longest in _MAX_LENGTHS.items():
        if len(text[name]) > longest:
            errors[name] = f"{LABELS[name]} is at most {longest} characters."
    url = text["posting_url"]
    if url and not url.lower().startswith(("https://", "http://")) and "posting_url" not in errors:
        errors["posting_url"] = "Posting URL starts with https:// or http://"
    applied_on = None
    if text["applied_on"]:
        try:
            applied_on = _parse_date(text["applied_on"])
        except ValueError:
            errors["applied_on"] = "Applied on is a date like 2025-10-22 (YYYY-MM-DD)."
    status = text["status"].lower() or "applied"
    if status not in APPLICATION_STATUSES:
        errors["status"] = f"Status is one of: {', '.join(APPLICATION_STATUSES)}."
    if errors:
        return None, errors
    return ApplicationValues(
        company=text["company"],
        title=text["title"],
        posting_url=url or None,
        location=text["location"] or None,
        applied_on=applied_on,
        status=status,
        notes=text["notes"] or None,
    ), {}
