"""The classifier scored on the labelled set under tests/data/kinds: user agents from the
catalogues' fixtures and vendors' docs (agents.csv, a lone click each) and click timelines
written from documented previewer and scanner behaviour (timelines.json)."""

import csv
import json
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from webapp.kinds import KINDS, PERSON, Click, agent_verdict, classify, network_of

DATA = Path(__file__).parent / "data" / "kinds"
START = datetime(2025, 10, 22, 9, 0)


def agent_labels() -> list[tuple[str, str]]:
    """(label, verdict) for every labelled agent, seen as one lone click."""
    with open(DATA / "agents.csv", newline="") as file:
        rows = list(csv.DictReader(file))
    return [(row["kind"], agent_verdict(row["user_agent"]).kind or PERSON) for row in rows]


def scenario_clicks(scenario: dict) -> tuple[list[Click], dict[int, str]]:
    clicks, labels = [], {}
    for number, raw in enumerate(scenario["clicks"], start=1):
        network = network_of(raw["ip"])
        clicks.append(Click(
            id=number, tracking_id=raw["tracking_id"], application_id=raw["application_id"],
            clicked_at=START + timedelta(seconds=raw["at"]), ip=raw["ip"],
            user_agent=raw["user_agent"], agent=agent_verdict(raw["user_agent"]),
            network=network.owner, network_role=network.role, method=raw.get("method"),
            accept_language=raw.get("accept_language"), sec_fetch_mode=raw.get("sec_fetch_mode"),
        ))
        labels[number] = raw["kind"]
    return clicks, labels


def timeline_labels() -> list[tuple[str, str]]:
    pairs = []
    for scenario in json.loads((DATA / "timelines.json").read_text())["scenarios"]:
        clicks, labels = scenario_clicks(scenario)
        companies = {int(key): name for key, name in scenario.get("companies", {}).items()}
        found = classify(clicks, [tuple(d) for d in scenario.get("you", [])], companies)
        pairs += [(labels[click_id], verdict.kind) for click_id, verdict in found.items()]
    return pairs


def scores(pairs: list[tuple[str, str]]) -> dict[str, tuple[float, float, int]]:
    """kind -> (precision, recall, labelled count)."""
    called, labelled = Counter(got for _, got in pairs), Counter(want for want, _ in pairs)
    right = Counter(want for want, got in pairs if want == got)
    return {kind: (right[kind] / called[kind] if called[kind] else 1.0,
                   right[kind] / labelled[kind] if labelled[kind] else 1.0, labelled[kind])
            for kind in KINDS}


def test_the_labelled_set_is_large_and_covers_every_kind():
    labels = Counter(want for want, _ in agent_labels() + timeline_labels())
    assert sum(labels.values()) >= 500
    assert labels[PERSON] >= 300
    assert all(labels[kind] for kind in KINDS)


@pytest.mark.parametrize("name, pairs", [
    ("agents", agent_labels), ("timelines", timeline_labels),
    ("all", lambda: agent_labels() + timeline_labels()),
])
def test_clicks_called_person_are_people_and_people_are_called_person(name, pairs):
    found = scores(pairs())
    for kind, (precision, recall, count) in found.items():
        print(f"{name:9} {kind:8} precision {precision:6.1%} recall {recall:6.1%} of {count}")
    precision, recall, _ = found[PERSON]
    assert precision >= 0.98
    assert recall >= 0.97
