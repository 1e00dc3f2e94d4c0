"""Benchmark: rules.evaluate_incident against a bare durable-rules post loop.

Run with ``make bench`` or ``.venv/bin/python bench/rules.py``. 10,000 random valid incidents
(fixed seed), evaluated on one thread and on 8 threads; the floor is one trivial ruleset driven by
the library's own ``post`` + ``delete_state``, under the same process-wide lock (the library is not
thread-safe). Each figure is the median of a few rounds, floor and evaluation alternating, so that
a noisy machine hits both alike. Latency on 8 threads includes the wait for the engine lock.
Target: at least 50% of the floor's throughput, and p99 under 5 ms.
"""

from __future__ import annotations

import itertools
import platform
import random
import statistics
import sys
import threading
import time
from collections.abc import Callable, Sequence
from importlib.metadata import version
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, Python puts bench/ first on sys.path, where this file would shadow the package.
if sys.path and Path(sys.path[0]).resolve() == ROOT / "bench":
    sys.path[0] = str(ROOT)

from rules import evaluate_incident  # noqa: E402
from rules.engine import ENGINE_LOCK, ThreadlessHost  # noqa: E402
from rules.facts import FIELDS  # noqa: E402

INCIDENTS = 10_000
THREADS = 8
ROUNDS = 3
SEED = 20_261_122
TARGET_RATIO = 0.5
TARGET_P99_MS = 5.0


def random_incidents(count: int, seed: int) -> list[dict[str, Any]]:
    """Valid incident facts, every field drawn uniformly from its allowed values."""
    rng = random.Random(seed)
    choices = {field: (False, True) if allowed is bool else allowed for field, allowed in FIELDS.items()}
    return [{field: rng.choice(values) for field, values in choices.items()} for _ in range(count)]


class FloorHost(ThreadlessHost):
    """The bare library: one trivial ruleset whose single rule does nothing."""

    def get_action(self, action_name: str) -> Callable[[Any], None]:
        return lambda c: None


def floor_post() -> Callable[[Any], None]:
    host = FloorHost()
    with ENGINE_LOCK:
        host.set_rulesets({"bench_floor": {"noop": {"all": [{"m": {"x": 1}}], "run": "noop"}}})
    session_ids = itertools.count()

    def post(_: Any) -> None:
        with ENGINE_LOCK:
            sid = f"floor-{next(session_ids)}"
            host.post("bench_floor", {"sid": sid, "x": 1})
            host.delete_state("bench_floor", sid)

    return post


def run(call: Callable[[Any], Any], items: Sequence[Any], threads: int) -> tuple[float, list[int]]:
    """Call ``call`` on every item across ``threads`` threads; (wall seconds, latencies in ns)."""
    chunks = [items[start::threads] for start in range(threads)]
    latencies: list[list[int]] = [[] for _ in range(threads)]
    barrier = threading.Barrier(threads + 1)

    def work(index: int) -> None:
        clock = time.perf_counter_ns
        record = latencies[index].append
        barrier.wait()
        for item in chunks[index]:
            started = clock()
            call(item)
            record(clock() - started)

    workers = [threading.Thread(target=work, args=(index,)) for index in range(threads)]
    for worker in workers:
        worker.start()
    barrier.wait()
    started = time.perf_counter()
    for worker in workers:
        worker.join()
    return time.perf_counter() - started, [ns for chunk in latencies for ns in chunk]


def figures(call: Callable[[Any], Any], items: Sequence[Any], threads: int) -> tuple[float, float, float]:
    """(evaluations per second, p50 ms, p99 ms) for one round."""
    seconds, latencies = run(call, items, threads)
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return len(items) / seconds, cuts[49] / 1e6, cuts[98] / 1e6


def main() -> int:
    incidents = random_incidents(INCIDENTS, SEED)
    floor = floor_post()
    for facts in incidents[:500]:  # warm up: create the host and both rulesets
        evaluate_incident(facts)
        floor(facts)

    print(
        f"Python {platform.python_version()}, durable-rules {version('durable_rules')}, "
        f"{INCIDENTS:,} incidents (seed {SEED}), median of {ROUNDS} rounds\n"
    )
    header = f"{'':40}{'evaluations/s':>14}{'p50 ms':>10}{'p99 ms':>10}"
    print(header)
    print("-" * len(header))
    met = True
    for threads in (1, THREADS):
        rounds: dict[str, list[tuple[float, float, float]]] = {"evaluate": [], "floor": []}
        for _ in range(ROUNDS):
            rounds["floor"].append(figures(floor, incidents, threads))
            rounds["evaluate"].append(figures(evaluate_incident, incidents, threads))
        median = {name: sorted(runs)[len(runs) // 2] for name, runs in rounds.items()}
        label = "1 thread" if threads == 1 else f"{threads} threads"
        for name, title in (("evaluate", "evaluate_incident"), ("floor", "floor: post + delete_state")):
            rate, p50, p99 = median[name]
            print(f"{title + ', ' + label:40}{rate:>14,.0f}{p50:>10.3f}{p99:>10.3f}")
        ratio = median["evaluate"][0] / median["floor"][0]
        p99 = median["evaluate"][2]
        ok = ratio >= TARGET_RATIO and p99 < TARGET_P99_MS
        met &= ok
        print(f"{'ratio to floor, ' + label:40}{ratio:>14.0%}{'':10}{'met' if ok else 'MISSED':>10}")
        print()
    print(
        f"Target: >= {TARGET_RATIO:.0%} of the floor's throughput and p99 < {TARGET_P99_MS} ms: "
        f"{'met' if met else 'missed'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
