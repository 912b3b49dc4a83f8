"""The read side's one write: fold settled clicks into the day rollups (link_days,
visitor_days) and move the mark, so counts read whole days from the rollups. Only clicks
the settler has settled are folded (webapp.stats.settle): their kinds are final."""

from sqlalchemy import Connection, case, func, select, update

from webapp.database.db import Database, dialect_insert
from webapp.stats.rollups import MARK, SETTLED, clicks, folded_up_to, link_days, marks, visitor_days


def fold(database: Database) -> None:
    """Fold the clicks settled since the last fold; when none were, two index reads."""
    with database.engine.connect() as connection:
        mark = folded_up_to(connection)
        newest = folded_up_to(connection, SETTLED)
    if newest <= mark:
        return
    with database.write_transaction() as connection:
        mark = lock_fold_mark(connection)
        newest = folded_up_to(connection, SETTLED)
        if newest <= mark:
            return
        new = [clicks.c.id > mark, clicks.c.id <= newest]
        _fold_links(connection, new)
        _fold_visitors(connection, new)
        connection.execute(update(marks).where(marks.c.name == MARK).values(last_id=newest))


def lock_fold_mark(connection: Connection) -> int:
    """The mark, locked until this transaction commits: link_days adds, so two folds of the
    same clicks at once (PostgreSQL workers; SQLite's write lock already serialises) would
    count them twice, and a re-settle recounting rows must not race a fold either."""
    connection.execute(
        dialect_insert(connection, marks).values(name=MARK, last_id=0).on_conflict_do_nothing()
    )
    return connection.scalar(
        select(marks.c.last_id).where(marks.c.name == MARK).with_for_update()
    )


def _fold_links(connection: Connection, new: list) -> None:
    """Add the new clicks' counts, firsts and lasts to their (kind, link, source, day) rows."""
    # date() of a naive timestamp is its UTC date on both backends (no zone is applied).
    key = [clicks.c.kind, clicks.c.tracking_id, func.coalesce(clicks.c.click_source, ""),
           func.date(clicks.c.clicked_at)]
    grouped = select(*key, func.count(), func.min(clicks.c.clicked_at),
                     func.max(clicks.c.clicked_at)).where(*new).group_by(*key)
    insert = dialect_insert(connection, link_days).from_select(
        ["kind", "tracking_id", "click_source", "day", "clicks", "first_click", "last_click"],
        grouped,
    )
    old, added = link_days.c, insert.excluded
    connection.execute(insert.on_conflict_do_update(
        index_elements=[old.kind, old.tracking_id, old.click_source, old.day],
        set_={
            "clicks": old.clicks + added.clicks,
            "first_click": case((added.first_click < old.first_click, added.first_click),
                                else_=old.first_click),
            "last_click": case((added.last_click > old.last_click, added.last_click),
                               else_=old.last_click),
        },
    ))


def _fold_visitors(connection: Connection, new: list) -> None:
    key = [clicks.c.kind, clicks.c.ip_address, func.date(clicks.c.clicked_at),
           clicks.c.tracking_id]
    rows = select(*key).where(*new, clicks.c.ip_address.is_not(None)).distinct().order_by(*key)
    connection.execute(
        dialect_insert(connection, visitor_days)
        .from_select(["kind", "ip_address", "day", "tracking_id"], rows)
        .on_conflict_do_nothing()
    )
