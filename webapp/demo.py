"""Demonstration data: clearly fictional people and cases, so a new user can click through."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta

import pyotp
from flask import current_app
from sqlalchemy import func, select

import rules
from webapp import audit
from webapp.admin import services as admin
from webapp.auth import mfa
from webapp.demo_briefings import seed_briefings
from webapp.demo_learning import WELSH_FIRST_NAMES, seed_closed_reviews
from webapp.demo_report import seed_report_ready_to_share
from webapp.demo_susr import seed_susr_review
from webapp.extensions import db
from webapp.formatting import today_in_london
from webapp.learning.past import note_known_risk_factors
from webapp.models import (
    ApplicationType,
    Case,
    Child,
    CourtApplication,
    Incident,
    IncidentCause,
    IncidentKind,
    LawType,
    LearningTag,
    PersonAffected,
    ProceedingsStatus,
    Role,
    TagKind,
    User,
)
from webapp.reviews.services import open_review
from webapp.tasks.escalation import step_dates

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - printed for the demo; never used in production
# The second factor of the demo administrator, CE and DCE (they must have one): add it to any
# authenticator app, or print the current code with `flask demo totp EMAIL` (development only).
DEMO_TOTP_SECRET = "DEMOCASEREVIEWTWOFACTORKEY234567"  # noqa: S105 - fictional accounts only
AREAS = ["North Wales", "South East Wales", "South West Wales", "Mid and West Wales"]

# (key, name, roles, area, line manager key)
PEOPLE = [
    ("admin", "Alex Admin", [Role.ADMINISTRATOR], None, None),
    ("ce", "Ceri Example", [Role.CHIEF_EXECUTIVE], None, None),
    ("dce", "Dafydd Example", [Role.DEPUTY_CHIEF_EXECUTIVE], None, "ce"),
    ("ahoo.north", "Nia Sample", [Role.AREA_HEAD_OF_OPERATIONS], "North Wales", "dce"),
    ("ahoo.southeast", "Rhys Sample", [Role.AREA_HEAD_OF_OPERATIONS], "South East Wales", "dce"),
    ("hoo.southwest", "Bethan Demo", [Role.HEAD_OF_OPERATIONS], "South West Wales", "dce"),
    ("pm.north", "Gareth Demo", [Role.PRACTICE_MANAGER], "North Wales", "ahoo.north"),
    ("pm.southeast", "Sian Demo", [Role.PRACTICE_MANAGER], "South East Wales", "ahoo.southeast"),
    ("practitioner.north", "Owain Test", [Role.PRACTITIONER], "North Wales", "pm.north"),
    ("practitioner.southeast", "Ffion Test", [Role.PRACTITIONER], "South East Wales", "pm.southeast"),
    ("pdt", "Huw Example", [Role.PRACTICE_DEVELOPMENT_TEAM], None, "dce"),
    ("slt", "Megan Example", [Role.SENIOR_LEADERSHIP_TEAM], None, "ce"),
]
# The South East Wales team work in Welsh: their pages, emails and invitations are in Welsh from the
# start (anyone can switch with the "Cymraeg" / "English" link; signed in, it is saved on the account).
WELSH_SPEAKERS = {"ahoo.southeast", "pm.southeast", "practitioner.southeast"}


def demo_email(key: str) -> str:
    return f"{key}@example.org"


def seed(*, today: date | None = None) -> bool:
    """Load the demo data if the database holds no users. Returns False (and adds nothing) otherwise."""
    if db.session.execute(select(func.count()).select_from(User)).scalar_one() > 0:
        return False
    today = today or today_in_london()
    rng = random.Random(2026)

    areas = {name: admin.create_area(name, actor_label="cli") for name in AREAS}
    people: dict[str, User] = {}
    for key, name, roles, area, manager in PEOPLE:
        people[key] = admin.create_user(
            email=demo_email(key),
            name=name,
            roles=set(roles),
            area_id=areas[area].id if area else None,
            line_manager_id=people[manager].id if manager else None,
            password=DEMO_PASSWORD,
            actor_label="cli",
        )
        if mfa.required(people[key]):
            people[key].totp_secret = DEMO_TOTP_SECRET
        if key in WELSH_SPEAKERS:
            people[key].language = "cy"
        db.session.commit()

    teams = [
        (areas["North Wales"], people["practitioner.north"], people["pm.north"]),
        (areas["South East Wales"], people["practitioner.southeast"], people["pm.southeast"]),
    ]
    cases = []
    for number in range(1, 25):
        team_area, practitioner, practice_manager = teams[number % 2]
        closed = number % 3 == 0
        law = LawType.PUBLIC if number % 4 in (0, 1) else LawType.PRIVATE
        case = Case(
            case_number=f"DEMO{today.year % 100:02d}{'C' if law == LawType.PUBLIC else 'P'}{number:05d}",
            area=team_area,
            law_type=law,
            proceedings_status=ProceedingsStatus.CLOSED if closed else ProceedingsStatus.ONGOING,
            proceedings_closed_on=today - timedelta(days=30 + number) if closed else None,
            practitioner=practitioner,
            practice_manager=practice_manager,
        )
        for _index in range(1 + number % 3):
            case.children.append(
                Child(
                    name=f"{rng.choice(WELSH_FIRST_NAMES)} Example",
                    date_of_birth=today - timedelta(days=rng.randint(365, 15 * 365)),
                )
            )
        kinds = (
            [ApplicationType.CARE_ORDER, ApplicationType.SUPERVISION_ORDER]
            if law == LawType.PUBLIC
            else [
                ApplicationType.CHILD_ARRANGEMENTS,
                ApplicationType.PROHIBITED_STEPS,
            ]
        )
        case.applications.append(
            CourtApplication(application_type=rng.choice(kinds), made_on=today - timedelta(days=200 + number))
        )
        db.session.add(case)
        cases.append(case)
    db.session.flush()

    # A fallback at work: Mid and West Wales has no Area Head of Operations, so the acknowledgement of
    # its incident (below) and the consultation fall to the CE or DCE, who see why on the task page.
    mid_west = Case(
        case_number=f"DEMO{today.year % 100:02d}P{25:05d}",
        area=areas["Mid and West Wales"],
        law_type=LawType.PRIVATE,
        proceedings_status=ProceedingsStatus.ONGOING,
        practitioner=people["practitioner.north"],
        practice_manager=people["pm.north"],
    )
    mid_west.applications.append(
        CourtApplication(
            application_type=ApplicationType.CHILD_ARRANGEMENTS, made_on=today - timedelta(days=120)
        )
    )
    db.session.add(mid_west)
    db.session.flush()

    incidents = [
        (
            cases[0],
            IncidentKind.SIGNIFICANT_INCIDENT,
            IncidentCause.VIOLENCE,
            PersonAffected.CHILD_SUBJECT,
            True,
            False,
        ),
        (cases[1], IncidentKind.DEATH, IncidentCause.UNKNOWN, PersonAffected.ADULT_PARTY, True, True),
        (cases[2], IncidentKind.DEATH, IncidentCause.NEGLECT, PersonAffected.CHILD_SUBJECT, True, False),
        (
            cases[4],
            IncidentKind.SIGNIFICANT_INCIDENT,
            IncidentCause.OTHER,
            PersonAffected.OTHER,
            False,
            False,
        ),
        (
            mid_west,
            IncidentKind.SIGNIFICANT_INCIDENT,
            IncidentCause.ABUSE,
            PersonAffected.CHILD_SUBJECT,
            True,
            False,
        ),
    ]
    # Risk factors known when the incident was recorded: the neglect case (South East Wales) also has
    # domestic abuse, so its practitioner sees what earlier reviews learned about that combination.
    known_risks = {1: ("Domestic abuse", "Parental mental health"), 2: ("Neglect", "Domestic abuse")}
    risk_ids = {
        tag.name: tag.id
        for tag in db.session.execute(
            select(LearningTag).where(LearningTag.kind == TagKind.RISK_FACTOR)
        ).scalars()
    }
    for offset, (case, kind, cause, person, linked, susr) in enumerate(incidents):
        incident = Incident(
            case=case,
            kind=kind,
            occurred_on=today - timedelta(days=10 + offset),
            cause=cause,
            person_affected=person,
            linked_to_court_involvement=linked,
            susr_known=susr,
            scr_known=False,
            summary="Fictional demonstration incident. No real person is described.",
            notified_by="Local authority social worker (demo)",
            notified_on=today - timedelta(days=8 + offset),
            recorded_by=case.practice_manager,
        )
        db.session.add(incident)
        db.session.flush()
        review = open_review(incident, actor=case.practice_manager)
        note_known_risk_factors(review, [risk_ids[name] for name in known_risks.get(offset, ())])
        db.session.flush()
        _backdate(review, working_days=2 + 2 * offset)
    # A review whose report is written and ready to share (case 6: North Wales, proceedings closed),
    # reviewed by the Head of Operations from South West Wales.
    seed_report_ready_to_share(cases[5], ce=people["ce"], reviewer=people["hoo.southwest"], today=today)
    # A review following a Single Unified Safeguarding Review, its steps recorded (North Wales).
    seed_susr_review(
        case_number=f"DEMO{today.year % 100:02d}C{26:05d}",
        area=areas["North Wales"],
        practitioner=people["practitioner.north"],
        practice_manager=people["pm.north"],
        ce=people["ce"],
        area_head=people["ahoo.north"],
        reviewer=people["hoo.southwest"],
        today=today,
    )
    # At least 100 fictional closed reviews (cases DEMOL0001 on) for the learning dashboard.
    seed_closed_reviews(100, rng=rng, today=today)
    # Learning briefings written from some of those closed reviews (webapp/demo_briefings.py).
    seed_briefings(people, areas, today=today)
    audit.record("demo.seeded", record_id=None, actor_label="cli")
    db.session.commit()
    return True


def _backdate(review, *, working_days: int) -> None:
    """Make the demo's tasks already overdue, so the first sweep after `make run` sends reminders
    and escalations that can be seen in the local mail page."""
    policy = current_app.extensions["case_review_policy"]
    due = today_in_london()
    for _ in range(working_days):
        due -= timedelta(days=1)
        while not rules.is_working_day(due):
            due -= timedelta(days=1)
    for task in review.tasks:
        task.due_on = due
        # A task waiting for another is not chased until that one is done.
        task.next_escalation_on = None if task.is_waiting else step_dates(due, policy)["reminder"]


def current_totp(email: str) -> str | None:
    """The code the app accepts now for a demo account that has the demo second factor."""
    user = admin.user_by_email(email)
    if user is None or user.totp_secret != DEMO_TOTP_SECRET:
        return None
    return pyotp.TOTP(DEMO_TOTP_SECRET).now()


def print_sign_ins(echo: Callable[[str], None]) -> None:
    echo("")
    echo("Demo sign-ins (all fictional). Password for every account: " + DEMO_PASSWORD)
    echo("Administrator, CE and DCE also need a code: `flask demo totp EMAIL` prints it, or add the key")
    echo(f"{DEMO_TOTP_SECRET} to an authenticator app.")
    for key, _name, roles, area, _manager in PEOPLE:
        role_text = ", ".join(role.label for role in roles)
        language = " (Cymraeg)" if key in WELSH_SPEAKERS else ""
        echo(f"  {demo_email(key):34} {role_text}{' – ' + area if area else ''}{language}")
    echo("")
