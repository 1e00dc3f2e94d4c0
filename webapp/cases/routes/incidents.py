"""Incident pages: record against a case, list, view, edit."""

from __future__ import annotations

from collections.abc import Iterable

from flask import abort, flash, redirect, render_template, request, url_for
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
from webapp.i18n import gettext as _
from webapp.i18n import lazy_gettext as _l
from webapp.learning import past
from webapp.learning.services import tags
from webapp.limits import per_page, query_int
from webapp.models import IncidentCause, IncidentKind, ReviewState, TagKind
from webapp.permissions import Permission, permission_required

# The version history's names for the fields, as the incident page labels them.
FIELD_LABELS = {
    "kind": _l("What happened"),
    "occurred_on": _l("Date of the incident"),
    "cause": _l("Cause"),
    "person_affected": _l("Who was affected"),
    "linked_to_court_involvement": _l("Linked to previous family court involvement"),
    "susr_known": _l("Single Unified Safeguarding Review known"),
    "scr_known": _l("Serious Case Review or CSPR known"),
    "summary": _l("Summary"),
    "notified_by": _l("Who told us"),
    "notified_on": _l("Date we were told"),
    "known_risk_factors": _l("Risk factors known when recorded"),
}


def _risk_factor_choices(form: IncidentForm, kept: Iterable[int] = ()) -> None:
    """The active risk factors, and any already noted that have since been retired."""
    kept = set(kept)
    form.known_risk_factors.choices = [
        (tag.id, tag.display_name) for tag in tags(TagKind.RISK_FACTOR) if tag.active or tag.id in kept
    ]


@bp.route("/incidents")
@permission_required(Permission.VIEW_CASES)
def list_incidents():
    filters = incidents.IncidentFilters(
        kind=choice_arg("kind", IncidentKind),
        cause=choice_arg("cause", IncidentCause),
        area_id=query_int("area"),
    )
    pagination = incidents.list_incidents(current_user, filters, page_number(), per_page())
    return render_template(
        "cases/incidents.html",
        title=_("Incidents"),
        pagination=pagination,
        filters=filters,
        areas=list_areas(),
    )


@bp.route("/cases/<int:case_id>/incidents/new", methods=["GET", "POST"])
@permission_required(Permission.RECORD_INCIDENTS)
def new_incident(case_id: int):
    case = get_case_or_404(case_id)
    form = IncidentForm()
    _risk_factor_choices(form)
    if form.validate_on_submit():
        incident = incidents.record_incident(
            case,
            form.values(),
            recorded_by=current_user,
            known_risk_factors=form.known_risk_factors.data or [],
        )
        flash(_("Incident recorded."), "success")
        return redirect(url_for("cases.view_incident", incident_id=incident.id))
    audit.record_page_view("case.viewed", record_id=case.id, case_id=case.id)
    return render_template(
        "cases/incident_form.html", title=_("Record an incident"), form=form, case=case, incident=None
    )


@bp.route("/incidents/<int:incident_id>")
@permission_required(Permission.VIEW_CASES)
def view_incident(incident_id: int):
    incident = incidents.get_incident_or_404(incident_id)
    versions = incident.versions if incidents.may_read_versions(incident, current_user) else None
    review = incident.review
    audit.record_page_view("incident.viewed", record_id=incident.id, case_id=incident.case_id)
    return render_template(
        "cases/incident.html",
        title=_("%(what)s on %(date)s", what=incident.kind.label, date=format_date(incident.occurred_on)),
        incident=incident,
        versions=versions,
        changes={v.id: [incidents.shown_change(c) for c in v.changes] for v in versions or []},
        may_change=incidents.may_change(incident, current_user),
        field_labels=FIELD_LABELS,
        known_risk_factors=past.known_risk_factors(review) if review else [],
        past=past.for_reviews(current_user, [review.id]) if review else None,
    )


@bp.route("/incidents/<int:incident_id>/edit", methods=["GET", "POST"])
@permission_required(Permission.CHANGE_INCIDENTS)
def edit_incident(incident_id: int):
    incident = incidents.get_incident_or_404(incident_id)
    if not incidents.may_change(incident, current_user):
        abort(403)
    closed = incident.review is not None and incident.review.state == ReviewState.CLOSED
    form = IncidentForm(obj=incident)
    noted = past.known_risk_factor_ids(incident.review) if incident.review else set()
    _risk_factor_choices(form, noted)
    if request.method == "GET":
        form.version.data = str(incident.version)
        form.known_risk_factors.data = sorted(noted)
        for name in ("linked_to_court_involvement", "susr_known", "scr_known"):
            getattr(form, name).data = "yes" if getattr(incident, name) else "no"
    if form.validate_on_submit():
        try:
            changed = incidents.update_incident(
                incident,
                form.values(),
                expected_version=version_of(form) or -1,
                actor=current_user,
                reason=form.correction_reason.data if closed else None,
                known_risk_factors=set(form.known_risk_factors.data or []),
            )
        except StaleEdit:
            form.form_errors.append(STALE_MESSAGE)
        except incidents.FactsLocked as locked:
            form.correction_reason.errors = [str(locked)]
        else:
            flash_saved(_("Incident updated."), changed)
            return redirect(url_for("cases.view_incident", incident_id=incident.id))
    audit.record_page_view("incident.viewed", record_id=incident.id, case_id=incident.case_id)
    return render_template(
        "cases/incident_form.html",
        title=_("Change incident details"),
        form=form,
        case=incident.case,
        incident=incident,
        closed=closed,
    )
