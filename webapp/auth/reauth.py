"""Sensitive actions ask for the password again when it was not entered in the last 15 minutes."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TypeVar
from urllib.parse import urlsplit

from flask import redirect, request, url_for
from flask_login import current_user

from webapp.auth import sessions

F = TypeVar("F", bound=Callable)


def recent_password_required(view: F) -> F:
    """Use under ``permission_required``. A GET comes back to itself; a POST to the page it came from
    (nothing is done until the person confirms, then they press the button again)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if sessions.confirmed_recently(current_user.current_session):
            return view(*args, **kwargs)
        if request.method == "GET":
            back = request.full_path.rstrip("?")
        else:
            referrer = urlsplit(request.referrer or "")
            back = referrer.path if referrer.path.startswith("/") else "/"
        return redirect(url_for("account.confirm_password", next=back))

    return wrapped  # type: ignore[return-value]
