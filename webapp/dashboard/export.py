"""CSV export of the filtered clicks, streamed row by row so a million clicks fit in memory."""

import csv
import io

from flask import Blueprint, Response, stream_with_context
from flask_login import login_required

from webapp.dashboard.context import current_scope
from webapp.database.db import get_db
from webapp.presentation.formatting import localtime
from webapp.presentation.spreadsheet_cells import safe_cell
from webapp.stats import listings
from webapp.stats.settle import settle_and_fold
from webapp.timeutil import utcnow

bp = Blueprint("export", __name__)

HEADER = (
    "clicked_at_local", "clicked_at_utc", "tracking_id", "company", "title", "source",
    "ip_address", "user_agent", "referrer_url", "kind", "reason", "network", "country",
)


def _lines(rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow([safe_cell(value) for value in (
            localtime(row.clicked_at, "%Y-%m-%d %H:%M:%S"),
            row.clicked_at.strftime("%Y-%m-%d %H:%M:%S"), row.tracking_id, row.company,
            row.title, row.click_source, row.ip_address, row.user_agent, row.referrer_url,
            row.kind, row.reason, row.network, row.country,
        )])
        if buffer.tell() > 64 * 1024:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


@bp.get("/export.csv")
@login_required
def clicks_csv():
    """The clicks the current filters show, every page of them, as CSV, with final kinds."""
    scope = current_scope(page=1)
    settle_and_fold(get_db(), wait=True)

    @stream_with_context
    def generate():
        with get_db().read() as connection:
            yield from _lines(listings.export_rows(connection, scope))

    filename = f"clicks-{utcnow():%Y%m%d-%H%M}.csv"
    return Response(generate(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
