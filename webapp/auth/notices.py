"""Tell a person about every change to their roles, password or second factor (generic emails, and
the in-app words, in the person's own language)."""

from __future__ import annotations

import secrets

from webapp.i18n import lazy_gettext as _l
from webapp.models import User
from webapp.notifications.services import notify

_DETAIL = {
    "account_roles_changed": _l("Your roles have changed. They apply from your next sign-in."),
    "account_password_changed": _l(
        "Your password has changed. If you did not expect this, tell your administrator."
    ),
    "account_second_factor_changed": _l(
        "Your second factor has changed or a recovery code was used. "
        "If you did not expect this, tell your administrator."
    ),
}


def account_changed(user: User, kind: str) -> None:
    """Add the notice to the current transaction, beside the change it reports."""
    notify(
        user,
        kind,
        link_path="/account",
        detail=_DETAIL[kind],
        dedupe_key=f"{kind}:{user.id}:{secrets.token_hex(8)}",
    )
