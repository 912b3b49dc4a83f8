"""Every field rule of the ingest door (ingest/openapi.json), as fast unit tests of the one-pass validator."""

import json
from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.metadata import metadata_problems
from ingest.validate import (
    TRACKING_ID,
    RequestShapeError,
    dedup_key,
    events_of,
    parse_clicked_at,
    validate_events,
)

NOW = datetime(2025, 10, 22, 14, 40, 0)
DAY = timedelta(hours=24)


def check(*events):
    return validate_events(list(events), NOW, DAY)


def errors_for(event):
    return check(event).errors


@pytest.mark.parametrize(
    ("event", "error"),
    [
        ({}, "Event 1: Missing required field: tracking_id"),
        ({"tracking_id": None}, "Event 1: Missing required field: tracking_id"),
        ({"tracking_id": 42}, "Event 1: tracking_id must be a string"),
        ({"tracking_id": ""}, "Event 1: Invalid tracking_id format"),
        ({"tracking_id": "has space"}, "Event 1: Invalid tracking_id format"),
        ({"tracking_id": "a/b"}, "Event 1: Invalid tracking_id format"),
        ({"tracking_id": "x" * 101}, "Event 1: Invalid tracking_id format"),
        ({"tracking_id": "t", "clicked_at": "yesterday"},
         "Event 1: Invalid clicked_at format (must be ISO 8601 datetime)"),
        ({"tracking_id": "t", "clicked_at": "2025-10-22"},
         "Event 1: Invalid clicked_at format (must be ISO 8601 datetime)"),
        ({"tracking_id": "t", "clicked_at": "2025-13-01T00:00:00Z"},
         "Event 1: Invalid clicked_at format (must be ISO 8601 datetime)"),
        ({"tracking_id": "t", "clicked_at": 1729607400}, "Event 1: clicked_at must be a string"),
        ({"tracking_id": "t", "clicked_at": "2025-10-23T14:41:00Z"},
         "Event 1: clicked_at is in the future"),
        ({"tracking_id": "t", "ip_address": "999.1.1.1"},
         "Event 1: Invalid ip_address (must be an IPv4 or IPv6 address)"),
        ({"tracking_id": "t", "ip_address": "localhost"},
         "Event 1: Invalid ip_address (must be an IPv4 or IPv6 address)"),
        ({"tracking_id": "t", "ip_address": "1" * 46},
         "Event 1: Invalid ip_address (must be an IPv4 or IPv6 address)"),
        ({"tracking_id": "t", "ip_address": 3232235777}, "Event 1: ip_address must be a string"),
        ({"tracking_id": "t", "user_agent": "u" * 501}, "Event 1: user_agent exceeds 500 characters"),
        ({"tracking_id": "t", "user_agent": ["Mozilla"]}, "Event 1: user_agent must be a string"),
        ({"tracking_id": "t", "click_source": "s" * 51}, "Event 1: click_source exceeds 50 characters"),
        ({"tracking_id": "t", "referrer_url": "r" * 1001},
         "Event 1: referrer_url exceeds 1000 characters"),
        ({"tracking_id": "t", "session_id": "s" * 101}, "Event 1: session_id exceeds 100 characters"),
        ({"tracking_id": "t", "metadata": ["a"]}, "Event 1: metadata must be a JSON object"),
        ({"tracking_id": "t", "metadata": "{}"}, "Event 1: metadata must be a JSON object"),
        ({"tracking_id": "t", "metadata": {"k": "v" * 8200}}, "Event 1: metadata exceeds 8192 bytes"),
        ({"tracking_id": "t", "event_id": "e" * 101}, "Event 1: event_id exceeds 100 characters"),
        ({"tracking_id": "t", "event_id": 7}, "Event 1: event_id must be a string"),
    ],
)
def test_each_rule_has_its_exact_error_text(event, error):
    outcome = check(event)
    assert outcome.errors == [error]
    assert outcome.rows == [] and outcome.failed == 1


@pytest.mark.parametrize("event", ["a string", 5, None, ["tracking_id"]])
def test_an_event_that_is_not_an_object(event):
    assert errors_for(event) == ["Event 1: Event must be a JSON object"]


def test_every_problem_of_an_event_is_its_own_line_in_field_order():
    event = {"event_id": 1, "metadata": 2, "session_id": 3, "referrer_url": 4,
             "click_source": 5, "user_agent": 6, "ip_address": "x", "clicked_at": "x"}
    assert errors_for(event) == [
        "Event 1: Missing required field: tracking_id",
        "Event 1: Invalid clicked_at format (must be ISO 8601 datetime)",
        "Event 1: Invalid ip_address (must be an IPv4 or IPv6 address)",
        "Event 1: user_agent must be a string",
        "Event 1: click_source must be a string",
        "Event 1: referrer_url must be a string",
        "Event 1: session_id must be a string",
        "Event 1: metadata must be a JSON object",
        "Event 1: event_id must be a string",
    ]


def test_positions_are_one_based_and_valid_events_are_kept():
    outcome = check({"tracking_id": "ok-1"}, {"tracking_id": "bad id"}, {"tracking_id": "ok.3"})
    assert outcome.errors == ["Event 2: Invalid tracking_id format"]
    assert [row["tracking_id"] for row in outcome.rows] == ["ok-1", "ok.3"]
    assert outcome.failed == 1


def test_limits_are_inclusive():
    event = {"tracking_id": "A-z_0.9~" + "x" * 92, "user_agent": "u" * 500,
             "click_source": "s" * 50, "referrer_url": "r" * 1000, "session_id": "s" * 100,
             "event_id": "e" * 100, "ip_address": "2001:0db8:0000:0000:0000:ff00:0042:8329",
             "metadata": {"k": "v" * (8192 - len('{"k":""}'))}}
    outcome = check(event)
    assert outcome.errors == []
    assert outcome.rows[0]["ip_address"] == "2001:db8::ff00:42:8329"


def test_null_means_absent_and_unknown_fields_are_ignored():
    outcome = check({"tracking_id": "t", "clicked_at": None, "ip_address": None,
                     "metadata": None, "event_id": None, "colour": "blue"})
    row = outcome.rows[0]
    assert outcome.errors == []
    assert row["clicked_at"] == NOW and row["ip_address"] is None and row["metadata"] is None
    assert "colour" not in row


@pytest.mark.parametrize(
    ("text", "utc"),
    [
        ("2025-10-22T14:30:00Z", datetime(2025, 10, 22, 14, 30)),
        ("2025-10-22T14:30:00+00:00", datetime(2025, 10, 22, 14, 30)),
        ("2025-10-22T09:30:00-05:00", datetime(2025, 10, 22, 14, 30)),
        ("2025-10-22T16:00:00.250+01:30", datetime(2025, 10, 22, 14, 30, 0, 250000)),
        ("2025-10-22T14:30:00", datetime(2025, 10, 22, 14, 30)),
        ("2025-10-22 14:30:00.123456Z", datetime(2025, 10, 22, 14, 30, 0, 123456)),
    ],
)
def test_clicked_at_is_stored_as_utc(text, utc):
    assert parse_clicked_at(text) == utc
    assert check({"tracking_id": "t", "clicked_at": text}).rows[0]["clicked_at"] == utc


@pytest.mark.parametrize("text", ["", "2025-10-22", "14:30:00", "2025-10-22T14:30:00+05:00Z",
                                  "0001-01-01T00:00:00+01:00", "T", "Z"])
def test_unreadable_click_times(text):
    assert parse_clicked_at(text) is None


def test_the_future_limit_is_24_hours():
    just_inside = (NOW + DAY - timedelta(seconds=1)).isoformat() + "Z"
    assert check({"tracking_id": "t", "clicked_at": just_inside}).errors == []


def test_click_source_is_trimmed_and_lower_cased():
    outcome = check({"tracking_id": "t", "click_source": "  LinkedIn "},
                    {"tracking_id": "t", "click_source": "   "})
    assert [row["click_source"] for row in outcome.rows] == ["linkedin", None]


def test_metadata_is_kept_as_json_text():
    row = check({"tracking_id": "t", "metadata": {"campaign": "fall", "n": 2}}).rows[0]
    assert row["metadata"] == '{"campaign":"fall","n":2}'


class TestDeduplicationKey:
    BASE = {"tracking_id": "t", "clicked_at": "2025-10-22T14:30:00Z", "ip_address": "1.2.3.4",
            "user_agent": "UA", "click_source": "linkedin"}

    def key(self, **changes):
        return check({**self.BASE, **changes}).rows[0]["dedup_key"]

    def test_the_same_click_has_the_same_key_whatever_its_spelling(self):
        assert self.key() == self.key(clicked_at="2025-10-22T09:30:00-05:00",
                                      click_source=" LINKEDIN")

    @pytest.mark.parametrize("field", ["tracking_id", "ip_address", "user_agent", "click_source"])
    def test_any_identifying_field_changes_the_key(self, field):
        other = {"tracking_id": "u", "ip_address": "1.2.3.5", "user_agent": "UB",
                 "click_source": "email"}[field]
        assert self.key(**{field: other}) != self.key()

    def test_absent_and_present_fields_differ(self):
        assert self.key(ip_address=None) != self.key()

    def test_no_key_without_a_sender_clicked_at_or_with_an_event_id(self):
        assert self.key(clicked_at=None) is None
        assert self.key(event_id="evt-1") is None

    def test_key_is_a_signed_64_bit_integer(self):
        value = dedup_key("t", None, None, None)
        assert -(2**63) <= value < 2**63


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ([], "Request body must be a JSON object"),
        ("events", "Request body must be a JSON object"),
        ({}, "Missing required field: events"),
        ({"events": None}, "Missing required field: events"),
        ({"events": {"tracking_id": "t"}}, "events must be an array"),
        ({"events": []}, "events must contain at least 1 event"),
        ({"events": [{}] * 6}, "events must contain at most 5 events"),
    ],
)
def test_request_shape_errors(payload, message):
    with pytest.raises(RequestShapeError, match=f"^{message}$"):
        events_of(payload, max_events=5)


def test_a_full_batch_is_accepted():
    assert len(events_of({"events": [{}] * 5}, max_events=5)) == 5


class TestWhatOneEventCanNeverDo:
    """The per-event refusals (README, "Sending clicks"), at the validator."""

    @pytest.mark.parametrize(
        ("event", "error"),
        [
            ({"tracking_id": "t", "clicked_at": "1999-12-31T23:59:59Z"},
             "Event 1: clicked_at is before 2000-01-01"),
            ({"tracking_id": "t", "clicked_at": "2000-01-01T00:30:00+01:00"},
             "Event 1: clicked_at is before 2000-01-01"),
            ({"tracking_id": "t", "clicked_at": "2025-10-22T14:30:00Z\0junk"},
             "Event 1: clicked_at must not contain NUL characters"),
            ({"tracking_id": "t", "ip_address": "fe80::1%eth0"},
             "Event 1: Invalid ip_address (must be an IPv4 or IPv6 address)"),
            ({"tracking_id": "t", "ip_address": "fe80::1%25"},
             "Event 1: Invalid ip_address (must be an IPv4 or IPv6 address)"),
        ],
    )
    def test_refusals(self, event, error):
        assert errors_for(event) == [error]

    def test_the_first_moment_of_2000_is_accepted(self):
        row = check({"tracking_id": "t", "clicked_at": "2000-01-01T00:00:00Z"}).rows[0]
        assert row["clicked_at"] == datetime(2000, 1, 1)

    def test_every_kind_of_metadata_problem_is_its_own_line(self):
        deep: dict = {}
        for _ in range(40):
            deep = {"d": deep}
        event = {"tracking_id": "t", "metadata": {"deep": deep, "nul": "\0", "big": 2**64}}
        assert errors_for(event) == [
            "Event 1: metadata is nested too deeply (at most 32 levels)",
            "Event 1: metadata must not contain NUL characters",
            "Event 1: metadata numbers must fit in 64 bits",
        ]

    @pytest.mark.parametrize("value", [-(2**63), 2**63 - 1, 0, 1.5, -9.2e18, "1e999",
                                       "\\u0000", 12345678901234567890.0 / 10**10])
    def test_numbers_and_strings_that_fit_are_kept(self, value):
        row = check({"tracking_id": "t", "metadata": {"v": value}}).rows[0]
        assert json.loads(row["metadata"]) == {"v": value}


# Any JSON value (the validator's input is always parsed JSON), bounded in size.
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=30,
)
FIELD_NAMES = ["tracking_id", "clicked_at", "ip_address", "user_agent", "click_source",
               "referrer_url", "session_id", "metadata", "event_id"]
events = st.one_of(
    json_values,
    st.dictionaries(st.sampled_from(FIELD_NAMES), json_values | st.text(max_size=60), max_size=9),
    st.fixed_dictionaries({"tracking_id": st.from_regex(r"\A[A-Za-z0-9._~-]{1,100}\Z")},
                          optional={"metadata": st.dictionaries(st.text(max_size=5), json_values,
                                                                max_size=3),
                                    "clicked_at": st.datetimes().map(datetime.isoformat)}),
)


@settings(max_examples=300, deadline=None, database=None)
@given(st.lists(events, min_size=1, max_size=8))
def test_every_event_is_either_a_row_or_its_own_error_lines(batch):
    outcome = validate_events(batch, NOW, DAY)
    assert len(outcome.rows) + outcome.failed == len(batch)
    failed_positions = {int(line.split(":")[0].removeprefix("Event ")) for line in outcome.errors}
    assert len(failed_positions) == outcome.failed
    assert all(line.startswith("Event ") for line in outcome.errors)
    for row in outcome.rows:
        assert TRACKING_ID.fullmatch(row["tracking_id"])
        assert datetime(2000, 1, 1) <= row["clicked_at"] <= NOW + DAY
        assert all("\0" not in (row[name] or "") for name in FIELD_NAMES if name != "clicked_at"
                   and name != "metadata")
        if row["metadata"] is not None:
            assert len(row["metadata"].encode()) <= 8192
            assert metadata_problems(json.loads(row["metadata"])) == []
