from __future__ import annotations

from urllib.parse import urlsplit

from webapp import audit
from webapp.auth import notices
from webapp.auth.passwords import hash_password, personal_words, verify_password
from webapp.extensions import db
from webapp.models import User


def normalise_email(email: str) -> str:
    return email.strip().lower()


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None. Failed attempts are audited.

    Success here is only the first factor: the sign-in routes finish the sign-in."""
    user = db.session.execute(
        db.select(User).where(User.email == normalise_email(email))
    ).scalar_one_or_none()
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not ok or not user.active:
        audit.record("user.sign_in_failed", record_id=user.id if user else None, actor_label="anonymous")
        db.session.commit()
        return None
    return user


def personal_details(user: User) -> list[str]:
    return personal_words(user.email, user.name)


def change_own_password(user: User, password: str, *, keep_session: str | None) -> None:
    """The person chose a new password: other sessions end, and they are told."""
    user.password_hash = hash_password(password)
    user.must_change_password = False
    user.end_sessions(keep=keep_session)
    audit.record("user.password_changed", record_id=user.id, actor=user)
    notices.account_changed(user, "account_password_changed")


def safe_next(target: str | None) -> str | None:
    """A ``next=`` target only when it stays on this site (a path, no scheme or host)."""
    if not target:
        return None
    target = target.strip()
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(ch) < 32 for ch in target):
        return None
    return target
