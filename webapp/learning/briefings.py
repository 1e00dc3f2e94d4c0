"""Learning briefings: the Practice Development Team writes one from one or several reviews, sends it
to chosen roles and areas, and sees who has read and acknowledged it; Practice Managers record the
sessions in which they delivered it (learning-from-97-serious-case-reviews.txt: learning "identified
and cascaded at an early stage", shared "via a learning module which Practice Supervisors will
deliver").

A briefing travels to people who may not see the reviews it draws on, so it carries no names and no
case numbers: ``anonymity.names_in`` refuses any name or case number stored in those reviews' cases.
Reminders for briefings not acknowledged climb the escalation ladder in jobs/briefing_reminders.py.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from flask import abort
from sqlalchemy import ColumnElement, func, insert, or_, select, update
from sqlalchemy.orm import selectinload

import rules
from webapp import audit
from webapp.admin.policy import effective_policy
from webapp.extensions import db, rows_matched
from webapp.formatting import london
from webapp.i18n import gettext as _
from webapp.i18n import lazy_gettext as _l
from webapp.learning.anonymity import names_in
from webapp.models import (
    Briefing,
    BriefingRecipient,
    BriefingSession,
    BriefingStatus,
    Case,
    LearningPoint,
    LearningTag,
    OperationalArea,
    Review,
    ReviewState,
    Role,
    User,
    UserRole,
    briefing_areas,
    briefing_attendees,
    briefing_roles,
    utcnow,
)
from webapp.notifications.services import notify
from webapp.permissions import Permission, permissions_of
from webapp.records import StaleEdit, unit_of_work
from webapp.tasks.escalation import step_dates

# A briefing is written from reviews whose report is agreed (the learning is settled) or closed.
SOURCE_STATES = (ReviewState.AGREED, ReviewState.ACTION_PLANNING, ReviewState.MONITORING, ReviewState.CLOSED)
# Roles that hold no area: reached whatever areas are chosen. The administrator is never an audience.
AREA_FREE_ROLES = frozenset(
    {
        Role.CHIEF_EXECUTIVE,
        Role.DEPUTY_CHIEF_EXECUTIVE,
        Role.PRACTICE_DEVELOPMENT_TEAM,
        Role.SENIOR_LEADERSHIP_TEAM,
    }
)
AUDIENCE_ROLES = tuple(role for role in Role if role != Role.ADMINISTRATOR)


class BriefingRefused(Exception):
    """The briefing cannot be saved or sent as it is; the message says why."""


# --- Reading -------------------------------------------------------------------------------------


def get_briefing_or_404(briefing_id: int, viewer: User, *, for_update: bool = False) -> Briefing:
    """The briefing, if the viewer may read it: a sent one any member of staff may read; a draft only
    those who write briefings. 404 otherwise, the same as for one that does not exist."""
    query = select(Briefing).where(Briefing.id == briefing_id)
    if Permission.MANAGE_LEARNING not in permissions_of(viewer):
        query = query.where(Briefing.status == BriefingStatus.SENT)
    if for_update:
        query = query.with_for_update()
    briefing = db.session.execute(query).scalar_one_or_none()
    if briefing is None:
        abort(404)
    return briefing


@dataclass(frozen=True)
class BriefingRow:
    briefing: Briefing
    recipients: int
    read: int
    acknowledged: int
    sessions: int


def all_briefings(*, with_drafts: bool) -> list[BriefingRow]:
    """Every briefing, drafts first then the newest sent, with its counts: three statements."""
    query = (
        select(Briefing)
        .options(selectinload(Briefing.written_by).lazyload(User.role_rows))
        .order_by((Briefing.status == BriefingStatus.SENT), Briefing.sent_at.desc(), Briefing.id.desc())
    )
    if not with_drafts:
        query = query.where(Briefing.status == BriefingStatus.SENT)
    briefings = list(db.session.execute(query).scalars())
    counts = {
        row.briefing_id: row
        for row in db.session.execute(
            select(
                BriefingRecipient.briefing_id,
                func.count().label("recipients"),
                func.count(BriefingRecipient.read_at).label("read"),
                func.count(BriefingRecipient.acknowledged_at).label("acknowledged"),
            ).group_by(BriefingRecipient.briefing_id)
        )
    }
    sessions: dict[int, int] = {
        briefing_id: count
        for briefing_id, count in db.session.execute(
            select(BriefingSession.briefing_id, func.count()).group_by(BriefingSession.briefing_id)
        ).all()
    }
    rows = []
    for briefing in briefings:
        count = counts.get(briefing.id)
        rows.append(
            BriefingRow(
                briefing,
                count.recipients if count else 0,
                count.read if count else 0,
                count.acknowledged if count else 0,
                sessions.get(briefing.id, 0),
            )
        )
    return rows


def for_home(user: User, *, limit: int) -> list[BriefingRecipient]:
    """The briefings sent to this person, those not yet acknowledged first, newest first."""
    return list(
        db.session.execute(
            select(BriefingRecipient)
            .join(Briefing, BriefingRecipient.briefing_id == Briefing.id)
            .where(BriefingRecipient.user_id == user.id)
            .options(selectinload(BriefingRecipient.briefing).lazyload(Briefing.written_by))
            .order_by(
                BriefingRecipient.acknowledged_at.is_not(None),
                BriefingRecipient.read_at.is_not(None),
                BriefingRecipient.sent_at.desc(),
                BriefingRecipient.id.desc(),
            )
            .limit(limit)
        ).scalars()
    )


def recipient_of(briefing: Briefing, user: User) -> BriefingRecipient | None:
    return db.session.execute(
        select(BriefingRecipient).where(
            BriefingRecipient.briefing_id == briefing.id, BriefingRecipient.user_id == user.id
        )
    ).scalar_one_or_none()


def record_view(briefing: Briefing, user: User, *, sources_shown: bool) -> BriefingRecipient | None:
    """A briefing's page opened. A recipient's first reading is recorded (when, and in the audit
    trail); the learning points of the reviews it draws on, when the page shows them, count as a view
    of each review's case. Committed at once, like any page view's audit event, keeping what the page
    has loaded."""
    recipient = recipient_of(briefing, user) if briefing.is_sent else None
    changed = False
    if recipient is not None and recipient.read_at is None:
        recipient.read_at = utcnow()
        audit.record("briefing.read", record_id=briefing.id, actor=user)
        changed = True
    if sources_shown:
        for review in briefing.reviews:
            audit.record("briefing.sources_viewed", record_id=review.id, case_id=review.case_id, actor=user)
            changed = True
    if changed:
        session = db.session()
        expire_on_commit, session.expire_on_commit = session.expire_on_commit, False
        try:
            session.commit()
        finally:
            session.expire_on_commit = expire_on_commit
    return recipient


@unit_of_work()
def acknowledge(briefing: Briefing, user: User) -> bool:
    """ "I have read and understood this briefing": recorded once; the reminders stop."""
    now = utcnow()
    done = rows_matched(
        update(BriefingRecipient)
        .where(
            BriefingRecipient.briefing_id == briefing.id,
            BriefingRecipient.user_id == user.id,
            BriefingRecipient.acknowledged_at.is_(None),
        )
        .values(
            acknowledged_at=now,
            read_at=func.coalesce(BriefingRecipient.read_at, now),
            next_reminder_on=None,
        )
        .execution_options(synchronize_session=False)
    )
    if done != 1:
        return False
    audit.record("briefing.acknowledged", record_id=briefing.id, actor=user)
    return True


# --- What a briefing draws on -----------------------------------------------------------------------


def source_reviews() -> list[Review]:
    """The reviews a briefing may be written from, newest first, with their learning points."""
    reviews = list(
        db.session.execute(
            select(Review)
            .where(Review.state.in_(SOURCE_STATES))
            .options(selectinload(Review.case).lazyload(Case.area))
            .order_by(Review.id.desc())
        ).scalars()
    )
    return reviews


def points_by_review(review_ids: Iterable[int]) -> dict[int, list[LearningPoint]]:
    """The learning points of these reviews, with their tags and the actions answering them."""
    ids = list(set(review_ids))
    grouped: dict[int, list[LearningPoint]] = defaultdict(list)
    if not ids:
        return grouped
    for point in db.session.execute(
        select(LearningPoint)
        .where(LearningPoint.review_id.in_(ids))
        .options(selectinload(LearningPoint.tags), selectinload(LearningPoint.actions))
        .order_by(LearningPoint.review_id, LearningPoint.position)
    ).scalars():
        grouped[point.review_id].append(point)
    return grouped


def tags_of_points(review_ids: Iterable[int]) -> set[int]:
    """The risk factors and practice themes of the reviews' learning points (to prefill a briefing)."""
    return {tag.id for points in points_by_review(review_ids).values() for p in points for tag in p.tags}


def check_anonymised(title: str, body: str, review_ids: Iterable[int]) -> None:
    found = names_in(f"{title}\n{body}", list(review_ids))
    if found:
        raise BriefingRefused(
            _(
                "A briefing must not name anyone or give a case number. Remove these words, which the "
                "cases it draws on hold: %(words)s",
                words=", ".join(f"“{word}”" for word in found),
            )
        )


# --- Writing and sending ---------------------------------------------------------------------------


def _reviews_and_tags(review_ids: set[int], tag_ids: set[int]) -> tuple[list[Review], list[LearningTag]]:
    if not review_ids:
        raise BriefingRefused(_("Select the reviews the briefing draws on"))
    reviews = list(
        db.session.execute(
            select(Review).where(Review.id.in_(review_ids), Review.state.in_(SOURCE_STATES))
        ).scalars()
    )
    if len(reviews) != len(review_ids):
        raise BriefingRefused(
            _("Select reviews from the list: their report must be agreed or the review closed.")
        )
    tags = list(
        db.session.execute(
            select(LearningTag).where(LearningTag.id.in_(tag_ids), LearningTag.active.is_(True))
        ).scalars()
    )
    if len(tags) != len(tag_ids):
        raise BriefingRefused(_("Choose risk factors and practice themes from the lists offered."))
    return sorted(reviews, key=lambda r: r.id), sorted(tags, key=lambda t: t.name)


@unit_of_work()
def save_draft(
    briefing: Briefing | None,
    *,
    title: str,
    body: str,
    review_ids: Iterable[int],
    tag_ids: Iterable[int],
    actor: User,
    expected_version: int | None = None,
) -> tuple[Briefing, list[str]]:
    """Write a new draft or change one; refused, with nothing saved, if the text names anyone or
    gives a case number stored in the cases it draws on. Without tags chosen, the briefing takes the
    risk factors and practice themes of the reviews' learning points."""
    wanted_reviews = set(review_ids)
    wanted_tags = set(tag_ids) or tags_of_points(wanted_reviews)
    reviews, tags = _reviews_and_tags(wanted_reviews, wanted_tags)
    title, body = title.strip(), body.strip()
    check_anonymised(title, body, wanted_reviews)
    if briefing is None:
        briefing = Briefing(title=title, body=body, written_by_id=actor.id, status=BriefingStatus.DRAFT)
        briefing.reviews, briefing.tags = reviews, tags
        db.session.add(briefing)
        db.session.flush()
        audit.record("briefing.drafted", record_id=briefing.id, actor=actor)
        return briefing, ["title", "body", "reviews", "tags"]
    if briefing.status != BriefingStatus.DRAFT:
        raise BriefingRefused(_("This briefing has been sent and can no longer be changed."))
    if expected_version is not None and briefing.version != expected_version:
        raise StaleEdit
    changed = audit.apply_changes(briefing, {"title": title, "body": body})
    if {r.id for r in briefing.reviews} != wanted_reviews:
        briefing.reviews = reviews
        changed.append("reviews")
    if {t.id for t in briefing.tags} != {t.id for t in tags}:
        briefing.tags = tags
        changed.append("tags")
    if changed:
        briefing.updated_at = utcnow()  # the version moves on even when only the lists changed
        db.session.flush()
        audit.record("briefing.updated", record_id=briefing.id, changed_fields=changed, actor=actor)
    return briefing, changed


def resolve_recipients(roles: Iterable[Role], area_ids: Iterable[int]) -> list[User]:
    """Active people holding a chosen role: in a chosen area, or in any area for a role that holds
    none (CE, DCE, PDT, SLT). One statement."""
    chosen, areas = set(roles) - {Role.ADMINISTRATOR}, list(set(area_ids))
    free, in_area = chosen & AREA_FREE_ROLES, chosen - AREA_FREE_ROLES
    clauses: list[ColumnElement[bool]] = []
    if free:
        clauses.append(User.id.in_(select(UserRole.user_id).where(UserRole.role.in_(free))))
    if in_area and areas:
        clauses.append(
            User.id.in_(select(UserRole.user_id).where(UserRole.role.in_(in_area))) & User.area_id.in_(areas)
        )
    if not clauses:
        return []
    return list(
        db.session.execute(
            select(User).where(User.active.is_(True), or_(*clauses)).order_by(User.id)
        ).scalars()
    )


ACKNOWLEDGE_BY = "acknowledge_briefing"


def due_dates(sent_on: date, policy: rules.Policy) -> tuple[date, date]:
    """When acknowledgement is expected, and when the ladder's first step falls due."""
    due_on = rules.add_working_days(sent_on, policy.timescale(ACKNOWLEDGE_BY))
    return due_on, step_dates(due_on, policy)["reminder"]


@unit_of_work()
def send(
    briefing: Briefing,
    *,
    roles: Iterable[Role],
    area_ids: Iterable[int],
    actor: User,
    expected_version: int | None = None,
) -> int:
    """Send a draft to everyone holding a chosen role in a chosen area: a recipient row each (the
    reminder ladder's first date on it) and a notification each, in one transaction. The name check
    runs again: a case may have gained a name since the draft was saved."""
    if briefing.status != BriefingStatus.DRAFT:
        raise BriefingRefused(_("This briefing has already been sent."))
    if expected_version is not None and briefing.version != expected_version:
        raise StaleEdit
    roles, areas = sorted(set(roles)), sorted(set(area_ids))
    if not roles:
        raise BriefingRefused(_("Select who the briefing is for"))
    if set(roles) - AREA_FREE_ROLES and not areas:
        raise BriefingRefused(_("Select the areas of the people who work in an area"))
    known = set(db.session.execute(select(OperationalArea.id).where(OperationalArea.id.in_(areas))).scalars())
    if known != set(areas):
        raise BriefingRefused(_("Select areas from the list"))
    check_anonymised(briefing.title, briefing.body, [r.id for r in briefing.reviews])
    people = resolve_recipients(roles, areas)
    if not people:
        raise BriefingRefused(_("Nobody holds the roles chosen in the areas chosen. Choose others."))
    now = utcnow()
    due_on, first_step = due_dates(london(now).date(), effective_policy())
    briefing.status, briefing.sent_at, briefing.sent_by_id = BriefingStatus.SENT, now, actor.id
    db.session.execute(insert(briefing_roles), [{"briefing_id": briefing.id, "role": r} for r in roles])
    if areas:
        db.session.execute(
            insert(briefing_areas), [{"briefing_id": briefing.id, "area_id": a} for a in areas]
        )
    db.session.execute(
        insert(BriefingRecipient),
        [
            {
                "briefing_id": briefing.id,
                "user_id": person.id,
                "sent_at": now,
                "due_on": due_on,
                "next_reminder_on": first_step,
            }
            for person in people
        ],
    )
    link = f"/briefings/{briefing.id}"
    detail = _l("A learning briefing has been sent to you: %(title)s", title=briefing.title)
    for person in people:
        notify(
            person,
            "briefing_sent",
            link_path=link,
            detail=detail,
            dedupe_key=f"briefing:{briefing.id}:sent:user:{person.id}",
        )
    db.session.flush()
    audit.record("briefing.sent", record_id=briefing.id, actor=actor)
    return len(people)


def audience(briefing: Briefing) -> tuple[list[Role], list[OperationalArea]]:
    roles = [
        Role(value)
        for value in db.session.execute(
            select(briefing_roles.c.role).where(briefing_roles.c.briefing_id == briefing.id)
        ).scalars()
    ]
    areas = list(
        db.session.execute(
            select(OperationalArea)
            .join(briefing_areas, briefing_areas.c.area_id == OperationalArea.id)
            .where(briefing_areas.c.briefing_id == briefing.id)
            .order_by(OperationalArea.name)
        ).scalars()
    )
    return sorted(roles, key=lambda r: AUDIENCE_ROLES.index(r)), areas


# --- The briefing's page for those who trace it ---------------------------------------------------


@dataclass
class Tally:
    """Recipients, read and acknowledged, for one area or role."""

    recipients: int = 0
    read: int = 0
    acknowledged: int = 0


@dataclass
class Tracing:
    """Whom the briefing reached, and how far: per person, by area and by role."""

    recipients: list[BriefingRecipient]
    total: Tally
    by_area: dict[str, Tally] = field(default_factory=dict)
    by_role: dict[Role, Tally] = field(default_factory=dict)
    attended: set[int] = field(default_factory=set)


def tracing(briefing: Briefing) -> Tracing:
    recipients = list(
        db.session.execute(
            select(BriefingRecipient)
            .where(BriefingRecipient.briefing_id == briefing.id)
            .options(selectinload(BriefingRecipient.user).options(selectinload(User.area)))
            .join(User, User.id == BriefingRecipient.user_id)
            .order_by(
                BriefingRecipient.acknowledged_at.is_not(None),
                BriefingRecipient.read_at.is_not(None),
                User.name,
            )
        ).scalars()
    )
    total = Tally()
    by_area: dict[str, Tally] = defaultdict(Tally)
    by_role: dict[Role, Tally] = defaultdict(Tally)
    for row in recipients:
        tallies = [total, by_area[row.user.area.name if row.user.area else ""]]
        tallies += [by_role[role] for role in row.user.roles if role != Role.ADMINISTRATOR]
        for tally in tallies:
            tally.recipients += 1
            tally.read += row.read_at is not None
            tally.acknowledged += row.acknowledged_at is not None
    attended = set(
        db.session.execute(
            select(briefing_attendees.c.user_id)
            .join(BriefingSession, BriefingSession.id == briefing_attendees.c.session_id)
            .where(BriefingSession.briefing_id == briefing.id)
        ).scalars()
    )
    return Tracing(
        recipients,
        total,
        dict(sorted(by_area.items())),
        {role: by_role[role] for role in AUDIENCE_ROLES if role in by_role},
        attended,
    )


# --- Delivery sessions -------------------------------------------------------------------------------


def sessions_of(briefing: Briefing, viewer: User) -> list[BriefingSession]:
    """The sessions in which the briefing was delivered: all of them for those who trace briefings,
    a Practice Manager's own for them."""
    query = (
        select(BriefingSession)
        .where(BriefingSession.briefing_id == briefing.id)
        .options(
            selectinload(BriefingSession.delivered_by).lazyload(User.role_rows),
            selectinload(BriefingSession.area),
            selectinload(BriefingSession.attendees).lazyload(User.role_rows),
        )
        .order_by(BriefingSession.delivered_on.desc(), BriefingSession.id.desc())
    )
    granted = permissions_of(viewer)
    if Permission.TRACE_BRIEFINGS not in granted:
        if Permission.DELIVER_BRIEFINGS not in granted:
            return []
        query = query.where(BriefingSession.delivered_by_id == viewer.id)
    return list(db.session.execute(query).scalars())


def team_of(manager: User) -> list[User]:
    """Who may attend a Practice Manager's session: the active people of their area, and those
    they manage wherever they are."""
    clauses = [User.line_manager_id == manager.id]
    if manager.area_id is not None:
        clauses.append(User.area_id == manager.area_id)
    return list(
        db.session.execute(
            select(User)
            .where(User.active.is_(True), or_(*clauses), User.id != manager.id)
            .where(~User.id.in_(select(UserRole.user_id).where(UserRole.role == Role.ADMINISTRATOR)))
            .order_by(User.name, User.id)
        ).scalars()
    )


@unit_of_work()
def record_session(
    briefing: Briefing,
    *,
    delivered_on: date,
    area_id: int | None,
    attendee_ids: Iterable[int],
    notes: str,
    actor: User,
) -> BriefingSession:
    """A Practice Manager's session delivering the briefing, with who attended. Attending does not
    acknowledge for the person (only they can say they understood), but it stops their reminders:
    the briefing reached them, from the manager the ladder would escalate to."""
    if briefing.status != BriefingStatus.SENT or briefing.sent_at is None:
        raise BriefingRefused(_("A briefing can be delivered once it has been sent."))
    if delivered_on < london(briefing.sent_at).date():
        raise BriefingRefused(_("Date of the session must be on or after the day the briefing was sent"))
    team = {user.id: user for user in team_of(actor)}
    wanted = set(attendee_ids)
    if not wanted:
        raise BriefingRefused(_("Select who attended"))
    if not wanted <= team.keys():
        raise BriefingRefused(_("Select who attended from the people in your team"))
    if area_id is not None and area_id != actor.area_id:
        raise BriefingRefused(_("Select your own area"))
    delivered = BriefingSession(
        briefing_id=briefing.id,
        delivered_by_id=actor.id,
        delivered_on=delivered_on,
        area_id=area_id,
        notes=notes.strip(),
    )
    delivered.attendees = sorted((team[i] for i in wanted), key=lambda u: (u.name, u.id))
    db.session.add(delivered)
    db.session.flush()
    db.session.execute(
        update(BriefingRecipient)
        .where(
            BriefingRecipient.briefing_id == briefing.id,
            BriefingRecipient.user_id.in_(wanted),
            BriefingRecipient.acknowledged_at.is_(None),
        )
        .values(next_reminder_on=None)
        .execution_options(synchronize_session=False)
    )
    audit.record("briefing.delivered", record_id=delivered.id, actor=actor)
    return delivered


__all__ = ["BriefingRefused"]
