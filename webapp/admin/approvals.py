"""Two people for access to case data: an administrator asks, the CE or DCE approves or refuses.

Granting any role but administrator, or resetting the second factor of someone who holds such a
role, waits here. Removing roles, and granting the administrator role (which sees no case data),
apply at once. Nobody changes their own roles, and nobody approves a change to their own account
or one they asked for.
"""

from __future__ import annotations

from sqlalchemy import select, update

from webapp import audit
from webapp.auth import mfa, notices
from webapp.extensions import db, rows_matched
from webapp.i18n import lazy_gettext as _l
from webapp.models import (
    AccountChangeKind,
    AccountChangeRequest,
    AccountChangeStatus,
    Role,
    User,
    UserRole,
    utcnow,
)
from webapp.notifications.services import notify_all
from webapp.records import unit_of_work

CASE_DATA_ROLES = frozenset(Role) - {Role.ADMINISTRATOR}
APPROVER_ROLES = (Role.CHIEF_EXECUTIVE, Role.DEPUTY_CHIEF_EXECUTIVE)


class OwnRoles(Exception):
    """An administrator tried to change their own roles."""


class NotAllowed(Exception):
    """The approver is the person concerned or the one who asked, or the request is already decided."""


def change_roles(user: User, roles: set[Role], *, actor: User) -> str:
    """Apply a change of roles, or hold it for approval. Returns "unchanged", "applied" or "requested"."""
    if roles == user.roles:
        return "unchanged"
    if user.id == actor.id:
        raise OwnRoles
    if (roles - user.roles) & CASE_DATA_ROLES:
        _ask(user, AccountChangeKind.ROLES, actor=actor, roles=sorted(role.value for role in roles))
        return "requested"
    apply_roles(user, roles)
    return "applied"


def apply_roles(user: User, roles: set[Role]) -> None:
    user.set_roles(roles)
    # New permissions, or fewer, apply from the next sign-in: end existing sessions.
    user.end_sessions()
    audit.record("user.updated", record_id=user.id, changed_fields=["roles"])
    notices.account_changed(user, "account_roles_changed")


def reset_second_factor(user: User, *, actor: User) -> str:
    """Turn off a lost second factor. Returns "applied" or "requested" (for people who see case data)."""
    if user.roles & CASE_DATA_ROLES:
        _ask(user, AccountChangeKind.SECOND_FACTOR_RESET, actor=actor, roles=[])
        return "requested"
    _apply_second_factor_reset(user)
    return "applied"


def _apply_second_factor_reset(user: User) -> None:
    mfa.remove(user)
    user.end_sessions()
    audit.record("user.second_factor_reset", record_id=user.id)
    notices.account_changed(user, "account_second_factor_changed")


def _ask(user: User, kind: AccountChangeKind, *, actor: User, roles: list[str]) -> AccountChangeRequest:
    # A newer request of the same kind replaces an older one still waiting.
    db.session.execute(
        update(AccountChangeRequest)
        .where(
            AccountChangeRequest.user_id == user.id,
            AccountChangeRequest.kind == kind,
            AccountChangeRequest.status == AccountChangeStatus.PENDING,
        )
        .values(status=AccountChangeStatus.REFUSED, decided_by_id=actor.id, decided_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    request = AccountChangeRequest(user_id=user.id, kind=kind, roles=roles, requested_by_id=actor.id)
    db.session.add(request)
    db.session.flush()
    audit.record("account_change.requested", record_id=request.id, changed_fields=[kind.value])
    notify_all(
        [approver for approver in approvers() if approver.id != user.id],
        "account_change_to_approve",
        link_path="/account-changes",
        detail=_l("A change to someone's access is waiting for your approval."),
        key=f"account_change:{request.id}",
    )
    return request


def approvers() -> list[User]:
    return list(
        db.session.execute(
            select(User)
            .join(UserRole)
            .where(UserRole.role.in_(APPROVER_ROLES), User.active.is_(True))
            .distinct()
        ).scalars()
    )


def pending() -> list[AccountChangeRequest]:
    return list(
        db.session.execute(
            select(AccountChangeRequest)
            .where(AccountChangeRequest.status == AccountChangeStatus.PENDING)
            .order_by(AccountChangeRequest.requested_at, AccountChangeRequest.id)
        ).scalars()
    )


def pending_for(user: User) -> list[AccountChangeRequest]:
    return [request for request in pending() if request.user_id == user.id]


@unit_of_work()
def decide(request_id: int, *, approve: bool, decider: User) -> AccountChangeRequest:
    request = db.session.get(AccountChangeRequest, request_id)
    if request is None or request.status != AccountChangeStatus.PENDING:
        raise NotAllowed
    if decider.id in (request.user_id, request.requested_by_id):
        raise NotAllowed
    status = AccountChangeStatus.APPROVED if approve else AccountChangeStatus.REFUSED
    # Conditional: two approvers pressing at once decide it once.
    taken = rows_matched(
        update(AccountChangeRequest)
        .where(
            AccountChangeRequest.id == request.id, AccountChangeRequest.status == AccountChangeStatus.PENDING
        )
        .values(status=status, decided_by_id=decider.id, decided_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if taken != 1:
        raise NotAllowed
    db.session.refresh(request)
    if approve:
        if request.kind == AccountChangeKind.ROLES:
            apply_roles(request.user, {Role(value) for value in request.roles})
        else:
            _apply_second_factor_reset(request.user)
    audit.record("account_change.approved" if approve else "account_change.refused", record_id=request.id)
    return request
