"""Tell a person about every change to their roles, password or second factor (generic emails)."""

from __future__ import annotations

import secrets

from webapp.i18n import lazy_gettext
from webapp.models import User
from webapp.notifications.services import notify

# Lazy: notify writes each in the recipient's language.
_DETAIL = {
    "account_roles_changed": lazy_gettext("Your roles have changed. They apply from your next sign-in."),
    "account_password_changed": lazy_gettext(
        "Your password has changed. If you did not expect this, tell your administrator."
    ),
    "account_second_factor_changed": lazy_gettext(
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
