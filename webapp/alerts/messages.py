"""What an alert says: a title and plain text for Apprise, a JSON body for webhooks."""

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

HEADLINES = {
    "first_person": "A person opened your application to {who}",
    "came_back": "A person came back to your application to {who} after a quiet week",
    "person_click": "A person looked at your application to {who}",
}


@dataclass(frozen=True)
class Context:
    """What rendering needs beyond the stored payload."""

    time_zone: str
    public_url: str | None  # PUBLIC_URL; None: messages carry no link
    application_path: object  # application id -> path of its page


def _who(application: dict) -> str:
    parts = [part for part in (application.get("company"), application.get("title")) if part]
    return " – ".join(parts) or f"application {application.get('id')}"


def _local(iso_utc: str, zone: str) -> str:
    moment = datetime.strptime(iso_utc, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M %Z")


def _application_url(context: Context, application_id) -> str | None:
    if not context.public_url or application_id is None:
        return None
    return context.public_url.rstrip("/") + context.application_path(application_id)


def enriched(what: str, payload: dict, context: Context) -> dict:
    """The stored payload plus the user's local time and the page's address."""
    data = dict(payload)
    if "click" in payload:
        data["click"] = {**payload["click"], "time_zone": context.time_zone,
                         "clicked_at_local": _local(payload["click"]["clicked_at"],
                                                    context.time_zone)}
        data["application"] = {**payload["application"], "url": _application_url(
            context, payload["application"]["id"])}
    if what == "digest":
        data["applications"] = [{**row, "url": _application_url(context, row["id"])}
                                for row in payload["applications"]]
    return data


def webhook_body(what: str, payload: dict, context: Context, created_at: datetime) -> str:
    """The Standard Webhooks shape: type, timestamp, data."""
    return json.dumps({"type": f"alert.{what}",
                       "timestamp": created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                       "data": enriched(what, payload, context)}, ensure_ascii=False)


def text(what: str, payload: dict, context: Context) -> tuple[str, str]:
    """(title, body) for a person to read in a mail or chat."""
    data = enriched(what, payload, context)
    if what == "test":
        return ("Test alert from your click tracking",
                "This channel works: alerts about people who open your links will arrive here.")
    if what == "digest":
        return _digest_text(data)
    click, link, application = data["click"], data["link"], data["application"]
    lines = [
        f"When: {click['clicked_at_local']} ({click['clicked_at'].replace('T', ' ')[:-1]} UTC)",
        f"Link: {link.get('label') or link['tracking_id']}"
        + (f" ({link['source']})" if link.get("source") else ""),
        f"Browser: {click['browser']} on {click['os']}",
    ]
    if click.get("network") or click.get("country"):
        lines.append("Network: " + ", ".join(
            part for part in (click.get("network"), click.get("country")) if part))
    if click.get("reason"):
        lines.append(f"Why a person: {click['reason']}")
    if application.get("url"):
        lines.append(f"Open: {application['url']}")
    return HEADLINES[what].format(who=_who(application)), "\n".join(lines)


def _digest_text(data: dict) -> tuple[str, str]:
    rows = data["applications"]
    people = sum(row["people"] for row in rows)
    lines = []
    for row in rows:
        beside = ", ".join(f"{row[kind]} {one if row[kind] == 1 else many}"
                           for kind, one, many in (("previews", "preview", "previews"),
                                                   ("scanners", "scan", "scans"),
                                                   ("bots", "bot", "bots")) if row[kind])
        lines.append(f"{_who(row)}: {row['people']} "
                     f"{'person' if row['people'] == 1 else 'people'}"
                     + (f" ({beside})" if beside else "")
                     + (f" {row['url']}" if row.get("url") else ""))
    title = f"{data['day']}: {people} {'person' if people == 1 else 'people'} looked"
    return title, "\n".join(lines)
