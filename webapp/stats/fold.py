"""The read side's one write: fold settled clicks into the day rollups (link_days,
visitor_days) and move the mark, so counts read whole days from the rollups."""

from datetime import timedelta

from sqlalchemy import Connection, case, func, select, update

from webapp.db import Database, dialect_insert
from webapp.stats.rollups import MARK, clicks, folded_up_to, link_days, marks, visitor_days
from webapp.timeutil import utcnow

# PostgreSQL can commit a lower id after a higher one, but no ingest transaction lives this
# long: every id up to the newest click received before it is committed, so none is skipped.
LAG = timedelta(seconds=10)


def _settled(connection: Connection, mark: int) -> int:
    """The highest id past the mark received more than LAG ago (the mark when none is)."""
    newest = connection.scalar(
        select(clicks.c.id)
        .where(clicks.c.id > mark, clicks.c.received_at < utcnow() - LAG)
        .order_by(clicks.c.id.desc()).limit(1)
    )
    return newest or mark


def fold(database: Database) -> None:
    """Fold the settled clicks that arrived since the last fold; when none did, two index
    reads."""
    with database.engine.connect() as connection:
        mark = folded_up_to(connection)
        if (connection.scalar(select(func.max(clicks.c.id))) or 0) <= mark:
            return
        newest = _settled(connection, mark)
    if newest <= mark:
        return
    with database.write_transaction() as connection:
        mark = _locked_mark(connection)
        if newest <= mark:
            return
        new = [clicks.c.id > mark, clicks.c.id <= newest]
        _fold_links(connection, new)
        _fold_visitors(connection, new)
        connection.execute(update(marks).where(marks.c.name == MARK).values(last_id=newest))


def _locked_mark(connection: Connection) -> int:
    """The mark, locked until this fold commits: link_days adds, so two folds of the same
    clicks at once (PostgreSQL workers; SQLite's write lock already serialises) would count
    them twice."""
    connection.execute(
        dialect_insert(connection, marks).values(name=MARK, last_id=0).on_conflict_do_nothing()
    )
    return connection.scalar(
        select(marks.c.last_id).where(marks.c.name == MARK).with_for_update()
    )


def _fold_links(connection: Connection, new: list) -> None:
    """Add the new clicks' counts, firsts and lasts to their (link, source, day) rows."""
    # date() of a naive timestamp is its UTC date on both backends (no zone is applied).
    key = [clicks.c.is_bot, clicks.c.tracking_id, func.coalesce(clicks.c.click_source, ""),
           func.date(clicks.c.clicked_at)]
    grouped = select(*key, func.count(), func.min(clicks.c.clicked_at),
                     func.max(clicks.c.clicked_at)).where(*new).group_by(*key)
    insert = dialect_insert(connection, link_days).from_select(
        ["is_bot", "tracking_id", "click_source", "day", "clicks", "first_click", "last_click"],
        grouped,
    )
    old, added = link_days.c, insert.excluded
    connection.execute(insert.on_conflict_do_update(
        index_elements=[old.is_bot, old.tracking_id, old.click_source, old.day],
        set_={
            "clicks": old.clicks + added.clicks,
            "first_click": case((added.first_click < old.first_click, added.first_click),
                                else_=old.first_click),
            "last_click": case((added.last_click > old.last_click, added.last_click),
                               else_=old.last_click),
        },
    ))


def _fold_visitors(connection: Connection, new: list) -> None:
    day = func.date(clicks.c.clicked_at)
    pairs = (
        select(clicks.c.is_bot, clicks.c.ip_address, day)
        .where(*new, clicks.c.ip_address.is_not(None))
        .distinct()
        .order_by(clicks.c.is_bot, clicks.c.ip_address, day)
    )
    connection.execute(
        dialect_insert(connection, visitor_days)
        .from_select(["is_bot", "ip_address", "day"], pairs)
        .on_conflict_do_nothing()
    )
