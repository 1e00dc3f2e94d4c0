from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from webapp.permissions import Permission, can, permission_required, public

bp = Blueprint("main", __name__)


@bp.route("/")
@public
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.sign_in"))
    return redirect(url_for("main.home"))


@bp.route("/home")
@permission_required(Permission.SIGNED_IN)
def home():
    """Each person starts where their work is."""
    if can(Permission.VIEW_CASES):
        return redirect(url_for("cases.list_cases"))
    if can(Permission.MANAGE_USERS):
        return redirect(url_for("admin.list_users"))
    return redirect(url_for("main.no_access"))


@bp.route("/no-access")
@permission_required(Permission.SIGNED_IN)
def no_access():
    from flask import render_template

    return render_template("main/no_access.html")


@bp.route("/accessibility")
@public
def accessibility():
    """The accessibility statement the Public Sector Bodies Accessibility Regulations 2018 require:
    open to everyone, linked from every page's footer."""
    return render_template("main/accessibility.html", title="Accessibility statement for Case review manager")


@bp.route("/health")
@public
def health():
    return {"status": "ok"}
