"""``flask rules evaluate FILE``: evaluate incident facts from JSON (a file, or - for stdin)."""

from __future__ import annotations

import json
from typing import IO, NoReturn

import click

from rules.errors import InvalidFacts, RulesEngineError
from rules.incident import evaluate_incident

# Exit status for input that breaks the contract (click uses 2 for usage errors too).
EXIT_INVALID_INPUT = 2
EXIT_ENGINE_ERROR = 1


@click.group("rules")
def rules() -> None:
    """The case review rules engine."""


@rules.command("evaluate")
@click.argument("file", type=click.File("r", encoding="utf-8"))
def evaluate(file: IO[str]) -> None:
    """Evaluate the incident facts in FILE (JSON, or - for stdin).

    Prints the decision as JSON. Invalid input exits with status 2 and one line naming the field.
    Optional dates "occurred_on" and (closed proceedings) "proceedings_closed_on", as YYYY-MM-DD,
    let the rules judge whether the incident happened during the proceedings.
    """
    try:
        facts = json.load(file)
    except json.JSONDecodeError as error:
        _fail(f"invalid JSON: {error}", EXIT_INVALID_INPUT)
    try:
        decision = evaluate_incident(facts)
    except InvalidFacts as error:
        _fail(f"invalid facts: {error}", EXIT_INVALID_INPUT)
    except RulesEngineError as error:
        _fail(f"rules engine error: {error}", EXIT_ENGINE_ERROR)
    click.echo(json.dumps(decision, indent=2, sort_keys=True))


def _fail(message: str, status: int) -> NoReturn:
    # One line on stderr, so scripts can show it as it is.
    click.echo(" ".join(message.split()), err=True)
    raise SystemExit(status)
