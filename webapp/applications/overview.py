"""The applications list's rows: each application with its activity in the chosen range,
searched and sorted in Python (a job seeker has tens or hundreds of applications, not
millions; the activity itself comes from the rollups in a few reads)."""

from dataclasses import dataclass
from datetime import date, datetime

from webapp.applications.store import ApplicationRow
from webapp.models import APPLICATION_STATUSES
from webapp.stats.activity import NO_ACTIVITY, Activity

# The column a sort names, and whether it starts with the largest (newest) first.
SORTS = {"active": True, "company": False, "status": False, "applied": True, "people": True,
         "clicks": True}
DEFAULT_SORT = "active"
SORT_LABELS = {"active": "Most recently active", "company": "Company", "status": "Status",
               "applied": "Applied on (newest)", "people": "People (most)",
               "clicks": "Clicks (most)"}


@dataclass(frozen=True)
class Overview:
    row: ApplicationRow
    activity: Activity


def _key(sort: str, item: Overview):
    application, activity = item.row.application, item.activity
    if sort == "company":
        return (application.job.company.casefold(), application.job.title.casefold())
    if sort == "status":  # in the order a search moves: applied, interviewing, offer...
        return (APPLICATION_STATUSES.index(application.status)
                if application.status in APPLICATION_STATUSES else len(APPLICATION_STATUSES),)
    if sort == "applied":
        return (application.applied_on is not None, application.applied_on or date.min)
    if sort in ("people", "clicks"):
        return (getattr(activity, sort), activity.last_person or datetime.min)
    return (activity.last_person is not None, activity.last_person or datetime.min,
            application.applied_on or date.min)


def matches(row: ApplicationRow, words: list[str]) -> bool:
    """Every word of the search is in the company, the title or the location."""
    job = row.application.job
    text = " ".join(filter(None, (job.company, job.title, job.location))).casefold()
    return all(word in text for word in words)


def overview(rows: list[ApplicationRow], found: dict[int, Activity], search: str,
             sort: str, descending: bool | None) -> list[Overview]:
    """The rows matching the search, sorted; most recently active first by default."""
    words = search.casefold().split()
    chosen = [Overview(row, found.get(row.application.id, NO_ACTIVITY))
              for row in rows if matches(row, words)]
    sort = sort if sort in SORTS else DEFAULT_SORT
    reverse = SORTS[sort] if descending is None else descending
    # Ties keep the store's order (newest application first) whichever way the column goes.
    return sorted(chosen, key=lambda item: _key(sort, item), reverse=reverse)
