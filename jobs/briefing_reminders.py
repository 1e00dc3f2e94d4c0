"""Reminders for learning briefings not acknowledged: the escalation ladder of tasks (jobs/sweep.py),
climbed for each recipient who has not said "I have read and understood this briefing".

Ladder (the policy's [escalation] table, in working days after the day acknowledgement was expected,
``acknowledge_briefing`` working days after sending): a reminder to the recipient, then their line
manager, then the Deputy Chief Executive. Every step is a BriefingReminder row (unique per recipient
and step, so it is taken once even when two runs race) and a notification for each person it
reaches, written in one transaction.

Cost, as for the sweep: each recipient row carries ``next_reminder_on`` (indexed, null once
acknowledged or the ladder is done), so a run reads only what is due; each batch is the same few
statements whatever its size: read the due rows (on PostgreSQL locked, skipping rows another run
holds), read their steps taken, claim them with one conditional UPDATE ... RETURNING (moving each
row's date on), read every person the steps reach, insert the steps and the notifications, commit.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Date, case, cast, insert, literal, null, select, tuple_, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import selectinload

from webapp.admin.policy import effective_policy
from webapp.extensions import db
from webapp.formatting import london
from webapp.i18n import gettext as _
from webapp.i18n import in_language_of, language_of
from webapp.models import (
    Briefing,
    BriefingRecipient,
    BriefingReminder,
    BriefingStatus,
    Notification,
    NotificationStatus,
    Role,
    User,
    UserRole,
    utcnow,
)
from webapp.notifications.combining import first_attempt
from webapp.notifications.kinds import KINDS
from webapp.tasks.escalation import steps_due

log = logging.getLogger(__name__)

BATCH = 1000
STEP_KINDS = {
    "reminder": "briefing_reminder",
    "line_manager": "briefing_unread_line_manager",
    "deputy_chief_executive": "briefing_unread_deputy_chief_executive",
}


@dataclass(frozen=True)
class Due:
    id: int
    briefing_id: int
    user_id: int
    due_on: date
    seen: date  # next_reminder_on as read: the claim is conditional on it
    title: str


def _read_due(today: date, limit: int) -> list[Due]:
    query = (
        select(
            BriefingRecipient.id,
            BriefingRecipient.briefing_id,
            BriefingRecipient.user_id,
            BriefingRecipient.due_on,
            BriefingRecipient.next_reminder_on,
            Briefing.title,
        )
        .join(Briefing, Briefing.id == BriefingRecipient.briefing_id)
        .where(
            BriefingRecipient.next_reminder_on <= today,
            BriefingRecipient.acknowledged_at.is_(None),
            Briefing.status == BriefingStatus.SENT,
        )
        .order_by(BriefingRecipient.next_reminder_on, BriefingRecipient.id)
        .limit(limit)
    )
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(of=BriefingRecipient, skip_locked=True)
    return [Due(*row) for row in db.session.execute(query).all()]


def _dates_by_id(dates: dict[int, date | None]):
    """``CASE id WHEN ... THEN <date> END`` (typed as a date on PostgreSQL, as in jobs/sweep.py)."""
    expression = case(
        {row_id: literal(on, Date) for row_id, on in dates.items()},
        value=BriefingRecipient.id,
        else_=null(),
    )
    return cast(expression, Date) if db.engine.dialect.name == "postgresql" else expression


def _people(rows: list[Due]) -> tuple[dict[int, User], list[User]]:
    """The recipients (with their line managers) and the active Deputy Chief Executives: two queries."""
    users = {
        user.id: user
        for user in db.session.execute(
            select(User)
            .where(User.id.in_({row.user_id for row in rows}))
            .options(selectinload(User.line_manager))
        ).scalars()
    }
    deputies = list(
        db.session.execute(
            select(User).where(
                User.active.is_(True),
                User.id.in_(select(UserRole.user_id).where(UserRole.role == Role.DEPUTY_CHIEF_EXECUTIVE)),
            )
        ).scalars()
    )
    return users, deputies


def _reached(row: Due, step: str, users: dict[int, User], deputies: list[User]) -> list[User]:
    person = users.get(row.user_id)
    if person is None or not person.active:
        return []  # left since: nobody to remind, nothing to escalate
    if step == "reminder":
        return [person]
    if step == "line_manager":
        manager = person.line_manager
        return [manager] if manager is not None and manager.active else []
    return deputies


def _detail(row: Due, step: str, recipient: User, person: User) -> str:
    with in_language_of(recipient):
        if step == "reminder":
            return _("Please read and acknowledge the learning briefing: %(title)s", title=row.title)
        return _(
            "%(name)s has not yet acknowledged the learning briefing: %(title)s",
            name=person.name,
            title=row.title,
        )


def _batch(today: date, limit: int) -> tuple[int, int, int]:
    """Climb the ladder of up to ``limit`` due recipients in one transaction; returns the rows read,
    the rows claimed and the steps taken."""
    policy = effective_policy()
    rows = _read_due(today, limit)
    if not rows:
        db.session.rollback()
        return 0, 0, 0
    taken: dict[int, set[str]] = defaultdict(set)
    for recipient_id, step in db.session.execute(
        select(BriefingReminder.recipient_id, BriefingReminder.step).where(
            BriefingReminder.recipient_id.in_([row.id for row in rows])
        )
    ):
        taken[recipient_id].add(step)
    plans: dict[int, tuple[list[str], date | None]] = {}
    for row in rows:
        plans[row.id] = steps_due(row.due_on, taken[row.id], policy, today)
    try:
        claimed = set(
            db.session.execute(
                update(BriefingRecipient)
                .where(
                    tuple_(BriefingRecipient.id, BriefingRecipient.next_reminder_on).in_(
                        [(row.id, row.seen) for row in rows]
                    ),
                    BriefingRecipient.acknowledged_at.is_(None),
                )
                .values(next_reminder_on=_dates_by_id({i: plan[1] for i, plan in plans.items()}))
                .returning(BriefingRecipient.id)
                .execution_options(synchronize_session=False)
            ).scalars()
        )
        mine = [row for row in rows if row.id in claimed]
        users, deputies = _people(mine)
        now = utcnow()
        notifications: list[dict] = []
        steps: list[dict] = []
        for row in mine:
            for step in plans[row.id][0]:
                kind = STEP_KINDS[step]
                if kind not in KINDS:
                    raise ValueError(f"unknown notification kind {kind!r}")
                reached = {user.id: user for user in _reached(row, step, users, deputies) if user.active}
                notifications += [
                    {
                        "user_id": user_id,
                        "kind": kind,
                        "dedupe_key": f"briefing-recipient:{row.id}:{step}:user:{user_id}",
                        "detail": _detail(row, step, reached[user_id], users[row.user_id]),
                        "language": language_of(reached[user_id]),
                        "link_path": f"/briefings/{row.briefing_id}",
                        "status": NotificationStatus.PENDING,
                        "attempts": 0,
                        "next_attempt_at": first_attempt(reached[user_id], kind, now),
                        "created_at": now,
                    }
                    for user_id in sorted(reached)
                ]
                steps.append(
                    {"recipient_id": row.id, "step": step, "recipients": len(reached), "occurred_at": now}
                )
        if notifications:
            db.session.execute(insert(Notification), notifications)
        if steps:
            db.session.execute(insert(BriefingReminder), steps)
        db.session.commit()
    except (IntegrityError, OperationalError):
        # A concurrent run took these steps (unique per recipient and step), or SQLite refused a
        # second writer: theirs stands, and anything left is picked up at the next run.
        db.session.rollback()
        return len(rows), 0, 0
    return len(rows), len(mine), len(steps)


def run(now: datetime | None = None, *, batch: int | None = None) -> dict[str, int]:
    today = london(now or utcnow()).date()
    limit = batch or BATCH
    due = steps = 0
    while True:
        read, claimed, taken = _batch(today, limit)
        due += read
        steps += taken
        if read < limit or not claimed:
            break
    if due:
        log.info("briefing reminders: %s recipients due, %s steps taken", due, steps)
    return {"recipients_due": due, "steps_taken": steps}
