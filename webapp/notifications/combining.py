"""One email per person per relay cycle, and the daily summary.

A notification is a row in the outbox. Before the relay claims rows, ``combine`` finds each person
with more than one row due and not yet sent, keeps the oldest as the one that is emailed (the
carrier) and marks the others ``combined`` into it: the carrier's email then says how many items
wait ("You have 3 new tasks"). A person who chose a daily summary has their rows held until the
next summary time, so the same step makes that day's rows into one email.

Kinds marked ``at_once`` (security notices, meeting invitations) are never held or combined.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, time, timedelta

from sqlalchemy import and_, func, select, update
from sqlalchemy.orm import aliased

from webapp.extensions import db, rows_matched
from webapp.formatting import LONDON
from webapp.i18n import gettext as _
from webapp.i18n import lazy_gettext as _l
from webapp.i18n import ngettext
from webapp.models import Notification, NotificationStatus, User, utcnow
from webapp.notifications.kinds import KINDS

EACH = "each"
DAILY = "daily"
PREFERENCES = {
    EACH: _l("An email for each new task or update (several at once arrive together in one email)"),
    DAILY: _l("One summary email each weekday morning"),
}
SUMMARY_AT = time(7, 0)  # London time, weekdays: waiting when people start work
AT_ONCE_KINDS = tuple(name for name, kind in KINDS.items() if kind.at_once)
SCAN_LIMIT = 5_000  # rows looked at per call; a larger backlog is combined over the next cycles


def next_summary(now: datetime) -> datetime:
    """The next weekday 07:00 in London after ``now``, in UTC."""
    local = now.astimezone(LONDON)
    day = local.date() if local.time() < SUMMARY_AT else local.date() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime.combine(day, SUMMARY_AT, tzinfo=LONDON).astimezone(now.tzinfo)


def first_attempt(user: User, kind: str, now: datetime) -> datetime:
    """When a new notification's email is first due, by the person's choice."""
    if user.email_preference == DAILY and not KINDS[kind].at_once:
        return next_summary(now)
    return now


def reschedule(user: User, now: datetime | None = None) -> None:
    """After a change of preference: emails not yet sent follow the new choice. The caller commits."""
    now = now or utcnow()
    when = first_attempt(user, "task_assigned", now)
    db.session.execute(
        update(Notification)
        .where(
            Notification.user_id == user.id,
            Notification.status == NotificationStatus.PENDING,
            Notification.attempts == 0,
            Notification.kind.notin_(AT_ONCE_KINDS),
        )
        .values(next_attempt_at=when)
        .execution_options(synchronize_session=False)
    )


def _combinable(now: datetime):
    return and_(
        Notification.status == NotificationStatus.PENDING,
        Notification.next_attempt_at <= now,
        Notification.meeting_starts_at.is_(None),
        Notification.kind.notin_(AT_ONCE_KINDS),
    )


def combine(now: datetime) -> int:
    """Mark all but the oldest of each person's due rows as combined into it; returns how many.
    Commits. Safe beside a running relay: the carrier must still be waiting when the others are
    combined into it (a carrier already claimed is sent as it is, and the rest wait for the next
    cycle), and on PostgreSQL rows another relay holds are skipped."""
    query = (
        select(Notification.id, Notification.user_id)
        .where(_combinable(now))
        .order_by(Notification.user_id, Notification.id)
        .limit(SCAN_LIMIT)
    )
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    by_person: dict[int, list[int]] = defaultdict(list)
    for notification_id, user_id in db.session.execute(query):
        by_person[user_id].append(notification_id)
    combined = 0
    carrier = aliased(Notification)
    for ids in by_person.values():
        if len(ids) < 2:
            continue
        still_waiting = (
            select(carrier.id)
            .where(carrier.id == ids[0], carrier.status == NotificationStatus.PENDING)
            .exists()
        )
        combined += rows_matched(
            update(Notification)
            .where(Notification.id.in_(ids[1:]), _combinable(now), still_waiting)
            .values(status=NotificationStatus.COMBINED, combined_into_id=ids[0])
            .execution_options(synchronize_session=False)
        )
    db.session.commit()
    return combined


def carriers(ids: list[int]) -> set[int]:
    """Of these notifications, the ones whose email carries others combined into it (one query for
    a relay group; the rest are sent on the relay's fast path)."""
    if not ids:
        return set()
    found = db.session.execute(
        select(Notification.combined_into_id).where(Notification.combined_into_id.in_(ids)).distinct()
    ).scalars()
    return {carrier for carrier in found if carrier is not None}


def carried_kinds(notification: Notification) -> Counter[str]:
    """The kinds an email carries: its own notification's and those combined into it."""
    counts: Counter[str] = Counter({notification.kind: 1})
    for kind, number in db.session.execute(
        select(Notification.kind, func.count())
        .where(Notification.combined_into_id == notification.id)
        .group_by(Notification.kind)
    ):
        counts[kind] += number
    return counts


def summary_subject(counts: Counter[str]) -> str:
    """'You have 3 new tasks' when all are of one kind, else 'You have 5 items waiting', in the
    language of the moment (the recipient's, inside ``in_language_of``)."""
    total = sum(counts.values())
    if len(counts) == 1:
        [kind] = counts
        # Translators: what waits, as "3 new tasks" (Welsh: "Mae gennych 3 tasg newydd").
        return _("You have %(items)s", items=KINDS[kind].count(total))
    return ngettext(
        "You have %(num)d item waiting in the case review manager",
        "You have %(num)d items waiting in the case review manager",
        total,
    )


def summary_lines(counts: Counter[str]) -> list[str]:
    """Each kind's count ("2 new tasks"), most first."""
    return [KINDS[kind].count(number) for kind, number in sorted(counts.items(), key=lambda item: -item[1])]
