"""Deny by default: every route names a permission from a fixed set, or is declared public.

Roles grant permissions here and nowhere else. Per-record checks (which cases a person may see)
live in ``webapp.cases.services.case_scope``; routes reach records only through ``get_*_or_404``.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from flask import abort
from flask_login import current_user

from webapp.models import Role

F = TypeVar("F", bound=Callable)


class Permission(enum.StrEnum):
    VIEW_CASES = "view_cases"
    EDIT_CASES = "edit_cases"
    RECORD_INCIDENTS = "record_incidents"
    # Change an incident's facts once recorded (per record: the case's area for an AHoO; after the
    # review closed, the CE or DCE only): the practitioner whose work is reviewed records only.
    CHANGE_INCIDENTS = "change_incidents"
    VIEW_AUDIT = "view_audit"
    MANAGE_USERS = "manage_users"
    MANAGE_AREAS = "manage_areas"
    VIEW_TASKS = "view_tasks"
    VIEW_TEAM_TASKS = "view_team_tasks"
    DECIDE_REVIEWS = "decide_reviews"
    VIEW_POLICY = "view_policy"
    MANAGE_NOTIFICATIONS = "manage_notifications"
    CONDUCT_REVIEWS = "conduct_reviews"  # the reviewer's work; per record: the review's reviewer
    DECIDE_DISPUTES = "decide_disputes"
    MANAGE_LEARNING = "manage_learning"
    VIEW_DASHBOARD = "view_dashboard"
    MANAGE_TAXONOMY = "manage_taxonomy"
    APPROVE_ACCOUNT_CHANGES = "approve_account_changes"  # two people for access to case data
    # Learning briefings: read one that was sent (any member of staff: it is anonymised and meant
    # to travel); see whom a briefing reached and which reviews' learning and actions it answers
    # (the PDT, CE, DCE and SLT); record a session in which one was delivered (Practice Managers).
    # Writing and sending one is MANAGE_LEARNING.
    READ_BRIEFINGS = "read_briefings"
    TRACE_BRIEFINGS = "trace_briefings"
    DELIVER_BRIEFINGS = "deliver_briefings"
    # Record our part in a SUSR or SCR/CSPR; per record: an AHoO of the case's own area only.
    RECORD_SAFEGUARDING_REVIEWS = "record_safeguarding_reviews"
    SIGNED_IN = "signed_in"  # any active account: home page, sign out


_CASE_WORK = {Permission.VIEW_CASES, Permission.VIEW_TASKS, Permission.READ_BRIEFINGS}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.CHIEF_EXECUTIVE: frozenset(
        _CASE_WORK
        | {
            Permission.EDIT_CASES,
            Permission.RECORD_INCIDENTS,
            Permission.CHANGE_INCIDENTS,
            Permission.VIEW_AUDIT,
            Permission.VIEW_TEAM_TASKS,
            Permission.DECIDE_REVIEWS,
            Permission.VIEW_POLICY,
            Permission.MANAGE_LEARNING,
            Permission.VIEW_DASHBOARD,
            Permission.APPROVE_ACCOUNT_CHANGES,
            Permission.TRACE_BRIEFINGS,
            Permission.RECORD_SAFEGUARDING_REVIEWS,
        }
    ),
    Role.DEPUTY_CHIEF_EXECUTIVE: frozenset(
        _CASE_WORK
        | {
            Permission.EDIT_CASES,
            Permission.RECORD_INCIDENTS,
            Permission.CHANGE_INCIDENTS,
            Permission.VIEW_AUDIT,
            Permission.VIEW_TEAM_TASKS,
            Permission.DECIDE_REVIEWS,
            Permission.VIEW_POLICY,
            Permission.DECIDE_DISPUTES,
            Permission.MANAGE_LEARNING,
            Permission.VIEW_DASHBOARD,
            Permission.APPROVE_ACCOUNT_CHANGES,
            Permission.TRACE_BRIEFINGS,
            Permission.RECORD_SAFEGUARDING_REVIEWS,
        }
    ),
    Role.AREA_HEAD_OF_OPERATIONS: frozenset(
        _CASE_WORK
        | {
            Permission.EDIT_CASES,
            Permission.RECORD_INCIDENTS,
            Permission.CHANGE_INCIDENTS,
            Permission.VIEW_TEAM_TASKS,
            Permission.RECORD_SAFEGUARDING_REVIEWS,
        }
    ),
    Role.HEAD_OF_OPERATIONS: frozenset(
        _CASE_WORK | {Permission.RECORD_INCIDENTS, Permission.CONDUCT_REVIEWS}
    ),
    Role.PRACTICE_MANAGER: frozenset(
        _CASE_WORK
        | {
            Permission.EDIT_CASES,
            Permission.RECORD_INCIDENTS,
            Permission.VIEW_TEAM_TASKS,
            Permission.DELIVER_BRIEFINGS,
        }
    ),
    Role.PRACTITIONER: frozenset(_CASE_WORK | {Permission.RECORD_INCIDENTS}),
    Role.PRACTICE_DEVELOPMENT_TEAM: frozenset(
        _CASE_WORK | {Permission.MANAGE_LEARNING, Permission.VIEW_DASHBOARD, Permission.TRACE_BRIEFINGS}
    ),
    Role.SENIOR_LEADERSHIP_TEAM: frozenset(
        _CASE_WORK | {Permission.VIEW_DASHBOARD, Permission.TRACE_BRIEFINGS}
    ),
    # Administrators run the system; they hold no case access by default (DESIGN.md section 1).
    Role.ADMINISTRATOR: frozenset(
        {
            Permission.MANAGE_USERS,
            Permission.MANAGE_AREAS,
            Permission.VIEW_AUDIT,
            Permission.VIEW_POLICY,
            Permission.MANAGE_NOTIFICATIONS,
            Permission.MANAGE_TAXONOMY,
        }
    ),
}


def permissions_of(user) -> frozenset[Permission]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    granted: set[Permission] = {Permission.SIGNED_IN}
    for role in user.roles:
        granted |= ROLE_PERMISSIONS[role]
    return frozenset(granted)


def can(permission: Permission | str) -> bool:
    """For templates and services: may the current user do this?"""
    return Permission(permission) in permissions_of(current_user)


def permission_required(permission: Permission | str) -> Callable[[F], F]:
    """Route decorator. An unknown permission name fails at import, not at request time."""
    needed = Permission(permission)

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                from webapp.extensions import login_manager

                return login_manager.unauthorized()
            if needed not in permissions_of(current_user):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_permission = needed  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator


def public(view: F) -> F:
    """Mark a route as open to everyone (sign-in page, assets, health check)."""
    view.is_public = True  # type: ignore[attr-defined]
    return view
