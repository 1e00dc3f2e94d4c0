"""Task pools, and the one rule for who is in one: anyone holding one of the pool's roles, and, when
the task belongs to an area, only the people of that area. Each function below applies that rule to
one question (may this person action it, which pooled tasks are theirs, who holds it)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, false, or_

from webapp import users
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
    "decision_makers": "Chief Executive or Deputy Chief Executive",
    "deputy_chief_executives": "Deputy Chief Executive",
    "area_heads": "Area Head of Operations",
    "heads_of_operations": "Head of Operations of the case's area",
    "practice_development": "Practice Development Team",
}


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
