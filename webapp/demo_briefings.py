"""Demonstration learning briefings: written through the same service as the PDT's (so the name check
runs on them), from the demo's closed reviews that have learning points. Three sent (some read and
acknowledged, one delivered in a North Wales team session) and one draft."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, update

from webapp.extensions import db
from webapp.learning import briefings
from webapp.models import (
    BriefingRecipient,
    LearningPoint,
    OperationalArea,
    Review,
    ReviewState,
    Role,
    User,
    utcnow,
)

# (title, body, how many source reviews, roles, areas by name; None: a draft)
BRIEFINGS: list[tuple[str, str, int, list[Role] | None, list[str]]] = [
    (
        "Look beyond the parent assessed as the main risk",
        "In several reviews the harm came from an adult who was not the person assessed as the main "
        "risk: a new partner, or a relative living in the home.\n\nWhen you assess risk, ask who else "
        "lives in or visits the home, and record what you know about each adult. Revisit this when "
        "the household changes. (Fictional demonstration briefing.)",
        2,
        [Role.PRACTITIONER, Role.PRACTICE_MANAGER],
        ["North Wales", "South East Wales"],
    ),
    (
        "Record what you saw and why you decided",
        "Reviews found that records said what was done but not what was seen or heard, nor why a "
        "decision was made. Write down what the child said and how they seemed, and the reasons for "
        "each recommendation. (Fictional demonstration briefing.)",
        1,
        [Role.PRACTITIONER],
        ["North Wales"],
    ),
    (
        "Gather the information about risk at the start",
        "Where information about domestic abuse arrived late, the plan was made without it. Ask the "
        "police and the local authority for what they hold at the start of the case. "
        "(Fictional demonstration briefing.)",
        1,
        [Role.PRACTICE_MANAGER, Role.AREA_HEAD_OF_OPERATIONS, Role.SENIOR_LEADERSHIP_TEAM],
        ["North Wales", "South East Wales", "South West Wales", "Mid and West Wales"],
    ),
    (
        "Keep the child at the centre (draft)",
        "A draft: what the reviews say about the child's own experience. (Fictional demonstration.)",
        1,
        None,
        [],
    ),
]


def seed_briefings(people: dict[str, User], areas: dict[str, OperationalArea], *, today: date) -> int:
    """Write the demo's briefings from closed reviews with learning points; returns how many."""
    sources = list(
        db.session.execute(
            select(Review.id)
            .where(
                Review.state == ReviewState.CLOSED,
                Review.id.in_(select(LearningPoint.review_id)),
            )
            .order_by(Review.id.desc())
            .limit(sum(count for _title, _body, count, _roles, _areas in BRIEFINGS))
        ).scalars()
    )
    if not sources:
        return 0
    pdt, made = people["pdt"], 0
    for title, body, count, roles, area_names in BRIEFINGS:
        drawn, sources = sources[:count] or sources[-1:], sources[count:] or sources
        briefing, _changed = briefings.save_draft(
            None, title=title, body=body, review_ids=drawn, tag_ids=[], actor=pdt
        )
        made += 1
        if roles is None:
            continue
        area_ids = [areas[name].id for name in area_names]
        briefings.send(briefing, roles=roles, area_ids=area_ids, actor=pdt)
        if made == 1:
            _read_and_acknowledge(briefing.id, people)
            briefings.record_session(
                briefing,
                delivered_on=today,
                area_id=people["pm.north"].area_id,
                attendee_ids=[people["practitioner.north"].id],
                notes="Team meeting: talked through who else lives in the home. (Fictional.)",
                actor=people["pm.north"],
            )
    return made


def _read_and_acknowledge(briefing_id: int, people: dict[str, User]) -> None:
    """Some recipients have read the first briefing; the Practice Managers have acknowledged it."""
    now = utcnow()
    readers = [people["practitioner.southeast"].id, people["pm.north"].id, people["pm.southeast"].id]
    db.session.execute(
        update(BriefingRecipient)
        .where(BriefingRecipient.briefing_id == briefing_id, BriefingRecipient.user_id.in_(readers))
        .values(read_at=now)
    )
    db.session.execute(
        update(BriefingRecipient)
        .where(
            BriefingRecipient.briefing_id == briefing_id,
            BriefingRecipient.user_id.in_([people["pm.north"].id, people["pm.southeast"].id]),
        )
        .values(acknowledged_at=now, next_reminder_on=None)
    )
    db.session.commit()
