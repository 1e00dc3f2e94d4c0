"""Benchmark: the deadline sweep and the outbox relay, at the scale of years of stored tasks.

Run with ``.venv/bin/python bench/sweep.py`` (``--quick`` for a smoke run, ``--help`` for options).

Each store (a SQLite file under /tmp, or a PostgreSQL database of its own, created if missing; both
emptied first and removed at the end) gets its schema from the real migrations, then tasks are
bulk-loaded (COPY on PostgreSQL, executemany on SQLite) with their reviews, incidents and cases:
exactly 1,000 open tasks whose next escalation step has come (due) and, around them, tasks that are
done (65%), cancelled (5%), open and due later (25%) or open with their ladder climbed (5%). The
1,000,000 store is the 100,000 store grown by 900,000 tasks that are not due: the same rows, the
same 1,000 due. There is one store per size, so that the sweeps can alternate between them, as
bench/rules.py alternates its two measures: load from other processes on a shared machine then
slows both sizes alike instead of skewing their ratio.

The sweep runs as the scheduler runs it (``jobs.runner.run_job``); before each run the same 1,000
tasks are made due again (their escalations and notifications deleted, their next step date put
back). Target: the sweep costs what is due, not what is stored: at 1,000,000 stored tasks it takes
at most 3x its time at 100,000 (median wall-clock time of a few runs).

Then the relay, run as the scheduler runs it until the queue is empty, sends 2,000 notifications to
a local aiosmtpd server in a process of its own, as a real mail server would be, which notes each
message's Message-ID (``--smtp recording`` uses tests/smtp.py's server, which also parses every
message; ``--smtp thread`` runs that in a thread of this process, as the tests do). Every message
must arrive once. Target: at least 1,000 emails per second; and the sweep, at
least 1,000 due tasks per second with the largest size stored on PostgreSQL, in batches of a constant
number of statements (printed per batch).

Progress goes to stderr, the report to stdout.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import platform
import random
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from importlib.metadata import version
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, Python puts bench/ first on sys.path, where the repository's packages are not.
if sys.path and Path(sys.path[0]).resolve() == ROOT / "bench":
    sys.path[0] = str(ROOT)
os.environ.setdefault("FLASK_CONFIG", "test")

from flask import Flask  # noqa: E402
from sqlalchemy import bindparam, event, func, or_, select, text, update  # noqa: E402

from bench.harness import (  # noqa: E402
    SMTP_SERVERS,
    SmtpProcess,
    SmtpThread,
    build_schema,
    ensure_postgresql_database,
    make_app,
    progress,
    remove_postgresql_database,
    server_version,
    settle,
)
from jobs import sweep as sweep_job  # noqa: E402
from jobs.runner import run_job  # noqa: E402
from webapp.extensions import db  # noqa: E402
from webapp.formatting import london  # noqa: E402
from webapp.models import (  # noqa: E402
    Notification,
    NotificationStatus,
    OperationalArea,
    Role,
    Task,
    TaskEscalation,
    TaskKind,
    User,
    utcnow,
)
from webapp.reviews.lifecycle import TASKS  # noqa: E402
from webapp.tasks.escalation import step_dates  # noqa: E402
from webapp.tasks.pools import AREA_POOLS  # noqa: E402

SIZES = (100_000, 1_000_000)
QUICK_SIZES = (10_000, 100_000)
DUE = 1_000
ROUNDS = 3
EMAILS = 2_000
SEED = 20_261_122
TARGET_RATIO = 3.0
TARGET_EMAILS_PER_SECOND = 1000.0
TARGET_TASKS_PER_SECOND = 1000.0  # due tasks swept per second with the largest size stored (PostgreSQL)

TASKS_PER_REVIEW = 10
REVIEWS_PER_CASE = 2
AREAS = 12
CHUNK_REVIEWS = 5_000  # reviews (and their tasks) generated and loaded at a time: 50,000 tasks

SQLITE_PATH = Path("/tmp/case_review_bench.sqlite3")  # noqa: S108 - a scratch file, recreated each run
POSTGRESQL_URL = os.environ.get(
    "BENCH_POSTGRESQL_URL", "postgresql://postgres@127.0.0.1:5432/case_review_bench"
)

log = logging.getLogger("bench.sweep")


# --- Loading ---------------------------------------------------------------------------------


def sqlite_value(value: Any) -> Any:
    """What SQLAlchemy's SQLite types store: ISO dates, naive UTC timestamps, 0/1."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    return value


def bulk_load(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Load rows into a table in one transaction: COPY on PostgreSQL, executemany on SQLite."""
    count = 0
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            raw = connection.connection.driver_connection
            statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
            with raw.cursor() as cursor, cursor.copy(statement) as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        else:
            marks = ", ".join("?" for _ in columns)
            converted = [tuple(sqlite_value(v) for v in row) for row in rows]
            connection.exec_driver_sql(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",  # noqa: S608 - our names
                converted,
            )
            count = len(converted)
    return count


def after_explicit_ids(tables: Iterable[str]) -> None:
    """PostgreSQL: move the id sequences past the ids loaded explicitly."""
    if db.engine.dialect.name != "postgresql":
        return
    with db.engine.begin() as connection:
        for table in tables:
            connection.execute(
                text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")  # noqa: S608
            )


# --- Data ---------------------------------------------------------------------------------------


@dataclass
class People:
    areas: list[int]
    heads_of_operations: dict[int, int]  # area -> its Head of Operations
    heads: dict[int, int]  # area -> its Area Head of Operations
    managers: dict[int, list[int]]  # area -> Practice Managers
    practitioners: dict[int, list[int]]
    everyone: list[int]


def add_people() -> People:
    """A Chief Executive and a Deputy, and per area a Head of Operations, an Area Head, Practice
    Managers and practitioners, each with a line manager: the ladder's recipients."""
    counter = iter(range(1, 10_000))

    def person(role: Role, manager: User | None = None, area: OperationalArea | None = None) -> User:
        n = next(counter)
        user = User(email=f"bench{n}@example.org", name=f"Person {n}", area=area, line_manager=manager)
        user.set_roles({role})
        db.session.add(user)
        return user

    chief = person(Role.CHIEF_EXECUTIVE)
    deputy = person(Role.DEPUTY_CHIEF_EXECUTIVE, chief)
    person(Role.PRACTICE_DEVELOPMENT_TEAM, deputy)
    built = []
    for a in range(1, AREAS + 1):
        area = OperationalArea(name=f"Bench area {a}")
        head_of_ops = person(Role.HEAD_OF_OPERATIONS, deputy, area)
        head = person(Role.AREA_HEAD_OF_OPERATIONS, head_of_ops, area)
        managers = [person(Role.PRACTICE_MANAGER, head, area) for _ in range(2)]
        practitioners = [person(Role.PRACTITIONER, managers[i % 2], area) for i in range(4)]
        built.append((area, head_of_ops, head, managers, practitioners))
    db.session.commit()
    return People(
        areas=[area.id for area, *_ in built],
        heads_of_operations={area.id: head_of_ops.id for area, head_of_ops, *_ in built},
        heads={area.id: head.id for area, _, head, _, _ in built},
        managers={area.id: [m.id for m in managers] for area, _, _, managers, _ in built},
        practitioners={area.id: [p.id for p in practitioners] for area, *_, practitioners in built},
        everyone=list(db.session.execute(select(User.id)).scalars()),
    )


def columns(names: str) -> list[str]:
    return names.split()


CASE_COLUMNS = columns(
    "id case_number area_id proceedings_status law_type practitioner_id practice_manager_id "
    "created_at updated_at version"
)
INCIDENT_COLUMNS = columns(
    "id case_id kind occurred_on cause person_affected linked_to_court_involvement susr_known "
    "scr_known summary notified_by notified_on recorded_by_id recorded_at updated_at version"
)
REVIEW_COLUMNS = columns(
    "id incident_id case_id state within_procedure rapid_review follow_susr_process reasons "
    "decision_override created_at updated_at version"
)
TASK_COLUMNS = columns(
    "id review_id kind assignee_id assignee_pool assignee_area_id due_on next_escalation_on "
    "status outcome created_at completed_at completed_by_id"
)
KINDS = list(TaskKind)


@dataclass
class Workload:
    """Deterministic rows for task ids 1..n; the due tasks are among the first size's ids."""

    people: People
    now: datetime
    due_ids: frozenset[int]
    today: date = field(init=False)
    policy: Any = field(init=False)
    due_escalation_on: dict[int, date] = field(default_factory=dict)
    _reminders: dict[date, date] = field(default_factory=dict)

    def __post_init__(self) -> None:
        from flask import current_app

        self.today = london(self.now).date()
        self.policy = current_app.extensions["case_review_policy"]

    def reminder(self, due_on: date) -> date:
        if due_on not in self._reminders:
            self._reminders[due_on] = step_dates(due_on, self.policy)["reminder"]
        return self._reminders[due_on]

    def case_area(self, case_id: int) -> int:
        return self.people.areas[case_id % len(self.people.areas)]

    def case_people(self, case_id: int) -> tuple[int, int]:
        """The case's (practitioner, practice manager)."""
        area = self.case_area(case_id)
        practitioners = self.people.practitioners[area]
        return practitioners[case_id % len(practitioners)], self.people.managers[area][case_id % 2]

    def holder(self, kind: TaskKind, case_id: int) -> tuple[int | None, str | None, int | None]:
        """(assignee, pool, pool's area) for a task of this kind, as reviews.services assigns them."""
        assign_to = TASKS[kind].assign_to
        area = self.case_area(case_id)
        practitioner, manager = self.case_people(case_id)
        if assign_to.startswith("pool:"):
            pool = assign_to.removeprefix("pool:")
            return None, pool, area if pool in AREA_POOLS else None
        if assign_to == "case:practitioner":
            return practitioner, None, None
        if assign_to == "review:reviewer":  # a Head of Operations from another area
            return self.people.heads_of_operations[self.case_area(case_id + 1)], None, None
        return manager, None, None  # "case:practice_manager", or "given" (an action's owner)

    def load(self, first_review: int, last_review: int) -> int:
        """Cases, incidents, reviews and tasks for reviews first..last; returns tasks loaded."""
        rng = random.Random(SEED + first_review)
        tasks = 0
        for start in range(first_review, last_review + 1, CHUNK_REVIEWS):
            end = min(start + CHUNK_REVIEWS - 1, last_review)
            first_case = (start - 1) // REVIEWS_PER_CASE + 1
            if (start - 1) % REVIEWS_PER_CASE:
                first_case += 1  # its case came with the previous chunk
            last_case = (end - 1) // REVIEWS_PER_CASE + 1
            bulk_load("cases", CASE_COLUMNS, self.cases(first_case, last_case, rng))
            bulk_load("incidents", INCIDENT_COLUMNS, self.incidents(start, end, rng))
            bulk_load("reviews", REVIEW_COLUMNS, self.reviews(start, end, rng))
            tasks += bulk_load("tasks", TASK_COLUMNS, self.tasks(start, end, rng))
        after_explicit_ids(("cases", "incidents", "reviews", "tasks"))
        return tasks

    def cases(self, first: int, last: int, rng: random.Random) -> Iterator[tuple]:
        for case_id in range(first, last + 1):
            created = self.now - timedelta(days=rng.randint(30, 900))
            yield (
                case_id,
                f"BN{case_id:08d}",
                self.case_area(case_id),
                "ongoing",
                rng.choice(("public", "private")),
                *self.case_people(case_id),
                created,
                created,
                1,
            )

    def incidents(self, first: int, last: int, rng: random.Random) -> Iterator[tuple]:
        for incident_id in range(first, last + 1):
            case_id = (incident_id - 1) // REVIEWS_PER_CASE + 1
            occurred = self.today - timedelta(days=rng.randint(1, 400))
            recorded = self.now - timedelta(days=rng.randint(0, 400))
            yield (
                incident_id,
                case_id,
                rng.choice(("death", "significant_incident")),
                occurred,
                rng.choice(("violence", "abuse", "neglect", "other", "unknown")),
                rng.choice(("child_subject", "adult_party", "other")),
                True,
                False,
                False,
                "Benchmark incident",
                "Police",
                occurred,
                self.people.managers[self.case_area(case_id)][0],
                recorded,
                recorded,
                1,
            )

    def reviews(self, first: int, last: int, rng: random.Random) -> Iterator[tuple]:
        for review_id in range(first, last + 1):
            created = self.now - timedelta(days=rng.randint(0, 400))
            yield (
                review_id,
                review_id,
                (review_id - 1) // REVIEWS_PER_CASE + 1,
                rng.choice(("awaiting_decision", "initiated", "not_initiated", "outside_procedure")),
                True,
                False,
                False,
                "[]",
                False,
                created,
                created,
                1,
            )

    def tasks(self, first: int, last: int, rng: random.Random) -> Iterator[tuple]:
        today = self.today
        for review_id in range(first, last + 1):
            case_id = (review_id - 1) // REVIEWS_PER_CASE + 1
            area = self.case_area(case_id)
            for n in range(TASKS_PER_REVIEW):
                task_id = (review_id - 1) * TASKS_PER_REVIEW + n + 1
                kind = rng.choice(KINDS)
                assignee, pool, pool_area = self.holder(kind, case_id)
                completed_at = completed_by = None
                if task_id in self.due_ids:
                    status = "open"
                    # Due today or up to two weeks ago: one, two or all three steps to take.
                    while True:
                        due_on = today - timedelta(days=rng.randint(0, 14))
                        escalation_on = self.reminder(due_on)
                        if escalation_on <= today:
                            break
                    self.due_escalation_on[task_id] = escalation_on
                else:
                    draw = rng.random()
                    if draw < 0.65:
                        status, due_on, escalation_on = "done", today - timedelta(rng.randint(1, 400)), None
                        completed_at = self.now - timedelta(days=rng.randint(0, 400))
                        completed_by = assignee or self.people.heads[area]
                    elif draw < 0.70:
                        status, due_on, escalation_on = (
                            "cancelled",
                            today - timedelta(rng.randint(1, 400)),
                            None,
                        )
                    elif draw < 0.95:
                        status, due_on = "open", today + timedelta(days=rng.randint(1, 60))
                        escalation_on = self.reminder(due_on)
                    else:  # open, every step taken: nothing more to send
                        status, due_on, escalation_on = "open", today - timedelta(rng.randint(8, 200)), None
                yield (
                    task_id,
                    review_id,
                    kind.value,
                    assignee,
                    pool,
                    pool_area,
                    due_on,
                    escalation_on,
                    status,
                    "{}",
                    self.now - timedelta(days=rng.randint(0, 400)),
                    completed_at,
                    completed_by,
                )

    def make_due_again(self) -> None:
        """The same tasks due again: their steps and messages gone, their next step date put back."""
        with db.engine.begin() as connection:
            connection.execute(Notification.__table__.delete())
            connection.execute(TaskEscalation.__table__.delete())
            tasks = Task.__table__
            connection.execute(
                update(tasks)
                .where(tasks.c.id == bindparam("task"))
                .values(next_escalation_on=bindparam("on")),
                [{"task": i, "on": on} for i, on in sorted(self.due_escalation_on.items())],
            )

    def moved_on(self) -> int:
        """Due tasks whose next step date the sweep moved past today (or cleared)."""
        return db.session.execute(
            select(func.count())
            .select_from(Task)
            .where(
                Task.id.in_(self.due_escalation_on),
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


def time_relay(app: Flask, people: People, emails: int, counter: QueryCounter, smtp: str) -> RelayRun:
    """Queue notifications, then run the relay (as the scheduler does) until the queue is empty."""
    with db.engine.begin() as connection:
        connection.execute(Notification.__table__.delete())
    queued_at = utcnow() - timedelta(seconds=1)
    kinds = ("task_due", "task_overdue_line_manager", "task_overdue_deputy_chief_executive")
    bulk_load(
        "notifications",
        columns("user_id kind dedupe_key detail link_path status attempts next_attempt_at created_at"),
        (
            (
                people.everyone[n % len(people.everyone)],
                kinds[n % len(kinds)],
                f"bench:{n}",
                f"Benchmark notification {n}",
                f"/tasks/{n}",
                NotificationStatus.PENDING.value,
                0,
                queued_at,
                queued_at,
            )
            for n in range(emails)
        ),
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


def median_run(runs: list[SweepRun]) -> SweepRun:
    return sorted(runs, key=lambda r: r.seconds)[len(runs) // 2]


@dataclass
class Store:
    """One database holding one size."""

    size: int
    url: str
    app: Flask
    people: People
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
        people = add_people()
        due_ids = frozenset(random.Random(SEED).sample(range(1, options.sizes[0] + 1), options.due))
        workload = Workload(people=people, now=now, due_ids=due_ids)
        loaded = 0
        for step in (s for s in options.sizes if s <= size):  # grown through the smaller sizes
            started = time.perf_counter()
            tasks = workload.load(loaded // TASKS_PER_REVIEW + 1, step // TASKS_PER_REVIEW)
            loaded = step
            progress(f"{database} {size:,}: {tasks:,} tasks loaded in {time.perf_counter() - started:.1f}s")
        settle()
        db.session.remove()
    return Store(size=size, url=url, app=app, people=people, workload=workload, counter=counter)


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
                relay = time_relay(largest.app, largest.people, options.emails, largest.counter, options.smtp)
                result.relays.append(relay)
                progress(f"{name}: relay {round_ + 1}: {relay.emails / relay.seconds:,.0f} emails/s")
    finally:
        for store in stores:
            with store.app.app_context():
                db.session.remove()
                db.engine.dispose()
            if not options.keep:
                remove_store(name, store.url)
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
    options.sizes = sorted({size - size % TASKS_PER_REVIEW for size in options.sizes})
    if len(options.sizes) < 2 or options.sizes[0] < options.due:
        parser.error("give at least two sizes, the smallest at least the number due")
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
