"""The settler's pure parts: which stretches of time a pass re-judges, and the words for what
the filters leave out."""

from datetime import datetime, timedelta

from webapp.dashboard.kind_words import left_out
from webapp.stats.settle import spans

T = datetime(2025, 3, 3, 10)
US = timedelta(microseconds=1)


def test_spans_merge_neighbours_and_keep_the_rest_apart():
    near = timedelta(minutes=2)
    moments = [T + timedelta(minutes=5), T, T + timedelta(minutes=3), T + timedelta(hours=2)]
    assert spans(moments, near) == [
        (T - near, T + timedelta(minutes=7) + US),
        (T + timedelta(hours=2) - near, T + timedelta(hours=2, minutes=2) + US),
    ]
    assert spans([], near) == []


def test_spans_stay_inside_datetimes_range():
    assert spans([datetime(1, 1, 1)], timedelta(minutes=2))[0][0] == datetime.min


def test_left_out_names_each_kind_in_plain_words():
    assert left_out({"preview": 12, "scanner": 3, "bot": 40}) == (
        "+ 12 previews, 3 scanner checks, 40 bots")
    assert left_out({"scanner": 1, "you": 1, "person": 2}) == (
        "+ 2 people, 1 scanner check, 1 click of yours")
    assert left_out({}) == "" and left_out({"bot": 0}) == ""
