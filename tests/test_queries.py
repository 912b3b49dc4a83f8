"""The read side against real SQLite and PostgreSQL: filters, local days, late attribution."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.dashboard_data import add_application, add_clicks
from webapp.applications import links
from webapp.database.db import get_db
from webapp.stats import listings, queries
from webapp.stats.filters import Filters
from webapp.stats.settle import settle_and_fold

NOW = datetime(2025, 6, 15, 12, 0)
UTC = ZoneInfo("UTC")


def run(app, function, filters=Filters(), zone=UTC, *args):
    scope = queries.Scope.of(filters, zone, NOW)
    with app.app_context(), get_db().engine.connect() as connection:
        return function(connection, scope, *args)


def per_day(app, filters, zone=UTC):
    """(bucket starts, series) of the time chart."""
    return tuple(run(app, queries.clicks_per_day, filters, zone, NOW)[:2])


@pytest.fixture
def job_search(app):
    """Two applications, three links, clicks of every kind over the last months."""
    acme = add_application(app, "Acme", "Engineer", {"acme-li": "linkedin", "acme-cv": "resume"})
    globex = add_application(app, "Globex", "Architect", {"globex-li": "linkedin"})
    ago = lambda **delta: NOW - timedelta(**delta)  # noqa: E731

    def click(tracking_id, when, source, ip, **extra):
        return {"tracking_id": tracking_id, "clicked_at": when, "click_source": source,
                "ip_address": ip, **extra}

    add_clicks(
        app,
        click("acme-li", ago(hours=2), "linkedin", "192.0.2.1"),
        click("acme-li", ago(hours=3), "linkedin", "192.0.2.1"),
        click("acme-cv", ago(days=3), "resume", "192.0.2.2"),
        click("globex-li", ago(days=20), "linkedin", None),
        click("globex-li", ago(days=60), "linkedin", "192.0.2.3"),
        click("stray", ago(days=1, hours=1), "email", "192.0.2.4"),
        click("acme-li", ago(days=200), None, "192.0.2.5"),
        click("acme-li", ago(hours=1), "linkedin", "192.0.2.9", kind="bot",
              user_agent="Googlebot/2.1"),
    )
    return {"acme": acme, "globex": globex}


@pytest.mark.parametrize(
    "preset, expected", [("24h", 2), ("7d", 4), ("30d", 5), ("90d", 6), ("all", 7)]
)
def test_range_presets(app, job_search, preset, expected):
    assert run(app, queries.summary, Filters(range=preset)).clicks == expected


def test_summary_cards(app, job_search):
    summary = run(app, queries.summary, Filters(range="all"))
    assert summary.clicks == 7
    assert summary.visitors == 5  # 192.0.2.1 twice; the click without an IP is not a visitor
    assert summary.applications == 2
    assert summary.unmatched == 1
    assert summary.last_click == NOW - timedelta(hours=2)


def test_only_people_count_unless_the_filter_asks_for_others(app, job_search):
    with_bots = run(app, queries.summary, Filters(range="all", who="everyone"))
    assert (with_bots.clicks, with_bots.visitors) == (8, 6)
    assert with_bots.last_click == NOW - timedelta(hours=1)
    rows, _older = run(app, listings.click_page, Filters(range="all"))
    assert {row.kind for row in rows} == {"person"}
    assert with_bots.left_out == {} and run(app, queries.summary,
                                           Filters(range="all")).left_out == {"bot": 1}


def test_source_filter(app, job_search):
    assert run(app, queries.summary, Filters(range="all", source="linkedin")).clicks == 4
    resume_only = Filters(range="all", source="resume")
    assert run(app, queries.clicks_by_source, resume_only) == [("resume", 1)]


def test_application_filter(app, job_search):
    filters = Filters(range="all", application_id=job_search["globex"])
    assert run(app, queries.summary, filters).clicks == 2
    rows, _older = run(app, listings.click_page, filters)
    assert {(row.company, row.title) for row in rows} == {("Globex", "Architect")}


def test_custom_dates_are_local_days(app):
    add_application(app, "Acme", "Engineer", {"t": "linkedin"})
    # 18:29 UTC is 23:59 in India; 18:31 UTC is one minute past midnight the next day.
    add_clicks(app, {"tracking_id": "t", "clicked_at": datetime(2025, 3, 9, 18, 29)},
               {"tracking_id": "t", "clicked_at": datetime(2025, 3, 9, 18, 31)})
    filters = Filters(range="custom", start=date(2025, 3, 10), end=date(2025, 3, 10))
    india = ZoneInfo("Asia/Kolkata")
    assert run(app, queries.summary, filters, india).clicks == 1
    assert run(app, queries.summary, filters, UTC).clicks == 0


def test_clicks_by_source_counts_and_orders(app, job_search):
    assert run(app, queries.clicks_by_source, Filters(range="all")) == [
        ("linkedin", 4), ("email", 1), ("resume", 1), (None, 1)
    ]


def test_days_split_at_half_hour_offset_midnight(app):
    add_application(app, "Acme", "Engineer", {"t": "linkedin"})
    add_clicks(app,
               *({"tracking_id": "t", "clicked_at": datetime(2025, 3, 9, 18, minute),
                  "click_source": source}
                 for minute, source in [(29, "linkedin"), (31, "linkedin"), (45, None)]))
    filters = Filters(range="custom", start=date(2025, 3, 9), end=date(2025, 3, 10))
    days, series = per_day(app, filters, ZoneInfo("Asia/Kolkata"))
    assert days == [date(2025, 3, 9), date(2025, 3, 10)]
    assert series == {"linkedin": [1, 1], None: [0, 1]}
    days, series = per_day(app, filters, UTC)
    assert series == {"linkedin": [2, 0], None: [1, 0]}


def test_days_follow_daylight_saving_changes(app):
    add_application(app, "Acme", "Engineer", {"t": "linkedin"})
    # New York: EST (-5) until 2025-03-09 07:00 UTC, then EDT (-4).
    moments = [
        datetime(2025, 3, 9, 4, 30),   # 23:30 EST on the 8th
        datetime(2025, 3, 9, 5, 30),   # 00:30 EST on the 9th
        datetime(2025, 3, 10, 3, 30),  # 23:30 EDT on the 9th
        datetime(2025, 3, 10, 4, 30),  # 00:30 EDT on the 10th
        # Autumn: EDT until 2025-11-02 06:00 UTC, then EST.
        datetime(2025, 11, 3, 4, 30),  # 23:30 EST on the 2nd
        datetime(2025, 11, 3, 5, 30),  # 00:30 EST on the 3rd
    ]
    add_clicks(app, *({"tracking_id": "t", "clicked_at": moment, "click_source": "linkedin"}
                      for moment in moments))
    york = ZoneInfo("America/New_York")
    spring = Filters(range="custom", start=date(2025, 3, 8), end=date(2025, 3, 10))
    assert per_day(app, spring, york) == (
        [date(2025, 3, 8), date(2025, 3, 9), date(2025, 3, 10)], {"linkedin": [1, 2, 1]}
    )
    autumn = Filters(range="custom", start=date(2025, 11, 2), end=date(2025, 11, 3))
    assert per_day(app, autumn, york)[1] == {"linkedin": [1, 1]}


def test_per_day_for_all_time_runs_from_the_first_click_to_today(app, job_search):
    days, series = per_day(app, Filters(range="all"))  # 200 days: weekly bars from Mondays
    first = (NOW - timedelta(days=200)).date()
    assert days[0] == first - timedelta(days=first.weekday())
    assert days[-1] <= NOW.date() < days[-1] + timedelta(days=7)
    assert sum(sum(counts) for counts in series.values()) == 7
    assert sum(series[None]) == 1


def test_per_day_without_clicks_is_empty(app):
    assert per_day(app, Filters(range="all")) == ([], {})


def test_late_attribution_of_unmatched_clicks(app, job_search):
    everything = Filters(range="all")
    unknown = lambda connection, scope: listings.unmatched(connection)  # noqa: E731
    assert [row.tracking_id for row in run(app, unknown)] == ["stray"]
    before = run(app, queries.applications_ranked, everything)
    assert [label for _id, label, _count in before] == ["Acme - Engineer", "Globex - Architect"]

    with app.app_context():
        with get_db().write_sessions() as session, session.begin():
            job_id = session.get(links.Job, 1).id
            links.create_link(session, job_id, "email", tracking_id="stray")

    summary = run(app, queries.summary, everything)
    assert (summary.unmatched, summary.clicks) == (0, 7)
    assert run(app, queries.applications_ranked, everything)[0] == (
        job_search["acme"], "Acme - Engineer", 5)
    assert run(app, unknown) == []
    acme = Filters(range="all", application_id=job_search["acme"])
    acme_rows, _older = run(app, listings.click_page, acme)
    assert "stray" in {row.tracking_id for row in acme_rows}


def test_unmatched_lists_counts_first_and_last_seen_bots_included(app):
    add_clicks(app,
               {"tracking_id": "ghost", "clicked_at": datetime(2025, 1, 1, 9)},
               {"tracking_id": "ghost", "clicked_at": datetime(2025, 1, 3, 9), "kind": "bot", "user_agent": "Googlebot/2.1"},
               {"tracking_id": "other", "clicked_at": datetime(2025, 1, 2, 9)})
    rows = run(app, lambda connection, scope: listings.unmatched(connection))
    assert [(row.tracking_id, row.clicks, row.first_seen, row.last_seen) for row in rows] == [
        ("ghost", 2, datetime(2025, 1, 1, 9), datetime(2025, 1, 3, 9)),
        ("other", 1, datetime(2025, 1, 2, 9), datetime(2025, 1, 2, 9)),
    ]


def test_every_application_is_ranked_none_hidden_as_other(app):
    ids = []
    for number in range(12):
        ids.append(add_application(app, f"Company {number:02d}", "Engineer",
                                   {f"t{number}": "linkedin"}))
        add_clicks(app, *({"tracking_id": f"t{number}", "clicked_at": NOW - timedelta(hours=1)}
                          for _ in range(number % 4 + 1)))
    rows = run(app, queries.applications_ranked, Filters())
    assert len(rows) == 12 and [count for _id, _label, count in rows] == sorted(
        (number % 4 + 1 for number in range(12)), reverse=True)
    assert rows[0] == (ids[3], "Company 03 - Engineer", 4)  # ties by company


def test_pagination_newest_first(app):
    add_clicks(app, *({"tracking_id": "t", "clicked_at": NOW - timedelta(minutes=minute)}
                      for minute in range(30)))
    first, older = run(app, listings.click_page, Filters(page=1))
    assert len(first) == listings.PER_PAGE and older
    assert first[0].clicked_at == NOW and first[0].application_id is None
    second, older = run(app, listings.click_page, Filters(page=2))
    assert len(second) == 5 and not older
    assert second[-1].clicked_at == NOW - timedelta(minutes=29)
    assert run(app, listings.click_page, Filters(page=3)) == ([], False)


def test_export_rows_stream_every_filtered_click(app, job_search):
    def every(connection, scope):
        return list(listings.export_rows(connection, scope, chunk=2))

    rows = run(app, every,
               Filters(range="all", source="linkedin"))
    assert len(rows) == 4 and all(row.click_source == "linkedin" for row in rows)


def test_application_links_with_counts_first_and_last(app, job_search):
    rows = run(app, listings.application_links, Filters(range="all"), UTC, job_search["acme"])
    by_id = {row.tracking_id: row for row in rows}
    assert by_id["acme-li"].clicks == 3 and by_id["acme-cv"].clicks == 1
    assert by_id["acme-li"].first_click == NOW - timedelta(days=200)
    assert by_id["acme-li"].last_click == NOW - timedelta(hours=2)


def visitors(app, filters, zone=UTC):
    return run(app, queries.summary, filters, zone).visitors


def fold_now(app):
    with app.app_context():
        settle_and_fold(get_db())


def test_visitors_are_exact_before_during_and_after_folding(app):
    day = lambda d, h: datetime(2025, 6, d, h)  # noqa: E731
    seen = [(day(10, 9), "192.0.2.1"), (day(12, 9), "192.0.2.1"), (day(12, 23), "192.0.2.2"),
            (day(13, 1), "192.0.2.3"), (day(14, 23), "192.0.2.4")]
    add_clicks(app, *({"tracking_id": "t", "clicked_at": moment, "ip_address": ip}
                      for moment, ip in seen))
    cases = {
        Filters(range="all"): 4,
        Filters(range="custom", start=date(2025, 6, 12), end=date(2025, 6, 12)): 2,
        Filters(range="custom", start=date(2025, 6, 13), end=date(2025, 6, 14)): 2,
    }
    york = ZoneInfo("America/New_York")
    york_cases = {  # local days run 04:00 to 04:00 UTC: every window has partial UTC days
        Filters(range="custom", start=date(2025, 6, 12), end=date(2025, 6, 12)): 3,
        Filters(range="custom", start=date(2025, 6, 12), end=date(2025, 6, 14)): 4,
    }
    for _round in ("unfolded", "folded"):
        assert {f: visitors(app, f) for f in cases} == cases
        assert {f: visitors(app, f, york) for f in york_cases} == york_cases
        fold_now(app)
    add_clicks(app, {"tracking_id": "t", "clicked_at": day(12, 10), "ip_address": "192.0.2.9"},
               {"tracking_id": "t", "clicked_at": day(12, 11), "ip_address": "192.0.2.1",
                "kind": "bot", "user_agent": "Googlebot/2.1"})
    assert visitors(app, Filters(range="all")) == 5  # the newest click is counted unfolded
    assert visitors(app, Filters(range="all", who="everyone")) == 5
    fold_now(app)
    assert visitors(app, Filters(range="all")) == 5
    twelfth = Filters(range="custom", start=date(2025, 6, 12), end=date(2025, 6, 12))
    assert visitors(app, twelfth) == 3


def test_visitors_with_filters_and_rolling_windows(app, job_search):
    fold_now(app)
    assert visitors(app, Filters(range="24h")) == 1
    assert visitors(app, Filters(range="7d")) == 3
    assert visitors(app, Filters(range="all", source="linkedin")) == 2
    assert visitors(app, Filters(range="all", application_id=job_search["acme"])) == 3
    assert visitors(app, Filters(range="all", who="everyone")) == 6
