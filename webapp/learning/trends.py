"""The dashboard over time and through the procedure: the quarterly trend, the funnel from incident
to actions done, action completion by practice theme, and learning points by theme with how many are
answered by completed actions. Each figure is one aggregate query, whatever the number of reviews.

Quarters are calendar quarters (January to March is Q1). Incidents count by the date they were
notified; initiations and closures by the day (UTC) they were recorded."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Integer, and_, case, cast, exists, extract, func, literal_column, select, union_all

from webapp.extensions import db
from webapp.i18n import gettext as _
from webapp.i18n import lazy_gettext as _l
from webapp.learning.area import incident_in_area, review_in_area
from webapp.learning.figure import Figure, percent, tag_name
from webapp.learning.research import kind_order
from webapp.models import (
    ActionPlanItem,
    ActionStatus,
    Incident,
    IncidentKind,
    LearningPoint,
    LearningTag,
    Review,
    ReviewLearning,
    TagKind,
    learning_point_actions,
    learning_point_tags,
    review_learning_tags,
)
from webapp.reviews.lifecycle import Work, states_allowing

TREND = (
    ("notified", _l("Incidents notified")),
    ("initiated", _l("Reviews initiated")),
    ("closed", _l("Reviews closed")),
    ("deaths", _l("Deaths")),
    ("serious_harm", _l("Serious harm (significant incidents)")),
)


def quarters(start: date, end: date) -> list[tuple[int, int]]:
    """Every (year, quarter) the period touches, in order."""
    year, quarter = start.year, (start.month - 1) // 3 + 1
    found = []
    while (year, quarter) <= (end.year, (end.month - 1) // 3 + 1):
        found.append((year, quarter))
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return found


def _year_quarter(column):
    return (
        cast(extract("year", column), Integer).label("year"),
        ((cast(extract("month", column), Integer) + 2) // 3).label("quarter"),
    )


def _moments(start: date, end: date) -> tuple[datetime, datetime]:
    return datetime.combine(start, time(), UTC), datetime.combine(end + timedelta(days=1), time(), UTC)


def _zero(name: str):
    return literal_column("0").label(name)


def trend_counts(start: date, end: date, area_id: int | None = None) -> dict[tuple[int, int], dict[str, int]]:
    """(year, quarter) -> each measure of TREND, in one statement (a UNION of three sources)."""
    after, before = _moments(start, end)
    notified = select(
        *_year_quarter(Incident.notified_on),
        literal_column("1").label("notified"),
        _zero("initiated"),
        _zero("closed"),
        case((Incident.kind == IncidentKind.DEATH, 1), else_=0).label("deaths"),
        case((Incident.kind == IncidentKind.DEATH, 0), else_=1).label("serious_harm"),
    ).where(Incident.notified_on.between(start, end), incident_in_area(area_id))
    initiated = select(
        *_year_quarter(Review.decided_at),
        _zero("notified"),
        literal_column("1").label("initiated"),
        _zero("closed"),
        _zero("deaths"),
        _zero("serious_harm"),
    ).where(
        Review.decision_initiate.is_(True),
        Review.decided_at >= after,
        Review.decided_at < before,
        review_in_area(area_id),
    )
    closed = select(
        *_year_quarter(Review.closed_at),
        _zero("notified"),
        _zero("initiated"),
        literal_column("1").label("closed"),
        _zero("deaths"),
        _zero("serious_harm"),
    ).where(Review.closed_at >= after, Review.closed_at < before, review_in_area(area_id))
    events = union_all(notified, initiated, closed).subquery()
    names = [name for name, _label in TREND]
    rows = db.session.execute(
        select(events.c.year, events.c.quarter, *(func.sum(events.c[name]) for name in names)).group_by(
            events.c.year, events.c.quarter
        )
    ).all()
    return {(int(y), int(q)): dict(zip(names, map(int, values), strict=True)) for y, q, *values in rows}


def trend(start: date, end: date, area_id: int | None = None) -> Figure:
    counts = trend_counts(start, end, area_id)
    figure = Figure(
        "trend",
        _("Quarter by quarter"),
        _("Incidents notified, reviews initiated and closed, deaths and serious harm, by quarter"),
        [_("Quarter")] + [str(label) for _name, label in TREND],
        note=_(
            "Incidents by the date they were notified; reviews by the day they were initiated or closed. "
            "A quarter only partly inside the period counts only its part."
        ),
        counts=list(range(1, len(TREND) + 1)),
    )
    periods = quarters(start, end)
    empty = dict.fromkeys((name for name, _label in TREND), 0)
    for year, quarter in periods:
        values = counts.get((year, quarter), empty)
        figure.rows.append(
            [_("%(year)s Q%(quarter)s", year=year, quarter=quarter)]
            + [values[name] for name, _label in TREND]
        )
    if not any(any(row[1:]) for row in figure.rows):
        figure.rows = []
        return figure
    top = max(max(row[1:]) for row in figure.rows)
    step = 520 / max(len(periods) - 1, 1)
    for column, (_name, label) in enumerate(TREND, start=1):
        points = [
            (round(50 + index * step, 1), round(200 - 180 * row[column] / top, 1))
            for index, row in enumerate(figure.rows)
        ]
        figure.lines.append(
            {
                "label": str(label),
                "points": " ".join(f"{x},{y}" for x, y in points),
                "dots": points,
                "top": top,
            }
        )
    return figure


def funnel(start: date, end: date, area_id: int | None = None) -> Figure:
    """From incident to actions done, for the incidents that happened in the period."""
    actions = (
        select(
            ActionPlanItem.review_id,
            func.count().label("total"),
            func.count(case((ActionPlanItem.status == ActionStatus.DONE, 1))).label("done"),
        )
        .group_by(ActionPlanItem.review_id)
        .subquery()
    )
    points = (
        select(LearningPoint.review_id, func.count().label("points"))
        .group_by(LearningPoint.review_id)
        .subquery()
    )
    learning = exists().where(ReviewLearning.review_id == Review.id)

    def count_where(condition):
        return func.count(case((condition, 1)))

    stages = (
        (_("Incidents notified"), func.count(Incident.id)),
        (_("Within the procedure"), count_where(Review.within_procedure.is_(True))),
        (_("Review initiated"), count_where(Review.decision_initiate.is_(True))),
        (_("Report agreed"), count_where(Review.state.in_(states_allowing(Work.DISCLOSE)))),
        (_("Learning recorded"), count_where(learning | (points.c.points > 0))),
        (_("Actions all done"), count_where(and_(actions.c.total > 0, actions.c.done == actions.c.total))),
    )
    row = db.session.execute(
        select(*(value for _label, value in stages))
        .select_from(Incident)
        .outerjoin(Review, Review.incident_id == Incident.id)
        .outerjoin(actions, actions.c.review_id == Review.id)
        .outerjoin(points, points.c.review_id == Review.id)
        .where(Incident.occurred_on.between(start, end), incident_in_area(area_id))
    ).one()
    notified = int(row[0])
    figure = Figure(
        "funnel",
        _("From incident to actions done"),
        _("How many incidents reached each step of the procedure"),
        [_("Step"), _("Incidents"), _("Percentage of those notified")],
        note=_(
            "Incidents that happened in the period. Learning recorded: the review's learning record or "
            "its traced learning points. Actions all done: every action of the plan done."
        ),
    )
    if not notified:
        return figure
    for (label, _value), count in zip(stages, row, strict=True):
        share = percent(int(count), notified) or 0
        figure.rows.append([label, int(count), f"{share}%"])
        figure.bars.append((label, float(share), _("%(count)s (%(share)s%%)", count=int(count), share=share)))
    return figure


def _tagged_in_period(start: date, end: date, area_id: int | None):
    return (
        select(review_learning_tags.c.review_id, review_learning_tags.c.tag_id)
        .join(Review, Review.id == review_learning_tags.c.review_id)
        .join(Incident, Incident.id == Review.incident_id)
        .where(Incident.occurred_on.between(start, end), incident_in_area(area_id))
        .subquery()
    )


def actions_by_theme(start: date, end: date, area_id: int | None = None) -> Figure:
    """For each practice theme, the actions of the reviews that identified it, and how many are done."""
    tagged = _tagged_in_period(start, end, area_id)
    total = func.count(ActionPlanItem.id)
    done = func.count(case((ActionPlanItem.status == ActionStatus.DONE, 1)))
    rows = db.session.execute(
        select(LearningTag.name, LearningTag.name_cy, total, done)
        .join(tagged, tagged.c.tag_id == LearningTag.id)
        .join(ActionPlanItem, ActionPlanItem.review_id == tagged.c.review_id)
        .where(LearningTag.kind == TagKind.PRACTICE_THEME)
        .group_by(LearningTag.id, LearningTag.name, LearningTag.name_cy)
        .order_by(total.desc(), LearningTag.name)
    ).all()
    figure = Figure(
        "actions_by_theme",
        _("Action completion by practice theme"),
        _("Actions of the reviews that identified each practice theme, and how many are done"),
        [_("Practice theme"), _("Actions"), _("Done"), _("Percentage done")],
        note=_(
            "An action counts under every theme its review identified. Reviews whose incident happened in "
            "the period."
        ),
        counts=[1, 2],
    )
    # Equal counts in the order of the names shown (the query orders by the English name).
    rows = sorted(rows, key=lambda row: (-int(row[2]), tag_name(row[0], row[1]).casefold()))
    for name, name_cy, count, finished in rows:
        share = percent(int(finished), int(count)) or 0
        shown = tag_name(name, name_cy)
        figure.rows.append([shown, int(count), int(finished), f"{share}%"])
        figure.bars.append(
            (
                shown,
                float(share),
                _(
                    "%(done)s of %(total)s done (%(share)s%%)",
                    done=int(finished),
                    total=int(count),
                    share=share,
                ),
            )
        )
    return figure


def points_by_theme(start: date, end: date, area_id: int | None = None) -> Figure:
    """For each risk factor and practice theme, the learning points tagged with it: how many are answered
    by completed actions (linked to at least one action, every one of them done), and how many have a
    reason recorded instead of an action."""
    answers = (
        select(
            LearningPoint.id.label("point_id"),
            func.count(ActionPlanItem.id).label("actions"),
            func.count(case((ActionPlanItem.status == ActionStatus.DONE, 1))).label("done"),
        )
        .select_from(LearningPoint)
        .outerjoin(learning_point_actions, learning_point_actions.c.learning_point_id == LearningPoint.id)
        .outerjoin(ActionPlanItem, ActionPlanItem.id == learning_point_actions.c.action_item_id)
        .join(Review, Review.id == LearningPoint.review_id)
        .join(Incident, Incident.id == Review.incident_id)
        .where(Incident.occurred_on.between(start, end), incident_in_area(area_id))
        .group_by(LearningPoint.id)
        .subquery()
    )
    points = func.count(answers.c.point_id)
    completed = func.count(case((and_(answers.c.actions > 0, answers.c.done == answers.c.actions), 1)))
    no_action = and_(answers.c.actions == 0, LearningPoint.no_action_reason.is_not(None))
    reasoned = func.count(case((no_action, 1)))
    rows = db.session.execute(
        select(LearningTag.kind, LearningTag.name, LearningTag.name_cy, points, completed, reasoned)
        .join(learning_point_tags, learning_point_tags.c.tag_id == LearningTag.id)
        .join(answers, answers.c.point_id == learning_point_tags.c.learning_point_id)
        .join(LearningPoint, LearningPoint.id == answers.c.point_id)
        .group_by(LearningTag.id, LearningTag.kind, LearningTag.name, LearningTag.name_cy)
        .order_by(kind_order(LearningTag.kind), points.desc(), LearningTag.name)
    ).all()
    figure = Figure(
        "points_by_theme",
        _("Learning points by theme"),
        _("Learning points of agreed reports by risk factor and practice theme, and how they were answered"),
        [
            _("Risk factor or practice theme"),
            _("Learning points"),
            _("Answered by completed actions"),
            _("No action, reason recorded"),
            _("Percentage answered by completed actions"),
        ],
        note=_(
            "A learning point counts as answered by completed actions when it is linked to at least one "
            "action and every action linked to it is done. Reviews whose incident happened in the period."
        ),
        counts=[1, 2, 3],
    )
    rows = sorted(
        rows,
        key=lambda row: (
            TagKind(row[0]) != TagKind.RISK_FACTOR,
            -int(row[3]),
            tag_name(row[1], row[2]).casefold(),
        ),
    )
    for kind, name, name_cy, count, answered, reason in rows:
        share = percent(int(answered), int(count)) or 0
        label = _("%(name)s (%(kind)s)", name=tag_name(name, name_cy), kind=TagKind(kind).label.lower())
        figure.rows.append([label, int(count), int(answered), int(reason), f"{share}%"])
        figure.bars.append(
            (
                label,
                float(share),
                _("%(done)s of %(total)s (%(share)s%%)", done=int(answered), total=int(count), share=share),
            )
        )
    return figure
