"""Keyword-only factories: each makes one valid record, committed, with overridable fields."""

from __future__ import annotations

import itertools
import time
from datetime import date, timedelta

import pyotp

from tests.clock import london_today
from webapp.auth import mfa
from webapp.auth.passwords import hash_password
from webapp.extensions import db
from webapp.models import (
    Case,
    Child,
    CourtApplication,
    Incident,
    IncidentCause,
    IncidentKind,
    LawType,
    OperationalArea,
    PersonAffected,
    ProceedingsStatus,
    Role,
    User,
)

DEFAULT_PASSWORD = "correct horse battery"


def current_code(user: User) -> str:
    """A TOTP code the app will accept for ``user`` now: the current step, or the next one when the
    current step was used already (each code works once; the app allows one step of drift)."""
    db.session.refresh(user)
    totp = pyotp.TOTP(user.totp_secret)
    step = int(time.time()) // totp.interval
    if user.totp_last_step is not None and user.totp_last_step >= step:
        step = user.totp_last_step + 1
    return totp.generate_otp(step)


_sequence = itertools.count(1)


def make_area(*, name: str | None = None) -> OperationalArea:
    area = OperationalArea(name=name or f"Area {next(_sequence)}")
    db.session.add(area)
    db.session.commit()
    return area


def make_user(
    *,
    roles: list[Role] | set[Role] | Role = Role.PRACTITIONER,
    area: OperationalArea | None = None,
    name: str | None = None,
    email: str | None = None,
    manager: User | None = None,
    password: str = DEFAULT_PASSWORD,
    active: bool = True,
    totp_secret: str | None = None,
    enrolled: bool = True,
    must_change_password: bool = False,
    language: str = "en",
) -> User:
    """Administrators, CEs and DCEs get a second factor (as they must) with a fresh secret, unless
    ``enrolled=False`` (they will be asked to set one up at sign-in)."""
    n = next(_sequence)
    user = User(
        name=name or f"Person {n}",
        email=(email or f"person{n}@example.org").lower(),
        area=area,
        line_manager=manager,
        password_hash=hash_password(password),
        active=active,
        must_change_password=must_change_password,
        language=language,
    )
    user.set_roles({roles} if isinstance(roles, Role) else set(roles))
    if totp_secret is None and enrolled and mfa.required(user):
        totp_secret = pyotp.random_base32()
    user.totp_secret = totp_secret
    db.session.add(user)
    db.session.commit()
    return user


def make_case(
    *,
    area: OperationalArea | None = None,
    practitioner: User | None = None,
    practice_manager: User | None = None,
    case_number: str | None = None,
    proceedings_status: ProceedingsStatus = ProceedingsStatus.ONGOING,
    law_type: LawType = LawType.PRIVATE,
    children: list[tuple[str, date]] | None = None,
) -> Case:
    area = area or make_area()
    case = Case(
        case_number=case_number or f"TS{next(_sequence):06d}",
        area=area,
        proceedings_status=proceedings_status,
        proceedings_closed_on=(
            london_today() - timedelta(days=30) if proceedings_status == ProceedingsStatus.CLOSED else None
        ),
        law_type=law_type,
        practitioner=practitioner or make_user(roles=Role.PRACTITIONER, area=area),
        practice_manager=practice_manager or make_user(roles=Role.PRACTICE_MANAGER, area=area),
    )
    for child_name, born in children or []:
        case.children.append(Child(name=child_name, date_of_birth=born))
    db.session.add(case)
    db.session.commit()
    return case


def make_application(*, case: Case, application_type="child_arrangements", made_on: date | None = None):
    application = CourtApplication(
        case=case, application_type=application_type, made_on=made_on or date(2025, 1, 6)
    )
    db.session.add(application)
    db.session.commit()
    return application


def make_incident(
    *,
    case: Case,
    recorded_by: User | None = None,
    kind: IncidentKind = IncidentKind.SIGNIFICANT_INCIDENT,
    cause: IncidentCause = IncidentCause.VIOLENCE,
    person_affected: PersonAffected = PersonAffected.CHILD_SUBJECT,
    occurred_on: date | None = None,
    linked: bool = True,
    susr: bool = False,
    scr: bool = False,
) -> Incident:
    occurred_on = occurred_on or london_today() - timedelta(days=3)
    incident = Incident(
        case=case,
        kind=kind,
        cause=cause,
        person_affected=person_affected,
        occurred_on=occurred_on,
        linked_to_court_involvement=linked,
        susr_known=susr,
        scr_known=scr,
        summary="Test summary",
        notified_by="Police",
        notified_on=occurred_on,
        recorded_by=recorded_by or case.practice_manager,
    )
    db.session.add(incident)
    db.session.commit()
    return incident


def welsh(user: User) -> User:
    """The person chose Cymraeg: their pages, emails and notifications are in Welsh."""
    user.language = "cy"
    db.session.commit()
    return user
