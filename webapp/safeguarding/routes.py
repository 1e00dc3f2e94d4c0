"""Our part in a safeguarding review (SUSR or SCR/CSPR): its page and the page of each step.

Anyone who may see the review reads the page; the CE, DCE and the case's AHoO record the steps
(Permission.RECORD_SAFEGUARDING_REVIEWS, then services.may_record for the case's area)."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from rules import clauses
from webapp import audit
from webapp.forms import on_incident, validated
from webapp.i18n import LazyString
from webapp.i18n import gettext as _
from webapp.i18n import lazy_gettext as _l
from webapp.learning import plan
from webapp.models import BoardDecision, ExternalReview, ExternalReviewKind, ReferredBy, Review, TaskKind
from webapp.permissions import Permission, permission_required
from webapp.records import StaleEdit
from webapp.reviews.lifecycle import Work, allows
from webapp.reviews.services import get_review_or_404
from webapp.safeguarding import forms, services
from webapp.tasks.pages import TaskPages
from webapp.tasks.services import TaskAlreadyDone

bp = Blueprint("safeguarding", __name__)

MOVED_ON = _l(
    "Someone else changed this record at the same time. Nothing you entered has been saved: try again."
)


def _request_page(task) -> str:
    if task.information_request_id is None:
        return url_for("safeguarding.overview", review_id=task.review_id)
    return url_for(
        "safeguarding.answer_request", review_id=task.review_id, request_id=task.information_request_id
    )


TASK_PAGES: TaskPages = {TaskKind.ANSWER_INFORMATION_REQUEST: _request_page}


def _viewed(review: Review) -> None:
    audit.record_page_view("review.viewed", record_id=review.id, case_id=review.case_id)


def _to_record(review_id: int) -> tuple[Review, ExternalReview]:
    """The review (in scope, locked for a POST) and its record, for a person who may record steps."""
    review = get_review_or_404(review_id, for_update=request.method == "POST")
    participation = services.participation_or_404(review)
    if not services.may_record(review, current_user):
        abort(403)
    return review, participation


def _overview(review: Review):
    return redirect(url_for("safeguarding.overview", review_id=review.id))


@bp.route("/reviews/<int:review_id>/safeguarding-review")
@permission_required(Permission.VIEW_CASES)
def overview(review_id: int):
    review = get_review_or_404(review_id)
    participation = services.participation_of(review)
    requests = services.requests_of(participation) if participation else []
    _viewed(review)
    return render_template(
        "safeguarding/overview.html",
        title=_("Safeguarding review"),
        clause=clauses.SUSR_FROM_THE_OUTSET,
        review=review,
        participation=participation,
        stage=services.stage_label(participation) if participation else None,
        requests=requests,
        request_tasks=services.tasks_by_request(requests),
        actions=services.actions_of(participation) if participation else [],
        may_record=services.may_record(review, current_user),
        may_add_actions=allows(review.state, Work.CHANGE_ACTIONS),
    )


@bp.route("/reviews/<int:review_id>/safeguarding-review/known", methods=["GET", "POST"])
@permission_required(Permission.RECORD_SAFEGUARDING_REVIEWS)
def record_known(review_id: int):
    review = get_review_or_404(review_id, for_update=request.method == "POST")
    if not services.may_record(review, current_user):
        abort(403)
    existing = services.participation_of(review)
    form = forms.KnownForm()
    if request.method == "GET" and existing is not None:
        form.kind.data = existing.kind.value
    if form.validate_on_submit():
        try:
            services.record_known(review, kind=ExternalReviewKind(form.kind.data), actor=current_user)
        except services.SafeguardingRefused as refused:
            form.form_errors.append(str(refused))
        except StaleEdit:
            flash(str(MOVED_ON), "info")
            return _overview(review)
        else:
            flash(
                _("Saved.")
                if existing is not None
                else _("Recorded: the review now tracks our part in the safeguarding review."),
                "success",
            )
            return _overview(review)
    _viewed(review)
    return render_template(
        "safeguarding/step.html",
        title=_("Which safeguarding review is known")
        if existing is not None
        else _("Record that a safeguarding review is known"),
        review=review,
        form=form,
    )


def _step(
    found: int | tuple[Review, ExternalReview],
    make_form: Callable[[Review, ExternalReview], FlaskForm],
    save: Callable[[Review, ExternalReview, FlaskForm], object],
    title: str | LazyString,
    saved: str | LazyString,
):
    """One step's page (``found``: the review's id, or the review and record already reached): the
    form, filled with what is recorded, saved by the service, which may refuse (its reason shown on
    the form, nothing saved)."""
    review, participation = _to_record(found) if isinstance(found, int) else found
    form = on_incident(make_form(review, participation), review.incident.occurred_on)
    if form.validate_on_submit():
        try:
            save(review, participation, form)
        except services.SafeguardingRefused as refused:
            form.form_errors.append(str(refused))
        except (StaleEdit, TaskAlreadyDone):
            flash(str(MOVED_ON), "info")
            return _overview(review)
        else:
            flash(str(saved), "success")
            return _overview(review)
    _viewed(review)
    return render_template("safeguarding/step.html", title=str(title), review=review, form=form)


def _filled(form: FlaskForm, **values) -> FlaskForm:
    if request.method == "GET":
        for name, value in values.items():
            if value is not None:
                getattr(form, name).data = value
    return form


@bp.route("/reviews/<int:review_id>/safeguarding-review/referral", methods=["GET", "POST"])
@permission_required(Permission.RECORD_SAFEGUARDING_REVIEWS)
def referral(review_id: int):
    def make(review, p):
        return _filled(
            forms.ReferralForm(),
            board=p.board,
            referred_on=p.referred_on,
            referred_by=p.referred_by.value if p.referred_by else None,
            referring_agency=p.referring_agency,
        )

    def save(review, p, form):
        services.save_referral(
            p,
            review,
            board=form.board.data,
            referred_on=validated(form.referred_on.data),
            referred_by=ReferredBy(form.referred_by.data),
            referring_agency=form.referring_agency.data,
            actor=current_user,
        )

    return _step(
        review_id, make, save, _l("Referral to the Regional Safeguarding Board"), _l("Referral saved.")
    )


@bp.route("/reviews/<int:review_id>/safeguarding-review/decision", methods=["GET", "POST"])
@permission_required(Permission.RECORD_SAFEGUARDING_REVIEWS)
def decision(review_id: int):
    def make(review, p):
        return _filled(
            forms.DecisionForm(),
            decided_on=p.decided_on,
            decision=p.decision.value if p.decision else None,
            notes=p.decision_notes,
        )

    def save(review, p, form):
        services.save_decision(
            p,
            review,
            decided_on=validated(form.decided_on.data),
            decision=BoardDecision(form.decision.data),
            notes=form.notes.data,
            actor=current_user,
        )

    return _step(review_id, make, save, _l("The case review group's decision"), _l("Decision saved."))


@bp.route("/reviews/<int:review_id>/safeguarding-review/chronology", methods=["GET", "POST"])
@permission_required(Permission.RECORD_SAFEGUARDING_REVIEWS)
def chronology(review_id: int):
    def make(review, p):
        return _filled(forms.ChronologyForm(), submitted_on=p.chronology_submitted_on)

    def save(review, p, form):
        services.save_chronology(
            p, review, submitted_on=validated(form.submitted_on.data), actor=current_user
        )

    return _step(
        review_id,
        make,
        save,
        _l("Our chronology submitted to the safeguarding review"),
        _l("Chronology date saved."),
    )


@bp.route("/reviews/<int:review_id>/safeguarding-review/learning-event", methods=["GET", "POST"])
@permission_required(Permission.RECORD_SAFEGUARDING_REVIEWS)
def learning_event(review_id: int):
    def make(review, p):
        form = _filled(forms.LearningEventForm(), held_on=p.learning_event_on)
        form.attendees.choices = [(u.id, u.name) for u in services.attendee_choices(review)]
        if request.method == "GET":
            form.attendees.data = [u.id for u in p.attendees]
        return form

    def save(review, p, form):
        services.save_learning_event(
            p,
            review,
            held_on=validated(form.held_on.data),
            attendee_ids=form.attendees.data or [],
            actor=current_user,
        )

    return _step(review_id, make, save, _l("The practitioners' learning event"), _l("Learning event saved."))


@bp.route("/reviews/<int:review_id>/safeguarding-review/report", methods=["GET", "POST"])
@permission_required(Permission.RECORD_SAFEGUARDING_REVIEWS)
def report(review_id: int):
    def make(review, p):
        return _filled(forms.ReportForm(), received_on=p.report_received_on)

    def save(review, p, form):
        services.save_report(p, review, received_on=validated(form.received_on.data), actor=current_user)

    return _step(
        review_id, make, save, _l("The safeguarding review's report received"), _l("Report date saved.")
    )


@bp.route("/reviews/<int:review_id>/safeguarding-review/requests/new", methods=["GET", "POST"])
@permission_required(Permission.RECORD_SAFEGUARDING_REVIEWS)
def new_request(review_id: int):
    def save(review, p, form):
        services.add_request(
            p,
            review,
            received_on=validated(form.received_on.data),
            requested_by=form.requested_by.data,
            summary=form.summary.data,
            deadline=validated(form.deadline.data),
            actor=current_user,
        )

    return _step(
        review_id,
        lambda review, p: forms.RequestForm(),
        save,
        _l("Record an information request"),
        _l("Request recorded. Its deadline is on the task list of the case's Area Head of Operations."),
    )


@bp.route(
    "/reviews/<int:review_id>/safeguarding-review/requests/<int:request_id>/answer", methods=["GET", "POST"]
)
@permission_required(Permission.RECORD_SAFEGUARDING_REVIEWS)
def answer_request(review_id: int, request_id: int):
    review, participation = _to_record(review_id)
    info = services.get_request_or_404(participation, request_id)
    if not info.is_open:
        flash(_("This request has already been answered or cancelled."), "info")
        return _overview(review)

    def save(review, p, form):
        services.answer_request(
            p,
            review,
            info,
            answered_on=validated(form.answered_on.data),
            note=form.note.data,
            actor=current_user,
        )

    return _step(
        review_id, lambda review, p: forms.AnswerForm(), save, _l("Record the answer"), _l("Answer recorded.")
    )


@bp.route(
    "/reviews/<int:review_id>/safeguarding-review/requests/<int:request_id>/cancel", methods=["GET", "POST"]
)
@permission_required(Permission.RECORD_SAFEGUARDING_REVIEWS)
def cancel_request(review_id: int, request_id: int):
    review, participation = _to_record(review_id)
    info = services.get_request_or_404(participation, request_id)
    if not info.is_open:
        flash(_("This request has already been answered or cancelled."), "info")
        return _overview(review)

    def save(review, p, form):
        services.cancel_request(p, review, info, reason=form.reason.data, actor=current_user)

    return _step(
        review_id,
        lambda review, p: forms.CancelRequestForm(),
        save,
        _l("Cancel the request"),
        _l("Request cancelled."),
    )


@bp.route("/reviews/<int:review_id>/safeguarding-review/actions/new", methods=["GET", "POST"])
@permission_required(Permission.RECORD_SAFEGUARDING_REVIEWS)
def new_action(review_id: int):
    def make(review, p):
        form = forms.ActionForm()
        form.owner_id.choices = [("", _("Select a person"))] + [(u.id, u.name) for u in plan.owner_choices()]
        return form

    def save(review, p, form):
        services.add_action(
            p,
            review,
            action=form.action.data.strip(),
            owner_id=validated(form.owner_id.data),
            due_on=validated(form.due_on.data),
            actor=current_user,
        )

    return _step(
        review_id,
        make,
        save,
        _l("Add an action the safeguarding review set for us"),
        _l("Action added to the review's action plan."),
    )
