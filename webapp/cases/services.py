"""Queries and changes for cases, their children and court applications.

Every read of a case goes through ``case_scope``: the one place that says who may see which case.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask import abort
from flask_login import current_user
from sqlalchemy import ColumnElement, any_, false, func, or_, select, true, union
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from webapp import audit
from webapp.extensions import db
from webapp.models import Case, Child, CourtApplication, Review, Role, User
from webapp.paging import Cursor, paginate_keyset
from webapp.records import StaleEdit, save_edit, unit_of_work  # noqa: F401 - StaleEdit re-exported

ALL_CASES_ROLES = {
    Role.CHIEF_EXECUTIVE,
    Role.DEPUTY_CHIEF_EXECUTIVE,
    Role.PRACTICE_DEVELOPMENT_TEAM,
    Role.SENIOR_LEADERSHIP_TEAM,
}
AREA_ROLES = {Role.AREA_HEAD_OF_OPERATIONS, Role.HEAD_OF_OPERATIONS}


class DuplicateCaseNumber(Exception):
    pass


def sees_every_case(user: User) -> bool:
    """Whether ``case_scope(user)`` is every case (a list may then leave out the joins to cases it
    needs only for the scope)."""
    return bool(user.roles & ALL_CASES_ROLES)


def case_scope(user: User) -> ColumnElement[bool]:
    """A WHERE clause selecting the cases this user may see. Deny by default."""
    roles = user.roles
    if sees_every_case(user):
        return true()
    clauses = []
    if roles & AREA_ROLES and user.area_id is not None:
        clauses.append(Case.area_id == user.area_id)
    if Role.HEAD_OF_OPERATIONS in roles:
        # The independent reviewer works on a case from another area.
        clauses.append(Case.id.in_(select(Review.case_id).where(Review.reviewer_id == user.id)))
    if Role.PRACTICE_MANAGER in roles:
        clauses.append(Case.practice_manager_id == user.id)
    if Role.PRACTITIONER in roles:
        clauses.append(Case.practitioner_id == user.id)
    return or_(*clauses) if clauses else false()


def get_case_or_404(case_id: int, *, for_update: bool = False, options: Sequence[Any] = ()) -> Case:
    """The case if it exists and the current user may see it; 404 otherwise, the same either way.
    ``options``: loader options for what the page shows."""
    query = select(Case).where(Case.id == case_id, case_scope(current_user)).options(*options)
    if for_update:
        query = query.with_for_update()
    case = db.session.execute(query).scalar_one_or_none()
    if case is None:
        abort(404)
    return case


@functools.cache
def case_page_options() -> tuple[Any, ...]:
    """What the case page shows, loaded with the case (the area and the two people joined; their
    roles are not shown) and its lists in one statement each, rather than one by one as rendered.
    Built once: loader options do not change, and building them cost more than the statement."""
    return (
        joinedload(Case.area),
        joinedload(Case.practitioner).lazyload(User.role_rows),
        joinedload(Case.practice_manager).lazyload(User.role_rows),
        selectinload(Case.children),
        selectinload(Case.applications),
        selectinload(Case.incidents),
    )


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@dataclass(frozen=True)
class CaseFilters:
    search: str = ""
    area_id: int | None = None
    proceedings_status: str | None = None
    law_type: str | None = None


def list_cases(user: User, filters: CaseFilters, page: int, per_page: int, cursor: Cursor = Cursor()):
    query = select(Case).where(case_scope(user)).options(joinedload(Case.area))
    if filters.search:
        pattern = f"%{_escape_like(filters.search.strip())}%"
        # A union of two indexed lookups (trigram indexes on PostgreSQL), not an OR across tables,
        # which no index can serve; as a WITH query, so the page and its count (one statement,
        # paging._page_and_count) read the matches found once.
        matching = union(
            select(Case.id).where(Case.case_number.ilike(pattern, escape="\\")),
            select(Child.case_id).where(Child.name.ilike(pattern, escape="\\")),
        ).cte("matching")
        if db.engine.dialect.name == "postgresql":
            # The matches gathered once into an array, and the cases fetched by primary key: as
            # IN (union), PostgreSQL hash-joined the matches against every case (20 ms at 100,000).
            query = query.where(Case.id == any_(func.array(select(matching.c.id).scalar_subquery())))
        else:
            query = query.where(Case.id.in_(select(matching.c.id)))
    if filters.area_id:
        query = query.where(Case.area_id == filters.area_id)
    if filters.proceedings_status:
        query = query.where(Case.proceedings_status == filters.proceedings_status)
    if filters.law_type:
        query = query.where(Case.law_type == filters.law_type)
    return paginate_keyset(
        query,
        entity=Case,
        order=(Case.created_at, Case.id),
        cursor=cursor,
        page=page,
        per_page=min(per_page, 100),
    )


def normalise_case_number(value: str) -> str:
    return "".join(value.split()).upper()


def case_number_taken(case_number: str, *, excluding: int | None = None) -> bool:
    query = select(func.count()).select_from(Case).where(Case.case_number == case_number)
    if excluding is not None:
        query = query.where(Case.id != excluding)
    return db.session.execute(query).scalar_one() > 0


def create_case(values: dict) -> Case:
    try:
        with unit_of_work():
            case = Case(**values)
            db.session.add(case)
            db.session.flush()
            audit.record("case.created", record_id=case.id, case_id=case.id)
    except IntegrityError as error:
        # Only a lost race on the unique case number is the user's to fix; anything else is a bug.
        if case_number_taken(values["case_number"]):
            raise DuplicateCaseNumber from error
        raise
    return case


def update_case(case: Case, values: dict, *, expected_version: int) -> list[str]:
    """Save the case's changes; a new Practice Manager or practitioner takes over the open tasks the
    earlier one held on its reviews (tasks.services.reassign_case_tasks), in the same save."""
    from webapp.tasks.services import reassign_case_tasks

    old_ids: dict[str, int | None] = {
        "practice_manager": case.practice_manager_id,
        "practitioner": case.practitioner_id,
    }
    try:
        return save_edit(
            case,
            values,
            expected_version=expected_version,
            event_type="case.updated",
            case_id=case.id,
            also=lambda: reassign_case_tasks(case, old_ids=old_ids),
        )
    except IntegrityError as error:
        if case_number_taken(values["case_number"], excluding=case.id):
            raise DuplicateCaseNumber from error
        raise


@unit_of_work()
def add_child(case: Case, *, name: str, date_of_birth) -> Child:
    child = Child(case=case, name=name, date_of_birth=date_of_birth)
    db.session.add(child)
    db.session.flush()
    audit.record("child.added", record_id=child.id, case_id=case.id)
    return child


@unit_of_work()
def remove_child(case: Case, child_id: int) -> bool:
    child = next((c for c in case.children if c.id == child_id), None)
    if child is None:
        return False
    case.children.remove(child)
    audit.record("child.removed", record_id=child_id, case_id=case.id)
    return True


@unit_of_work()
def add_application(case: Case, *, application_type, made_on) -> CourtApplication:
    application = CourtApplication(case=case, application_type=application_type, made_on=made_on)
    db.session.add(application)
    db.session.flush()
    audit.record("application.added", record_id=application.id, case_id=case.id)
    return application


@unit_of_work()
def remove_application(case: Case, application_id: int) -> bool:
    application = next((a for a in case.applications if a.id == application_id), None)
    if application is None:
        return False
    case.applications.remove(application)
    audit.record("application.removed", record_id=application_id, case_id=case.id)
    return True
