"""A large, clearly fictional workload for trying the service at scale (``flask demo scale``).

Rows are written set-based, one ``INSERT ... SELECT`` per table over a series of numbers
(``generate_series`` on PostgreSQL, a recursive CTE on SQLite, which is fine at small sizes),
with the columns named from the models' table metadata. Every foreign key is arithmetic on the
series number and the first new id of its table, so no row is read back.

The spread gives the demo accounts realistic large workloads: North Wales (the demo Area Head's
and Practice Manager's area) holds 15% of the cases, the demo Practice Manager and practitioner
hold one North Wales case in forty, and pools fill with thousands of open tasks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import (
    JSON,
    Date,
    Integer,
    String,
    Table,
    case,
    cast,
    column,
    func,
    insert,
    literal,
    literal_column,
    null,
    select,
    text,
)
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.expression import FromClause

from webapp.audit_chain import audit_key, chain_hash, lock_tail
from webapp.demo_learning import WELSH_FIRST_NAMES as FIRST_NAMES
from webapp.extensions import Model, db
from webapp.models import (
    AuditEvent,
    Case,
    Child,
    Incident,
    Notification,
    OperationalArea,
    Review,
    ReviewState,
    ReviewTransition,
    Role,
    Task,
    TaskKind,
    User,
    UserRole,
)
from webapp.reviews.lifecycle import TASKS
from webapp.tasks.pools import AREA_POOLS

MIN_CASES = 40  # the fewest a run adds (one North Wales case in forty is the demo team's)
REVIEWS_PER_CASE = 0.3  # 100,000 cases give 30,000 reviews
TASKS_PER_CASE = 10  # ... and 1,000,000 tasks, about 33 a review
AUDIT_BATCH = 5_000  # audit events inserted per statement (their hashes are chained in Python)
EXTRA_AREAS = 6  # synthetic areas beside the demo's four
MANAGERS_PER_AREA = 20
PRACTITIONERS_PER_AREA = 80
SURNAMES = (
    "Example",
    "Sample",
    "Specimen",
    "Placeholder",
    "Fictional",
    "Madeup",
    "Dummy",
    "Mock",
    "Testcase",
)
CASE_PREFIX = "SCALE"
# Review states by review number modulo 10: most closed or in progress, some early.
REVIEW_STATES = (
    ReviewState.CLOSED,
    ReviewState.CLOSED,
    ReviewState.CLOSED,
    ReviewState.MONITORING,
    ReviewState.IN_REVIEW,
    ReviewState.IN_REVIEW,
    ReviewState.ACCURACY_CHECK,
    ReviewState.INITIATED,
    ReviewState.AWAITING_DECISION,
    ReviewState.NOT_INITIATED,
)
ACTIVE_STATES = frozenset(REVIEW_STATES) - {ReviewState.CLOSED, ReviewState.NOT_INITIATED}


@dataclass(frozen=True)
class ScaleCounts:
    cases: int
    reviews: int
    tasks: int
    users: int
    notifications: int
    audit_events: int


class _Dialect:
    """The few expressions PostgreSQL and SQLite spell differently."""

    def __init__(self, name: str) -> None:
        self.postgresql = name == "postgresql"

    def series(self, count: int) -> tuple[FromClause, ColumnElement[int]]:
        """A FROM element numbering 1..count, and its number column."""
        if self.postgresql:
            numbers = (
                func.generate_series(1, count).table_valued(column("n", Integer)).render_derived(name="s")
            )
            return numbers, numbers.c.n
        base = select(literal(1, Integer).label("n")).cte("s", recursive=True)
        series = base.union_all(select((base.c.n + 1).label("n")).where(base.c.n < count))
        return series, series.c.n

    def day(self, today: date, offset: ColumnElement[int]) -> ColumnElement[date]:
        """``today`` plus ``offset`` days (negative for the past)."""
        if self.postgresql:
            return cast(literal(today.isoformat()), Date) + offset
        return func.date(today.isoformat(), func.printf("%+d days", offset))

    def ago(self, now: datetime, days: ColumnElement[int]) -> ColumnElement[datetime]:
        """``now`` less ``days`` days, as each database stores a UTC timestamp."""
        if self.postgresql:
            stamp: ColumnElement[datetime] = literal_column(
                f"TIMESTAMP WITH TIME ZONE '{now.astimezone(UTC).isoformat()}'"
            )
            return stamp - func.make_interval(0, 0, 0, days)
        naive = now.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
        return func.datetime(naive, func.printf("-%d days", days))

    def random_token(self) -> ColumnElement[str]:
        """An unguessable session token per row (the people cannot sign in, but still)."""
        if self.postgresql:
            return func.md5(cast(func.random(), String) + cast(func.clock_timestamp(), String))
        return func.hex(func.randomblob(16))

    def json(self, value: str) -> ColumnElement:
        """A JSON literal (PostgreSQL will not assign text to a json column)."""
        if self.postgresql:
            return cast(literal(value), JSON)
        return literal(value)

    def padded(self, number: ColumnElement[int], width: int) -> ColumnElement[str]:
        if self.postgresql:
            return func.lpad(cast(number, String), width, "0")
        return func.printf(f"%0{width}d", number)


def _pick(index: ColumnElement[int], values: list) -> ColumnElement:
    """``values[index]`` in SQL (index already reduced modulo the length)."""
    return case({i: literal(v) for i, v in enumerate(values)}, value=index)


def _table(model: type[Model]) -> Table:
    """A model's table (typed as a Table: every model here maps one)."""
    table = model.__table__
    if not isinstance(table, Table):
        raise TypeError(f"{model.__name__} does not map a table")
    return table


def _next_id(table: Table) -> int:
    return db.session.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one() + 1


def _insert(
    table: Table, count: int, columns: dict[str, Callable[[ColumnElement[int]], object]], d: _Dialect
) -> None:
    """One INSERT ... SELECT of ``count`` rows; each column's value is a function of the series number."""
    series, n = d.series(count)
    names = list(columns)
    for name in names:
        table.c[name]  # a KeyError here names a column the model does not have
    values = [columns[name](n) for name in names]
    query = select(
        *(
            v.label(name) if isinstance(v, ColumnElement) else literal(v).label(name)
            for name, v in zip(names, values, strict=True)
        )
    ).select_from(series)
    db.session.execute(insert(table).from_select([table.c[name] for name in names], query))


def _insert_case_views(
    count: int,
    *,
    actor_of: Callable[[ColumnElement[int]], ColumnElement[int]],
    case_of: Callable[[ColumnElement[int]], ColumnElement[int]],
    now: datetime,
    d: _Dialect,
) -> None:
    """``count`` case.viewed audit events. Each event's hash covers the one before it
    (webapp/audit_chain.py), which no INSERT ... SELECT can work out: the ids come from the series,
    the hashes are chained here in id order under the chain's lock, and the rows go in batches."""
    series, n = d.series(count)
    numbered = db.session.execute(select(n, actor_of(n), case_of(n)).select_from(series).order_by(n))
    previous_id, previous_hash = lock_tail(db.session.connection())
    key = audit_key()
    batch: list[dict] = []
    for number, actor_id, case_id in numbered:
        fields = {
            "id": previous_id + 1,
            "occurred_at": now - timedelta(days=number % 700),
            "event_type": "case.viewed",
            "actor_id": actor_id,
            "actor_label": None,
            "record_type": "case",
            "record_id": case_id,
            "case_id": case_id,
            "changed_fields": [],
        }
        digest = chain_hash(key, fields, previous_hash)
        batch.append({**fields, "previous_hash": previous_hash, "chain_hash": digest})
        previous_id, previous_hash = fields["id"], digest
        if len(batch) == AUDIT_BATCH:
            db.session.execute(insert(_table(AuditEvent)), batch)
            batch = []
    if batch:
        db.session.execute(insert(_table(AuditEvent)), batch)


def _reset_sequences(tables: list[Table], d: _Dialect) -> None:
    if not d.postgresql:
        return
    for table in tables:
        name = table.name  # from our metadata, not from input
        db.session.execute(
            text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT max(id) FROM {name}))")  # noqa: S608
        )


def _demo_user(email: str) -> int:
    user_id = db.session.execute(select(User.id).where(User.email == email)).scalar_one_or_none()
    if user_id is None:
        raise LookupError(f"demo account {email} is missing: load the demo data first")
    return user_id


def scale(cases: int, *, today: date, now: datetime | None = None) -> ScaleCounts:
    """Add ``cases`` fictional cases with their reviews, tasks, people, notifications and audit
    events to a database holding the demo data. Commits."""
    from webapp.demo import AREAS, demo_email

    if cases < MIN_CASES:
        raise ValueError(f"give at least {MIN_CASES} cases")
    now = now or datetime.now(UTC)
    d = _Dialect(db.engine.dialect.name)

    # Areas: the demo's four, then synthetic ones (few rows: the ORM is fine here).
    demo_areas = [
        db.session.execute(select(OperationalArea.id).where(OperationalArea.name == name)).scalar_one()
        for name in AREAS
    ]
    earlier = db.session.execute(
        select(func.count()).where(OperationalArea.name.like("Scale area %"))
    ).scalar_one()
    tag = str(1 + earlier // EXTRA_AREAS)  # this run's number, in names that must be unique
    extra = [OperationalArea(name=f"Scale area {tag}.{i + 1}") for i in range(EXTRA_AREAS)]
    db.session.add_all(extra)
    db.session.flush()
    area_ids = demo_areas + [a.id for a in extra]
    pm_north, practitioner_north = (
        _demo_user(demo_email("pm.north")),
        _demo_user(demo_email("practitioner.north")),
    )
    hoo = _demo_user(demo_email("hoo.southwest"))
    area_head = _demo_user(demo_email("ahoo.north"))
    everyone_demo = [_demo_user(demo_email(k)) for k in ("ce", "dce", "ahoo.north", "pm.north", "pdt")]

    # People: per area, Practice Managers then practitioners; ids are first_user + offset. Each
    # practitioner's line manager is one of the area's Practice Managers, theirs the demo Area Head,
    # so that the escalation ladder has someone at every step.
    per_area = MANAGERS_PER_AREA + PRACTITIONERS_PER_AREA
    users = _table(User)
    first_user = _next_id(users)
    user_count = per_area * len(area_ids)
    _insert(
        users,
        user_count,
        {
            "id": lambda n: first_user + n - 1,
            "email": lambda n: literal(f"scale{tag}.") + cast(n, String) + literal("@example.invalid"),
            "name": lambda n: literal("Scale person ") + cast(n, String),
            "password_hash": lambda n: null(),  # cannot sign in
            "area_id": lambda n: _pick((n - 1) // per_area, area_ids),
            "line_manager_id": lambda n: case(
                ((n - 1) % per_area < MANAGERS_PER_AREA, literal(area_head)),
                else_=first_user
                + ((n - 1) // per_area) * per_area
                + ((n - 1) % per_area) % MANAGERS_PER_AREA,
            ),
            "active": lambda n: literal(True),
            "session_token": lambda n: d.random_token(),
            "created_at": lambda n: literal(now, _table(User).c.created_at.type),
        },
        d,
    )
    _insert(
        _table(UserRole),
        user_count,
        {
            "user_id": lambda n: first_user + n - 1,
            "role": lambda n: case(
                ((n - 1) % per_area < MANAGERS_PER_AREA, literal(Role.PRACTICE_MANAGER.value)),
                else_=literal(Role.PRACTITIONER.value),
            ),
        },
        d,
    )

    # Cases: 3 in 20 in North Wales, the rest spread over the other areas.
    first_case = _next_id(_table(Case))

    def area_index(n: ColumnElement[int]) -> ColumnElement[int]:
        return case((n % 20 < 3, 0), else_=1 + n % (len(area_ids) - 1))

    def area_of(n: ColumnElement[int]) -> ColumnElement[int]:
        return _pick(area_index(n), area_ids)

    def manager_of(n: ColumnElement[int]) -> ColumnElement[int]:
        synthetic = first_user + area_index(n) * per_area + n % MANAGERS_PER_AREA
        return case(((n % 20 < 3) & (n % 40 == 0), pm_north), else_=synthetic)

    def practitioner_of(n: ColumnElement[int]) -> ColumnElement[int]:
        synthetic = first_user + area_index(n) * per_area + MANAGERS_PER_AREA + n % PRACTITIONERS_PER_AREA
        return case(((n % 20 < 3) & (n % 40 == 0), practitioner_north), else_=synthetic)

    closed = lambda n: n % 5 == 4  # noqa: E731
    _insert(
        _table(Case),
        cases,
        {
            "id": lambda n: first_case + n - 1,
            "case_number": lambda n: literal(f"{CASE_PREFIX}{tag}-") + d.padded(n, 7),
            "area_id": area_of,
            "proceedings_status": lambda n: case((closed(n), literal("closed")), else_=literal("ongoing")),
            "proceedings_closed_on": lambda n: case((closed(n), d.day(today, -(n % 300) - 1)), else_=null()),
            "law_type": lambda n: case((n % 2 == 0, literal("public")), else_=literal("private")),
            "practitioner_id": practitioner_of,
            "practice_manager_id": manager_of,
            "created_at": lambda n: d.ago(now, 30 + n % 900),
            "updated_at": lambda n: d.ago(now, n % 30),
            "version": lambda n: literal(1),
        },
        d,
    )
    _insert(
        _table(Child),
        cases,
        {
            "case_id": lambda n: first_case + n - 1,
            "name": lambda n: (
                _pick(n % len(FIRST_NAMES), FIRST_NAMES)
                + literal(" ")
                + _pick((n // len(FIRST_NAMES)) % len(SURNAMES), list(SURNAMES))
            ),
            "date_of_birth": lambda n: d.day(today, -365 - n % 5000),
        },
        d,
    )

    # Reviews: one for every 1/REVIEWS_PER_CASE cases, each on an incident of its own.
    reviews = int(cases * REVIEWS_PER_CASE)
    step = cases // reviews  # review r is on case (r - 1) * step + 1

    def case_n(r: ColumnElement[int]) -> ColumnElement[int]:
        return (r - 1) * step + 1

    first_incident, first_review = _next_id(_table(Incident)), _next_id(_table(Review))
    _insert(
        _table(Incident),
        reviews,
        {
            "id": lambda r: first_incident + r - 1,
            "case_id": lambda r: first_case + case_n(r) - 1,
            "kind": lambda r: case((r % 3 == 0, literal("death")), else_=literal("significant_incident")),
            "occurred_on": lambda r: d.day(today, -(r % 700) - 3),
            "cause": lambda r: _pick(r % 5, ["violence", "abuse", "neglect", "other", "unknown"]),
            "person_affected": lambda r: _pick(r % 3, ["child_subject", "adult_party", "other"]),
            "linked_to_court_involvement": lambda r: literal(True),
            "susr_known": lambda r: literal(False),
            "scr_known": lambda r: literal(False),
            "summary": lambda r: literal("Fictional scale-test incident. No real person is described."),
            "notified_by": lambda r: literal("Scale test (fictional)"),
            "notified_on": lambda r: d.day(today, -(r % 700) - 1),
            "recorded_by_id": lambda r: manager_of(case_n(r)),
            "recorded_at": lambda r: d.ago(now, r % 700),
            "updated_at": lambda r: d.ago(now, r % 700),
            "version": lambda r: literal(1),
        },
        d,
    )
    states = [s.value for s in REVIEW_STATES]
    _insert(
        _table(Review),
        reviews,
        {
            "id": lambda r: first_review + r - 1,
            "incident_id": lambda r: first_incident + r - 1,
            "case_id": lambda r: first_case + case_n(r) - 1,
            "state": lambda r: _pick(r % len(states), states),
            "within_procedure": lambda r: literal(True),
            "rapid_review": lambda r: literal(False),
            "follow_susr_process": lambda r: literal(False),
            "reasons": lambda r: d.json("[]"),
            "decision_initiate": lambda r: literal(True),
            "decision_override": lambda r: literal(False),
            "reviewer_id": lambda r: hoo,
            "created_at": lambda r: d.ago(now, r % 700),
            "updated_at": lambda r: d.ago(now, r % 30),
            "version": lambda r: literal(1),
        },
        d,
    )
    transitions = _table(ReviewTransition)
    _insert(
        transitions,
        reviews,
        {
            "review_id": lambda r: first_review + r - 1,
            "from_state": lambda r: literal("awaiting_decision"),
            "to_state": lambda r: _pick(r % len(states), states),
            "action": lambda r: literal("scale"),
            "occurred_at": lambda r: d.ago(now, r % 600),
        },
        d,
    )

    # Tasks: task t belongs to review (t - 1) // per_review + 1, kind by t; a quarter open (in
    # reviews that are not closed), the rest done or cancelled. Holders as the task engine assigns them.
    tasks = cases * TASKS_PER_CASE
    per_review = -(-tasks // reviews)  # rounded up, so the last task falls in the last review
    kinds = list(TaskKind)
    assign = [TASKS[k].assign_to for k in kinds]

    def review_of(t: ColumnElement[int]) -> ColumnElement[int]:
        return (t - 1) // per_review + 1

    def kind_index(t: ColumnElement[int]) -> ColumnElement[int]:
        return t % len(kinds)

    def holder(t: ColumnElement[int], which: str) -> ColumnElement:
        n = case_n(review_of(t))
        by_kind: dict[int, ColumnElement] = {}
        for i, target in enumerate(assign):
            pool = target.removeprefix("pool:") if target.startswith("pool:") else None
            if which == "pool":
                by_kind[i] = literal(pool) if pool else null()
            elif which == "area":
                by_kind[i] = area_of(n) if pool in AREA_POOLS else null()
            elif pool:
                by_kind[i] = null()
            elif target == "case:practitioner":
                by_kind[i] = practitioner_of(n)
            elif target == "review:reviewer":
                by_kind[i] = literal(hoo)
            else:
                by_kind[i] = manager_of(n)
        return case(by_kind, value=kind_index(t))

    active = [i for i, s in enumerate(REVIEW_STATES) if s in ACTIVE_STATES]

    def is_open(t: ColumnElement[int]) -> ColumnElement[bool]:
        return (t % 4 == 0) & (review_of(t) % len(states)).in_(active)

    due_offset = lambda t: (t * 7) % 120 - 60  # noqa: E731 - from 60 days ago to 60 days ahead
    _insert(
        _table(Task),
        tasks,
        {
            "review_id": lambda t: first_review + review_of(t) - 1,
            "kind": lambda t: _pick(kind_index(t), [k.value for k in kinds]),
            "assignee_id": lambda t: holder(t, "person"),
            "assignee_pool": lambda t: holder(t, "pool"),
            "assignee_area_id": lambda t: holder(t, "area"),
            "due_on": lambda t: case(
                (is_open(t), d.day(today, due_offset(t))), else_=d.day(today, -(t % 400) - 1)
            ),
            # Open tasks due ahead have their reminder two days before; overdue ones have climbed
            # the ladder, so the sweep does not flood the synthetic people with messages.
            "next_escalation_on": lambda t: case(
                (is_open(t) & (due_offset(t) > 2), d.day(today, due_offset(t) - 2)), else_=null()
            ),
            "status": lambda t: case(
                (is_open(t), literal("open")), (t % 20 == 1, literal("cancelled")), else_=literal("done")
            ),
            "outcome": lambda t: d.json("{}"),
            "created_at": lambda t: d.ago(now, 1 + t % 700),
            "completed_at": lambda t: case((is_open(t), null()), else_=d.ago(now, t % 400)),
        },
        d,
    )

    # Notifications for the demo accounts (half unread) and audit events, as a busy service has.
    notifications = max(cases // 20, 1)
    _insert(
        _table(Notification),
        notifications,
        {
            "user_id": lambda n: _pick(n % len(everyone_demo), everyone_demo),
            "kind": lambda n: literal("task_due"),
            "dedupe_key": lambda n: literal(f"scale:{tag}:") + cast(n, String),
            "detail": lambda n: literal("A fictional scale-test task is due"),
            "link_path": lambda n: literal("/tasks"),
            "status": lambda n: literal("sent"),
            "attempts": lambda n: literal(1),
            "next_attempt_at": lambda n: d.ago(now, n % 300),
            "sent_at": lambda n: d.ago(now, n % 300),
            "read_at": lambda n: case((n % 2 == 0, d.ago(now, n % 300)), else_=null()),
            "created_at": lambda n: d.ago(now, n % 300),
        },
        d,
    )
    audit_events = cases * 3
    _insert_case_views(
        audit_events,
        actor_of=lambda n: manager_of(1 + n % cases),
        case_of=lambda n: first_case + n % cases,
        now=now,
        d=d,
    )
    _reset_sequences(
        [
            users,
            _table(UserRole),
            _table(Case),
            _table(Child),
            _table(Incident),
            _table(Review),
            transitions,
            _table(Task),
            _table(Notification),
            _table(AuditEvent),
        ],
        d,
    )
    db.session.commit()
    return ScaleCounts(
        cases=cases,
        reviews=reviews,
        tasks=tasks,
        users=user_count,
        notifications=notifications,
        audit_events=audit_events,
    )
