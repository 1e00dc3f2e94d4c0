"""Demonstration data for the learning dashboard: clearly fictional closed reviews, spread over the
last two years, in roughly the proportions of learning-from-97-serious-case-reviews.txt (neglect in
about 60%, domestic abuse in about 70%, a third during proceedings, 60% deaths, and in about half the
domestic-abuse cases the suspected perpetrator was not the person assessed as the main risk).

Rows are written with bulk INSERTs (a dozen statements in all), so a hundred reviews take well under
a second. The caller commits.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, insert, select

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
    UserRole,
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
    """Exactly round(share x count) of the reviews, at random: the proportions hold for any seed."""
    return set(rng.sample(range(count), round(share * count)))


def _users_with(role: Role, area_id: int | None = None) -> list[User]:
    query = select(User).join(UserRole).where(UserRole.role == role, User.active.is_(True)).order_by(User.id)
    if area_id is not None:
        query = query.where(User.area_id == area_id)
    return list(db.session.execute(query).scalars())


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
            practitioners = _users_with(Role.PRACTITIONER, area.id)
            managers = _users_with(Role.PRACTICE_MANAGER, area.id)
            if practitioners and managers:
                self.teams.append((area, practitioners, managers))
        ce = _users_with(Role.CHIEF_EXECUTIVE) or _users_with(Role.DEPUTY_CHIEF_EXECUTIVE)
        if not self.teams or not ce:
            raise RuntimeError(
                "Seed the demo people first: an area with a practitioner and a Practice Manager, and a CE"
            )
        self.ce = ce[0]
        self.dce = (_users_with(Role.DEPUTY_CHIEF_EXECUTIVE) or ce)[0]
        self.pdt = (_users_with(Role.PRACTICE_DEVELOPMENT_TEAM) or ce)[0]
        self.reviewers = _users_with(Role.HEAD_OF_OPERATIONS)
        owners = {user.id: user for user in _users_with(Role.PRACTICE_MANAGER)}
        for role in (Role.PRACTICE_DEVELOPMENT_TEAM, Role.AREA_HEAD_OF_OPERATIONS):
            owners.update({user.id: user for user in _users_with(role)})
        self.owners = list(owners.values())

    def reviewer_for(self, area_id: int, rng: random.Random) -> User | None:
        independent = [user for user in self.reviewers if user.area_id != area_id]
        return rng.choice(independent or self.reviewers) if self.reviewers else None


def _timeline(rng: random.Random, people: _People, case_row: dict, reviewer: User | None) -> list[tuple]:
    """(from state, to state, action, actor id, days since the previous step), incident to closure;
    one review in four has a concern about the report, some of them decided by the DCE."""
    s = ReviewState
    reviewer_id = reviewer.id if reviewer else None
    practitioner_id = case_row["practitioner_id"]
    steps = [
        (None, s.AWAITING_DECISION, "open_within_procedure", case_row["practice_manager_id"], 0),
        (s.AWAITING_DECISION, s.INITIATED, "initiate", people.ce.id, rng.uniform(2, 12)),
        (s.INITIATED, s.IN_REVIEW, "allocate_reviewer", people.ce.id, rng.uniform(3, 15)),
        (s.IN_REVIEW, s.ACCURACY_CHECK, "share_report", reviewer_id, rng.uniform(35, 90)),
    ]
    dispute = rng.random()
    if dispute < 0.15:
        steps += [
            (s.ACCURACY_CHECK, s.DISPUTE_AUTHOR, "raise_concern", practitioner_id, rng.uniform(3, 10)),
            (s.DISPUTE_AUTHOR, s.ACCURACY_CHECK, "resolved_by_author", reviewer_id, rng.uniform(5, 15)),
            (s.ACCURACY_CHECK, s.AGREED, "all_agreed", None, rng.uniform(3, 10)),
        ]
    elif dispute < 0.25:
        steps += [
            (s.ACCURACY_CHECK, s.DISPUTE_AUTHOR, "raise_concern", practitioner_id, rng.uniform(3, 10)),
            (s.DISPUTE_AUTHOR, s.DISPUTE_DCE, "escalate_to_dce", reviewer_id, rng.uniform(8, 15)),
            (s.DISPUTE_DCE, s.AGREED, "dce_decided", people.dce.id, rng.uniform(7, 20)),
        ]
    else:
        steps.append((s.ACCURACY_CHECK, s.AGREED, "all_agreed", None, rng.uniform(5, 14)))
    steps += [
        (s.AGREED, s.ACTION_PLANNING, "slt_discussed", people.ce.id, rng.uniform(10, 30)),
        (s.ACTION_PLANNING, s.MONITORING, "action_plan_agreed", people.pdt.id, rng.uniform(5, 20)),
        (s.MONITORING, s.CLOSED, "close", people.pdt.id, rng.uniform(40, 150)),
    ]
    return steps


def _insert(model, rows: list[dict]) -> list[int]:
    """Insert many rows in one statement; their new ids, in the order given."""
    if not rows:
        return []
    return list(db.session.scalars(insert(model).returning(model.id, sort_by_parameter_order=True), rows))


def seed_closed_reviews(count: int = 100, *, rng: random.Random, today: date | None = None) -> int:
    """Add ``count`` fictional closed reviews (cases DEMOL0001 on) with their learning, SLT meeting,
    action plans (every action done), progress reviews and a full state history. Returns ``count``."""
    today = today or today_in_london()
    people = _People()
    tag_ids = {(tag.kind, tag.name): tag.id for tag in db.session.execute(select(LearningTag)).scalars()}
    first = (
        1
        + db.session.execute(
            select(func.count()).select_from(Case).where(Case.case_number.like(f"{CASE_PREFIX}%"))
        ).scalar_one()
    )

    risks = {name: _chosen(rng, count, share) for name, share in RISK_SHARES.items()}
    themes = {name: _chosen(rng, count, share) for name, share in THEME_SHARES.items()}
    deaths = _chosen(rng, count, 0.60)
    recent = _chosen(rng, count, 0.50)
    during = _chosen(rng, count, 0.35)
    abuse = sorted(risks["Domestic abuse"])
    rng.shuffle(abuse)
    # Of the domestic-abuse cases: about half "not the person assessed as the main risk".
    assessed_groups = {
        "domestic_abuse": set(abuse),
        "no": set(abuse[: round(0.48 * len(abuse))]),
        "unknown": set(abuse[round(0.48 * len(abuse)) : round(0.55 * len(abuse))]),
    }

    cases, plans = [], []
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
        total = sum(step[4] for step in steps) + 5
        # Half the incidents in the last 12 months (the dashboard's default period), half in the year
        # before; every review closed by yesterday.
        days = int(total) + 1
        recent_enough = index in recent and days < 365
        age = rng.randint(days, 364) if recent_enough else rng.randint(max(days, 366), 729)
        occurred_on = today - timedelta(days=age)
        in_proceedings = index in during
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
        cases.append(case_row)
        plans.append((index, case_row, reviewer, steps, occurred_on, in_proceedings))

    case_ids = _insert(Case, cases)
    children: list[dict[str, Any]] = []
    applications: list[dict[str, Any]] = []
    incidents: list[dict[str, Any]] = []
    for (_index, case_row, _reviewer, _steps, occurred_on, _during), case_id in zip(
        plans, case_ids, strict=True
    ):
        for _child in range(rng.randint(1, 2)):
            children.append(
                {
                    "case_id": case_id,
                    "name": f"{rng.choice(WELSH_FIRST_NAMES)} Example",
                    "date_of_birth": occurred_on - timedelta(days=rng.randint(60, 15 * 365)),
                }
            )
        kinds = (
            [ApplicationType.CARE_ORDER, ApplicationType.SUPERVISION_ORDER]
            if case_row["law_type"] == LawType.PUBLIC
            else [ApplicationType.CHILD_ARRANGEMENTS, ApplicationType.PROHIBITED_STEPS]
        )
        applications.append(
            {
                "case_id": case_id,
                "application_type": rng.choice(kinds),
                "made_on": _local_date(case_row["created_at"]),
            }
        )
    db.session.execute(insert(Child), children)
    db.session.execute(insert(CourtApplication), applications)

    for (index, case_row, _reviewer, _steps, occurred_on, _during), case_id in zip(
        plans, case_ids, strict=True
    ):
        notified_on = occurred_on + timedelta(days=rng.randint(0, 3))
        cause = (
            IncidentCause.VIOLENCE
            if index in risks["Physical abuse"]
            else IncidentCause.NEGLECT
            if index in risks["Neglect"] or index in risks["Co-sleeping"]
            else IncidentCause.ABUSE
        )
        recorded_at = _at(notified_on, rng)
        incidents.append(
            {
                "case_id": case_id,
                "kind": IncidentKind.DEATH if index in deaths else IncidentKind.SIGNIFICANT_INCIDENT,
                "occurred_on": occurred_on,
                "cause": cause,
                "person_affected": PersonAffected.CHILD_SUBJECT,
                "linked_to_court_involvement": True,
                "susr_known": False,
                "scr_known": False,
                "summary": "Fictional demonstration incident. No real person is described.",
                "notified_by": "Local authority social worker (demo)",
                "notified_on": notified_on,
                "recorded_by_id": case_row["practice_manager_id"],
                "recorded_at": recorded_at,
                "updated_at": recorded_at,
                "version": 1,
            }
        )
    incident_ids = _insert(Incident, incidents)

    reviews, histories = [], []
    for plan_row, case_id, incident_id, incident in zip(
        plans, case_ids, incident_ids, incidents, strict=True
    ):
        _index, case_row, reviewer, steps, _occurred_on, in_proceedings = plan_row
        moment: datetime = incident["recorded_at"]
        history = []
        for before, after, action, actor_id, gap in steps:
            moment = moment + timedelta(days=gap)
            history.append((before, after, action, actor_id, moment))
        histories.append(history)
        stamps = {action: at for _b, _a, action, _actor, at in history}
        reviews.append(
            {
                "incident_id": incident_id,
                "case_id": case_id,
                "state": ReviewState.CLOSED,
                "within_procedure": True,
                "circumstance": "ongoing_proceedings" if in_proceedings else "closed_case",
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
                "decided_at": stamps["initiate"],
                "reviewer_id": reviewer.id if reviewer else None,
                "closed_at": stamps["close"],
                "closed_by_id": people.pdt.id,
                "created_at": incident["recorded_at"],
                "updated_at": stamps["close"],
                "version": 1,
            }
        )
    review_ids = _insert(Review, reviews)

    tags: list[dict[str, int]] = []
    transitions, learning, meetings, items, progress = [], [], [], [], []
    for (index, *_rest), review_id, history in zip(plans, review_ids, histories, strict=True):
        stamps = {action: at for _b, _a, action, _actor, at in history}
        for before, after, action, actor_id, at in history:
            transitions.append(
                {
                    "review_id": review_id,
                    "from_state": before.value if before else None,
                    "to_state": after.value,
                    "action": action,
                    "actor_id": actor_id,
                    "occurred_at": at,
                }
            )
        agreed = stamps.get("all_agreed") or stamps["dce_decided"]
        learning.append(
            {
                "review_id": review_id,
                "outcome": "death" if index in deaths else "serious_harm",
                "during_proceedings": plans[index][5],
                "perpetrator_relation": rng.choices(
                    ["family_member", "other", "unknown"], weights=[88, 8, 4]
                )[0],
                "perpetrator_was_assessed_main_risk": _assessed_main_risk(rng, index, assessed_groups),
                "updated_by_id": people.pdt.id,
                "updated_at": agreed + timedelta(days=2),
            }
        )
        chosen_risks = [name for name, members in risks.items() if index in members] or ["Physical abuse"]
        chosen_themes = [name for name, members in themes.items() if index in members] or ["Planning"]
        for kind, names in ((TagKind.RISK_FACTOR, chosen_risks), (TagKind.PRACTICE_THEME, chosen_themes)):
            tags.extend(
                {"review_id": review_id, "tag_id": tag_ids[(kind, name)]}
                for name in names
                if (kind, name) in tag_ids
            )
        meetings.append(
            {
                "review_id": review_id,
                "met_on": _local_date(stamps["slt_discussed"]),
                "notes": "Fictional demonstration: the themes were discussed and an action plan requested.",
                "recorded_by_id": people.ce.id,
                "recorded_at": stamps["slt_discussed"],
            }
        )
        monitoring, closed = stamps["action_plan_agreed"], stamps["close"]
        span = (closed - monitoring).days
        for action in rng.sample(ACTIONS, rng.randint(1, 4)):
            done_at = monitoring + timedelta(days=rng.uniform(5, max(6, span - 2)))
            items.append(
                {
                    "review_id": review_id,
                    "action": action,
                    "owner_id": rng.choice(people.owners or [people.pdt]).id,
                    "due_on": max(
                        _local_date(monitoring) + timedelta(days=7),
                        _local_date(done_at) + timedelta(days=rng.randint(-10, 20)),
                    ),
                    "status": ActionStatus.DONE,
                    "task_id": None,
                    "completed_at": done_at,
                    "created_at": stamps["slt_discussed"] + timedelta(days=1),
                }
            )
        for step in range(1, rng.randint(1, 3) + 1):
            on = monitoring + timedelta(days=span * step / 4)
            progress.append(
                {
                    "review_id": review_id,
                    "reviewed_on": _local_date(on),
                    "notes": "Fictional demonstration progress review: actions on track.",
                    "reviewed_by_id": people.pdt.id,
                    "created_at": on,
                }
            )
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
    db.session.flush()
    return count


def _assessed_main_risk(rng: random.Random, index: int, groups: dict[str, set[int]]) -> str:
    """Was the suspected perpetrator the person assessed as posing the greatest risk?"""
    if index in groups["no"]:
        return "no"
    if index in groups["unknown"]:
        return "unknown"
    if index in groups["domestic_abuse"]:
        return "yes"
    return rng.choices(["yes", "no", "unknown"], weights=[5, 3, 2])[0]
