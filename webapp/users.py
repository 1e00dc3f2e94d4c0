"""Who holds a role: the one query for "the active people holding a role, in an area or not"."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from webapp.extensions import db
from webapp.models import Role, User, UserRole


def holding(
    roles: Role | Iterable[Role],
    *,
    area_id: int | None = None,
    outside_area_id: int | None = None,
    with_area: bool = False,
    by_id: bool = False,
) -> list[User]:
    """The active people holding any of ``roles``, ordered by name (or by id, for stable demo data).

    ``area_id``: only that area's; ``outside_area_id``: only people of another area (never one
    without an area); ``with_area``: only people who have an area.
    """
    wanted = [roles] if isinstance(roles, Role) else list(roles)
    query = select(User).where(
        User.active.is_(True), User.id.in_(select(UserRole.user_id).where(UserRole.role.in_(wanted)))
    )
    if area_id is not None:
        query = query.where(User.area_id == area_id)
    if outside_area_id is not None:
        query = query.where(User.area_id.is_not(None), User.area_id != outside_area_id)
    if with_area:
        query = query.where(User.area_id.is_not(None))
    query = query.order_by(User.id) if by_id else query.order_by(User.name, User.id)
    return list(db.session.execute(query).scalars())
