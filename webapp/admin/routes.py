"""Administrator pages: users, operational areas, and the audit trail."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from webapp import audit
from webapp.admin import approvals, services
from webapp.admin.forms import AreaForm, UserForm
from webapp.auth.reauth import recent_password_required
from webapp.extensions import db
from webapp.forms import flash_saved
from webapp.limits import page_arg, query_int
from webapp.paging import Cursor
from webapp.permissions import Permission, can, permission_required

bp = Blueprint("admin", __name__, url_prefix="/admin")

PER_PAGE = 50


def _page() -> int:
    return page_arg()


def _user_or_404(user_id: int):
    user = services.get_user(user_id)
    if user is None:
        abort(404)
    return user


def _user_form_choices(form: UserForm, user=None) -> None:
    form.area_id.choices = [("", "No area")] + [(a.id, a.name) for a in services.list_areas()]
    form.line_manager_id.choices = [("", "No line manager")] + [
        (u.id, u.name) for u in services.possible_managers(excluding=user.id if user else None)
    ]


@bp.route("/users")
@permission_required(Permission.MANAGE_USERS)
def list_users():
    search = (request.args.get("q") or "").strip()[:100]
    pagination = services.list_users(_page(), PER_PAGE, search)
    return render_template("admin/users.html", title="Users", pagination=pagination, search=search)


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
            )
        except services.DuplicateEmail:
            form.email.errors.append("A user with this email address already exists")
        except services.ManagerLoop:
            form.line_manager_id.errors.append("Line manager cannot report to this person")
        else:
            outcome = approvals.change_roles(user, roles, actor=current_user)
            db.session.commit()
            flash("User added." + (AWAITING if outcome == "requested" else ""), "success")
            return redirect(url_for("admin.list_users"))
    return render_template("admin/user_form.html", title="Add a user", form=form, user=None)


AWAITING = (
    " The roles that give access to case data will apply once the Chief Executive or"
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
            )
            outcome = approvals.change_roles(user, form.selected_roles(), actor=current_user)
            if outcome == "applied":
                changed.append("roles")
            if form.password.data:
                services.set_password(user, form.password.data)
                changed.append("password")
            db.session.commit()
        except services.DuplicateEmail:
            form.email.errors.append("A user with this email address already exists")
        except services.ManagerLoop:
            form.line_manager_id.errors.append("Line manager cannot report to this person")
        else:
            if outcome == "requested":
                flash(("User updated." if changed else "") + AWAITING, "success")
            else:
                flash_saved("User updated.", changed)
            return redirect(url_for("admin.list_users"))
    return render_template(
        "admin/user_form.html",
        title=f"Change user: {user.name}",
        form=form,
        user=user,
        awaiting=approvals.pending_for(user),
    )


def _own_roles_unchanged(form: UserForm, user) -> bool:
    """An administrator cannot change their own roles (a second administrator must)."""
    if user.id == current_user.id and form.selected_roles() != user.roles:
        form.roles.errors.append("You cannot change your own roles. Ask another administrator")
        return False
    return True


@bp.route("/users/<int:user_id>/reset-second-factor", methods=["POST"])
@permission_required(Permission.MANAGE_USERS)
@recent_password_required
def reset_second_factor(user_id: int):
    user = _user_or_404(user_id)
    if user.id == current_user.id:
        flash("You cannot reset your own second factor. Ask another administrator.", "info")
    elif approvals.reset_second_factor(user, actor=current_user) == "requested":
        db.session.commit()
        flash(
            f"Resetting the second factor of {user.name} will happen once the Chief Executive or "
            "Deputy Chief Executive approves it.",
            "success",
        )
    else:
        db.session.commit()
        flash(f"The second factor of {user.name} has been reset. They set it up again at sign-in.", "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@permission_required(Permission.MANAGE_USERS)
@recent_password_required
def deactivate_user(user_id: int):
    user = _user_or_404(user_id)
    if user.id == current_user.id:
        flash("You cannot deactivate your own account.", "info")
    else:
        services.set_active(user, False)
        flash(f"{user.name} has been deactivated and signed out.", "success")
    return redirect(url_for("admin.list_users"))


@bp.route("/users/<int:user_id>/reactivate", methods=["POST"])
@permission_required(Permission.MANAGE_USERS)
@recent_password_required
def reactivate_user(user_id: int):
    user = _user_or_404(user_id)
    services.set_active(user, True)
    flash(f"{user.name} has been reactivated.", "success")
    return redirect(url_for("admin.list_users"))


@bp.route("/areas", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_AREAS)
def list_areas():
    form = AreaForm()
    if form.validate_on_submit():
        try:
            services.create_area(form.name.data)
        except services.DuplicateArea:
            form.name.errors.append("An area with this name already exists")
        else:
            flash("Area added.", "success")
            return redirect(url_for("admin.list_areas"))
    return render_template(
        "admin/areas.html", title="Operational areas", form=form, areas=services.list_areas()
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
            form.name.errors.append("An area with this name already exists")
        else:
            flash("Area renamed.", "success")
            return redirect(url_for("admin.list_areas"))
    return render_template("admin/area_form.html", title=f"Rename area: {area.name}", form=form, area=area)


@bp.route("/policy", methods=["GET", "POST"])
@permission_required(Permission.VIEW_POLICY)
def policy():
    from flask import current_app
    from flask_login import current_user

    from rules import PolicyError
    from webapp.admin import policy as timescales
    from webapp.models import Role

    may_change = Role.ADMINISTRATOR in current_user.roles
    rows = timescales.effective_policy().describe()
    errors: dict[str, str] = {}
    if request.method == "POST":
        if not may_change:
            abort(403)
        values: dict[str, int] = {}
        for key, days, _ in rows:
            if days is None:
                continue  # an optional timescale left unset in the file stays unset
            text = (request.form.get(key) or "").strip()
            if not text.isdigit() or len(text) > 3:
                errors[key] = f"Enter {key} as a whole number of working days, from 0 to 999"
            else:
                values[key] = int(text)
        if not errors:
            try:
                changed = timescales.change(values, actor=current_user)
            except PolicyError as error:
                errors[error.key or ""] = str(error).split(": ", 1)[-1]
            else:
                flash(
                    f"{len(changed)} timescale(s) changed. They apply from now on."
                    if changed
                    else "You did not change anything.",
                    "success",
                )
                return redirect(url_for("admin.policy"))
    return render_template(
        "admin/policy.html",
        title="Timescales policy",
        rows=rows,
        changed=timescales.changed_keys(),
        may_change=may_change,
        errors=errors,
        entered=request.form if request.method == "POST" else {},
        source=current_app.config["POLICY_FILE"] or "rules/policy.toml (the defaults)",
    )


@bp.route("/tasks-with-nobody")
@permission_required(Permission.MANAGE_USERS)
def tasks_with_nobody():
    from webapp.tasks.pools import POOL_LABELS
    from webapp.tasks.services import tasks_with_nobody as unheld

    return render_template(
        "admin/tasks_with_nobody.html",
        title="Tasks with nobody to do them",
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
        else services.audit_events(filters, page=_page(), per_page=PER_PAGE, cursor=Cursor.from_request())
    )
    audit.record_page_view("audit.viewed", record_id=filters.case_id, case_id=None)
    return render_template(
        "admin/audit.html",
        title="Audit trail",
        pagination=pagination,
        filters=filters,
        asked=asked,
        errors=errors,
        may_name_cases=can(Permission.VIEW_CASES),
        record_types=[(t, t) for t in sorted({spec.record_type for spec in audit.EVENT_TYPES.values()})],
        event_types=sorted(((t, audit.event_label(t)) for t in audit.EVENT_TYPES), key=lambda pair: pair[1]),
        event_label=audit.event_label,
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
            errors["filter-case_number"] = "No case has that case number"
    actor_id = None
    if asked["person"]:
        actor_id = services.user_id_of(asked["person"])
        if actor_id is None:
            errors["filter-person"] = "No one has that email address"
    days: dict[str, date | None] = {}
    for name, label in (("from", "From"), ("to", "To")):
        try:
            days[name] = date.fromisoformat(asked[name]) if asked[name] else None
        except ValueError:
            days[name] = None
            errors[f"filter-{name}"] = f"{label} must be a real date, for example 2026-12-01"
    if days["from"] and days["to"] and days["from"] > days["to"]:
        errors["filter-to"] = "To must be the same as or after From"
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
