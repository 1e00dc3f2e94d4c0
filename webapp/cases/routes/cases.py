"""Case pages: list, record, view, edit, and the children and applications in a case."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from webapp import audit, users
from webapp.admin.services import list_areas
from webapp.cases import services
from webapp.cases.forms import ApplicationForm, CaseForm, ChildForm, version_of
from webapp.cases.routes.blueprint import bp
from webapp.cases.services import CaseFilters, DuplicateCaseNumber, StaleEdit, get_case_or_404
from webapp.formatting import format_date
from webapp.forms import ConfirmRemovalForm, flash_saved
from webapp.i18n import gettext as _
from webapp.i18n import lazy_gettext as _l
from webapp.limits import page_arg, per_page, query_int
from webapp.models import ApplicationType, LawType, ProceedingsStatus, Role
from webapp.paging import Cursor
from webapp.permissions import Permission, permission_required
from webapp.reviews.listing import open_stages

STALE_MESSAGE = _l(
    "Someone else changed this record while you were editing it. Your changes have not been "
    "saved. Check the record and make your changes again."
)
DUPLICATE_MESSAGE = _l("A case with this case number already exists")


def page_number() -> int:
    return page_arg()


def choice_arg(name: str, allowed) -> str | None:
    value = request.args.get(name) or None
    return value if value in {m.value for m in allowed} else None


def _case_form_choices(form: CaseForm) -> None:
    form.area_id.choices = [("", _("Select an area"))] + [(a.id, a.name) for a in list_areas()]
    form.practitioner_id.choices = [("", _("Select a practitioner"))] + [
        (u.id, u.name) for u in users.holding(Role.PRACTITIONER)
    ]
    form.practice_manager_id.choices = [("", _("Select a Practice Manager"))] + [
        (u.id, u.name) for u in users.holding(Role.PRACTICE_MANAGER)
    ]


@bp.route("/cases")
@permission_required(Permission.VIEW_CASES)
def list_cases():
    filters = CaseFilters(
        search=(request.args.get("q") or "").strip()[:100],
        area_id=query_int("area"),
        proceedings_status=choice_arg("status", ProceedingsStatus),
        law_type=choice_arg("law", LawType),
    )
    pagination = services.list_cases(current_user, filters, page_number(), per_page(), Cursor.from_request())
    return render_template(
        "cases/list.html",
        title=_("Cases"),
        pagination=pagination,
        filters=filters,
        areas=list_areas(),
        review_stages=open_stages([case.id for case in pagination.items]),
    )


@bp.route("/cases/new", methods=["GET", "POST"])
@permission_required(Permission.EDIT_CASES)
def new_case():
    form = CaseForm()
    _case_form_choices(form)
    if request.method == "GET":
        if current_user.has_role(Role.PRACTICE_MANAGER):
            form.practice_manager_id.data = current_user.id
        if current_user.area_id:
            form.area_id.data = current_user.area_id
    if form.validate_on_submit():
        values = form.values()
        if services.case_number_taken(values["case_number"]):
            form.case_number.errors.append(DUPLICATE_MESSAGE)
        else:
            try:
                case = services.create_case(values)
            except DuplicateCaseNumber:
                form.case_number.errors.append(DUPLICATE_MESSAGE)
            else:
                flash(_("Case %(number)s recorded.", number=case.case_number), "success")
                return redirect(url_for("cases.view_case", case_id=case.id))
    return render_template("cases/form.html", title=_("Record a case"), form=form, case=None)


@bp.route("/cases/<int:case_id>")
@permission_required(Permission.VIEW_CASES)
def view_case(case_id: int):
    case = get_case_or_404(case_id, options=services.case_page_options())
    audit.record_page_view("case.viewed", record_id=case.id, case_id=case.id)
    return render_template("cases/view.html", title=_("Case %(number)s", number=case.case_number), case=case)


@bp.route("/cases/<int:case_id>/edit", methods=["GET", "POST"])
@permission_required(Permission.EDIT_CASES)
def edit_case(case_id: int):
    case = get_case_or_404(case_id, for_update=request.method == "POST")
    form = CaseForm(obj=case)
    _case_form_choices(form)
    if request.method == "GET":
        form.version.data = str(case.version)
    if form.validate_on_submit():
        values = form.values()
        if services.case_number_taken(values["case_number"], excluding=case.id):
            form.case_number.errors.append(DUPLICATE_MESSAGE)
        else:
            try:
                changed = services.update_case(case, values, expected_version=version_of(form) or -1)
            except StaleEdit:
                form.form_errors.append(STALE_MESSAGE)
            except DuplicateCaseNumber:
                form.case_number.errors.append(DUPLICATE_MESSAGE)
            else:
                flash_saved(_("Case updated."), changed)
                return redirect(url_for("cases.view_case", case_id=case.id))
    audit.record_page_view("case.viewed", record_id=case.id, case_id=case.id)
    return render_template("cases/form.html", title=_("Change case details"), form=form, case=case)


@bp.route("/cases/<int:case_id>/children/new", methods=["GET", "POST"])
@permission_required(Permission.EDIT_CASES)
def add_child(case_id: int):
    case = get_case_or_404(case_id)
    form = ChildForm()
    if form.validate_on_submit():
        services.add_child(case, name=form.name.data.strip(), date_of_birth=form.date_of_birth.data)
        flash(_("Child added."), "success")
        return redirect(url_for("cases.view_case", case_id=case.id, _anchor="children"))
    audit.record_page_view("case.viewed", record_id=case.id, case_id=case.id)
    return render_template("cases/child_form.html", title=_("Add a child"), form=form, case=case)


@bp.route("/cases/<int:case_id>/children/<int:child_id>/remove", methods=["GET", "POST"])
@permission_required(Permission.EDIT_CASES)
def remove_child(case_id: int, child_id: int):
    """Asks first, on its own page (WCAG 3.3.4), then removes."""
    case = get_case_or_404(case_id)
    child = next((c for c in case.children if c.id == child_id), None)
    if child is None:
        abort(404)
    form = ConfirmRemovalForm()
    if form.validate_on_submit():
        services.remove_child(case, child_id)
        flash(_("Child removed."), "success")
        return redirect(url_for("cases.view_case", case_id=case.id, _anchor="children"))
    return _confirm_removal(
        case,
        form,
        title=_("Remove %(name)s from case %(number)s?", name=child.name, number=case.case_number),
        what=[(_("Name"), child.name), (_("Date of birth"), format_date(child.date_of_birth))],
        consequence=_(
            "The child is taken off the case's record. The audit trail keeps that they were removed."
        ),
        keep_text=_("Keep the child"),
        anchor="children",
    )


def _confirm_removal(case, form, *, title: str, what, consequence: str, keep_text: str, anchor: str):
    audit.record_page_view("case.viewed", record_id=case.id, case_id=case.id)
    return render_template(
        "confirm_removal.html",
        title=title,
        case=case,
        form=form,
        what=what,
        consequence=consequence,
        keep_url=url_for("cases.view_case", case_id=case.id, _anchor=anchor),
        keep_text=keep_text,
    )


@bp.route("/cases/<int:case_id>/applications/new", methods=["GET", "POST"])
@permission_required(Permission.EDIT_CASES)
def add_application(case_id: int):
    case = get_case_or_404(case_id)
    form = ApplicationForm()
    if form.validate_on_submit():
        services.add_application(
            case,
            application_type=ApplicationType(form.application_type.data),
            made_on=form.made_on.data,
        )
        flash(_("Application added."), "success")
        return redirect(url_for("cases.view_case", case_id=case.id, _anchor="applications"))
    audit.record_page_view("case.viewed", record_id=case.id, case_id=case.id)
    return render_template("cases/application_form.html", title=_("Add an application"), form=form, case=case)


@bp.route("/cases/<int:case_id>/applications/<int:application_id>/remove", methods=["GET", "POST"])
@permission_required(Permission.EDIT_CASES)
def remove_application(case_id: int, application_id: int):
    """Asks first, on its own page (WCAG 3.3.4), then removes."""
    case = get_case_or_404(case_id)
    application = next((a for a in case.applications if a.id == application_id), None)
    if application is None:
        abort(404)
    form = ConfirmRemovalForm()
    if form.validate_on_submit():
        services.remove_application(case, application_id)
        flash(_("Application removed."), "success")
        return redirect(url_for("cases.view_case", case_id=case.id, _anchor="applications"))
    label = application.application_type.label
    return _confirm_removal(
        case,
        form,
        # The type's label in the middle of a sentence, with its first letter small.
        title=_(
            "Remove the %(application)s from case %(number)s?",
            application=label[:1].lower() + label[1:],
            number=case.case_number,
        ),
        what=[(_("Application"), label), (_("Date made"), format_date(application.made_on))],
        consequence=_("The application is taken off the case's record. The audit trail keeps its removal."),
        keep_text=_("Keep the application"),
        anchor="applications",
    )
