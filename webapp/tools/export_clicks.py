"""`tracking-ingest export`: every click, all kinds, matched or not, to standard output as
CSV (for spreadsheets: formula-like cells are quoted) or JSON lines (for backups and
scripts: values as stored)."""

import csv
from datetime import UTC, datetime

import orjson

from webapp.presentation.spreadsheet_cells import safe_cell
from webapp.stats.listings import every_click
from webapp.stats.settle import settle_and_fold

FIELDS = ("clicked_at", "tracking_id", "click_source", "ip_address", "user_agent",
          "referrer_url", "application", "kind", "reason", "network", "country")


def parse_moment(text: str | None) -> datetime | None:
    """An ISO 8601 date or time as naive UTC (a time without offset is UTC)."""
    if not text:
        return None
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def _record(row) -> dict:
    return {
        "clicked_at": row.clicked_at.isoformat(timespec="microseconds") + "Z",
        "tracking_id": row.tracking_id, "click_source": row.click_source,
        "ip_address": row.ip_address, "user_agent": row.user_agent,
        "referrer_url": row.referrer_url,
        "application": f"{row.company} - {row.title}" if row.application_id else None,
        "kind": row.kind, "reason": row.reason, "network": row.network, "country": row.country,
    }


def export(database, out, form: str, since: datetime | None, until: datetime | None) -> int:
    """Settle what is due, then write the clicks; returns how many were written."""
    settle_and_fold(database, wait=True)
    written = 0
    writer = csv.DictWriter(out, FIELDS, lineterminator="\n") if form == "csv" else None
    if writer:
        writer.writeheader()
    with database.read() as connection:
        for row in every_click(connection, since, until):
            record = _record(row)
            if writer:
                writer.writerow({name: safe_cell(value) for name, value in record.items()})
            else:
                out.write(orjson.dumps(record).decode() + "\n")
            written += 1
    return written
