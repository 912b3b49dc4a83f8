"""What every dashboard view needs: the request's scope and its read connections."""

from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from flask import copy_current_request_context, request

from webapp.database.db import get_db
from webapp.presentation.formatting import user_zone
from webapp.stats.filters import Filters
from webapp.stats.fold import fold
from webapp.stats.scope import Scope, hidden_links
from webapp.stats.settle import settle
from webapp.timeutil import utcnow

# A dashboard read settles at most this many new clicks itself; a backlog is the settler
# loop's work (webapp.stats.settle), which keeps figures fresh whether or not anyone looks.
READ_SETTLES = 2000
# Two index scans at once halve the cards' wait on a large database (SQLite and the
# database driver release the GIL while they work).
_readers = ThreadPoolExecutor(max_workers=4, thread_name_prefix="dashboard-read")


def current_scope(**changes) -> Scope:
    """The request's filters, with any changes, made concrete in the user's zone."""
    filters = Filters.from_args(request.args)
    if changes:
        filters = filters.with_changes(**changes)
    with get_db().read() as connection:
        hidden = hidden_links(connection, filters)
    return Scope.of(filters, user_zone(), utcnow(), hidden)


def read_apart(query, scope: Scope):
    """Run query(connection, scope) on a connection of its own, beside the caller's reads."""
    database = get_db()

    @copy_current_request_context  # the request's deadline holds in the reader thread too
    def run():
        with database.read() as connection:
            return query(connection, scope)

    return _readers.submit(run)


@contextmanager
def settled_reading():
    """A read connection after settling what is due (when no settler loop got to it) and
    folding settled clicks into the rollups, so pages that lean on rollups read them fresh."""
    settle(get_db(), READ_SETTLES)
    fold(get_db())
    with get_db().read() as connection:
        yield connection
