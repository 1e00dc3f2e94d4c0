"""The one durable-rules host of the process, and the one way this package runs a ruleset.

durable-rules 2.0.28 is not thread-safe and has sharp edges (STACK-NOTES.md), so:

- one host per process, created lazily under ``ENGINE_LOCK``, with no background threads;
- every engine call happens while holding ``ENGINE_LOCK`` (granted in arrival order);
- each evaluation uses a fresh session id and deletes that session afterwards, outside any action
  (a ruleset holds at most 1024 live sessions; ``delete_state`` inside an action segfaults);
- a session in which no rule fired is never deleted: the library would free uninitialised memory
  and crash the process (seen here; rules/procedure.py has a catch-all rule so it cannot happen);
- no engine timers (deadlines belong to the database and the scheduler);
- every failure surfaces as ``RulesEngineError``.

Rule actions do not run through the library's Python action loop (``Closure``/``Promise``). That
loop swallows exceptions into the session state and costs about 20 microseconds per fired rule;
an evaluation fires 4 to 6 rules, which made it about four times the cost of a bare post.
``Rulebook.fire`` drives the same compiled ruleset with the library's own primitives instead:
assert the fact, then take each fired rule from the engine, apply its declared consequence (assert
a derived fact) and complete it. The engine decides which rules fire; Python only records them.
tests/rules/test_engine.py checks, for every valid input, that this gives exactly the rules the
library's own action loop fires.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Mapping
from typing import Any

import durable_rules_engine  # the library's compiled core, used by durable.engine itself
from durable import engine as durable_engine

from rules.errors import RulesEngineError
from rules.locking import FifoLock

# Guards every call into durable-rules in this process, including host creation. First come,
# first served, so that no thread waits for long behind a busy one (see FifoLock).
ENGINE_LOCK = FifoLock()

_host: ThreadlessHost | None = None
_session_ids = itertools.count(1)


def _not_run_by_the_library(c: Any) -> None:
    raise RulesEngineError("rule actions are applied by Rulebook.fire, not by the library")


class ThreadlessHost(durable_engine.Host):
    """A durable-rules Host that starts no background threads."""

    def _run(self) -> None:
        # The stock Host starts two timer threads that call into the engine every 0.2 s (queued
        # actions and engine timers) without our lock. We use neither, so we start neither.
        pass

    def get_action(self, action_name: str) -> Any:
        return _not_run_by_the_library


def _locked_host() -> ThreadlessHost:
    """The process's host, created on first use; the caller holds ENGINE_LOCK."""
    global _host
    if _host is None:
        _host = ThreadlessHost()
    return _host


class Rulebook:
    """A named durable-rules ruleset plus the fact each rule asserts when it fires."""

    def __init__(
        self, name: str, definition: Mapping[str, Any], asserts: Mapping[str, Mapping[str, Any]]
    ) -> None:
        unknown = set(asserts) - set(definition)
        if unknown:
            raise ValueError(f"asserts names rules not in ruleset {name!r}: {sorted(unknown)}")
        # _drive reads the rule's name straight out of the engine's message, which is exact only
        # for names JSON writes without escapes.
        odd = [rule for rule in definition if not rule.isidentifier()]
        if odd:
            raise ValueError(f"rule ids must be identifiers in ruleset {name!r}: {odd}")
        self.name = name
        self._definition = copy.deepcopy(dict(definition))
        self._asserts = {rule: dict(fact) for rule, fact in asserts.items()}
        self._ruleset: durable_engine.Ruleset | None = None

    def fire(self, fact: Mapping[str, Any]) -> list[str]:
        """Assert ``fact`` in a fresh session; return the ids of the rules that fired, in order."""
        with ENGINE_LOCK:
            sid = str(next(_session_ids))
            fired: list[str] = []
            try:
                ruleset = self._locked_ruleset()
                self._drive(ruleset, sid, fact, fired)
            except Exception as error:
                if fired:
                    self._delete(ruleset, sid)
                raise RulesEngineError(f"rules engine failed in {self.name!r}: {_detail(error)}") from error
            if not fired:
                # Deleting a session in which no action ever started frees uninitialised memory in
                # durable-rules 2.0.28 and kills the process; it stays, counting against the 1024.
                raise RulesEngineError(f"no rule in {self.name!r} fired; session {sid} not deleted")
            # Always, and outside any action: sessions left behind exhaust the ruleset at 1024.
            self._delete(ruleset, sid)
            return fired

    def _delete(self, ruleset: durable_engine.Ruleset, sid: str) -> None:
        try:
            ruleset.delete_state(sid)
        except Exception as error:
            raise RulesEngineError(f"could not delete session {sid} of {self.name!r}: {error}") from error

    def _locked_ruleset(self) -> durable_engine.Ruleset:
        if self._ruleset is None:
            host = _locked_host()
            # The library deletes keys from the definition it is given: give it a copy.
            host.set_rulesets({self.name: copy.deepcopy(self._definition)})
            self._ruleset = host.get_ruleset(self.name)
        return self._ruleset

    def _drive(
        self, ruleset: durable_engine.Ruleset, sid: str, fact: Mapping[str, Any], fired: list[str]
    ) -> None:
        """Run the session to completion, appending each rule to ``fired`` as its action starts."""
        handle = ruleset._handle  # the compiled ruleset; durable.engine.Ruleset keeps it here
        # Ruleset.assert_fact raises MessageNotHandledException if no rule matches the fact.
        state = ruleset.assert_fact({**fact, "sid": sid})
        started = durable_rules_engine.start_action_for_state(handle, state)
        pending = started[1] if started else None
        asserted: list[dict[str, Any]] = []
        while pending:
            # The engine writes '{"<rule id>":<matched facts>}' (one rule at a time); the facts are
            # not needed, and parsing them as JSON was the largest cost of an evaluation.
            rule_id = pending[2 : pending.index('"', 2)]
            fired.append(rule_id)
            derived = self._asserts.get(rule_id)
            # Two failed conditions may both conclude the same fact; it is asserted once
            # (asserting an identical fact twice raises MessageObservedException).
            if derived is not None and derived not in asserted:
                asserted.append(derived)
                try:
                    ruleset.assert_fact({**derived, "sid": sid})
                except BaseException:
                    durable_rules_engine.abandon_action(handle, state)
                    raise
            pending = durable_rules_engine.complete_and_start_action(handle, state)


def _detail(error: Exception) -> str:
    # The library's own exceptions keep their text in .message, not in args.
    return getattr(error, "message", None) or repr(error)
