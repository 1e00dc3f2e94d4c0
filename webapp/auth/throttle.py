"""Sign-in throttling per account and per source address, counted in the database.

Every attempt (password, second-factor code, password confirmation) first takes a place in the
window with one atomic upsert, so the count holds across gunicorn workers and machines and two
parallel attempts cannot both see room for one. Attempts past the limit are refused without
looking at the password.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta
from typing import cast

from flask import current_app
from sqlalchemy import Table, case, delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from webapp.extensions import db
from webapp.i18n import ngettext
from webapp.models import SignInThrottle, utcnow


def _key(kind: str, value: str) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def account_key(email: str) -> str:
    return _key("account", email.strip().lower())


def address_key(address: str | None) -> str:
    return _key("address", address or "unknown")


def _count(key: str) -> int:
    """Add one attempt to ``key``'s window (starting a new window when the last has passed)."""
    now = utcnow()
    window_start = now - timedelta(minutes=current_app.config["SIGN_IN_WINDOW_MINUTES"])
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    table = cast(Table, SignInThrottle.__table__)
    stale = table.c.window_started_at < window_start
    upsert = insert(table).values(key=key, window_started_at=now, attempts=1)
    counted = upsert.on_conflict_do_update(
        index_elements=[table.c.key],
        set_={
            "attempts": case((stale, 1), else_=table.c.attempts + 1),
            "window_started_at": case((stale, now), else_=table.c.window_started_at),
        },
    ).returning(table.c.attempts)
    return db.session.execute(counted).scalar_one()


def allow_attempt(email: str, address: str | None) -> bool:
    """Count one attempt for the account and the address; False when either is over its limit.

    Commits at once: the count must stand even if the rest of the request fails."""
    config = current_app.config
    account = _count(account_key(email))
    by_address = _count(address_key(address))
    db.session.commit()
    return account <= config["SIGN_IN_ACCOUNT_ATTEMPTS"] and by_address <= config["SIGN_IN_ADDRESS_ATTEMPTS"]


def clear_account(email: str) -> None:
    """A successful sign-in gives the account a fresh window (the address keeps its count)."""
    db.session.execute(delete(SignInThrottle).where(SignInThrottle.key == account_key(email)))


def too_many_message() -> str:
    return ngettext(
        "There have been too many attempts to sign in. Wait %(num)d minute, then try again.",
        "There have been too many attempts to sign in. Wait %(num)d minutes, then try again.",
        current_app.config["SIGN_IN_WINDOW_MINUTES"],
    )
