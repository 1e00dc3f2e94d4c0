"""The second factor: TOTP codes (pyotp) and one-time recovery codes stored as keyed hashes."""

from __future__ import annotations

import enum
import hashlib
import hmac
import secrets
import time

import pyotp
import segno
from flask import current_app
from markupsafe import Markup, escape
from sqlalchemy import delete, or_, update

from webapp.extensions import db, rows_matched
from webapp.i18n import gettext
from webapp.models import RecoveryCode, Role, User, utcnow

ISSUER = "Case review manager"
RECOVERY_CODE_COUNT = 10
# These roles must use a second factor; everyone else may.
REQUIRED_FOR = (Role.ADMINISTRATOR, Role.CHIEF_EXECUTIVE, Role.DEPUTY_CHIEF_EXECUTIVE)


def required(user: User) -> bool:
    return user.has_role(*REQUIRED_FOR)


def new_secret() -> str:
    return pyotp.random_base32()


def grouped(secret: str) -> str:
    """The secret in groups of four, easier to type into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(user: User, secret: str) -> Markup:
    """The set-up QR code as inline SVG, labelled for screen readers (the secret is also shown as text)."""
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)
    label = gettext("QR code to set up your authenticator app")
    svg = segno.make(uri, error="m").svg_inline(scale=4, title=label, svgclass="app-qr-code")
    # segno writes the SVG from the URI's bits alone (no text from the URI appears in it).
    return Markup(  # noqa: S704
        svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)
    )


def _clean(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


class Check(enum.Enum):
    """What a code typed on a second-factor form turned out to be."""

    ACCEPTED = "accepted"
    # A code the app showed, but its time (or a later one) has already been used to sign in: it
    # cannot be used again, and the person should wait for the app's next code.
    SPENT = "spent"
    WRONG = "wrong"


def check_code(user: User, code: str, secret: str | None = None) -> Check:
    """ACCEPTED once for a current code; the same code (or an older one) is SPENT after that."""
    secret = secret or user.totp_secret
    code = _clean(code)
    if not secret or not code.isdigit() or len(code) != 6:
        return Check.WRONG
    totp = pyotp.TOTP(secret)
    now_step = int(time.time()) // totp.interval
    for step in (now_step - 1, now_step, now_step + 1):  # one step either side for clock drift
        if not hmac.compare_digest(totp.generate_otp(step), code):
            continue
        # Take the step atomically: two requests with the same code cannot both succeed.
        taken = rows_matched(
            update(User)
            .where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
            .values(totp_last_step=step)
            .execution_options(synchronize_session=False)
        )
        if taken == 1:
            user.totp_last_step = step
            return Check.ACCEPTED
        return Check.SPENT
    return Check.WRONG


def refusal(check: Check) -> str:
    """What the form says when a code is refused. A spent code was typed correctly: saying so (and
    to wait) spares the person retyping the same code; it tells someone who watched it typed only
    that it is of no more use to them."""
    if check is Check.SPENT:
        return gettext("That code has already been used. Wait for your app to show a new code, then enter it")
    return gettext("Enter a correct code")


def _hash(code: str) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, _clean(code).encode(), hashlib.sha256).hexdigest()


def new_recovery_codes(user: User) -> list[str]:
    """Replace the person's recovery codes; the plain codes are shown once and never stored."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(alphabet) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_hash(raw)))
    return codes


def use_recovery_code(user: User, code: str) -> bool:
    """True once per code: the UPDATE takes it, so a second use (even in parallel) is refused."""
    if not _clean(code):
        return False
    taken = rows_matched(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _hash(code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return taken == 1


def enrol(user: User, secret: str) -> list[str]:
    user.totp_secret = secret
    return new_recovery_codes(user)


def remove(user: User) -> None:
    user.totp_secret = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
