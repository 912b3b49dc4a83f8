"""Settle the clicks of one stretch of time: read them with the clicks around them, ask the
classifier (no lock held), and write what changed (kind, reason, rules' version, network,
country), with the rollup rows of folded clicks recounted, in one write transaction."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, bindparam, select, update

from webapp.kinds import RULES_VERSION, Click, classify, details_from_metadata, network_of
from webapp.kinds.agents import agent_verdict
from webapp.kinds.timeline import REACH
from webapp.models import YourDevice
from webapp.stats.fold import lock_fold_mark
from webapp.stats.recount import recount
from webapp.stats.scope import applications, clicks, jobs, links

devices_table = YourDevice.__table__
# Each click is judged with the clicks up to CONTEXT before and after it, at most
# CONTEXT_ROWS of them on each side of a stretch, so a flood of clicks cannot make one
# stretch unbounded. Of those, only the ones that can bear on a verdict are read in full and
# classified: every one within REACH of the stretch, and farther ones only on a link and
# address of the stretch (a monitor's period, webapp.kinds.timeline.periodic).
CONTEXT = timedelta(hours=1)
CONTEXT_ROWS = 5000
# Ids bound per IN list: well under SQLite's limit of 32,766 variables.
ID_CHUNK = 500

_COLUMNS = (clicks.c.id, clicks.c.tracking_id, clicks.c.clicked_at, clicks.c.ip_address,
            clicks.c.user_agent, clicks.c["metadata"].label("event_metadata"), clicks.c.kind, clicks.c.reason,
            clicks.c.rules_version, clicks.c.network, clicks.c.country)

# Called inside the settling transaction with every click whose kind was just written
# (first settled, or re-settled). The alerts' outbox registers its decide() here (in
# webapp.serving.background), so an alert is written in the same transaction as the kind.
SettledHook = Callable[[Connection, list["Settled"]], object]
SETTLED_HOOKS: list[SettledHook] = []


@dataclass(frozen=True)
class Settled:
    """A click whose kind was just written."""

    click_id: int
    tracking_id: str
    clicked_at: datetime  # naive UTC, as stored
    application_id: int | None  # None: the tracking id matches no application's link
    kind: str
    reason: str = ""
    network: str | None = None
    country: str | None = None


def shifted(moment: datetime, delta: timedelta) -> datetime:
    """moment + delta, held within datetime's range (senders have posted year-1 clicks)."""
    try:
        return moment + delta
    except OverflowError:
        return datetime.min if delta < timedelta(0) else datetime.max


def _context(connection: Connection, low: datetime, high: datetime | None) -> list:
    """The clicks in [low, high), then those around them that can bear on their verdicts,
    in the order the classifier has always been given them (nearest first on each side)."""
    inside = [clicks.c.clicked_at >= low] + ([clicks.c.clicked_at < high] if high else [])
    rows = connection.execute(select(*_COLUMNS).where(*inside)).all()
    if not rows:
        return []
    monitored = {(row.ip_address, row.tracking_id) for row in rows if row.ip_address}
    rows += _neighbours(connection, monitored, [clicks.c.clicked_at >= shifted(low, -CONTEXT),
                                                clicks.c.clicked_at < low],
                        clicks.c.clicked_at.desc(), clicks.c.clicked_at >= shifted(low, -REACH))
    if high is not None:
        rows += _neighbours(connection, monitored, [clicks.c.clicked_at >= high,
                                                    clicks.c.clicked_at < shifted(high, CONTEXT)],
                            clicks.c.clicked_at, clicks.c.clicked_at < shifted(high, REACH))
    return rows


def _neighbours(connection: Connection, monitored: set, window: list, nearest_first,
                near) -> list:
    """Of the CONTEXT_ROWS clicks in window nearest the stretch, those within REACH of it or
    on a monitored (address, link): their keys read first, so the others cost three short
    columns, not a whole row (agent, metadata) and a place in the classifier's work."""
    keys = connection.execute(
        select(clicks.c.id, clicks.c.ip_address, clicks.c.tracking_id, near.label("near"))
        .where(*window).order_by(nearest_first).limit(CONTEXT_ROWS)).all()
    wanted = [key.id for key in keys
              if key.near or (key.ip_address, key.tracking_id) in monitored]
    found = _rows_by_id(connection, wanted)
    return [found[click_id] for click_id in wanted if click_id in found]


def _rows_by_id(connection: Connection, ids: list[int]) -> dict:
    """The clicks with these ids, ID_CHUNK at a time."""
    found = {}
    for first in range(0, len(ids), ID_CHUNK):
        found.update((row.id, row) for row in connection.execute(
            select(*_COLUMNS).where(clicks.c.id.in_(ids[first:first + ID_CHUNK]))))
    return found


def _owners(connection: Connection) -> tuple[dict[str, int], dict[int, str]]:
    """Application id per registered tracking id, and company per application id."""
    rows = connection.execute(
        select(links.c.tracking_id, applications.c.id, jobs.c.company)
        .join(jobs, jobs.c.id == links.c.job_id)
        .join(applications, applications.c.job_id == jobs.c.id)
    ).all()
    return {row[0]: row[1] for row in rows}, {row[1]: row[2] for row in rows}


def your_devices(connection: Connection) -> set[tuple[str | None, str | None]]:
    return {tuple(row) for row in connection.execute(
        select(devices_table.c.ip_address, devices_table.c.user_agent))}


def _as_click(row, application_ids: dict[str, int]) -> Click:
    network = network_of(row.ip_address)
    details = details_from_metadata(row.event_metadata)
    return Click(
        id=row.id, tracking_id=row.tracking_id,
        application_id=application_ids.get(row.tracking_id), clicked_at=row.clicked_at,
        ip=row.ip_address, user_agent=row.user_agent, agent=agent_verdict(row.user_agent),
        network=network.owner, network_role=network.role, method=details.method,
        accept_language=details.accept_language, sec_fetch_mode=details.sec_fetch_mode,
    )


def _stored(row) -> tuple:
    return (row.kind, row.reason, row.rules_version, row.network, row.country)


def _judged(database, low: datetime, high: datetime | None) -> tuple[list, dict[str, int]]:
    """(row, what to store) for each click of the stretch whose verdict differs from what is
    stored, and the application id per tracking id. Read and judged with no lock held: the
    classifier is the costly part, and ingest must not wait behind it."""
    with database.read() as connection:
        rows = _context(connection, low, high)
        if not rows:
            return [], {}
        application_ids, companies = _owners(connection)
        devices = your_devices(connection)
    verdicts = classify([_as_click(row, application_ids) for row in rows], devices, companies)
    judged = []
    for row in rows:
        if row.clicked_at < low or (high is not None and row.clicked_at >= high):
            continue
        verdict, network = verdicts[row.id], network_of(row.ip_address)
        settled = (verdict.kind, verdict.reason[:300], RULES_VERSION, network.owner,
                   network.country)
        if _stored(row) != settled:
            judged.append((row, settled))
    return judged, application_ids


def _unchanged_since_read(connection: Connection, judged: list) -> list:
    """The judged clicks nobody re-settled meanwhile ("This was me", another settler):
    those are written; the others were judged again by whoever changed them."""
    stored = _rows_by_id(connection, [row.id for row, _settled in judged])
    return [(row, settled) for row, settled in judged
            if row.id in stored and _stored(stored[row.id]) == _stored(row)]


def settle_stretch(database, low: datetime, high: datetime | None) -> int:
    """Settle every click with clicked_at in [low, high) (high None: no end); returns how
    many changed. Judged outside any lock; written, with the rollup rows of folded clicks
    recounted, in one write transaction holding the fold mark's lock, so a concurrent fold,
    device change or settler never interleaves with the write."""
    judged, application_ids = _judged(database, low, high)
    if not judged:
        return 0
    with database.write_transaction() as connection:
        folded_up_to = lock_fold_mark(connection)
        changed = _unchanged_since_read(connection, judged)
        if changed:
            _write(connection, changed, folded_up_to, application_ids)
        return len(changed)


def _write(connection: Connection, changed: list, folded_up_to: int,
           application_ids: dict[str, int]) -> None:
    connection.execute(
        update(clicks).where(clicks.c.id == bindparam("click_id")).values(
            kind=bindparam("new_kind"), reason=bindparam("new_reason"),
            rules_version=bindparam("new_version"), network=bindparam("new_network"),
            country=bindparam("new_country")),
        [{"click_id": row.id, "new_kind": kind, "new_reason": reason, "new_version": version,
          "new_network": network, "new_country": country}
         for row, (kind, reason, version, network, country) in changed],
    )
    moved = [row for row, settled in changed if row.id <= folded_up_to and row.kind != settled[0]]
    if moved:
        recount(connection, folded_up_to,
                {(row.tracking_id, row.clicked_at.date()) for row in moved},
                {(row.ip_address, row.clicked_at.date()) for row in moved if row.ip_address})
    settled = [Settled(row.id, row.tracking_id, row.clicked_at,
                       application_ids.get(row.tracking_id), kind, reason, network, country)
               for row, (kind, reason, _version, network, country) in changed]
    for hook in SETTLED_HOOKS:
        hook(connection, settled)
