"""Incident pages: record against a case, list, view, edit."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from webapp import audit
from webapp.admin.services import list_areas
from webapp.cases import incidents
from webapp.cases.forms import IncidentForm, version_of
from webapp.cases.routes.blueprint import bp
from webapp.cases.routes.cases import STALE_MESSAGE, choice_arg, page_number
from webapp.cases.services import StaleEdit, get_case_or_404
from webapp.formatting import format_date
from webapp.forms import flash_saved
from webapp.limits import query_int
from webapp.models import IncidentCause, IncidentKind
from webapp.permissions import Permission, permission_required


@bp.route("/incidents")
@permission_required(Permission.VIEW_CASES)
def list_incidents():
    filters = incidents.IncidentFilters(
        kind=choice_arg("kind", IncidentKind),
        cause=choice_arg("cause", IncidentCause),
        area_id=query_int("area"),
    )
    pagination = incidents.list_incidents(
        current_user, filters, page_number(), current_app.config["CASES_PER_PAGE"]
    )
    return render_template(
        "cases/incidents.html",
        title="Incidents",
        pagination=pagination,
        filters=filters,
        areas=list_areas(),
    )


@bp.route("/cases/<int:case_id>/incidents/new", methods=["GET", "POST"])
@permission_required(Permission.RECORD_INCIDENTS)
def new_incident(case_id: int):
    case = get_case_or_404(case_id)
    form = IncidentForm()
    if form.validate_on_submit():
        incident = incidents.record_incident(case, form.values(), recorded_by=current_user)
        flash("Incident recorded.", "success")
        return redirect(url_for("cases.view_incident", incident_id=incident.id))
    audit.record_page_view("case.viewed", record_id=case.id, case_id=case.id)
    return render_template(
        "cases/incident_form.html", title="Record an incident", form=form, case=case, incident=None
    )


@bp.route("/incidents/<int:incident_id>")
@permission_required(Permission.VIEW_CASES)
def view_incident(incident_id: int):
    incident = incidents.get_incident_or_404(incident_id)
    audit.record_page_view("incident.viewed", record_id=incident.id, case_id=incident.case_id)
    title = f"{incident.kind.label} on {format_date(incident.occurred_on)}"
    return render_template("cases/incident.html", title=title, incident=incident)


@bp.route("/incidents/<int:incident_id>/edit", methods=["GET", "POST"])
@permission_required(Permission.RECORD_INCIDENTS)
def edit_incident(incident_id: int):
    incident = incidents.get_incident_or_404(incident_id)
    form = IncidentForm(obj=incident)
    if request.method == "GET":
        form.version.data = str(incident.version)
        for name in ("linked_to_court_involvement", "susr_known", "scr_known"):
            getattr(form, name).data = "yes" if getattr(incident, name) else "no"
    if form.validate_on_submit():
        try:
            changed = incidents.update_incident(
                incident, form.values(), expected_version=version_of(form) or -1
            )
        except StaleEdit:
            form.form_errors.append(STALE_MESSAGE)
        else:
            flash_saved("Incident updated.", changed)
            return redirect(url_for("cases.view_incident", incident_id=incident.id))
    audit.record_page_view("incident.viewed", record_id=incident.id, case_id=incident.case_id)
    return render_template(
        "cases/incident_form.html",
        title="Change incident details",
        form=form,
        case=incident.case,
        incident=incident,
    )
