"""``rules evaluate FILE``: JSON in, JSON out; invalid input exits 2 with one line naming the field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from rules import evaluate_incident
from rules.cli import rules
from tests.rules.factories import incident_facts


def run(*args: str, stdin: str | None = None):
    return CliRunner().invoke(rules, ["evaluate", *args], input=stdin)


def test_evaluates_a_file(tmp_path: Path) -> None:
    facts = incident_facts(susr=True)
    path = tmp_path / "incident.json"
    path.write_text(json.dumps(facts), encoding="utf-8")

    result = run(str(path))

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == evaluate_incident(facts)


def test_evaluates_stdin() -> None:
    facts = incident_facts(proceedings="closed", linked_to_court_involvement=False)

    result = run("-", stdin=json.dumps(facts))

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == evaluate_incident(facts)
    assert json.loads(result.stdout)["within_procedure"] is False


def test_bad_json_exits_2_with_one_line() -> None:
    result = run("-", stdin='{"kind": "death",')

    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert "invalid JSON" in result.stderr


def test_bad_field_exits_2_naming_the_field() -> None:
    result = run("-", stdin=json.dumps({**incident_facts(), "susr": "yes"}))

    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert "susr" in result.stderr


def test_missing_field_exits_2_naming_the_field() -> None:
    facts = incident_facts()
    del facts["proceedings"]

    result = run("-", stdin=json.dumps(facts))

    assert result.exit_code == 2
    assert "proceedings" in result.stderr


def test_json_that_is_not_an_object_exits_2() -> None:
    result = run("-", stdin="[1, 2]")

    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1


def test_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    assert run(str(tmp_path / "absent.json")).exit_code == 2


def test_dates_decide_scope_at_the_closure_boundary() -> None:
    closed = incident_facts(proceedings="closed", linked_to_court_involvement=False)
    on_the_day = {**closed, "occurred_on": "2026-03-10", "proceedings_closed_on": "2026-03-10"}
    day_after = {**on_the_day, "occurred_on": "2026-03-11"}

    within = json.loads(run("-", stdin=json.dumps(on_the_day)).stdout)
    outside = json.loads(run("-", stdin=json.dumps(day_after)).stdout)

    assert within["within_procedure"] is True and within["circumstance"] == "closed_case"
    [reason] = [r for r in within["reasons"] if r["rule"] == "closed_case_during_proceedings"]
    assert "linked to previous family court involvement" in reason["clause"]
    assert outside["within_procedure"] is False


@pytest.mark.parametrize(
    "extra,field",
    [
        ({"occurred_on": "10/03/2026"}, "occurred_on"),
        ({"occurred_on": "2026-02-30"}, "occurred_on"),
        ({"occurred_on": 20260310}, "occurred_on"),
        ({"proceedings_closed_on": "2026-03-10"}, "proceedings_closed_on"),  # proceedings ongoing
    ],
)
def test_a_bad_date_exits_2_naming_the_field(extra: dict, field: str) -> None:
    result = run("-", stdin=json.dumps({**incident_facts(), **extra}))

    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and field in result.stderr
