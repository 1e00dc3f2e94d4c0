"""Demonstration data for the learning dashboard: clearly fictional closed reviews, spread over the
last two years, drawn at random around the proportions of learning-from-97-serious-case-reviews.txt
(neglect in about 60%, domestic abuse in about 70%, a third during proceedings, 60% deaths, and in
about half the domestic-abuse cases the suspected perpetrator was not the person assessed as the main
risk). Each review draws each property on its own, so a seed gives figures near the research's, not
equal to them: the dashboard has something to tell. Each review has one to three learning points,
tagged with its themes and risk factors and answered by its actions (or, now and then, a reason).

Rows are written with bulk INSERTs (a dozen statements in all), so a hundred reviews take well under
a second. The caller commits.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, insert, select

from webapp import users
from webapp.extensions import db
from webapp.formatting import LONDON, today_in_london
from webapp.models import (
    ActionPlanItem,
    ActionProgressNote,
    ActionStatus,
    ApplicationType,
    Case,
    Child,
    CourtApplication,
    Incident,
    IncidentCause,
    IncidentKind,
    LawType,
    LearningPoint,
    LearningTag,
    OperationalArea,
    PersonAffected,
    ProceedingsStatus,
    ProgressReview,
    Review,
    ReviewLearning,
    ReviewState,
    ReviewTransition,
    Role,
    SltMeeting,
    TagKind,
    User,
    learning_point_actions,
    learning_point_tags,
    review_learning_tags,
)

CASE_PREFIX = "DEMOL"
WELSH_FIRST_NAMES = [
    "Aled", "Alys", "Anwen", "Bryn", "Cadi", "Caio", "Carys", "Cerys", "Deio", "Dylan", "Efa", "Elin",
    "Emrys", "Ffion", "Gethin", "Gwen", "Hafwen", "Iestyn", "Iwan", "Lowri", "Mabli", "Macsen", "Mali",
    "Nel", "Nia", "Osian", "Rhian", "Rhodri", "Seren", "Steffan", "Tomos", "Wyn",
]  # fmt: skip
ACTIONS = [
    "Run a practice learning session for the area team on the review's themes",
    "Add the learning to the induction programme for new practitioners",
    "Audit a sample of case files for the quality of risk analysis",
    "Update the practice guidance on working with domestic abuse",
    "Brief Practice Managers on supervision of complex cases",
    "Review the checklist used when a case is first allocated",
    "Share an anonymised learning summary with partner agencies",
    "Hold a reflective session with the practitioners involved",
]

# Share of reviews with each risk factor and practice theme (the research's, where it gives one).
RISK_SHARES = {
    "Neglect": 0.60,
    "Domestic abuse": 0.71,
    "Physical abuse": 0.45,
    "Parental mental health": 0.30,
    "Substance misuse": 0.35,
    "Sexual abuse or exploitation": 0.08,
    "Co-sleeping": 0.10,
}
THEME_SHARES = {
    "Front-loading of the work": 0.40,
    "Planning": 0.45,
    "Sound recording": 0.35,
    "Systematic attention to the needs of the child": 0.50,
    "Crisp analysis": 0.30,
}


def _chosen(rng: random.Random, count: int, share: float) -> set[int]:
    """Each review drawn on its own with chance ``share``: near the research's share, not equal to it."""
    return {index for index in range(count) if rng.random() < share}


def _at(day: date, rng: random.Random) -> datetime:
    """A working-hours moment on that day in Europe/London, as UTC."""
    local = datetime.combine(day, time(9), tzinfo=LONDON) + timedelta(minutes=rng.randint(0, 8 * 60))
    return local.astimezone(UTC)


def _local_date(moment: datetime) -> date:
    return moment.astimezone(LONDON).date()


class _People:
    """The demo's people, by what they do in a review."""

    def __init__(self) -> None:
        self.teams = []
        for area in db.session.execute(select(OperationalArea).order_by(OperationalArea.id)).scalars():
            practitioners = users.holding(Role.PRACTITIONER, area_id=area.id, by_id=True)
            managers = users.holding(Role.PRACTICE_MANAGER, area_id=area.id, by_id=True)
            if practitioners and managers:
                self.teams.append((area, practitioners, managers))
        ce = users.holding(Role.CHIEF_EXECUTIVE, by_id=True) or users.holding(
            Role.DEPUTY_CHIEF_EXECUTIVE, by_id=True
        )
        if not self.teams or not ce:
            raise RuntimeError(
                "Seed the demo people first: an area with a practitioner and a Practice Manager, and a CE"
            )
        self.ce = ce[0]
        self.dce = (users.holding(Role.DEPUTY_CHIEF_EXECUTIVE, by_id=True) or ce)[0]
        self.pdt = (users.holding(Role.PRACTICE_DEVELOPMENT_TEAM, by_id=True) or ce)[0]
        self.reviewers = users.holding(Role.HEAD_OF_OPERATIONS, by_id=True)
        owners = {user.id: user for user in users.holding(Role.PRACTICE_MANAGER, by_id=True)}
        for role in (Role.PRACTICE_DEVELOPMENT_TEAM, Role.AREA_HEAD_OF_OPERATIONS):
            owners.update({user.id: user for user in users.holding(role, by_id=True)})
        self.owners = list(owners.values())

    def reviewer_for(self, area_id: int, rng: random.Random) -> User | None:
        independent = [user for user in self.reviewers if user.area_id != area_id]
        return rng.choice(independent or self.reviewers) if self.reviewers else None


@dataclass(frozen=True)
class Step:
    """One move in a demo review's history, ``gap_days`` after the one before."""

    before: ReviewState | None
    after: ReviewState
    action: str
    actor_id: int | None
    gap_days: float


@dataclass(frozen=True)
class Moved:
    """A step at the moment it happened."""

    step: Step
    at: datetime


@dataclass(frozen=True)
class Shares:
    """Which of the reviews (by index) have each property, in the research's proportions."""

    risks: dict[str, set[int]]
    themes: dict[str, set[int]]
    deaths: set[int]
    recent: set[int]
    during: set[int]
    assessed: dict[str, set[int]]  # _assessed_main_risk's groups


@dataclass
class Planned:
    """One demo review as it is built, table by table."""

    index: int
    case: dict
    reviewer: User | None
    steps: list[Step]
    occurred_on: date
    in_proceedings: bool
    case_id: int = 0
    incident: dict = field(default_factory=dict)
    incident_id: int = 0
    history: list[Moved] = field(default_factory=list)
    review_id: int = 0

    def stamp(self, action: str) -> datetime | None:
        return next((moved.at for moved in self.history if moved.step.action == action), None)

    def at(self, action: str) -> datetime:
        """When a step every closed review takes happened: a timeline without it is a bug in the seed."""
        moment = self.stamp(action)
        if moment is None:
            raise LookupError(f"the planned timeline has no {action!r} step")
        return moment


def _timeline(rng: random.Random, people: _People, case_row: dict, reviewer: User | None) -> list[Step]:
    """The steps from incident to closure; one review in four has a concern about the report, some
    of them decided by the DCE."""
    s = ReviewState
    reviewer_id = reviewer.id if reviewer else None
    practitioner_id = case_row["practitioner_id"]
    steps = [
        Step(None, s.AWAITING_DECISION, "open_within_procedure", case_row["practice_manager_id"], 0),
        Step(s.AWAITING_DECISION, s.INITIATED, "initiate", people.ce.id, rng.uniform(2, 12)),
        Step(s.INITIATED, s.IN_REVIEW, "allocate_reviewer", people.ce.id, rng.uniform(3, 15)),
        Step(s.IN_REVIEW, s.ACCURACY_CHECK, "share_report", reviewer_id, rng.uniform(35, 90)),
    ]
    dispute = rng.random()
    if dispute < 0.15:
        steps += [
            Step(s.ACCURACY_CHECK, s.DISPUTE_AUTHOR, "raise_concern", practitioner_id, rng.uniform(3, 10)),
            Step(s.DISPUTE_AUTHOR, s.ACCURACY_CHECK, "resolved_by_author", reviewer_id, rng.uniform(5, 15)),
            Step(s.ACCURACY_CHECK, s.AGREED, "all_agreed", None, rng.uniform(3, 10)),
        ]
    elif dispute < 0.25:
        steps += [
            Step(s.ACCURACY_CHECK, s.DISPUTE_AUTHOR, "raise_concern", practitioner_id, rng.uniform(3, 10)),
            Step(s.DISPUTE_AUTHOR, s.DISPUTE_DCE, "escalate_to_dce", reviewer_id, rng.uniform(8, 15)),
            Step(s.DISPUTE_DCE, s.AGREED, "dce_decided", people.dce.id, rng.uniform(7, 20)),
        ]
    else:
        steps.append(Step(s.ACCURACY_CHECK, s.AGREED, "all_agreed", None, rng.uniform(5, 14)))
    steps += [
        Step(s.AGREED, s.ACTION_PLANNING, "slt_discussed", people.ce.id, rng.uniform(10, 30)),
        Step(s.ACTION_PLANNING, s.MONITORING, "action_plan_agreed", people.pdt.id, rng.uniform(5, 20)),
        Step(s.MONITORING, s.CLOSED, "close", people.pdt.id, rng.uniform(40, 150)),
    ]
    return steps


def _insert(model, rows: list[dict]) -> list[int]:
    """Insert many rows in one statement; their new ids, in the order given."""
    if not rows:
        return []
    return list(db.session.scalars(insert(model).returning(model.id, sort_by_parameter_order=True), rows))


def seed_closed_reviews(count: int = 100, *, rng: random.Random, today: date | None = None) -> int:
    """Add ``count`` fictional closed reviews (cases DEMOL0001 on) with their learning, SLT meeting,
    action plans (every action done), progress reviews and a full state history. Returns ``count``.

    Each step below draws from ``rng`` in turn, so a seed always gives the same reviews."""
    today = today or today_in_london()
    people = _People()
    first = (
        1
        + db.session.execute(
            select(func.count()).select_from(Case).where(Case.case_number.like(f"{CASE_PREFIX}%"))
        ).scalar_one()
    )
    shares = _shares(rng, count)
    planned = _plan(rng, people, shares, count=count, first=first, today=today)
    _insert_cases(rng, planned)
    _insert_incidents(rng, planned, shares)
    _insert_reviews(planned, people)
    _insert_outcomes(rng, planned, people, shares)
    db.session.flush()
    return count


def _shares(rng: random.Random, count: int) -> Shares:
    risks = {name: _chosen(rng, count, share) for name, share in RISK_SHARES.items()}
    themes = {name: _chosen(rng, count, share) for name, share in THEME_SHARES.items()}
    deaths = _chosen(rng, count, 0.60)
    recent = _chosen(rng, count, 0.50)
    during = _chosen(rng, count, 0.35)
    abuse = sorted(risks["Domestic abuse"])
    # Of the domestic-abuse cases: about half "not the person assessed as the main risk".
    draws = {index: rng.random() for index in abuse}
    assessed = {
        "domestic_abuse": set(abuse),
        "no": {index for index, draw in draws.items() if draw < 0.48},
        "unknown": {index for index, draw in draws.items() if 0.48 <= draw < 0.55},
    }
    return Shares(risks, themes, deaths, recent, during, assessed)


def _plan(
    rng: random.Random, people: _People, shares: Shares, *, count: int, first: int, today: date
) -> list[Planned]:
    """Each review's case row, reviewer, timeline and dates."""
    planned = []
    for index in range(count):
        area, practitioners, managers = people.teams[index % len(people.teams)]
        case_row: dict[str, Any] = {
            "case_number": f"{CASE_PREFIX}{first + index:04d}",
            "area_id": area.id,
            "law_type": rng.choice([LawType.PUBLIC, LawType.PRIVATE]),
            "practitioner_id": rng.choice(practitioners).id,
            "practice_manager_id": rng.choice(managers).id,
            "version": 1,
        }
        reviewer = people.reviewer_for(area.id, rng)
        steps = _timeline(rng, people, case_row, reviewer)
        total = sum(step.gap_days for step in steps) + 5
        # Half the incidents in the last 12 months (the dashboard's default period), half in the year
        # before; every review closed by yesterday.
        days = int(total) + 1
        recent_enough = index in shares.recent and days < 365
        age = rng.randint(days, 364) if recent_enough else rng.randint(max(days, 366), 729)
        occurred_on = today - timedelta(days=age)
        in_proceedings = index in shares.during
        closed_on = (
            min(today - timedelta(days=1), occurred_on + timedelta(days=rng.randint(20, 200)))
            if in_proceedings
            else occurred_on - timedelta(days=rng.randint(30, 700))
        )
        case_row.update(
            proceedings_status=ProceedingsStatus.CLOSED,
            proceedings_closed_on=closed_on,
            created_at=_at(min(closed_on, occurred_on) - timedelta(days=rng.randint(120, 700)), rng),
        )
        planned.append(Planned(index, case_row, reviewer, steps, occurred_on, in_proceedings))
    return planned


def _insert_cases(rng: random.Random, planned: list[Planned]) -> None:
    """The cases, each with a child or two and an application."""
    case_ids = _insert(Case, [review.case for review in planned])
    children, applications = [], []
    for review, case_id in zip(planned, case_ids, strict=True):
        review.case_id = case_id
        for _child in range(rng.randint(1, 2)):
            children.append(
                {
                    "case_id": case_id,
                    "name": f"{rng.choice(WELSH_FIRST_NAMES)} Example",
                    "date_of_birth": review.occurred_on - timedelta(days=rng.randint(60, 15 * 365)),
                }
            )
        kinds = (
            [ApplicationType.CARE_ORDER, ApplicationType.SUPERVISION_ORDER]
            if review.case["law_type"] == LawType.PUBLIC
            else [ApplicationType.CHILD_ARRANGEMENTS, ApplicationType.PROHIBITED_STEPS]
        )
        applications.append(
            {
                "case_id": case_id,
                "application_type": rng.choice(kinds),
                "made_on": _local_date(review.case["created_at"]),
            }
        )
    db.session.execute(insert(Child), children)
    db.session.execute(insert(CourtApplication), applications)


def _insert_incidents(rng: random.Random, planned: list[Planned], shares: Shares) -> None:
    for review in planned:
        index = review.index
        notified_on = review.occurred_on + timedelta(days=rng.randint(0, 3))
        cause = (
            IncidentCause.VIOLENCE
            if index in shares.risks["Physical abuse"]
            else IncidentCause.NEGLECT
            if index in shares.risks["Neglect"] or index in shares.risks["Co-sleeping"]
            else IncidentCause.ABUSE
        )
        recorded_at = _at(notified_on, rng)
        review.incident = {
            "case_id": review.case_id,
            "kind": IncidentKind.DEATH if index in shares.deaths else IncidentKind.SIGNIFICANT_INCIDENT,
            "occurred_on": review.occurred_on,
            "cause": cause,
            "person_affected": PersonAffected.CHILD_SUBJECT,
            "linked_to_court_involvement": True,
            "susr_known": False,
            "scr_known": False,
            "summary": "Fictional demonstration incident. No real person is described.",
            "notified_by": "Local authority social worker (demo)",
            "notified_on": notified_on,
            "recorded_by_id": review.case["practice_manager_id"],
            "recorded_at": recorded_at,
            "updated_at": recorded_at,
            "version": 1,
        }
    incident_ids = _insert(Incident, [review.incident for review in planned])
    for review, incident_id in zip(planned, incident_ids, strict=True):
        review.incident_id = incident_id


def _insert_reviews(planned: list[Planned], people: _People) -> None:
    """The reviews, closed; each step's moment follows from the incident being recorded."""
    rows = []
    for review in planned:
        moment = review.incident["recorded_at"]
        for step in review.steps:
            moment = moment + timedelta(days=step.gap_days)
            review.history.append(Moved(step, moment))
        rows.append(
            {
                "incident_id": review.incident_id,
                "case_id": review.case_id,
                "state": ReviewState.CLOSED,
                "within_procedure": True,
                "circumstance": "ongoing_proceedings" if review.in_proceedings else "closed_case",
                "rapid_review": False,
                "follow_susr_process": False,
                "reasons": [
                    {
                        "rule": "demo",
                        "text": "Fictional demonstration review: within the procedure.",
                        "clause": "Case Review Explained: circumstances 1 and 2",
                    }
                ],
                "decision_initiate": True,
                "decision_rationale": "Fictional demonstration decision.",
                "decision_override": False,
                "decided_by_id": people.ce.id,
                "decided_at": review.stamp("initiate"),
                "reviewer_id": review.reviewer.id if review.reviewer else None,
                "closed_at": review.stamp("close"),
                "closed_by_id": people.pdt.id,
                "created_at": review.incident["recorded_at"],
                "updated_at": review.stamp("close"),
                "version": 1,
            }
        )
    for review, review_id in zip(planned, _insert(Review, rows), strict=True):
        review.review_id = review_id


def _insert_outcomes(rng: random.Random, planned: list[Planned], people: _People, shares: Shares) -> None:
    """Each review's history, learning and tags, SLT meeting, actions (all done) and progress reviews."""
    tag_ids = {(tag.kind, tag.name): tag.id for tag in db.session.execute(select(LearningTag)).scalars()}
    transitions: list[dict[str, Any]] = []
    tags: list[dict[str, int]] = []
    learning: list[dict] = []
    meetings: list[dict] = []
    items: list[dict] = []
    progress: list[dict] = []
    outlines: list[list[PointPlan]] = []
    for review in planned:
        index, review_id = review.index, review.review_id
        transitions.extend(
            {
                "review_id": review_id,
                "from_state": moved.step.before.value if moved.step.before else None,
                "to_state": moved.step.after.value,
                "action": moved.step.action,
                "actor_id": moved.step.actor_id,
                "occurred_at": moved.at,
            }
            for moved in review.history
        )
        agreed = review.stamp("all_agreed") or review.at("dce_decided")
        learning.append(
            {
                "review_id": review_id,
                "outcome": "death" if index in shares.deaths else "serious_harm",
                "during_proceedings": review.in_proceedings,
                "perpetrator_relation": rng.choices(
                    ["family_member", "other", "unknown"], weights=[88, 8, 4]
                )[0],
                "perpetrator_was_assessed_main_risk": _assessed_main_risk(rng, index, shares.assessed),
                "updated_by_id": people.pdt.id,
                "updated_at": agreed + timedelta(days=2),
            }
        )
        chosen_risks = [name for name, members in shares.risks.items() if index in members] or [
            "Physical abuse"
        ]
        chosen_themes = [name for name, members in shares.themes.items() if index in members] or ["Planning"]
        for kind, names in ((TagKind.RISK_FACTOR, chosen_risks), (TagKind.PRACTICE_THEME, chosen_themes)):
            tags.extend(
                {"review_id": review_id, "tag_id": tag_ids[(kind, name)]}
                for name in names
                if (kind, name) in tag_ids
            )
        slt_at = review.at("slt_discussed")
        meetings.append(
            {
                "review_id": review_id,
                "met_on": _local_date(slt_at),
                "notes": "Fictional demonstration: the themes were discussed and an action plan requested.",
                "recorded_by_id": people.ce.id,
                "recorded_at": slt_at,
            }
        )
        review_items = _action_rows(rng, review, people)
        outlines.append(
            _point_outline(rng, review, chosen_risks, chosen_themes, len(items), len(review_items))
        )
        items += review_items
        progress += _progress_rows(rng, review, people)
    db.session.execute(insert(ReviewTransition), transitions)
    db.session.execute(insert(ReviewLearning), learning)
    db.session.execute(insert(review_learning_tags), tags)
    db.session.execute(insert(SltMeeting), meetings)
    item_ids = _insert(ActionPlanItem, items)
    db.session.execute(
        insert(ActionProgressNote),
        [
            {
                "item_id": item_id,
                "note": "Done (fictional demonstration).",
                "author_id": item["owner_id"],
                "created_at": item["completed_at"],
            }
            for item_id, item in zip(item_ids, items, strict=True)
        ],
    )
    db.session.execute(insert(ProgressReview), progress)
    _insert_points([point for outline in outlines for point in outline], item_ids, tag_ids)


# Learning points in the words of the research's practice messages (fictional wording).
POINT_TEXTS = {
    "Front-loading of the work": "Gather the information about risk at the start of the case, not late.",
    "Planning": "Plan the work with the child and family, and revisit the plan when things change.",
    "Sound recording": "Record what was seen and heard, and why decisions were made.",
    "Systematic attention to the needs of the child": "Keep the child's needs and experience at the centre.",
    "Crisp analysis": "Analyse the risk clearly, including from adults not thought to pose the most risk.",
}
NO_ACTION_REASONS = [
    "Already covered by the practice learning programme (fictional demonstration).",
    "Shared with the partner agency, whose action it is (fictional demonstration).",
]


@dataclass
class PointPlan:
    """One demo learning point as it is built: its actions by position in the seed's list of actions."""

    review_id: int
    position: int
    text: str
    tags: list[tuple[TagKind, str]]
    at: datetime
    items: list[int] = field(default_factory=list)
    reason: str | None = None


def _point_outline(
    rng: random.Random, review: Planned, risks: list[str], themes: list[str], first_item: int, items: int
) -> list[PointPlan]:
    """One to three learning points, each on one of the review's themes with one of its risk factors;
    its actions (by position in the seed's list) are shared out among them, and a point left without
    one has a reason instead (so the closed review answers every point)."""
    chosen = rng.sample(themes, min(len(themes), rng.randint(1, 3)))
    outline = []
    for position, theme in enumerate(chosen, start=1):
        outline.append(
            PointPlan(
                review_id=review.review_id,
                position=position,
                text=POINT_TEXTS.get(theme, "Fictional demonstration learning point."),
                tags=[(TagKind.PRACTICE_THEME, theme), (TagKind.RISK_FACTOR, rng.choice(risks))],
                at=review.stamp("all_agreed") or review.at("dce_decided"),
            )
        )
    for offset in range(items):
        if rng.random() < 0.9:  # now and then an action answers no point in particular
            outline[offset % len(outline)].items.append(first_item + offset)
    for point in outline:
        point.reason = None if point.items else rng.choice(NO_ACTION_REASONS)
    return outline


def _insert_points(outline: list[PointPlan], item_ids: list[int], tag_ids: dict) -> None:
    point_ids = _insert(
        LearningPoint,
        [
            {
                "review_id": point.review_id,
                "draft_id": None,  # the demo's closed reviews have no report versions
                "position": point.position,
                "text": point.text,
                "no_action_reason": point.reason,
                "created_at": point.at,
                "updated_at": point.at,
            }
            for point in outline
        ],
    )
    tags, actions = [], []
    for point_id, point in zip(point_ids, outline, strict=True):
        tags += [
            {"learning_point_id": point_id, "tag_id": tag_ids[tag]}
            for tag in set(point.tags)
            if tag in tag_ids
        ]
        actions += [{"learning_point_id": point_id, "action_item_id": item_ids[i]} for i in point.items]
    if tags:
        db.session.execute(insert(learning_point_tags), tags)
    if actions:
        db.session.execute(insert(learning_point_actions), actions)


def _action_rows(rng: random.Random, review: Planned, people: _People) -> list[dict]:
    """One to four actions, each done while the plan was monitored."""
    monitoring, closed = review.at("action_plan_agreed"), review.at("close")
    span = (closed - monitoring).days
    rows = []
    for action in rng.sample(ACTIONS, rng.randint(1, 4)):
        done_at = monitoring + timedelta(days=rng.uniform(5, max(6, span - 2)))
        rows.append(
            {
                "review_id": review.review_id,
                "action": action,
                "owner_id": rng.choice(people.owners or [people.pdt]).id,
                "due_on": max(
                    _local_date(monitoring) + timedelta(days=7),
                    _local_date(done_at) + timedelta(days=rng.randint(-10, 20)),
                ),
                "status": ActionStatus.DONE,
                "task_id": None,
                "completed_at": done_at,
                "created_at": review.at("slt_discussed") + timedelta(days=1),
            }
        )
    return rows


def _progress_rows(rng: random.Random, review: Planned, people: _People) -> list[dict]:
    """One to three progress reviews, spread over the monitoring."""
    monitoring, closed = review.at("action_plan_agreed"), review.at("close")
    span = (closed - monitoring).days
    rows = []
    for step in range(1, rng.randint(1, 3) + 1):
        on = monitoring + timedelta(days=span * step / 4)
        rows.append(
            {
                "review_id": review.review_id,
                "reviewed_on": _local_date(on),
                "notes": "Fictional demonstration progress review: actions on track.",
                "reviewed_by_id": people.pdt.id,
                "created_at": on,
            }
        )
    return rows


def _assessed_main_risk(rng: random.Random, index: int, groups: dict[str, set[int]]) -> str:
    """Was the suspected perpetrator the person assessed as posing the greatest risk?"""
    if index in groups["no"]:
        return "no"
    if index in groups["unknown"]:
        return "unknown"
    if index in groups["domestic_abuse"]:
        return "yes"
    return rng.choices(["yes", "no", "unknown"], weights=[5, 3, 2])[0]
