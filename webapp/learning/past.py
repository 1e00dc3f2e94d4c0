"""Relevant past learning: the briefings and agreed learning points of earlier reviews that share what
an open review is about, so a lesson reaches the next person facing the same risk (DESIGN.md
"Learning travels"; learning-from-97-serious-case-reviews.txt: learning "identified and cascaded at an
early stage").

What a review is about: the cause of its incident, the risk factors noted when the incident was
recorded (``review_known_risk_factors``) and the risk factors and practice themes of its learning
record (``review_learning_tags``), once there is one.

What an earlier learning point is about: its own tags, its review's learning record's tags, and the
cause of its review's incident. A briefing: its tags, and the causes of the incidents it draws on.

Scoring (``WEIGHTS``): each shared risk factor or practice theme counts 1, the same cause counts 1 (only
a cause that says something: "other" and "not yet known" are shared by chance). Highest score first;
equal scores, the most recent first (a point by when it was recorded, a briefing by when it was sent).

Who sees what: the panel is shown to whoever may see the review it is on. A learning point is shown
only from a review inside the viewer's scope (``case_scope``): a point of any other review is never
shown, nor counted. A sent briefing is anonymised (no names, no case numbers), so it is shown whatever
reviews it draws on; those reviews are never named or linked here. Draft briefings are never shown.
Nothing is drawn from the review itself. Each list costs two statements however many reviews exist.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from flask import url_for
from sqlalchemy import (
    CTE,
    BindParameter,
    ColumnElement,
    Integer,
    Select,
    Subquery,
    bindparam,
    case,
    cast,
    delete,
    exists,
    func,
    insert,
    literal,
    null,
    select,
    union,
    union_all,
)

from webapp.cases.services import case_scope
from webapp.extensions import db
from webapp.i18n import gettext as _
from webapp.models import (
    Case,
    Incident,
    IncidentCause,
    LearningPoint,
    LearningTag,
    Review,
    TagKind,
    User,
    learning_point_tags,
    review_known_risk_factors,
    review_learning_tags,
)
from webapp.models.briefings import Briefing, BriefingStatus, briefing_reviews, briefing_tags

WEIGHTS = {"tag": 1, "cause": 1}
# Causes that say what happened; "other" and "not yet known" match by chance, not by kind.
TELLING_CAUSES = (IncidentCause.VIOLENCE, IncidentCause.ABUSE, IncidentCause.NEGLECT, IncidentCause.SUICIDE)
POINTS_SHOWN = 5  # on a review, incident or home page; "see all" shows up to ALL_SHOWN
BRIEFINGS_SHOWN = 3
ALL_SHOWN = 50


def briefing_url(briefing: Briefing) -> str:
    """The briefing's own page (any member of staff may read a sent briefing)."""
    return url_for("learning.briefing", briefing_id=briefing.id)


@dataclass(frozen=True)
class Match:
    """One piece of earlier learning, the open review it was chosen for, and why."""

    score: int
    for_review_id: int
    shared: list[LearningTag]
    same_cause: IncidentCause | None
    point: LearningPoint | None = None
    earlier: Review | None = None  # the point's review: inside the viewer's scope
    earlier_case: Case | None = None
    briefing: Briefing | None = None

    @property
    def why(self) -> str:
        tags = ", ".join(tag.display_name for tag in self.shared)
        if tags and self.same_cause:
            return _("Shares %(tags)s, and the same cause: %(cause)s", tags=tags, cause=self.same_cause.label)
        if tags:
            return _("Shares %(tags)s", tags=tags)
        return _("The same cause: %(cause)s", cause=self.same_cause.label if self.same_cause else "")

    @property
    def url(self) -> str | None:
        return briefing_url(self.briefing) if self.briefing else None


@dataclass
class PastLearning:
    briefings: list[Match] = field(default_factory=list)
    points: list[Match] = field(default_factory=list)
    more: bool = False  # there is more than is shown

    def __bool__(self) -> bool:
        return bool(self.briefings or self.points)


@dataclass(frozen=True)
class _Subject:
    """What the open reviews are about, each said once in a statement (a WITH query: the database
    plans and reads it once, however many parts of the statement use it)."""

    tags: CTE  # (rid, tag_id): from each review's incident and its learning record
    causes: CTE  # (rid, cause): each review's incident's cause, when it says what happened

    @classmethod
    def of(cls, review_ids: BindParameter) -> _Subject:
        known, found = review_known_risk_factors.c, review_learning_tags.c
        tags = union(
            select(known.review_id.label("rid"), known.tag_id.label("tag_id")).where(
                known.review_id.in_(review_ids)
            ),
            select(found.review_id, found.tag_id).where(found.review_id.in_(review_ids)),
        ).cte("subject_tags")
        causes = (
            select(Review.id.label("rid"), Incident.cause.label("cause"))
            .join(Incident, Incident.id == Review.incident_id)
            .where(Review.id.in_(review_ids), Incident.cause.in_(TELLING_CAUSES))
            .cte("subject_causes")
        )
        return cls(tags, causes)


def _evidence(item_tags: Select, item_causes: Select, subject: _Subject) -> tuple[Subquery, Subquery]:
    """Each (item, open review) pair's shared tags, one row each, and its shared cause, as weighted rows."""
    tagged, caused = item_tags.subquery("item_tags"), item_causes.subquery("item_causes")
    shared_tags = (
        select(tagged.c.item_id, subject.tags.c.rid, tagged.c.tag_id, literal(WEIGHTS["tag"]).label("weight"))
        .join(subject.tags, subject.tags.c.tag_id == tagged.c.tag_id)
        .subquery("shared_tags")
    )
    causes = subject.causes
    shared_cause = select(
        caused.c.item_id, causes.c.rid, cast(null(), Integer).label("tag_id"), literal(WEIGHTS["cause"])
    ).join(causes, causes.c.cause == caused.c.cause)
    rows = union_all(select(shared_tags), shared_cause).subquery("evidence")
    return shared_tags, rows


def _best(rows: Subquery, own: Callable[[ColumnElement, ColumnElement], ColumnElement[bool]]) -> Subquery:
    """Each item's score against each open review (never against the review it comes from), and the
    open review it matches best (rank 1)."""
    scored = (
        select(
            rows.c.item_id,
            rows.c.rid,
            func.sum(rows.c.weight).label("score"),
            func.max(case((rows.c.tag_id.is_(None), 1), else_=0)).label("cause_shared"),
        )
        .where(~own(rows.c.item_id, rows.c.rid))
        .group_by(rows.c.item_id, rows.c.rid)
        .subquery("scored")
    )
    rank = func.row_number().over(
        partition_by=scored.c.item_id, order_by=(scored.c.score.desc(), scored.c.rid)
    )
    return select(scored, rank.label("rank")).subquery("ranked")


def _shared_tags(
    shared_tags: Subquery, item_ids: Iterable[int], ids: dict[str, list[int]]
) -> dict[tuple[int, int], list[LearningTag]]:
    rows = db.session.execute(
        select(shared_tags.c.item_id, shared_tags.c.rid, LearningTag)
        .join(LearningTag, LearningTag.id == shared_tags.c.tag_id)
        .where(shared_tags.c.item_id.in_(list(item_ids))),
        ids,
    ).all()
    by_pair: dict[tuple[int, int], list[LearningTag]] = defaultdict(list)
    for item_id, rid, tag in rows:
        by_pair[(item_id, rid)].append(tag)
    # Risk factors before practice themes, each by name in the reader's language.
    return {
        pair: sorted(tags, key=lambda t: (t.kind != TagKind.RISK_FACTOR, t.display_name.casefold()))
        for pair, tags in by_pair.items()
    }


# The review ids every statement below is for: the statements are built once, with this parameter
# in place of the ids (building and keying them cost more than running them).
REVIEW_IDS = "review_ids"


def _review_ids() -> BindParameter:
    return bindparam(REVIEW_IDS, expanding=True)


@functools.cache
def _ranked_points() -> tuple[Subquery, Subquery]:
    """Each agreed learning point's best match among the open reviews, and the tags it shares."""
    subject = _Subject.of(_review_ids())
    # Only the tags and causes the open reviews have: the indexes find those, not every point's.
    wanted_tags = select(subject.tags.c.tag_id)
    point_tags = union(
        select(learning_point_tags.c.learning_point_id.label("item_id"), learning_point_tags.c.tag_id).where(
            learning_point_tags.c.tag_id.in_(wanted_tags)
        ),
        select(LearningPoint.id, review_learning_tags.c.tag_id)
        .join(review_learning_tags, review_learning_tags.c.review_id == LearningPoint.review_id)
        .where(review_learning_tags.c.tag_id.in_(wanted_tags)),
    )
    point_causes = (
        select(LearningPoint.id.label("item_id"), Incident.cause.label("cause"))
        .join(Review, Review.id == LearningPoint.review_id)
        .join(Incident, Incident.id == Review.incident_id)
        .where(Incident.cause.in_(select(subject.causes.c.cause)))
    )
    shared_tags, rows = _evidence(select(point_tags.subquery()), point_causes, subject)

    def own(item_id: ColumnElement, rid: ColumnElement) -> ColumnElement[bool]:
        return exists().where(LearningPoint.id == item_id, LearningPoint.review_id == rid)

    return shared_tags, _best(rows, own)


def learning_points(user: User, review_ids: Sequence[int], *, limit: int = POINTS_SHOWN) -> list[Match]:
    """Agreed learning points of reviews in ``user``'s scope sharing the most with ``review_ids``."""
    if not review_ids:
        return []
    shared_tags, ranked = _ranked_points()
    ids = {REVIEW_IDS: sorted(set(review_ids))}
    found = db.session.execute(
        select(
            LearningPoint, Review, Case, Incident.cause, ranked.c.rid, ranked.c.score, ranked.c.cause_shared
        )
        .join(ranked, ranked.c.item_id == LearningPoint.id)
        .join(Review, Review.id == LearningPoint.review_id)
        .join(Case, Case.id == Review.case_id)
        .join(Incident, Incident.id == Review.incident_id)
        .where(ranked.c.rank == 1, case_scope(user))
        .order_by(ranked.c.score.desc(), LearningPoint.created_at.desc(), LearningPoint.id.desc())
        .limit(limit),
        ids,
    ).all()
    tags = _shared_tags(shared_tags, [row[0].id for row in found], ids) if found else {}
    return [
        Match(
            score=int(score),
            for_review_id=rid,
            shared=tags.get((point.id, rid), []),
            same_cause=cause if cause_shared else None,
            point=point,
            earlier=review,
            earlier_case=earlier_case,
        )
        for point, review, earlier_case, cause, rid, score, cause_shared in found
    ]


@functools.cache
def _ranked_briefings() -> tuple[Subquery, Select]:
    """The sent briefings best matching the open reviews (the number asked for is the ``limit``
    parameter), and the tags each shares."""
    subject = _Subject.of(_review_ids())
    tagged = select(briefing_tags.c.briefing_id.label("item_id"), briefing_tags.c.tag_id).where(
        briefing_tags.c.tag_id.in_(select(subject.tags.c.tag_id))
    )
    caused = (
        select(briefing_reviews.c.briefing_id.label("item_id"), Incident.cause.label("cause"))
        .join(Review, Review.id == briefing_reviews.c.review_id)
        .join(Incident, Incident.id == Review.incident_id)
        .where(Incident.cause.in_(select(subject.causes.c.cause)))
        .distinct()
    )
    shared_tags, rows = _evidence(tagged, caused, subject)

    def own(item_id: ColumnElement, rid: ColumnElement) -> ColumnElement[bool]:
        return exists().where(briefing_reviews.c.briefing_id == item_id, briefing_reviews.c.review_id == rid)

    ranked, cause = _best(rows, own), subject.causes
    query = (
        select(Briefing, cause.c.cause, ranked.c.rid, ranked.c.score, ranked.c.cause_shared)
        .join(ranked, ranked.c.item_id == Briefing.id)
        .outerjoin(cause, cause.c.rid == ranked.c.rid)
        .where(ranked.c.rank == 1, Briefing.status == BriefingStatus.SENT)
        .order_by(ranked.c.score.desc(), Briefing.sent_at.desc(), Briefing.id.desc())
        .limit(bindparam("limit"))
    )
    return shared_tags, query


def briefings(review_ids: Sequence[int], *, limit: int = BRIEFINGS_SHOWN) -> list[Match]:
    """Sent briefings sharing the most with ``review_ids``: anonymised, so shown to anyone who may see
    those reviews, whatever reviews they draw on (which are not named here)."""
    if not review_ids:
        return []
    shared_tags, query = _ranked_briefings()
    ids = {REVIEW_IDS: sorted(set(review_ids))}
    found = db.session.execute(query, {**ids, "limit": limit}).all()
    if not found:
        return []
    tags = _shared_tags(shared_tags, [row[0].id for row in found], ids)
    return [
        Match(
            score=int(score),
            for_review_id=rid,
            shared=tags.get((briefing.id, rid), []),
            same_cause=cause if cause_shared else None,
            briefing=briefing,
        )
        for briefing, cause, rid, score, cause_shared in found
    ]


def for_reviews(
    user: User,
    review_ids: Sequence[int],
    *,
    points_shown: int = POINTS_SHOWN,
    briefings_shown: int = BRIEFINGS_SHOWN,
) -> PastLearning:
    """The most relevant past learning for reviews ``user`` may see (reached through their scope): one
    more of each is asked for, to know whether there is more than is shown."""
    ids = sorted(set(review_ids))
    found_briefings = briefings(ids, limit=briefings_shown + 1)
    found_points = learning_points(user, ids, limit=points_shown + 1)
    return PastLearning(
        briefings=found_briefings[:briefings_shown],
        points=found_points[:points_shown],
        more=len(found_briefings) > briefings_shown or len(found_points) > points_shown,
    )


def known_risk_factor_ids(review: Review) -> set[int]:
    known = review_known_risk_factors.c
    return set(db.session.execute(select(known.tag_id).where(known.review_id == review.id)).scalars())


def replace_known_risk_factors(review: Review, tag_ids: Iterable[int]) -> tuple[list[str], list[str]]:
    """Change the risk factors noted on the review; returns their names before and after (as kept,
    in English, for the incident's history). The caller audits and commits."""
    before, after = known_risk_factor_ids(review), set(tag_ids)
    rows = db.session.execute(
        select(LearningTag.id, LearningTag.name).where(LearningTag.id.in_(before | after))
    )
    names = {tag_id: name for tag_id, name in rows}
    known = review_known_risk_factors.c
    db.session.execute(delete(review_known_risk_factors).where(known.review_id == review.id))
    note_known_risk_factors(review, after)
    return sorted(names[t] for t in before), sorted(names[t] for t in after)


def known_risk_factors(review: Review) -> list[LearningTag]:
    """The risk factors noted when the review's incident was recorded."""
    tags = db.session.execute(
        select(LearningTag)
        .join(review_known_risk_factors, review_known_risk_factors.c.tag_id == LearningTag.id)
        .where(review_known_risk_factors.c.review_id == review.id)
    ).scalars()
    return sorted(tags, key=lambda t: t.display_name.casefold())


def note_known_risk_factors(review: Review, tag_ids: Iterable[int]) -> None:
    """Keep the risk factors known when the incident was recorded; the caller audits and commits."""
    chosen = sorted(set(tag_ids))
    if chosen:
        db.session.execute(
            insert(review_known_risk_factors), [{"review_id": review.id, "tag_id": t} for t in chosen]
        )
