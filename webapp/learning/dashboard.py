"""The learning dashboard's figures, each aggregated in the database (GROUP BY and window functions),
so a page costs the same five queries however many reviews are stored.

The period selects reviews by the date of their incident. The learning figures count reviews with a
learning record; percentages are of those reviews (the perpetrator figure: of those whose answer is
known). Overdue tasks and actions are as they stand today, across every review.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, case, extract, func, or_, select, true

from webapp.extensions import db
from webapp.i18n import gettext as _
from webapp.i18n import lazy_gettext as _l
from webapp.learning import research, trends
from webapp.learning.area import incident_in_area
from webapp.learning.figure import Figure, percent, share_figure, tag_name
from webapp.models import (
    ActionPlanItem,
    ActionStatus,
    Case,
    Incident,
    IncidentCause,
    LawType,
    LearningTag,
    OperationalArea,
    PersonAffected,
    Review,
    ReviewLearning,
    ReviewState,
    ReviewTransition,
    TagKind,
    Task,
    review_learning_tags,
)
from webapp.tasks.services import overdue


def _in_period(start: date, end: date, area_id: int | None = None):
    """Incidents in the period (and, when given, on the cases of one area)."""
    in_period = Incident.occurred_on.between(start, end)
    return in_period if area_id is None else in_period & incident_in_area(area_id)


def _learning_in_period(start: date, end: date, area_id: int | None = None):
    domestic_abuse = (
        select(review_learning_tags.c.review_id)
        .join(LearningTag, LearningTag.id == review_learning_tags.c.tag_id)
        .where(
            review_learning_tags.c.review_id == Review.id,
            LearningTag.kind == TagKind.RISK_FACTOR,
            func.lower(LearningTag.name) == DOMESTIC_ABUSE,
        )
        .exists()
    )
    return (
        select(
            ReviewLearning.outcome,
            ReviewLearning.during_proceedings,
            coded_relation().label("perpetrator_relation"),
            ReviewLearning.perpetrator_was_assessed_main_risk,
            Review.circumstance,
            Case.law_type,
            Incident.cause,
            case((domestic_abuse, 1), else_=0).label("domestic_abuse"),
        )
        .select_from(ReviewLearning)
        .join(Review, Review.id == ReviewLearning.review_id)
        .join(Incident, Incident.id == Review.incident_id)
        .join(Case, Case.id == Review.case_id)
        .where(_in_period(start, end, area_id))
    )


# What picks the reviews behind a figure's row: "field=value" keys, each field a condition on the
# review's learning record (or its tags). The reviews page (routes/dashboard.py) reads them.
BEHIND = {
    "tag": lambda value: ReviewLearning.review_id.in_(
        select(review_learning_tags.c.review_id).where(review_learning_tags.c.tag_id == int(value))
    ),
    "outcome": lambda value: ReviewLearning.outcome == value,
    "circumstance": lambda value: (
        Review.circumstance.not_in(["ongoing_proceedings", "closed_case"]) | Review.circumstance.is_(None)
        if value == "outside"
        else Review.circumstance == value
    ),
    "during_proceedings": lambda value: ReviewLearning.during_proceedings.is_(value == "yes"),
    "assessed": lambda value: ReviewLearning.perpetrator_was_assessed_main_risk == value,
    # As the figure codes it: "not_applicable" for an adult party harmed or a suicide.
    "relation": lambda value: coded_relation() == value,
}


def reviews_behind(row_key: str, start: date, end: date, area_id: int | None):
    """A query for the reviews counted in a row (None for an unknown key): the caller scopes it."""
    name, _, value = row_key.partition("=")
    if name not in BEHIND or not value or (name == "tag" and not value.isdigit()):
        return None
    return (
        select(Review)
        .join(ReviewLearning, ReviewLearning.review_id == Review.id)
        .join(Incident, Incident.id == Review.incident_id)
        .where(_in_period(start, end, area_id), BEHIND[name](value))
        .order_by(Incident.occurred_on.desc(), Review.id)
    )


DOMESTIC_ABUSE = "domestic abuse"  # the risk factor the research's cross-tab is about (by name)


def coded_relation():
    """The suspected perpetrator's relation to the child, or "not_applicable" when the person harmed
    was an adult party or the incident was a suicide (no perpetrator to relate to the child)."""
    return case(
        (
            or_(
                Incident.person_affected == PersonAffected.ADULT_PARTY,
                Incident.cause == IncidentCause.SUICIDE,
            ),
            "not_applicable",
        ),
        else_=ReviewLearning.perpetrator_relation,
    )


LABEL_HEADERS = {
    "risk_factors": _l("Risk factor"),
    "practice_themes": _l("Practice theme"),
    "outcomes": _l("Outcome"),
    "circumstances": _l("Circumstance"),
    "during_proceedings": _l("When the incident happened"),
    "perpetrator_main_risk": _l("Suspected perpetrator"),
    "perpetrator_relation": _l("Relation"),
}


def _share_figure(
    key, title, caption, rows: list[tuple[str, int]], whole: int, *, note=None, row_keys=None
) -> Figure:
    return share_figure(
        key, title, caption, str(LABEL_HEADERS[key]), rows, whole, note=note, row_keys=row_keys
    )


def totals(start: date, end: date, area_id: int | None = None) -> dict[str, int]:
    """Every per-review count in one row (conditional aggregates)."""
    learning = _learning_in_period(start, end, area_id).subquery()
    circumstance = learning.c.circumstance

    def count_where(condition):
        return func.count(case((condition, 1)))

    columns = {
        "reviews": func.count(),
        "deaths": count_where(learning.c.outcome == "death"),
        "serious_harm": count_where(learning.c.outcome == "serious_harm"),
        "during_proceedings": count_where(learning.c.during_proceedings.is_(True)),
        "not_during_proceedings": count_where(learning.c.during_proceedings.is_(False)),
        "ongoing_proceedings": count_where(circumstance == "ongoing_proceedings"),
        "closed_case": count_where(circumstance == "closed_case"),
        "family_member": count_where(learning.c.perpetrator_relation == "family_member"),
        "other_person": count_where(learning.c.perpetrator_relation == "other"),
        "relation_unknown": count_where(learning.c.perpetrator_relation == "unknown"),
        "relation_not_applicable": count_where(learning.c.perpetrator_relation == "not_applicable"),
        "public_law": count_where(learning.c.law_type == LawType.PUBLIC),
        "private_law": count_where(learning.c.law_type == LawType.PRIVATE),
        **{f"cause_{cause.value}": count_where(learning.c.cause == cause) for cause in IncidentCause},
        "domestic_abuse": count_where(learning.c.domestic_abuse == 1),
        **{
            f"domestic_abuse_assessed_{answer}": count_where(
                and_(learning.c.domestic_abuse == 1, learning.c.perpetrator_was_assessed_main_risk == answer)
            )
            for answer in ("yes", "no", "unknown")
        },
        "assessed_yes": count_where(learning.c.perpetrator_was_assessed_main_risk == "yes"),
        "assessed_no": count_where(learning.c.perpetrator_was_assessed_main_risk == "no"),
        "assessed_unknown": count_where(learning.c.perpetrator_was_assessed_main_risk == "unknown"),
    }
    row = db.session.execute(
        select(*(value.label(name) for name, value in columns.items())).select_from(learning)
    ).one()
    return dict(row._mapping)


def tag_counts(
    start: date, end: date, area_id: int | None = None
) -> list[tuple[TagKind, str, bool, int, int, str | None]]:
    """(kind, name, active, reviews tagged in the period, tag id, Welsh name) for every tag, zero counts
    included."""
    tagged = (
        select(review_learning_tags.c.tag_id, review_learning_tags.c.review_id)
        .join(ReviewLearning, ReviewLearning.review_id == review_learning_tags.c.review_id)
        .join(Review, Review.id == review_learning_tags.c.review_id)
        .join(Incident, Incident.id == Review.incident_id)
        .where(_in_period(start, end, area_id))
        .subquery()
    )
    reviews = func.count(tagged.c.review_id)
    return [
        tuple(row)
        for row in db.session.execute(
            select(
                LearningTag.kind,
                LearningTag.name,
                LearningTag.active,
                reviews,
                LearningTag.id,
                LearningTag.name_cy,
            )
            .outerjoin(tagged, tagged.c.tag_id == LearningTag.id)
            .group_by(
                LearningTag.id, LearningTag.kind, LearningTag.name, LearningTag.active, LearningTag.name_cy
            )
            .order_by(reviews.desc(), LearningTag.name)
        ).all()
    ]


def _days_between(later, earlier):
    if db.engine.dialect.name == "postgresql":
        return extract("epoch", later - earlier) / 86400.0
    return func.julianday(later) - func.julianday(earlier)


def stage_medians(start: date, end: date, area_id: int | None = None) -> dict[str, tuple[float, int]]:
    """state -> (median days from entering it to leaving it, how many times it was left).

    Each transition leaves the state the previous one entered; the median is the middle value (or
    the mean of the middle two) picked by row number, which works on SQLite and PostgreSQL alike."""
    t = ReviewTransition
    entered_at = func.lag(t.occurred_at).over(partition_by=t.review_id, order_by=(t.occurred_at, t.id))
    spans = (
        select(t.from_state.label("state"), t.occurred_at.label("left_at"), entered_at.label("entered_at"))
        .join(Review, Review.id == t.review_id)
        .join(Incident, Incident.id == Review.incident_id)
        .where(_in_period(start, end, area_id))
        .subquery()
    )
    days = _days_between(spans.c.left_at, spans.c.entered_at)
    ranked = (
        select(
            spans.c.state,
            days.label("days"),
            func.row_number().over(partition_by=spans.c.state, order_by=days).label("position"),
            func.count().over(partition_by=spans.c.state).label("spans"),
        )
        .where(spans.c.state.is_not(None), spans.c.entered_at.is_not(None))
        .subquery()
    )
    middle = or_(
        ranked.c.position == (ranked.c.spans + 1) // 2, ranked.c.position == (ranked.c.spans + 2) // 2
    )
    rows = db.session.execute(
        select(ranked.c.state, func.avg(ranked.c.days), func.max(ranked.c.spans))
        .where(middle)
        .group_by(ranked.c.state)
    ).all()
    return {state: (float(median), int(count)) for state, median, count in rows}


def overdue_by_area(
    today: date, area_id: int | None = None
) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """(area, open tasks past due) and (area, actions not done past due), every area listed."""
    tasks = (
        select(Case.area_id, func.count(Task.id).label("n"))
        .select_from(Task)
        .join(Review, Review.id == Task.review_id)
        .join(Case, Case.id == Review.case_id)
        .where(overdue(today))
        .group_by(Case.area_id)
        .subquery()
    )
    actions = (
        select(Case.area_id, func.count(ActionPlanItem.id).label("n"))
        .select_from(ActionPlanItem)
        .join(Review, Review.id == ActionPlanItem.review_id)
        .join(Case, Case.id == Review.case_id)
        .where(ActionPlanItem.status != ActionStatus.DONE, ActionPlanItem.due_on < today)
        .group_by(Case.area_id)
        .subquery()
    )
    rows = db.session.execute(
        select(OperationalArea.name, func.coalesce(tasks.c.n, 0), func.coalesce(actions.c.n, 0))
        .outerjoin(tasks, tasks.c.area_id == OperationalArea.id)
        .outerjoin(actions, actions.c.area_id == OperationalArea.id)
        .where(OperationalArea.id == area_id if area_id is not None else true())
        .order_by(OperationalArea.name)
    ).all()
    return [(name, int(t)) for name, t, _a in rows], [(name, int(a)) for name, _t, a in rows]


def _count_figure(key, title, caption, rows: list[tuple[str, int]], unit: str) -> Figure:
    whole = sum(count for _label, count in rows)
    figure = Figure(key, title, caption, [_("Operational area"), unit, _("Percentage of all")])
    top = max((count for _label, count in rows), default=0)
    for label, count in rows:
        figure.rows.append([label, count, f"{percent(count, whole) or 0}%"])
        figure.bars.append((label, 100.0 * count / top if top else 0.0, str(count)))
    return figure


# The stages a review passes through, in order (the states that a review leaves).
STAGES = [state for state in ReviewState if state != ReviewState.CLOSED]


def figures(start: date, end: date, today: date, area_id: int | None = None) -> list[Figure]:
    counts = totals(start, end, area_id)
    whole = counts["reviews"]
    of_reviews = _(
        "Reviews with learning recorded whose incident happened in the period: %(count)s.", count=whole
    )
    result = [trends.trend(start, end, area_id), trends.funnel(start, end, area_id)]
    tag_rows = tag_counts(start, end, area_id)
    for kind, key, title, caption in (
        (TagKind.RISK_FACTOR, "risk_factors", _("Risk factors"), _("Risk factors identified by reviews")),
        (
            TagKind.PRACTICE_THEME,
            "practice_themes",
            _("Practice themes"),
            _("Practice themes identified by reviews"),
        ),
    ):
        # In the order of the names shown among equal counts (the query orders by the English name).
        shown = sorted(
            (row for row in tag_rows if row[0] == kind and (row[2] or row[3])),
            key=lambda row: (-row[3], tag_name(row[1], row[5]).casefold()),
        )
        rows = [
            (
                tag_name(name, name_cy)
                if active
                else _("%(name)s (no longer offered)", name=tag_name(name, name_cy)),
                count,
            )
            for _k, name, active, count, _id, name_cy in shown
        ]
        result.append(
            _share_figure(
                key,
                title,
                caption,
                rows,
                whole,
                note=of_reviews,
                row_keys=[f"tag={row[4]}" for row in shown],
            )
        )
    result.append(
        _share_figure(
            "outcomes",
            _("Deaths and serious harm"),
            _("Outcome of the incident"),
            [(_("Death"), counts["deaths"]), (_("Serious harm"), counts["serious_harm"])],
            whole,
            note=of_reviews,
            row_keys=["outcome=death", "outcome=serious_harm"],
        )
    )
    result.append(
        _share_figure(
            "circumstances",
            _("Ongoing and closed cases"),
            _("Cases with ongoing proceedings and closed cases, as the procedure's circumstances"),
            [
                (_("Ongoing proceedings"), counts["ongoing_proceedings"]),
                (_("Closed case"), counts["closed_case"]),
                (_("Outside the procedure"), whole - counts["ongoing_proceedings"] - counts["closed_case"]),
            ],
            whole,
            note=of_reviews,
            row_keys=["circumstance=ongoing_proceedings", "circumstance=closed_case", "circumstance=outside"],
        )
    )
    result.append(
        _share_figure(
            "during_proceedings",
            _("Incidents during proceedings"),
            _("Whether the incident happened while family court proceedings were ongoing"),
            [
                (_("During proceedings"), counts["during_proceedings"]),
                (_("Not during proceedings"), counts["not_during_proceedings"]),
            ],
            whole,
            note=of_reviews,
            row_keys=["during_proceedings=yes", "during_proceedings=no"],
        )
    )
    known = counts["assessed_yes"] + counts["assessed_no"]
    result.append(
        _share_figure(
            "perpetrator_main_risk",
            _("Perpetrator and the person assessed as the main risk"),
            _("Whether the suspected perpetrator was the person assessed as posing the greatest risk"),
            [
                (_("Not the person assessed as the main risk"), counts["assessed_no"]),
                (_("The person assessed as the main risk"), counts["assessed_yes"]),
            ],
            known,
            note=_(
                "Percentages are of the %(known)s reviews where this is known; not known in %(unknown)s.",
                known=known,
                unknown=counts["assessed_unknown"],
            ),
            row_keys=["assessed=no", "assessed=yes"],
        )
    )
    result.append(
        _share_figure(
            "perpetrator_relation",
            _("Suspected perpetrator"),
            _("The suspected perpetrator's relation to the child"),
            [
                (_("A family member"), counts["family_member"]),
                (_("Someone else"), counts["other_person"]),
                (_("Not known"), counts["relation_unknown"]),
                (_("Not applicable (an adult, or a suicide)"), counts["relation_not_applicable"]),
            ],
            whole,
            note=of_reviews
            + " "
            + _(
                "Not applicable, in this service's reading: the person harmed was an adult party to the "
                "proceedings, or the incident was a suicide."
            ),
            row_keys=[
                "relation=family_member",
                "relation=other",
                "relation=unknown",
                "relation=not_applicable",
            ],
        )
    )
    risk_counts = {row[1]: row[3] for row in tag_rows if row[0] == TagKind.RISK_FACTOR}
    result += research.figures(counts, risk_counts, start, end, area_id)
    result += [trends.points_by_theme(start, end, area_id), trends.actions_by_theme(start, end, area_id)]
    result.append(_stage_figure(stage_medians(start, end, area_id)))
    tasks, actions = overdue_by_area(today, area_id)
    result.append(
        _count_figure(
            "overdue_tasks",
            _("Overdue tasks by area"),
            _("Open tasks past their due date today, by the case's operational area"),
            tasks,
            _("Overdue tasks"),
        )
    )
    result.append(
        _count_figure(
            "overdue_actions",
            _("Overdue actions by area"),
            _("Actions not done and past their due date today, by the case's operational area"),
            actions,
            _("Overdue actions"),
        )
    )
    return result


def _stage_figure(medians: dict[str, tuple[float, int]]) -> Figure:
    figure = Figure(
        "stage_medians",
        _("Median time in each stage"),
        _("Median days from a review entering each stage to leaving it"),
        [_("Stage"), _("Median days"), _("Times left")],
        note=_(
            "All reviews whose incident happened in the period, with or without learning recorded. A "
            "review that comes back to a stage (after a concern about the report, say) counts each time it "
            "leaves it."
        ),
    )
    present = [(state, medians[state.value]) for state in STAGES if state.value in medians]
    top = max((median for _state, (median, _n) in present), default=0.0)
    for state, (median, count) in present:
        shown = f"{median:.1f}"
        figure.rows.append([state.label, shown, count])
        figure.bars.append(
            (state.label, 100.0 * median / top if top else 0.0, _("%(days)s days", days=shown))
        )
    return figure
