"""Task pools, and the one rule for who is in one: anyone holding one of the pool's roles, and, when
the task belongs to an area, only the people of that area. Each function below applies that rule to
one question (may this person action it, which pooled tasks are theirs, who holds it)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, false, or_

from webapp import users
from webapp.extensions import db
from webapp.i18n import lazy_gettext as _l
from webapp.models import Role, Task, User

# Task pools: everyone holding one of the roles may action the task (within the task's area, if set).
POOLS: dict[str, frozenset[Role]] = {
    "decision_makers": frozenset({Role.CHIEF_EXECUTIVE, Role.DEPUTY_CHIEF_EXECUTIVE}),
    "deputy_chief_executives": frozenset({Role.DEPUTY_CHIEF_EXECUTIVE}),
    "area_heads": frozenset({Role.AREA_HEAD_OF_OPERATIONS}),
    "heads_of_operations": frozenset({Role.HEAD_OF_OPERATIONS}),
    "practice_development": frozenset({Role.PRACTICE_DEVELOPMENT_TEAM}),
}
# Pools whose tasks belong to the case's operational area only.
AREA_POOLS = frozenset({"area_heads", "heads_of_operations"})
POOL_LABELS = {
    "decision_makers": _l("Chief Executive or Deputy Chief Executive"),
    "deputy_chief_executives": _l("Deputy Chief Executive"),
    "area_heads": _l("Area Head of Operations"),
    "heads_of_operations": _l("Head of Operations of the case's area"),
    "practice_development": _l("Practice Development Team"),
}


# Where a pool's task goes when nobody holds the pool (for the task's area), in order. The CE or
# DCE record a consultation they take over as such (the task page says whose it was meant to be).
# A pool with no fallback left, or whose fallbacks are empty too, leaves the task held by nobody:
# administrators see it on "Tasks with nobody to do them" and are emailed (tasks/services.py).
FALLBACKS: dict[str, tuple[str, ...]] = {
    # No Area Head of Operations in the case's area: the CE or DCE, who decide, take it.
    "area_heads": ("decision_makers",),
    # "The Head of Operations of the case's area" (the accuracy check): an Area Head of Operations of
    # that area where no separate Head of Operations exists. Nobody else reads for the area: failing
    # both, the accuracy page shows the party as missing for the CE or DCE to ask later.
    "heads_of_operations": ("area_heads",),
    # No active DCE: the CE decides the dispute.
    "deputy_chief_executives": ("decision_makers",),
    # No Practice Development Team: the CE or DCE, who oversee the procedure.
    "practice_development": ("decision_makers",),
    # No active CE or DCE: nobody else may decide; administrators are alerted (never silently).
    "decision_makers": (),
}
FALLBACK_REASONS = {
    "area_heads": _l("The case's area has no active Area Head of Operations"),
    "heads_of_operations": _l("The case's area has no separate Head of Operations"),
    "deputy_chief_executives": _l("There is no active Deputy Chief Executive"),
    "practice_development": _l("There is no active member of the Practice Development Team"),
}


@dataclass(frozen=True)
class Holder:
    """Who a pooled task goes to: the pool, its area, and the pool it was meant for if it fell back."""

    pool: str
    area_id: int | None
    fallback_from: str | None
    nobody: bool  # True when even the last fallback has nobody: the administrators' alert


def holder(pool: str, area_id: int | None) -> Holder:
    """The first of ``pool`` and its FALLBACKS with an active member for a task of ``area_id``."""
    for candidate in (pool, *FALLBACKS.get(pool, ())):
        candidate_area = area_id if candidate in AREA_POOLS else None
        if members(candidate, candidate_area):
            return Holder(candidate, candidate_area, None if candidate == pool else pool, False)
    return Holder(pool, area_id if pool in AREA_POOLS else None, None, True)


def in_pool(user: User, pool: str | None, area_id: int | None) -> bool:
    """Whether ``user`` is in ``pool`` for a task of area ``area_id`` (None: every area)."""
    if not user.roles & POOLS.get(pool or "", frozenset()):
        return False
    return area_id is None or area_id == user.area_id


def pools_of(user: User) -> ColumnElement[bool]:
    """The same rule as a WHERE clause on Task: the pooled tasks ``user`` may action."""
    branches = pool_branches(user)
    return or_(*branches) if branches else false()


def pool_branches(user: User) -> list[ColumnElement[bool]]:
    """The same rule as disjoint equality conditions, one per pool and area (the task's own area, or
    none): each is one range of the open-pool index, read in due order (tasks.services.my_tasks)."""
    return [
        and_(Task.assignee_pool == pool, Task.assignee_area_id == area)
        for pool in POOLS
        if in_pool(user, pool, None)
        for area in dict.fromkeys((None, user.area_id))
    ]


def members(pool: str | None, area_id: int | None) -> list[User]:
    """The same rule from the other side: the active people in ``pool`` for a task of ``area_id``."""
    roles = POOLS.get(pool or "", frozenset())
    return users.holding(roles, area_id=area_id) if roles else []


def people_for(pool: str, area_id: int | None) -> list[User]:
    """The people a task for ``pool`` (in ``area_id``) reaches, after the FALLBACKS; [] if nobody."""
    found = holder(pool, area_id)
    return [] if found.nobody else members(found.pool, found.area_id)


def empty_pools(pairs: list[tuple[str, int | None]]) -> list[tuple[str, int | None]]:
    """Of the (pool, area) pairs given, those with nobody in them now."""
    return [(pool, area_id) for pool, area_id in pairs if not members(pool, area_id)]


def holders(task: Task) -> list[User]:
    """Everyone who can act on ``task``: its named holder (if active), or its pool's members."""
    if task.assignee_id is not None:
        person = task.assignee or db.session.get(User, task.assignee_id)
        return [person] if person is not None and person.active else []
    return members(task.assignee_pool, task.assignee_area_id)
