"""People, their roles and operational areas."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint, update
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import Model, db
from webapp.i18n import LazyString
from webapp.i18n import lazy_gettext as _l
from webapp.models.types import UTCDateTime, enum_column, utcnow

if TYPE_CHECKING:
    from webapp.models.security import UserSession


class Role(enum.StrEnum):
    CHIEF_EXECUTIVE = "chief_executive"
    DEPUTY_CHIEF_EXECUTIVE = "deputy_chief_executive"
    AREA_HEAD_OF_OPERATIONS = "area_head_of_operations"
    HEAD_OF_OPERATIONS = "head_of_operations"
    PRACTICE_MANAGER = "practice_manager"
    PRACTITIONER = "practitioner"
    PRACTICE_DEVELOPMENT_TEAM = "practice_development_team"
    SENIOR_LEADERSHIP_TEAM = "senior_leadership_team"
    ADMINISTRATOR = "administrator"

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])

    @property
    def lazy_label(self) -> LazyString:
        return ROLE_LABELS[self]


ROLE_LABELS: dict[Role, LazyString] = {
    Role.CHIEF_EXECUTIVE: _l("Chief Executive"),
    Role.DEPUTY_CHIEF_EXECUTIVE: _l("Deputy Chief Executive"),
    Role.AREA_HEAD_OF_OPERATIONS: _l("Area Head of Operations"),
    Role.HEAD_OF_OPERATIONS: _l("Head of Operations"),
    Role.PRACTICE_MANAGER: _l("Practice Manager"),
    Role.PRACTITIONER: _l("Practitioner"),
    Role.PRACTICE_DEVELOPMENT_TEAM: _l("Practice Development Team"),
    Role.SENIOR_LEADERSHIP_TEAM: _l("Senior Leadership Team"),
    Role.ADMINISTRATOR: _l("Administrator"),
}


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class OperationalArea(Model):
    __tablename__ = "operational_areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<OperationalArea {self.id}>"


class UserRole(Model):
    __tablename__ = "user_roles"
    __table_args__ = (UniqueConstraint("user_id", "role", name="uq_user_roles_user_id_role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"))


class User(Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased, so the unique index makes addresses unique regardless of case.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("operational_areas.id"), index=True)
    line_manager_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Flask-Login keeps this token in the session, not the id: rotating it (on deactivation or
    # a password change) ends every existing session of the user at once.
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)
    # Second factor: the TOTP secret, and the last time step accepted (a code works once).
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    # Set when an administrator chose the password: the person picks their own at next sign-in.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    # "each": an email for each notification (several in one relay cycle travel together);
    # "daily": one summary email a day. In-app notifications arrive at once either way.
    email_preference: Mapped[str] = mapped_column(String(20), default="each", server_default="each")
    # "en" or "cy": the interface's language, and the language of every message written for them.
    language: Mapped[str] = mapped_column(String(2), default="en", server_default="en")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    area: Mapped[OperationalArea | None] = relationship()
    line_manager: Mapped[User | None] = relationship(remote_side=[id])
    role_rows: Mapped[list[UserRole]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by=UserRole.role
    )

    # Flask-Login protocol
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    # The server-side session this request runs in (webapp/auth/sessions.py); not a column, so the
    # annotation is for the type checker only (the ORM maps every annotated attribute).
    # With it, the person's unread notifications as the request began, read in the same statement
    # (None when the person was loaded some other way).
    if TYPE_CHECKING:
        current_session: UserSession | None
        unread_at_load: int | None
    else:
        current_session = None
        unread_at_load = None

    def get_id(self) -> str:
        if self.current_session is None:
            raise RuntimeError("a user is signed in only through webapp.auth.sessions.start")
        return self.current_session.token

    @property
    def roles(self) -> set[Role]:
        return {row.role for row in self.role_rows}

    def set_roles(self, roles: set[Role]) -> None:
        current = {row.role: row for row in self.role_rows}
        for role, row in current.items():
            if role not in roles:
                self.role_rows.remove(row)
        for role in sorted(roles - current.keys()):
            self.role_rows.append(UserRole(role=role))

    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))

    def end_sessions(self, *, keep: str | None = None) -> None:
        """End every signed-in session of this person (but ``keep``, a session token), at once."""
        from webapp.models.security import UserSession

        self.session_token = new_session_token()
        if self.id is None:
            return
        query = update(UserSession).where(UserSession.user_id == self.id, UserSession.ended_at.is_(None))
        if keep is not None:
            query = query.where(UserSession.token != keep)
        db.session.execute(query.values(ended_at=utcnow()))

    def __repr__(self) -> str:
        return f"<User {self.id}>"
