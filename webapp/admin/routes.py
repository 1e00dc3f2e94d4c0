"""Administrator pages: users, operational areas, and the audit trail."""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from webapp import audit
from webapp.admin import approvals, services
from webapp.admin.forms import AreaForm, UserForm
from webapp.auth.reauth import recent_password_required
from webapp.extensions import db
from webapp.forms import flash_saved
from webapp.i18n import gettext as _
from webapp.i18n import ngettext
from webapp.limits import page_arg, per_page, query_int
from webapp.paging import Cursor
from webapp.permissions import Permission, can, permission_required

if TYPE_CHECKING:
    from rules import PolicyError

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _page() -> int:
    return page_arg()


def _user_or_404(user_id: int):
    user = services.get_user(user_id)
    if user is None:
        abort(404)
    return user


def _user_form_choices(form: UserForm, user=None) -> None:
    form.area_id.choices = [("", _("No area"))] + [(a.id, a.name) for a in services.list_areas()]
    form.line_manager_id.choices = [("", _("No line manager"))] + [
        (u.id, u.name) for u in services.possible_managers(excluding=user.id if user else None)
    ]


@bp.route("/users")
@permission_required(Permission.MANAGE_USERS)
def list_users():
    search = (request.args.get("q") or "").strip()[:100]
    pagination = services.list_users(_page(), per_page(), search)
    return render_template("admin/users.html", title=_("Users"), pagination=pagination, search=search)


@bp.route("/users/new", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_USERS)
@recent_password_required
def new_user():
    form = UserForm(password_required=True)
    _user_form_choices(form)
    if form.validate_on_submit():
        roles = form.selected_roles()
        try:
            # Only the roles that need no approval at once; the rest wait for the CE or DCE.
            user = services.create_user(
                email=form.email.data,
                name=form.name.data,
                roles=roles - approvals.CASE_DATA_ROLES,
                area_id=form.area_id.data,
                line_manager_id=form.line_manager_id.data,
                password=form.password.data,
                must_change_password=True,
                language=form.language.data,
            )
        except services.DuplicateEmail:
            form.email.errors.append(_("A user with this email address already exists"))
        except services.ManagerLoop:
            form.line_manager_id.errors.append(_("Line manager cannot report to this person"))
        else:
            outcome = approvals.change_roles(user, roles, actor=current_user)
            db.session.commit()
            flash(_("User added.") + (" " + awaiting() if outcome == "requested" else ""), "success")
            return redirect(url_for("admin.list_users"))
    return render_template("admin/user_form.html", title=_("Add a user"), form=form, user=None)


def awaiting() -> str:
    return _(
        "The roles that give access to case data will apply once the Chief Executive or"
        " Deputy Chief Executive approves them."
    )


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_USERS)
@recent_password_required
def edit_user(user_id: int):
    user = _user_or_404(user_id)
    form = UserForm(obj=user)
    _user_form_choices(form, user)
    if request.method == "GET":
        form.roles.data = sorted(role.value for role in user.roles)
    if form.validate_on_submit() and _own_roles_unchanged(form, user):
        try:
            changed = services.update_user(
                user,
                name=form.name.data,
                email=form.email.data,
                area_id=form.area_id.data,
                line_manager_id=form.line_manager_id.data,
                language=form.language.data,
            )
            outcome = approvals.change_roles(user, form.selected_roles(), actor=current_user)
            if outcome == "applied":
                changed.append("roles")
            if form.password.data:
                services.set_password(user, form.password.data)
                changed.append("password")
            db.session.commit()
        except services.DuplicateEmail:
            form.email.errors.append(_("A user with this email address already exists"))
        except services.ManagerLoop:
            form.line_manager_id.errors.append(_("Line manager cannot report to this person"))
        else:
            if outcome == "requested":
                flash((_("User updated.") + " " if changed else "") + awaiting(), "success")
            else:
                flash_saved(_("User updated."), changed)
            return redirect(url_for("admin.list_users"))
    return render_template(
        "admin/user_form.html",
        title=_("Change user: %(name)s", name=user.name),
        form=form,
        user=user,
        awaiting=approvals.pending_for(user),
    )


def _own_roles_unchanged(form: UserForm, user) -> bool:
    """An administrator cannot change their own roles (a second administrator must)."""
    if user.id == current_user.id and form.selected_roles() != user.roles:
        form.roles.errors.append(_("You cannot change your own roles. Ask another administrator"))
        return False
    return True


@bp.route("/users/<int:user_id>/reset-second-factor", methods=["POST"])
@permission_required(Permission.MANAGE_USERS)
@recent_password_required
def reset_second_factor(user_id: int):
    user = _user_or_404(user_id)
    if user.id == current_user.id:
        flash(_("You cannot reset your own second factor. Ask another administrator."), "info")
    elif approvals.reset_second_factor(user, actor=current_user) == "requested":
        db.session.commit()
        flash(
            _(
                "Resetting the second factor of %(name)s will happen once the Chief Executive or "
                "Deputy Chief Executive approves it.",
                name=user.name,
            ),
            "success",
        )
    else:
        db.session.commit()
        flash(
            _(
                "The second factor of %(name)s has been reset. They set it up again at sign-in.",
                name=user.name,
            ),
            "success",
        )
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@permission_required(Permission.MANAGE_USERS)
@recent_password_required
def deactivate_user(user_id: int):
    user = _user_or_404(user_id)
    if user.id == current_user.id:
        flash(_("You cannot deactivate your own account."), "info")
    else:
        services.set_active(user, False)
        flash(_("%(name)s has been deactivated and signed out.", name=user.name), "success")
    return redirect(url_for("admin.list_users"))


@bp.route("/users/<int:user_id>/reactivate", methods=["POST"])
@permission_required(Permission.MANAGE_USERS)
@recent_password_required
def reactivate_user(user_id: int):
    user = _user_or_404(user_id)
    services.set_active(user, True)
    flash(_("%(name)s has been reactivated.", name=user.name), "success")
    return redirect(url_for("admin.list_users"))


@bp.route("/areas", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_AREAS)
def list_areas():
    form = AreaForm()
    if form.validate_on_submit():
        try:
            services.create_area(form.name.data)
        except services.DuplicateArea:
            form.name.errors.append(_("An area with this name already exists"))
        else:
            flash(_("Area added."), "success")
            return redirect(url_for("admin.list_areas"))
    return render_template(
        "admin/areas.html", title=_("Operational areas"), form=form, areas=services.list_areas()
    )


@bp.route("/areas/<int:area_id>/rename", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_AREAS)
def rename_area(area_id: int):
    area = services.get_area(area_id)
    if area is None:
        abort(404)
    form = AreaForm(obj=area)
    if form.validate_on_submit():
        try:
            services.rename_area(area, form.name.data)
        except services.DuplicateArea:
            form.name.errors.append(_("An area with this name already exists"))
        else:
            flash(_("Area renamed."), "success")
            return redirect(url_for("admin.list_areas"))
    return render_template(
        "admin/area_form.html", title=_("Rename area: %(name)s", name=area.name), form=form, area=area
    )


@bp.route("/policy", methods=["GET", "POST"])
@permission_required(Permission.VIEW_POLICY)
def policy():
    from flask import current_app
    from flask_login import current_user

    from rules import PolicyError
    from webapp.admin import policy as timescales
    from webapp.models import Role

    may_change = Role.ADMINISTRATOR in current_user.roles
    # The descriptions are lazy texts (rules/policy.py): each reads in the language of this page.
    rows = [
        (key, days, str(description)) for key, days, description in timescales.effective_policy().describe()
    ]
    errors: dict[str, str] = {}
    if request.method == "POST":
        if not may_change:
            abort(403)
        values: dict[str, int] = {}
        for key, days, _description in rows:
            if days is None:
                continue  # an optional timescale left unset in the file stays unset
            text = (request.form.get(key) or "").strip()
            if not text.isdigit() or len(text) > 3:
                errors[key] = _("Enter %(key)s as a whole number of working days, from 0 to 999", key=key)
            else:
                values[key] = int(text)
        if not errors:
            try:
                changed = timescales.change(values, actor=current_user)
            except PolicyError as error:
                errors[error.key or ""] = _policy_problem(error)
            else:
                flash(
                    ngettext(
                        "%(num)d timescale changed. It applies from now on.",
                        "%(num)d timescales changed. They apply from now on.",
                        len(changed),
                    )
                    if changed
                    else _("You did not change anything."),
                    "success",
                )
                return redirect(url_for("admin.policy"))
    return render_template(
        "admin/policy.html",
        title=_("Timescales policy"),
        rows=rows,
        changed=timescales.changed_keys(),
        may_change=may_change,
        errors=errors,
        entered=request.form if request.method == "POST" else {},
        source=current_app.config["POLICY_FILE"] or _("rules/policy.toml (the defaults)"),
    )


def _policy_problem(error: PolicyError) -> str:
    """What rules.PolicyError says about a value typed on the page, in the reader's language."""
    later = re.search(r"must be later than (\w+)", str(error))
    if later:
        return _(
            "%(key)s must be later than escalation.%(earlier)s",
            key=error.key,
            earlier=later.group(1),
        )
    least = re.search(r"at least (\d+)", str(error))
    return _(
        "Enter %(key)s as a whole number of working days, at least %(minimum)s",
        key=error.key,
        minimum=least.group(1) if least else 0,
    )


@bp.route("/tasks-with-nobody")
@permission_required(Permission.MANAGE_USERS)
def tasks_with_nobody():
    from webapp.tasks.pools import POOL_LABELS
    from webapp.tasks.services import tasks_with_nobody as unheld

    return render_template(
        "admin/tasks_with_nobody.html",
        title=_("Tasks with nobody to do them"),
        tasks=unheld(),
        pool_labels=POOL_LABELS,
    )


@bp.route("/audit")
@permission_required(Permission.VIEW_AUDIT)
def audit_trail():
    filters, asked, errors = _audit_filters()
    pagination = (
        None
        if errors
        else services.audit_events(filters, page=_page(), per_page=per_page(), cursor=Cursor.from_request())
    )
    audit.record_page_view("audit.viewed", record_id=filters.case_id, case_id=None)
    return render_template(
        "admin/audit.html",
        title=_("Audit trail"),
        pagination=pagination,
        filters=filters,
        asked=asked,
        errors=errors,
        may_name_cases=can(Permission.VIEW_CASES),
        record_types=[(t, t) for t in sorted({spec.record_type for spec in audit.EVENT_TYPES.values()})],
        event_types=sorted(((t, audit.event_label(t)) for t in audit.EVENT_TYPES), key=lambda pair: pair[1]),
        event_label=audit.event_label,
        actor_words=audit.actor_words,
    )


def _audit_filters() -> tuple[services.AuditFilters, dict[str, str], dict[str, str]]:
    """The trail's filters from the query string, what was typed (to show again), and what could
    not be understood, by field id. A case is named by its number only for those who may see cases
    (administrators see no case data); otherwise by its internal id, as links to the trail give."""
    asked = {
        name: (request.args.get(name) or "").strip()[:120] for name in ("case_number", "person", "from", "to")
    }
    errors: dict[str, str] = {}
    case_id = query_int("case")
    if asked["case_number"] and can(Permission.VIEW_CASES):
        case_id = services.case_id_of(asked["case_number"])
        if case_id is None:
            errors["filter-case_number"] = _("No case has that case number")
    actor_id = None
    if asked["person"]:
        actor_id = services.user_id_of(asked["person"])
        if actor_id is None:
            errors["filter-person"] = _("No one has that email address")
    days: dict[str, date | None] = {}
    for name, problem in (
        ("from", _("From must be a real date, for example 2026-12-01")),
        ("to", _("To must be a real date, for example 2026-12-31")),
    ):
        try:
            days[name] = date.fromisoformat(asked[name]) if asked[name] else None
        except ValueError:
            days[name] = None
            errors[f"filter-{name}"] = problem
    if days["from"] and days["to"] and days["from"] > days["to"]:
        errors["filter-to"] = _("To must be the same as or after From")
    event_type = (request.args.get("event") or "").strip()
    filters = services.AuditFilters(
        case_id=case_id,
        record_type=(request.args.get("record_type") or "").strip()[:40] or None,
        record_id=query_int("record_id"),
        event_type=event_type if event_type in audit.EVENT_TYPES else None,
        actor_id=actor_id,
        since=days["from"],
        until=days["to"],
    )
    return filters, asked, errors
