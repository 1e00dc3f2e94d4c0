"""Signing in (password, then second factor, then a forced password change) and signing out.

Between the password and the end of the sign-in, the Flask session holds a short-lived
``sign_in`` record (who, when, whether the second factor is done); nobody is signed in until
every step is done and ``sessions.start`` opens a server-side session.
"""

from __future__ import annotations

import time
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, logout_user

from webapp import audit
from webapp.auth import mfa, notices, sessions, throttle
from webapp.auth.forms import CodeForm, NewPasswordForm, SetUpCodeForm, SignInForm
from webapp.auth.passwords import verify_password
from webapp.auth.services import authenticate, change_own_password, personal_details, safe_next
from webapp.extensions import db
from webapp.i18n import gettext, language_of, remember_language
from webapp.models import User
from webapp.permissions import Permission, permission_required, public

bp = Blueprint("auth", __name__)

PENDING_SECONDS = 10 * 60  # time allowed between the password and the last sign-in step


@bp.route("/sign-in", methods=["GET", "POST"])
@public
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = SignInForm()
    status = 200
    if form.validate_on_submit():
        session.pop("sign_in", None)
        if not throttle.allow_attempt(form.email.data, request.remote_addr):
            audit.record("user.sign_in_refused", record_id=None, actor_label="anonymous")
            db.session.commit()
            form.password.errors.append(throttle.too_many_message())
            status = 429
        else:
            user = authenticate(form.email.data, form.password.data)
            if user is not None:
                pending: dict[str, Any] = {"user_id": user.id, "started": time.time(), "factor": False}
                pending["next"] = safe_next(request.args.get("next"))
                return _advance(user, pending)
            form.password.errors.append(gettext("Enter a correct email address and password"))
    return render_template("auth/sign_in.html", form=form), status


def _pending() -> tuple[User, dict] | None:
    pending = session.get("sign_in")
    if not pending or time.time() - pending.get("started", 0) > PENDING_SECONDS:
        return None
    user = db.session.get(User, pending["user_id"])
    if user is None or not user.active:
        return None
    return user, pending


def _start_again():
    session.pop("sign_in", None)
    flash(gettext("Your sign-in took too long or was not finished. Sign in again."), "info")
    return redirect(url_for("auth.sign_in"))


def _advance(user: User, pending: dict):
    """Send the person to their next sign-in step, or sign them in when none is left."""
    if not pending["factor"]:
        if user.totp_secret:
            session["sign_in"] = pending
            return redirect(url_for("auth.second_factor"))
        if mfa.required(user):
            session["sign_in"] = pending
            return redirect(url_for("auth.set_up_second_factor"))
    if user.must_change_password:
        session["sign_in"] = pending
        return redirect(url_for("auth.new_password"))
    session.pop("sign_in", None)
    session.pop("sign_in_secret", None)
    throttle.clear_account(user.email)
    audit.record("user.signed_in", record_id=user.id, actor=user)
    sessions.start(user)  # commits the event with the new session
    return redirect(pending.get("next") or url_for("main.home"))


@bp.route("/sign-in/code", methods=["GET", "POST"])
@public
def second_factor():
    found = _pending()
    if found is None or not found[0].totp_secret:
        return _start_again()
    user, pending = found
    form = CodeForm()
    status = 200
    if form.validate_on_submit():
        if not throttle.allow_attempt(user.email, request.remote_addr):
            audit.record("user.sign_in_refused", record_id=user.id, actor_label="anonymous")
            db.session.commit()
            form.code.errors.append(throttle.too_many_message())
            status = 429
        elif (check := mfa.check_code(user, form.code.data)) is mfa.Check.ACCEPTED:
            pending["factor"] = True
            return _advance(user, pending)
        elif mfa.use_recovery_code(user, form.code.data):
            audit.record("user.recovery_code_used", record_id=user.id, actor=user)
            notices.account_changed(user, "account_second_factor_changed")
            pending["factor"] = True
            return _advance(user, pending)
        else:
            audit.record("user.second_factor_failed", record_id=user.id, actor_label="anonymous")
            db.session.commit()
            form.code.errors.append(mfa.refusal(check))
    return render_template("auth/second_factor.html", title=gettext("Enter your code"), form=form), status


@bp.route("/sign-in/set-up-code", methods=["GET", "POST"])
@public
def set_up_second_factor():
    """Administrators, the CE and the DCE must turn on a second factor before their first sign-in."""
    found = _pending()
    if found is None or found[0].totp_secret or found[1]["factor"]:
        return _start_again()
    user, pending = found
    secret = session.get("sign_in_secret") or mfa.new_secret()
    session["sign_in_secret"] = secret
    form = SetUpCodeForm()
    if form.validate_on_submit():
        if not throttle.allow_attempt(user.email, request.remote_addr):
            form.code.errors.append(throttle.too_many_message())
        elif (check := mfa.check_code(user, form.code.data, secret=secret)) is mfa.Check.ACCEPTED:
            codes = mfa.enrol(user, secret)
            audit.record("user.second_factor_enrolled", record_id=user.id, actor=user)
            notices.account_changed(user, "account_second_factor_changed")
            db.session.commit()
            pending["factor"] = True
            session["sign_in"] = pending
            session.pop("sign_in_secret", None)
            return render_template(
                "auth/recovery_codes.html",
                title=gettext("Your recovery codes"),
                codes=codes,
                continue_url=url_for("auth.continue_sign_in"),
            )
        else:
            form.code.errors.append(mfa.refusal(check))
    return render_template(
        "auth/set_up_second_factor.html",
        title=gettext("Set up your authenticator app"),
        form=form,
        user=user,
        secret=mfa.grouped(secret),
        qr=mfa.qr_svg(user, secret),
        required=True,
    )


@bp.route("/sign-in/continue")
@public
def continue_sign_in():
    found = _pending()
    if found is None:
        return _start_again()
    return _advance(*found)


@bp.route("/sign-in/new-password", methods=["GET", "POST"])
@public
def new_password():
    """A password an administrator set must be replaced before the person gets in."""
    found = _pending()
    if found is None or not found[0].must_change_password:
        return _start_again()
    user, pending = found
    form = NewPasswordForm(personal=personal_details(user))
    if form.validate_on_submit():
        if verify_password(user.password_hash, form.password.data):
            form.password.errors.append(gettext("Choose a password different from the one you were given"))
        else:
            change_own_password(user, form.password.data, keep_session=None)
            db.session.commit()
            return _advance(user, pending)
    return render_template(
        "auth/new_password.html", title=gettext("Choose a new password"), form=form, forced=True
    )


@bp.route("/sign-out", methods=["POST"])
@permission_required(Permission.SIGNED_IN)
def sign_out():
    audit.record("user.signed_out", record_id=current_user.id)
    sessions.end(current_user.current_session)
    db.session.commit()
    language = language_of(current_user)
    flash(gettext("You have been signed out."), "success")  # in their language, while signed in
    logout_user()
    # The sign-in page stays in the language the person was using.
    return remember_language(redirect(url_for("auth.sign_in")), language)


@bp.route("/session/keep-alive", methods=["POST"])
@permission_required(Permission.SIGNED_IN)
def keep_alive():
    """The timeout warning's "Stay signed in": loading the user already moved the idle clock."""
    return "", 204
