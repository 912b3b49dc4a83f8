"""The filter chips above the dashboard: each narrowing filter in words, removable alone."""

from collections import namedtuple

from webapp.stats.filters import DEFAULT_WHO, WHO_LABELS, Filters

Chip = namedtuple("Chip", "name value without")


def chips(filters: Filters, application_labels: dict[int, str]) -> list[Chip]:
    """A chip per filter that narrows the view, with the filters that remain without it."""
    found = []
    if filters.application_id:
        label = application_labels.get(filters.application_id, f"#{filters.application_id}")
        found.append(Chip("Application", label, filters.with_changes(application_id=None)))
    if filters.source:
        found.append(Chip("Source", filters.source, filters.with_changes(source=None)))
    if filters.who != DEFAULT_WHO:
        found.append(Chip("Who", WHO_LABELS[filters.who], filters.with_changes(who=DEFAULT_WHO)))
    if filters.archived:
        found.append(Chip("Archived applications", "included",
                          filters.with_changes(archived=False)))
    return found
