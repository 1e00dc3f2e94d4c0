"""Queries and changes for users, operational areas and the audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from webapp import audit
from webapp.auth import notices
from webapp.auth.passwords import hash_password
from webapp.auth.services import normalise_email
from webapp.extensions import db
from webapp.formatting import LONDON
from webapp.models import AuditEvent, Case, OperationalArea, Role, User
from webapp.paging import Cursor, paginate, paginate_keyset


class DuplicateEmail(Exception):
    pass


class DuplicateArea(Exception):
    pass


class ManagerLoop(Exception):
    pass


def list_areas() -> list[OperationalArea]:
    return list(db.session.execute(select(OperationalArea).order_by(OperationalArea.name)).scalars())


def get_area(area_id: int) -> OperationalArea | None:
    return db.session.get(OperationalArea, area_id)


def area_by_name(name: str) -> OperationalArea | None:
    return db.session.execute(
        select(OperationalArea).where(func.lower(OperationalArea.name) == name.strip().lower())
    ).scalar_one_or_none()


def create_area(name: str, *, actor=None, actor_label: str | None = None) -> OperationalArea:
    name = " ".join(name.split())
    if area_by_name(name) is not None:
        raise DuplicateArea
    area = OperationalArea(name=name)
    db.session.add(area)
    try:
        db.session.flush()
    except IntegrityError as error:
        db.session.rollback()
        raise DuplicateArea from error
    audit.record("area.created", record_id=area.id, actor=actor, actor_label=actor_label)
    db.session.commit()
    return area


def rename_area(area: OperationalArea, name: str) -> None:
    name = " ".join(name.split())
    existing = area_by_name(name)
    if existing is not None and existing.id != area.id:
        raise DuplicateArea
    if audit.apply_changes(area, {"name": name}):
        audit.record("area.renamed", record_id=area.id, changed_fields=["name"])
        db.session.commit()


def list_users(page: int, per_page: int, search: str = ""):
    query = (
        select(User)
        .options(selectinload(User.area), selectinload(User.line_manager))
        .order_by(User.name, User.id)
    )
    if search:
        pattern = f"%{search.strip().lower()}%"
        query = query.where(func.lower(User.name).like(pattern) | User.email.like(pattern))
    return paginate(query, page=page, per_page=per_page)


def get_user(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def user_by_email(email: str) -> User | None:
    return db.session.execute(select(User).where(User.email == normalise_email(email))).scalar_one_or_none()


def possible_managers(excluding: int | None = None) -> list[User]:
    query = select(User).where(User.active.is_(True)).order_by(User.name)
    if excluding is not None:
        query = query.where(User.id != excluding)
    return list(db.session.execute(query).scalars())


def _check_manager(user: User | None, manager_id: int | None) -> None:
    """A line manager chain must not come back to the user (escalations would loop)."""
    seen = {user.id} if user is not None and user.id else set()
    current = db.session.get(User, manager_id) if manager_id else None
    while current is not None:
        if current.id in seen:
            raise ManagerLoop
        seen.add(current.id)
        current = current.line_manager


def create_user(
    *,
    email: str,
    name: str,
    roles: set[Role],
    area_id: int | None,
    line_manager_id: int | None,
    password: str | None,
    must_change_password: bool = False,
    language: str = "en",
    actor=None,
    actor_label: str | None = None,
) -> User:
    email = normalise_email(email)
    if user_by_email(email) is not None:
        raise DuplicateEmail
    _check_manager(None, line_manager_id)
    user = User(
        email=email,
        name=" ".join(name.split()),
        area_id=area_id,
        line_manager_id=line_manager_id,
        password_hash=hash_password(password) if password else None,
        must_change_password=must_change_password,
        language=language,
    )
    user.set_roles(roles)
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError as error:
        db.session.rollback()
        raise DuplicateEmail from error
    audit.record("user.created", record_id=user.id, actor=actor, actor_label=actor_label)
    db.session.commit()
    return user


def update_user(
    user: User, *, name: str, email: str, area_id, line_manager_id, language: str | None = None
) -> list[str]:
    """Change the person's details. Roles change through ``webapp.admin.approvals``."""
    email = normalise_email(email)
    other = user_by_email(email)
    if other is not None and other.id != user.id:
        raise DuplicateEmail
    _check_manager(user, line_manager_id)
    changed = audit.apply_changes(
        user,
        {
            "name": " ".join(name.split()),
            "email": email,
            "area_id": area_id,
            "line_manager_id": line_manager_id,
            "language": language or user.language,
        },
    )
    if changed:
        audit.record("user.updated", record_id=user.id, changed_fields=changed)
        db.session.commit()
    return changed


def set_password(user: User, password: str) -> None:
    """An administrator's password: it ends every session, and must be changed at next sign-in."""
    user.password_hash = hash_password(password)
    user.must_change_password = True
    user.end_sessions()
    audit.record("user.updated", record_id=user.id, changed_fields=["password"])
    notices.account_changed(user, "account_password_changed")
    db.session.commit()


def set_active(user: User, active: bool) -> None:
    if user.active == active:
        return
    user.active = active
    if not active:
        user.end_sessions()
    audit.record("user.reactivated" if active else "user.deactivated", record_id=user.id)
    db.session.commit()


@dataclass(frozen=True)
class AuditFilters:
    """What the audit trail is narrowed to; each None means "any"."""

    case_id: int | None = None
    record_type: str | None = None
    record_id: int | None = None
    event_type: str | None = None
    actor_id: int | None = None
    since: date | None = None  # from the start of this London day
    until: date | None = None  # to the end of this London day


def _london_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LONDON)


def audit_events(filters: AuditFilters, *, page: int, per_page: int, cursor: Cursor = Cursor()):
    case_id, record_type, record_id = filters.case_id, filters.record_type, filters.record_id
    # Each event's actor by name only (not their roles), in the page's own statement.
    query = select(AuditEvent).options(joinedload(AuditEvent.actor).lazyload(User.role_rows))
    if filters.event_type:
        query = query.where(AuditEvent.event_type == filters.event_type)
    if filters.actor_id is not None:
        query = query.where(AuditEvent.actor_id == filters.actor_id)
    if filters.since is not None:
        query = query.where(AuditEvent.occurred_at >= _london_midnight(filters.since))
    if filters.until is not None:
        query = query.where(AuditEvent.occurred_at < _london_midnight(filters.until + timedelta(days=1)))
    if case_id is not None:
        query = query.where(AuditEvent.case_id == case_id)
    if record_type:
        query = query.where(AuditEvent.record_type == record_type)
    if record_id is not None:
        query = query.where(AuditEvent.record_id == record_id)
    return paginate_keyset(
        query,
        entity=AuditEvent,
        order=(AuditEvent.occurred_at, AuditEvent.id),
        cursor=cursor,
        page=page,
        per_page=per_page,
    )


def case_id_of(case_number: str) -> int | None:
    return db.session.execute(select(Case.id).where(Case.case_number == case_number)).scalar()


def user_id_of(email: str) -> int | None:
    return db.session.execute(select(User.id).where(User.email == normalise_email(email))).scalar()
