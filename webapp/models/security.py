"""Sign-in security: server-side sessions, throttling counters, recovery codes, approvals."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import Model
from webapp.i18n import gettext as _
from webapp.models.types import UTCDateTime, enum_column, utcnow
from webapp.models.users import User


class UserSession(Model):
    """One signed-in browser. The cookie holds only ``token``; ending the row ends the session,
    so a copied cookie is useless after sign-out, expiry or an administrator's change."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Moved only by a request the person made (see webapp/auth/sessions.py).
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the password was last entered in this session: sensitive actions ask again after 15 minutes.
    authenticated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class SignInThrottle(Model):
    """Attempts in the current window for one account or one source address.

    ``key`` is a keyed hash of the email address or address typed, so the table holds neither."""

    __tablename__ = "sign_in_throttles"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    window_started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer)


class RecoveryCode(Model):
    __tablename__ = "recovery_codes"
    __table_args__ = (UniqueConstraint("user_id", "code_hash", name="uq_recovery_codes_user_id_code_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AccountChangeKind(enum.StrEnum):
    ROLES = "roles"
    SECOND_FACTOR_RESET = "second_factor_reset"


class AccountChangeStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"


class AccountChangeRequest(Model):
    """A change an administrator asked for that gives access to case data: it waits for the CE or DCE."""

    __tablename__ = "account_change_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[AccountChangeKind] = mapped_column(enum_column(AccountChangeKind, "account_change_kind"))
    # For a role change: the whole set of roles the person will hold once approved.
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[AccountChangeStatus] = mapped_column(
        enum_column(AccountChangeStatus, "account_change_status"), default=AccountChangeStatus.PENDING
    )
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def kind_label(self) -> str:
        return (
            _("A change of roles")
            if self.kind == AccountChangeKind.ROLES
            else _("A reset of the second factor")
        )

    @property
    def role_labels(self) -> list[str]:
        from webapp.models.users import Role

        return [Role(value).label for value in self.roles]

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
