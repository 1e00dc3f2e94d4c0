"""A person's own account: password, second factor, and confirming the password again."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user

from webapp import audit
from webapp.auth import mfa, notices, sessions, throttle
from webapp.auth.forms import ChangePasswordForm, ConfirmPasswordForm, EmailPreferenceForm, SetUpCodeForm
from webapp.auth.passwords import verify_password
from webapp.auth.reauth import recent_password_required
from webapp.auth.services import change_own_password, personal_details, safe_next
from webapp.extensions import db
from webapp.i18n import gettext
from webapp.notifications.combining import PREFERENCES, reschedule
from webapp.permissions import Permission, permission_required

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.route("")
@permission_required(Permission.SIGNED_IN)
def overview():
    return render_template(
        "auth/account.html",
        title=gettext("Your account"),
        has_second_factor=bool(current_user.totp_secret),
        second_factor_required=mfa.required(current_user),
        email_preference=str(PREFERENCES.get(current_user.email_preference, PREFERENCES["each"])),
    )


@bp.route("/emails", methods=["GET", "POST"])
@permission_required(Permission.SIGNED_IN)
def email_preference():
    """Email for each event, or one daily summary; in-app notifications arrive at once either way."""
    form = EmailPreferenceForm(data={"email_preference": current_user.email_preference})
    if form.validate_on_submit():
        choice = form.email_preference.data
        if choice == current_user.email_preference:
            flash(gettext("Nothing changed: that was already your choice."), "info")
        else:
            current_user.email_preference = choice
            reschedule(current_user)  # emails not yet sent follow the new choice
            audit.record(
                "user.email_preference_changed",
                record_id=current_user.id,
                changed_fields=["email_preference"],
            )
            db.session.commit()
            flash(gettext("Your email choice has been saved."), "success")
        return redirect(url_for("account.overview"))
    return render_template("auth/email_preference.html", title=gettext("How you get emails"), form=form)


@bp.route("/password", methods=["GET", "POST"])
@permission_required(Permission.SIGNED_IN)
def change_password():
    form = ChangePasswordForm(personal=personal_details(current_user))
    status = 200
    if form.validate_on_submit():
        if not throttle.allow_attempt(current_user.email, request.remote_addr):
            form.current.errors.append(throttle.too_many_message())
            status = 429
        elif not verify_password(current_user.password_hash, form.current.data):
            audit.record("user.reauthentication_failed", record_id=current_user.id)
            db.session.commit()
            form.current.errors.append(gettext("Your current password is not correct"))
        elif form.current.data == form.password.data:
            form.password.errors.append(gettext("Choose a password different from your current one"))
        else:
            change_own_password(
                current_user, form.password.data, keep_session=current_user.current_session.token
            )
            sessions.confirm(current_user.current_session)
            db.session.commit()
            flash(
                gettext("Your password has been changed. You have been signed out everywhere else."),
                "success",
            )
            return redirect(url_for("account.overview"))
    return (
        render_template(
            "auth/new_password.html", title=gettext("Change your password"), form=form, forced=False
        ),
        status,
    )


@bp.route("/second-factor", methods=["GET", "POST"])
@permission_required(Permission.SIGNED_IN)
@recent_password_required
def set_up_second_factor():
    """On offer to everyone; also replaces a lost phone's set-up (the old codes stop working)."""
    secret = session.get("account_totp_secret") or mfa.new_secret()
    session["account_totp_secret"] = secret
    form = SetUpCodeForm()
    if form.validate_on_submit():
        check = mfa.check_code(current_user, form.code.data, secret=secret)
        if check is mfa.Check.ACCEPTED:
            codes = mfa.enrol(current_user, secret)
            audit.record("user.second_factor_enrolled", record_id=current_user.id)
            notices.account_changed(current_user, "account_second_factor_changed")
            db.session.commit()
            session.pop("account_totp_secret", None)
            return render_template(
                "auth/recovery_codes.html",
                title=gettext("Your recovery codes"),
                codes=codes,
                continue_url=url_for("account.overview"),
            )
        form.code.errors.append(mfa.refusal(check))
    return render_template(
        "auth/set_up_second_factor.html",
        title=gettext("Set up your authenticator app"),
        form=form,
        user=current_user,
        secret=mfa.grouped(secret),
        qr=mfa.qr_svg(current_user, secret),
        required=False,
    )


@bp.route("/confirm-password", methods=["GET", "POST"])
@permission_required(Permission.SIGNED_IN)
def confirm_password():
    form = ConfirmPasswordForm()
    status = 200
    if form.validate_on_submit():
        if not throttle.allow_attempt(current_user.email, request.remote_addr):
            form.password.errors.append(throttle.too_many_message())
            status = 429
        elif verify_password(current_user.password_hash, form.password.data):
            sessions.confirm(current_user.current_session)
            audit.record("user.reauthenticated", record_id=current_user.id)
            db.session.commit()
            return redirect(safe_next(request.args.get("next")) or url_for("main.home"))
        else:
            audit.record("user.reauthentication_failed", record_id=current_user.id)
            db.session.commit()
            form.password.errors.append(gettext("Your password is not correct"))
    return render_template(
        "auth/confirm_password.html", title=gettext("Confirm your password"), form=form
    ), status
