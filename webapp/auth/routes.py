from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from webapp import audit
from webapp.auth.forms import SignInForm
from webapp.auth.services import authenticate, safe_next
from webapp.extensions import db
from webapp.permissions import Permission, permission_required, public

bp = Blueprint("auth", __name__)


@bp.route("/sign-in", methods=["GET", "POST"])
@public
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = SignInForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user)
            return redirect(safe_next(request.args.get("next")) or url_for("main.home"))
        form.password.errors.append("Enter a correct email address and password")
    return render_template("auth/sign_in.html", form=form)


@bp.route("/sign-out", methods=["POST"])
@permission_required(Permission.SIGNED_IN)
def sign_out():
    audit.record("user.signed_out", record_id=current_user.id)
    db.session.commit()
    logout_user()
    flash("You have been signed out.", "success")
    return redirect(url_for("auth.sign_in"))
