"""argon2id password hashing, with the cost taken from configuration."""

from __future__ import annotations

from collections.abc import Iterable

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from zxcvbn import zxcvbn

from webapp.i18n import gettext

MIN_PASSWORD_LENGTH = 12
# zxcvbn's scale: 3 is "safely unguessable: moderate protection from offline slow-hash attacks".
MIN_STRENGTH = 3


def _hasher() -> PasswordHasher:
    return PasswordHasher(
        time_cost=current_app.config["ARGON2_TIME_COST"],
        memory_cost=current_app.config["ARGON2_MEMORY_COST"],
        type=Type.ID,
    )


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        # Spend the same effort as a real check so response time does not reveal unknown emails.
        _hasher().hash(password)
        return False
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _score(password: str, personal: list[str]) -> int:
    return zxcvbn(password, user_inputs=personal)["score"] if password.strip() else 0


def personal_words(*details: str | None) -> list[str]:
    """The person's own details, and their parts, which a password must not be built from."""
    words: list[str] = []
    for detail in details:
        if not detail:
            continue
        words.append(detail.lower())
        words.extend(part for part in _split(detail.lower()) if len(part) >= 3)
    return words


def _split(text: str) -> list[str]:
    for separator in "@._-+":
        text = text.replace(separator, " ")
    return text.split()


def password_problem(password: str, personal: Iterable[str] = ()) -> str | None:
    """Why a new password is not acceptable, or None.

    Strength comes from zxcvbn, which knows common passwords, words, names, keyboard patterns,
    dates and repeats, and is told the person's own details so it can spot those too."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return gettext("Password must be %(num)d characters or more", num=MIN_PASSWORD_LENGTH)
    if len(password) > 200:
        return gettext("Password must be 200 characters or fewer")
    personal = [word for word in personal if word]
    # What is left once the person's own details are taken out must be strong on its own:
    # zxcvbn alone rates "jones2026gwen!" as strong enough.
    rest = password.lower()[:100]
    for word in sorted(personal, key=len, reverse=True):
        rest = rest.replace(word, " ")
    if min(_score(password[:100], personal), _score(rest, personal)) < MIN_STRENGTH:
        return gettext(
            "Password is too easy to guess. Use three or more unrelated words, and do not use "
            "your name or email address"
        )
    return None
