"""Benchmark: the deadline sweep and the outbox relay, at the scale of years of stored tasks.

Run with ``.venv/bin/python bench/sweep.py`` (``--quick`` for a smoke run, ``--help`` for options).

Each store (a SQLite file under /tmp, or a PostgreSQL database of its own, created if missing; both
emptied first and removed at the end) gets its schema from the real migrations, the demo data
(``flask demo seed``, its own due tasks put out of the way) and then the workload of ``flask demo
scale`` (webapp/demo_scale.py, written set-based), which holds about one task in seven open (in the
reviews that are not closed), none of them due; the sizes count the scaled tasks, not the demo's
few dozen. One set-based UPDATE then makes the first 1,000
open tasks by id due. The 1,000,000 store is the 100,000 store grown by 900,000 tasks: the same rows
first, so the same 1,000 due. There is one store per size, so that the sweeps can alternate between
them, as bench/rules.py alternates its two measures: load from other processes on a shared machine
then slows both sizes alike instead of skewing their ratio.

The sweep runs as the scheduler runs it (``jobs.runner.run_job``); before each run the same 1,000
tasks are made due again (their escalations and notifications deleted, their dates put back by the
same UPDATE). Target: the sweep costs what is due, not what is stored: at 1,000,000 stored tasks it takes
at most 3x its time at 100,000 (median wall-clock time of a few runs).

Then the relay, run as the scheduler runs it until the queue is empty, sends 2,000 notifications to
a local aiosmtpd server in a process of its own, as a real mail server would be, which notes each
message's Message-ID (``--smtp recording`` uses tests/smtp.py's server, which also parses every
message; ``--smtp thread`` runs that in a thread of this process, as the tests do). Every message
must arrive once. Target: at least 1,000 emails per second; and the sweep, at
least 1,000 due tasks per second with the largest size stored on PostgreSQL, in batches of a constant
number of statements (printed per batch).

The report ends with this process's peak memory (resident set) after each database.

Progress goes to stderr, the report to stdout.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import platform
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from importlib.metadata import version
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, Python puts bench/ first on sys.path, where the repository's packages are not.
if sys.path and Path(sys.path[0]).resolve() == ROOT / "bench":
    sys.path[0] = str(ROOT)
os.environ.setdefault("FLASK_CONFIG", "test")

from flask import Flask, current_app  # noqa: E402
from sqlalchemy import Date, case, event, func, insert, literal, or_, select, update  # noqa: E402
from sqlalchemy.sql.elements import ColumnElement  # noqa: E402

from bench.harness import (  # noqa: E402
    SMTP_SERVERS,
    SmtpProcess,
    SmtpThread,
    build_schema,
    ensure_postgresql_database,
    make_app,
    peak_rss_mb,
    progress,
    remove_postgresql_database,
    server_version,
    settle,
)
from jobs import sweep as sweep_job  # noqa: E402
from jobs.runner import run_job  # noqa: E402
from webapp import demo  # noqa: E402
from webapp.demo_scale import MIN_CASES, TASKS_PER_CASE, scale  # noqa: E402
from webapp.extensions import db  # noqa: E402
from webapp.formatting import london  # noqa: E402
from webapp.models import (  # noqa: E402
    Notification,
    NotificationStatus,
    Task,
    TaskEscalation,
    TaskStatus,
    User,
    utcnow,
)
from webapp.tasks.escalation import step_dates  # noqa: E402

SIZES = (100_000, 1_000_000)
QUICK_SIZES = (10_000, 100_000)
DUE = 1_000
ROUNDS = 3
EMAILS = 2_000
TARGET_RATIO = 3.0
TARGET_EMAILS_PER_SECOND = 1000.0
TARGET_TASKS_PER_SECOND = 1000.0  # due tasks swept per second with the largest size stored (PostgreSQL)


SQLITE_PATH = Path("/tmp/case_review_bench.sqlite3")  # noqa: S108 - a scratch file, recreated each run
POSTGRESQL_URL = os.environ.get(
    "BENCH_POSTGRESQL_URL", "postgresql://postgres@127.0.0.1:5432/case_review_bench"
)

log = logging.getLogger("bench.sweep")


# --- Data ---------------------------------------------------------------------------------------


def load_tasks(tasks: int, today: date, now: datetime) -> int:
    """``flask demo scale``'s workload, grown by about ``tasks`` tasks (set-based); returns those added."""
    return scale(tasks // TASKS_PER_CASE, today=today, now=now).tasks


@dataclass
class Workload:
    """The first ``due`` open tasks by id, made due with one set-based UPDATE, again before each sweep.

    Each is due today or up to two weeks ago (by its id), its next step date the reminder's, so that
    it has one, two or all three steps to take. The sweep leaves tasks open, so the same tasks are
    the first open ones every time."""

    now: datetime
    due: int
    today: date = field(init=False)
    last_due_id: int = field(init=False)

    def __post_init__(self) -> None:
        self.today = london(self.now).date()
        first_open = (
            select(Task.id)
            .where(Task.status == TaskStatus.OPEN)
            .order_by(Task.id)
            .offset(self.due - 1)
            .limit(1)
        )
        last = db.session.execute(first_open).scalar_one_or_none()
        if last is None:
            raise RuntimeError(f"fewer than {self.due} open tasks stored: give a larger smallest size")
        self.last_due_id = last

    def chosen(self) -> ColumnElement[bool]:
        return (Task.status == TaskStatus.OPEN) & (Task.id <= self.last_due_id)

    def make_due_again(self) -> None:
        """The same tasks due again: their steps and messages gone, their dates put back."""
        policy = current_app.extensions["case_review_policy"]
        days = [self.today - timedelta(days=k) for k in range(15)]
        pairs = [(d, step_dates(d, policy)["reminder"]) for d in days]
        pairs = [(d, r) for d, r in pairs if r <= self.today]  # a reminder that has come
        which = Task.id % len(pairs)
        with db.engine.begin() as connection:
            connection.execute(Notification.__table__.delete())
            connection.execute(TaskEscalation.__table__.delete())
            made = connection.execute(
                update(Task.__table__)
                .where(self.chosen())
                .values(
                    due_on=case({i: literal(d, Date) for i, (d, _) in enumerate(pairs)}, value=which),
                    next_escalation_on=case(
                        {i: literal(r, Date) for i, (_, r) in enumerate(pairs)}, value=which
                    ),
                )
            ).rowcount
        if made != self.due:
            raise RuntimeError(f"{made} tasks made due, not {self.due}")

    def moved_on(self) -> int:
        """Due tasks whose next step date the sweep moved past today (or cleared)."""
        return db.session.execute(
            select(func.count())
            .select_from(Task)
            .where(
                self.chosen(),
                or_(Task.next_escalation_on.is_(None), Task.next_escalation_on > self.today),
            )
        ).scalar_one()


# --- Measuring ----------------------------------------------------------------------------------


class QueryCounter:
    """Counts the statements an engine sends, and keeps the sweep's due query for EXPLAIN."""

    def __init__(self, engine) -> None:
        self.count = 0
        self.due_query: tuple[str, Any] | None = None
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn, _cursor, statement, parameters, _context, _executemany) -> None:
        self.count += 1
        if self.due_query is None and "next_escalation_on <=" in statement and "LIMIT" in statement:
            self.due_query = (statement, parameters)


@dataclass
class SweepRun:
    seconds: float
    cpu: float  # this process's CPU time: the Python side, which other processes do not inflate
    tasks_read: int
    tasks_updated: int
    steps: int
    escalations: int
    notifications: int
    queries: int


def table_count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def time_sweep(app: Flask, now: datetime, counter: QueryCounter, workload: Workload) -> SweepRun:
    db.session.remove()
    counter.count = 0
    cpu = time.process_time()
    started = time.perf_counter()
    counts = run_job(app, "sweep", now=now)
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu
    queries = counter.count
    if counts is None:
        raise RuntimeError("the sweep failed: see the log above")
    return SweepRun(
        seconds=seconds,
        cpu=cpu,
        tasks_read=counts["tasks_due"],
        tasks_updated=workload.moved_on(),
        steps=counts["steps_taken"],
        escalations=table_count(TaskEscalation),
        notifications=table_count(Notification),
        queries=queries,
    )


def explain_due_query(counter: QueryCounter) -> list[str]:
    """The plan of the sweep's due query as it was sent, on this database."""
    if counter.due_query is None:
        return ["(the due query was not seen)"]
    statement, parameters = counter.due_query
    with db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            rows = connection.exec_driver_sql(f"EXPLAIN (ANALYZE, BUFFERS) {statement}", parameters)
            return [row[0] for row in rows]
        rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
        return [row[-1] for row in rows]


@dataclass
class RelayRun:
    emails: int
    runs: int
    seconds: float
    cpu: float
    queries: int


def time_relay(app: Flask, emails: int, counter: QueryCounter, smtp: str) -> RelayRun:
    """Queue notifications, then run the relay (as the scheduler does) until the queue is empty."""
    everyone = list(db.session.execute(select(User.id).order_by(User.id)).scalars())
    queued_at = utcnow() - timedelta(seconds=1)
    kinds = ("task_due", "task_overdue_line_manager", "task_overdue_deputy_chief_executive")
    with db.engine.begin() as connection:
        connection.execute(Notification.__table__.delete())
        connection.execute(
            insert(Notification.__table__),
            [
                {
                    "user_id": everyone[n % len(everyone)],
                    "kind": kinds[n % len(kinds)],
                    "dedupe_key": f"bench:{n}",
                    "detail": f"Benchmark notification {n}",
                    "link_path": f"/tasks/{n}",
                    "status": NotificationStatus.PENDING.value,
                    "attempts": 0,
                    "next_attempt_at": queued_at,
                    "created_at": queued_at,
                }
                for n in range(emails)
            ],
        )
    server = SmtpThread() if smtp == "thread" else SmtpProcess(smtp)
    state = app.extensions["mail"]
    saved = (state.server, state.port, state.suppress)
    state.server, state.port, state.suppress = "127.0.0.1", server.port, False
    db.session.remove()
    counter.count = 0
    runs = sent = 0
    cpu = time.process_time()
    try:
        started = time.perf_counter()
        while True:
            counts = run_job(app, "relay")
            if counts is None:
                raise RuntimeError("the relay failed: see the log above")
            runs += 1
            sent += counts["sent"]
            if counts["claimed"] == 0:
                break
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu
    finally:
        state.server, state.port, state.suppress = saved
        received, distinct = server.stop()
    marked = db.session.execute(
        select(func.count()).where(Notification.status == NotificationStatus.SENT)
    ).scalar_one()
    if not (sent == received == distinct == marked == emails):
        raise RuntimeError(
            f"relay: {emails} queued, {sent} sent, {received} received ({distinct} distinct), "
            f"{marked} marked sent"
        )
    return RelayRun(emails=received, runs=runs, seconds=seconds, cpu=cpu, queries=counter.count)


@dataclass
class DatabaseResult:
    name: str
    version: str
    sweeps: dict[int, list[SweepRun]] = field(default_factory=dict)
    plans: dict[int, list[str]] = field(default_factory=dict)
    relays: list[RelayRun] = field(default_factory=list)
    peak_mb: float = 0.0  # this process's peak resident memory after this database's runs


def median_run(runs: list[SweepRun]) -> SweepRun:
    return sorted(runs, key=lambda r: r.seconds)[len(runs) // 2]


@dataclass
class Store:
    """One database holding one size."""

    size: int
    url: str
    app: Flask
    workload: Workload
    counter: QueryCounter


def remove_store(database: str, url: str) -> None:
    if database == "postgresql":
        remove_postgresql_database(url)
    else:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{url.removeprefix('sqlite:///')}{suffix}").unlink(missing_ok=True)


def store_url(database: str, options: argparse.Namespace, size: int) -> str:
    if database == "postgresql":
        parts = urlsplit(options.postgresql_url)
        return parts._replace(path=f"{parts.path}_{size}").geturl()
    path = options.sqlite_path
    return f"sqlite:///{path.with_name(f'{path.stem}_{size}{path.suffix}')}"


def build_store(database: str, size: int, options: argparse.Namespace, now: datetime) -> Store:
    url = store_url(database, options, size)
    if database == "postgresql":
        ensure_postgresql_database(url)
    else:
        remove_store(database, url)
    app = make_app(f"{database}-{size}", url)
    with app.app_context():
        build_schema()
        counter = QueryCounter(db.engine)
        today = london(now).date()
        demo.seed(today=today)
        with db.engine.begin() as connection:  # the demo's own due tasks: out of the way
            connection.execute(
                update(Task.__table__).where(Task.next_escalation_on <= today).values(next_escalation_on=None)
            )
        loaded = 0
        for step in (s for s in options.sizes if s <= size):  # grown through the smaller sizes
            started = time.perf_counter()
            tasks = load_tasks(step - loaded, today, now)
            loaded = step
            progress(f"{database} {size:,}: {tasks:,} tasks loaded in {time.perf_counter() - started:.1f}s")
        workload = Workload(now=now, due=options.due)
        settle()
        db.session.remove()
    return Store(size=size, url=url, app=app, workload=workload, counter=counter)


def bench_database(name: str, options: argparse.Namespace) -> DatabaseResult:
    now = utcnow()
    stores: list[Store] = []
    try:
        for size in options.sizes:
            progress(f"{name} {size:,}: schema from the migrations, then the tasks")
            stores.append(build_store(name, size, options, now))
        with stores[0].app.app_context():
            result = DatabaseResult(name=name, version=server_version())
        result.sweeps = {store.size: [] for store in stores}
        for round_ in range(options.rounds):
            for store in stores:  # alternating, so that a busy machine slows every size alike
                with store.app.app_context():
                    store.workload.make_due_again()
                    run = time_sweep(store.app, now, store.counter, store.workload)
                if run.tasks_read != options.due:
                    raise RuntimeError(f"{options.due} tasks should be due, the sweep read {run.tasks_read}")
                result.sweeps[store.size].append(run)
                progress(f"{name} {store.size:,}: sweep {round_ + 1}: {run.seconds:.3f}s")
        for store in stores:
            with store.app.app_context():
                store.workload.make_due_again()  # explain the query with its rows there to find
                result.plans[store.size] = explain_due_query(store.counter)
        largest = stores[-1]
        with largest.app.app_context():
            for round_ in range(options.rounds):
                relay = time_relay(largest.app, options.emails, largest.counter, options.smtp)
                result.relays.append(relay)
                progress(f"{name}: relay {round_ + 1}: {relay.emails / relay.seconds:,.0f} emails/s")
    finally:
        for store in stores:
            with store.app.app_context():
                db.session.remove()
                db.engine.dispose()
            if not options.keep:
                remove_store(name, store.url)
    result.peak_mb = peak_rss_mb(os.getpid())
    return result


# --- Report -------------------------------------------------------------------------------------


def report(results: list[DatabaseResult], options: argparse.Namespace) -> None:
    versions = ", ".join(r.version for r in results)
    print(
        f"Python {platform.python_version()}, SQLAlchemy {version('sqlalchemy')}, {versions}; "
        f"{options.due:,} tasks due; "
        f"{f'median of {options.rounds} runs' if options.rounds > 1 else 'one run'}"
    )
    load = " -> ".join(f"{a:.1f}" for a in options.load_averages)
    print(f"{os.cpu_count()} CPUs; 1-minute load average at start and end: {load}\n")
    print(
        "Deadline sweep. Rows: tasks read and moved on, escalations and notifications written; "
        "cpu s: this process's\nCPU time (all of SQLite's work, the Python side of PostgreSQL's), "
        "which other processes barely inflate"
    )
    header = (
        f"{'database':12}{'stored':>11}{'due':>7}{'read':>7}{'updated':>9}{'escalations':>13}"
        f"{'notifications':>15}{'queries':>9}{'batches':>9}{'per batch':>10}{'cpu s':>8}{'seconds':>9}"
        f"{'tasks/s':>9}"
    )
    print(header)
    print("-" * len(header))
    for result in results:
        for size, runs in result.sweeps.items():
            run = median_run(runs)
            batches = max(-(-run.tasks_read // sweep_job.BATCH), 1)
            print(
                f"{result.name:12}{size:>11,}{options.due:>7,}{run.tasks_read:>7,}{run.tasks_updated:>9,}"
                f"{run.escalations:>13,}{run.notifications:>15,}{run.queries:>9,}{batches:>9}"
                f"{run.queries / batches:>10.1f}{run.cpu:>8.2f}{run.seconds:>9.3f}"
                f"{run.tasks_read / run.seconds:>9,.0f}"
            )
    print()
    small, large = options.sizes[0], options.sizes[-1]
    met = True
    for result in results:
        if result.name == "postgresql":
            run = median_run(result.sweeps[large])
            rate = run.tasks_read / run.seconds
            ok = rate >= TARGET_TASKS_PER_SECOND
            met &= ok
            print(
                f"Due tasks swept per second at {large:,} stored (PostgreSQL): {rate:,.0f}, target >= "
                f"{TARGET_TASKS_PER_SECOND:,.0f}: {'met' if ok else 'MISSED'}\n"
            )
    print(f"Ratio t({large:,} stored) / t({small:,} stored), target <= {TARGET_RATIO:g}x")
    for result in results:
        ratio = median_run(result.sweeps[large]).seconds / median_run(result.sweeps[small]).seconds
        ok = ratio <= TARGET_RATIO
        met &= ok
        runs = ", ".join(
            f"{size:,}: " + " ".join(f"{r.seconds:.3f}" for r in runs) for size, runs in result.sweeps.items()
        )
        print(f"  {result.name:12}{ratio:>6.2f}x  {'met' if ok else 'MISSED':7} (runs, s: {runs})")
    print()
    print(f"The sweep's due query at {large:,} stored, as sent:")
    for result in results:
        print(f"  {result.name}:")
        for line in result.plans[large]:
            print(f"    {line}")
    print()
    print(
        f"Outbox relay: {options.emails:,} queued notifications, {large:,} tasks stored; SMTP server on "
        f"127.0.0.1: {SMTP_SERVERS[options.smtp]}"
    )
    header = (
        f"{'database':12}{'emails':>8}{'relay runs':>12}{'queries':>9}{'cpu s':>8}{'seconds':>9}"
        f"{'emails/s':>10}{'':>8}"
    )
    print(header)
    print("-" * len(header))
    for result in results:
        relay = sorted(result.relays, key=lambda r: r.emails / r.seconds)[len(result.relays) // 2]
        rate = relay.emails / relay.seconds
        ok = rate >= TARGET_EMAILS_PER_SECOND
        met &= ok
        print(
            f"{result.name:12}{relay.emails:>8,}{relay.runs:>12}{relay.queries:>9,}{relay.cpu:>8.2f}"
            f"{relay.seconds:>9.2f}"
            f"{rate:>10,.0f}{'met' if ok else 'MISSED':>8}"
        )
    print()
    print(
        f"Targets: sweep at {large:,} stored within {TARGET_RATIO:g}x of {small:,}, and relay >= "
        f"{TARGET_EMAILS_PER_SECOND:g} emails/s: {'met' if met else 'missed'}"
    )
    print()
    print(
        "Memory: this process's peak resident set after each database (the data is written "
        "set-based, in the database): " + ", ".join(f"{r.name} {r.peak_mb:,.0f} MB" for r in results)
    )
    if options.json:
        Path(options.json).write_text(
            json.dumps(
                {
                    r.name: {
                        "sweep_seconds": {s: [x.seconds for x in runs] for s, runs in r.sweeps.items()},
                        "relay_emails_per_second": [x.emails / x.seconds for x in r.relays],
                    }
                    for r in results
                },
                indent=2,
            )
        )


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), help="stored tasks, ascending")
    parser.add_argument(
        "--databases", nargs="+", choices=("sqlite", "postgresql"), default=["sqlite", "postgresql"]
    )
    parser.add_argument(
        "--quick", action="store_true", help=f"sizes {QUICK_SIZES[0]:,} and {QUICK_SIZES[1]:,}, one round"
    )
    parser.add_argument("--rounds", type=int, help=f"timed runs per figure, median taken (default {ROUNDS})")
    parser.add_argument("--due", type=int, default=DUE, help="tasks due at every size")
    parser.add_argument("--emails", type=int, default=EMAILS, help="notifications the relay sends")
    parser.add_argument(
        "--smtp",
        choices=tuple(SMTP_SERVERS),
        default="plain",
        help="; ".join(f"{name}: {what}" for name, what in SMTP_SERVERS.items()),
    )
    parser.add_argument(
        "--postgresql-url",
        default=POSTGRESQL_URL,
        help="a database per size, named after this one with _<size> added (it must contain 'bench')",
    )
    parser.add_argument(
        "--sqlite-path", type=Path, default=SQLITE_PATH, help="a file per size, named after this one"
    )
    parser.add_argument("--keep", action="store_true", help="keep the databases at the end")
    parser.add_argument("--json", help="also write the raw timings to this file")
    options = parser.parse_args(argv)
    if options.quick:
        options.sizes = list(QUICK_SIZES)
    if options.rounds is None:
        options.rounds = 1 if options.quick else ROUNDS
    options.sizes = sorted({size - size % TASKS_PER_CASE for size in options.sizes})
    if len(options.sizes) < 2 or options.sizes[0] < options.due:
        parser.error("give at least two sizes, the smallest at least the number due")
    steps = [b - a for a, b in zip([0, *options.sizes], options.sizes, strict=False)]
    if min(steps) < MIN_CASES * TASKS_PER_CASE:
        parser.error(
            f"give sizes at least {MIN_CASES * TASKS_PER_CASE:,} tasks apart (flask demo scale's least)"
        )
    return options


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_args(argv)
    started = time.perf_counter()
    options.load_averages = [os.getloadavg()[0]]
    results = [bench_database(name, options) for name in options.databases]
    options.load_averages.append(os.getloadavg()[0])
    progress(f"done in {time.perf_counter() - started:.0f}s")
    with contextlib.suppress(BrokenPipeError):
        report(results, options)
    return 0


if __name__ == "__main__":
    sys.exit(main())
