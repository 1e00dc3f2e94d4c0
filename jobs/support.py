"""Support meetings: prompt the practitioner and PM before each one, with a calendar invitation,
and tell the Area Head of Operations about any meeting not recorded as held by its date."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update

from webapp.extensions import db, rows_matched
from webapp.formatting import LONDON, format_datetime, london
from webapp.i18n import LazyString, in_language_of
from webapp.i18n import gettext as _
from webapp.i18n import lazy_gettext as _l
from webapp.models import Case, Review, SupportMeeting, SupportPlan, utcnow
from webapp.notifications.services import notify, notify_all
from webapp.reviews.services import area_heads
from webapp.tasks.titles import support_meeting_title

# Prompts go out this far ahead: far enough to rearrange a diary, near enough to be remembered.
PROMPT_AHEAD = timedelta(days=2)


def _claim(meeting_id: int, column, now: datetime) -> bool:
    """Set the meeting's flag once: a second job running at the same time gets False."""
    claimed = rows_matched(
        update(SupportMeeting)
        .where(SupportMeeting.id == meeting_id, column.is_(None))
        .values({column.key: now})
        .execution_options(synchronize_session=False)
    )
    return claimed == 1


def _open_meetings():
    return (
        select(SupportMeeting, SupportPlan, Case)
        .join(SupportPlan, SupportMeeting.plan_id == SupportPlan.id)
        .join(Review, SupportPlan.review_id == Review.id)
        .join(Case, Review.case_id == Case.id)
        .where(
            SupportPlan.active.is_(True),
            SupportMeeting.held_at.is_(None),
            SupportMeeting.cancelled.is_(False),
        )
    )


def prompt(now: datetime) -> int:
    rows = db.session.execute(
        _open_meetings().where(
            SupportMeeting.prompted_at.is_(None),
            SupportMeeting.starts_at > now,
            SupportMeeting.starts_at <= now + PROMPT_AHEAD,
        )
    ).all()
    sent = 0
    for meeting, plan, case in rows:
        if not _claim(meeting.id, SupportMeeting.prompted_at, now):
            db.session.rollback()
            continue
        pairs = ((plan.practitioner, plan.practice_manager), (plan.practice_manager, plan.practitioner))
        for person, other in pairs:
            with in_language_of(person):
                title = support_meeting_title(other.name, london(meeting.starts_at).date())
                time = f"{london(meeting.starts_at):%H:%M}"
                # Translators: "Support meeting with Sam Example on 12 December 2026 at 14:30 (case …)".
                detail = _(
                    "%(title)s at %(time)s (case %(case_number)s).",
                    title=title,
                    time=time,
                    case_number=case.case_number,
                )
            if notify(
                person,
                "support_meeting_prompt",
                link_path=f"/reviews/{plan.review_id}/support",
                detail=detail,
                dedupe_key=f"meeting:{meeting.id}:prompt:user:{person.id}",
                meeting_starts_at=meeting.starts_at,
                meeting_uid=f"support-meeting-{meeting.id}@case-review.invalid",
            ):
                sent += 1
        db.session.commit()
    return sent


def escalate_missed(now: datetime) -> int:
    start_of_today = datetime.combine(london(now).date(), datetime.min.time(), tzinfo=LONDON)
    rows = db.session.execute(
        _open_meetings().where(
            SupportMeeting.missed_escalated_at.is_(None), SupportMeeting.starts_at < start_of_today
        )
    ).all()
    sent = 0
    for meeting, plan, case in rows:
        if not _claim(meeting.id, SupportMeeting.missed_escalated_at, now):
            db.session.rollback()
            continue
        sent += notify_all(
            area_heads(case.area_id),
            "support_meeting_missed",
            link_path=f"/reviews/{plan.review_id}/support",
            # Rendered for each Area Head in their language (the date too, when it is rendered).
            detail=_l(
                "The support meeting on %(when)s (case %(case_number)s) has not been recorded as held.",
                when=LazyString(format_datetime, meeting.starts_at),
                case_number=case.case_number,
            ),
            key=f"meeting:{meeting.id}:missed",
        )
        db.session.commit()
    return sent


def run(now: datetime | None = None) -> dict[str, int]:
    now = now or utcnow()
    return {"prompts": prompt(now), "missed_escalations": escalate_missed(now)}
