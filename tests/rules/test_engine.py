"""Engine safety (see rules/engine.py): isolation, threads, session clean-up, errors surfacing."""

from __future__ import annotations

import contextlib
import os
import random
import subprocess
import sys
import textwrap
import threading
from pathlib import Path
from typing import Any

import durable.engine
import durable_rules_engine
import pytest
from durable.engine import MessageObservedException

import rules.engine
from rules import RulesEngineError, evaluate_incident
from rules.engine import ENGINE_LOCK, Rulebook, ThreadlessHost
from rules.procedure import CASE_REVIEW, RULES, definition
from tests.rules.factories import ALL_FACTS, incident_facts

REPO = Path(__file__).resolve().parents[2]


def test_sixteen_threads_at_once_agree_with_serial_evaluation() -> None:
    serial = [evaluate_incident(facts) for facts in ALL_FACTS]
    barrier = threading.Barrier(16)
    answers: list[dict[int, Any]] = [{} for _ in range(16)]
    errors: list[BaseException] = []

    def evaluate_all(worker: int) -> None:
        order = list(range(len(ALL_FACTS)))
        random.Random(worker).shuffle(order)
        barrier.wait()
        try:
            for index in order:
                answers[worker][index] = evaluate_incident(ALL_FACTS[index])
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)  # switch threads often, to interleave them as much as possible
    try:
        threads = [threading.Thread(target=evaluate_all, args=(n,)) for n in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)

    assert errors == []
    for worker_answers in answers:
        assert [worker_answers[index] for index in range(len(ALL_FACTS))] == serial


def test_first_evaluations_racing_in_a_fresh_process_share_one_host_and_start_no_threads() -> None:
    # The start-up race that lost rulesets for good happens only on a process's first posts.
    script = textwrap.dedent(
        """
        import gc, sys, threading
        from rules import evaluate_incident

        sys.setswitchinterval(1e-6)  # switch threads as often as possible
        from rules.engine import ThreadlessHost

        facts = dict(kind="death", cause="abuse", person="child_subject", proceedings="ongoing",
                     linked_to_court_involvement=False, susr=True, scr=False)
        barrier = threading.Barrier(16)
        results = []

        def first_evaluation():
            barrier.wait()
            results.append(evaluate_incident(facts))

        threads = [threading.Thread(target=first_evaluation) for _ in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(results) == 16 and all(result == results[0] for result in results)
        assert results[0]["rapid_review"] is True
        assert threading.active_count() == 1, threading.enumerate()
        hosts = [o for o in gc.get_objects() if isinstance(o, ThreadlessHost)]
        assert len(hosts) == 1, hosts
        print("ok")
        """
    )
    done = subprocess.run(  # noqa: S603 (our own script, run by this interpreter)
        [sys.executable, "-c", script],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_every_engine_call_is_made_holding_the_engine_lock(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, bool]] = []

    class LockChecked:
        """Stands in for the library's compiled core and records whether the lock was held."""

        def __getattr__(self, name: str) -> Any:
            function = getattr(durable_rules_engine, name)

            def checked(*args: Any) -> Any:
                calls.append((name, ENGINE_LOCK.locked()))
                return function(*args)

            return checked

    monkeypatch.setattr(durable.engine, "durable_rules_engine", LockChecked())
    monkeypatch.setattr(rules.engine, "durable_rules_engine", LockChecked())
    fresh = Rulebook("test_lock_check", {"a": {"all": [{"m": {"t": "x"}}], "run": "a"}}, {})

    fresh.fire({"t": "x"})  # registers the ruleset, then runs it
    for facts in ALL_FACTS[:100]:
        evaluate_incident(facts)

    called = {name for name, _ in calls}
    assert {"create_ruleset", "assert_fact", "complete_and_start_action", "delete_state"} <= called
    assert [name for name, locked in calls if not locked] == []


def test_sessions_are_deleted_so_evaluations_never_run_out() -> None:
    # A ruleset holds at most 1024 live sessions: the 1025th evaluation would fail if any stayed.
    for count in range(1500):
        evaluate_incident(ALL_FACTS[count % len(ALL_FACTS)])


def test_engine_failure_surfaces_and_its_session_is_still_deleted() -> None:
    # The derived fact matches no rule: the engine raises inside the rule's action.
    broken = Rulebook(
        "test_unmatched_derived_fact",
        {"start": {"all": [{"m": {"t": "start"}}], "run": "start"}},
        {"start": {"t": "nobody_listens"}},
    )

    for _ in range(1100):
        with pytest.raises(RulesEngineError, match="Could not handle message"):
            broken.fire({"t": "start"})


def test_message_no_rule_handles_surfaces() -> None:
    deaf = Rulebook("test_deaf", {"only": {"all": [{"m": {"t": "heard"}}], "run": "only"}}, {})

    with pytest.raises(RulesEngineError, match="Could not handle message"):
        deaf.fire({"t": "unheard"})


def test_fact_that_fires_no_rule_surfaces_without_crashing() -> None:
    # Half a join matches, so the fact is handled, yet no rule fires: such a session cannot be
    # deleted safely (durable-rules would free uninitialised memory), so it is reported instead.
    half = Rulebook(
        "test_half_join",
        {"pair": {"all": [{"a": {"t": "left"}}, {"b": {"t": "right"}}], "run": "pair"}},
        {},
    )

    with pytest.raises(RulesEngineError, match="no rule"):
        half.fire({"t": "left"})


def test_rulebook_refuses_rule_ids_it_could_misread() -> None:
    with pytest.raises(ValueError, match="identifiers"):
        Rulebook("test_odd_ids", {"odd-id": {"all": [{"m": {"t": "x"}}], "run": "x"}}, {})
    with pytest.raises(ValueError, match="not in ruleset"):
        Rulebook("test_unknown_asserts", {"a": {"all": [{"m": {"t": "x"}}], "run": "a"}}, {"b": {}})


class LibraryActionHost(ThreadlessHost):
    """Runs the rules through the library's own action loop, as the reference for Rulebook.fire."""

    def get_action(self, action_name: str) -> Any:
        derived = {rule.id: rule.asserts for rule in RULES}[action_name]

        def action(c: Any) -> None:
            c.s.fired = (c.s.fired or []) + [action_name]
            if derived is not None:
                # A second failed condition asserts the same fact again: the engine says so.
                with contextlib.suppress(MessageObservedException):
                    c.assert_fact(dict(derived))

        return action


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # the library's own loop, on 3.12
def test_rulebook_fires_exactly_the_rules_the_library_loop_fires() -> None:
    host = LibraryActionHost()
    fired_by_library = []
    with ENGINE_LOCK:  # same engine, same lock
        host.set_rulesets({"case_review_reference": definition()})
        for number, facts in enumerate(ALL_FACTS):
            sid = f"reference-{number}"
            state = host.assert_fact("case_review_reference", {"t": "incident", **facts, "sid": sid})
            host.delete_state("case_review_reference", sid)
            assert "exception" not in state, state["exception"]
            fired_by_library.append(state["fired"])

    for facts, expected in zip(ALL_FACTS, fired_by_library, strict=True):
        assert CASE_REVIEW.fire({"t": "incident", **facts}) == expected, facts


def test_evaluations_are_isolated_from_each_other() -> None:
    # Facts from one evaluation must never join with another's: alternate opposite incidents.
    within = incident_facts(susr=True)
    outside = incident_facts(cause="other", susr=False)
    expected = (evaluate_incident(within), evaluate_incident(outside))

    for _ in range(200):
        assert (evaluate_incident(within), evaluate_incident(outside)) == expected
