"""Accuracy responses, disputes and external disclosure to an external review."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from webapp import audit
from webapp.accuracy import agreement, disclosure, disputes, services
from webapp.accuracy.forms import (
    AccuracyResponseForm,
    AuthorResponseForm,
    DisclosureForm,
    DisputeDecisionForm,
    GrievanceForm,
    RaiserAnswerForm,
)
from webapp.conduct.document import for_version
from webapp.conduct.report import shared_draft
from webapp.extensions import db
from webapp.formatting import format_date
from webapp.forms import validated
from webapp.models import DisputeStage, Review, ReviewState, TaskKind
from webapp.permissions import Permission, permission_required
from webapp.records import StaleEdit
from webapp.reviews.facts import decision_facts
from webapp.reviews.lifecycle import Work, allows
from webapp.reviews.services import get_review_or_404
from webapp.reviews.steps import review_step
from webapp.tasks.pages import TaskPages
from webapp.tasks.services import TaskAlreadyDone

bp = Blueprint("accuracy", __name__)

PARTY = "any(practitioner, practice_manager, head_of_operations):party"
STALE = "Someone else changed this review at the same time. Nothing you entered has been saved: try again."


def _task_page(task, endpoint: str) -> str:
    dispute_id = task.outcome.get("dispute_id")
    if dispute_id is None:
        return url_for("accuracy.overview", review_id=task.review_id)
    return url_for(endpoint, review_id=task.review_id, dispute_id=dispute_id)


def _accuracy_page(task) -> str:
    if task.outcome.get("dispute_id") is not None:
        # The raiser's task: does the author's response resolve their concern?
        return _task_page(task, "accuracy.raiser_answer")
    party = task.outcome.get("party")
    if party not in agreement.PARTIES:
        return url_for("accuracy.overview", review_id=task.review_id)
    return url_for("accuracy.respond", review_id=task.review_id, party=party)


TASK_PAGES: TaskPages = {
    TaskKind.CHECK_REPORT_ACCURACY: _accuracy_page,
    TaskKind.RESOLVE_CONCERN: lambda task: _task_page(task, "accuracy.author_stage"),
    TaskKind.DECIDE_DISPUTE: lambda task: _task_page(task, "accuracy.decide_dispute"),
    TaskKind.SHARE_WITH_EXTERNAL_REVIEW: lambda task: url_for(
        "accuracy.record_disclosure", review_id=task.review_id
    ),
}


@bp.app_context_processor
def _accuracy_helpers():
    """Labels and phrases the accuracy templates and the review page's panel use (no queries)."""
    return {
        "party_labels": agreement.PARTY_LABELS,
        "external_reviews": disclosure.EXTERNAL_REVIEWS,
        "accuracy_clauses": agreement.CLAUSES,
        "stage_phrases": disputes.STAGE_PHRASES,
        "dispute_phrase": disputes.stage_phrase,
        "dispute_stage_label": disputes.stage_label,
        "awaiting_raiser": disputes.awaiting_raiser,
    }


def _back_to_overview(review: Review):
    return redirect(url_for("accuracy.overview", review_id=review.id))


def _viewed_report(review: Review, draft) -> None:
    audit.record("report.viewed", record_id=draft.id, case_id=review.case_id)
    db.session.commit()


@bp.route("/reviews/<int:review_id>/accuracy")
@permission_required(Permission.VIEW_CASES)
def overview(review_id: int):
    review = get_review_or_404(review_id)
    picture = services.picture(review)
    if picture.draft is not None:
        _viewed_report(review, picture.draft)
    else:
        audit.record_page_view("review.viewed", record_id=review.id, case_id=review.case_id)
    return render_template(
        "accuracy/overview.html",
        title="Accuracy of the review report",
        review=review,
        picture=picture,
        document=for_version(review, picture.draft) if picture.draft else None,
    )


@bp.route(f"/reviews/<int:review_id>/accuracy/<{PARTY}>", methods=["GET", "POST"])
@permission_required(Permission.VIEW_TASKS)
def respond(review_id: int, party: str):
    review = get_review_or_404(review_id, for_update=request.method == "POST")
    draft = shared_draft(review)
    if draft is None:
        abort(404)
    task = agreement.accuracy_tasks(review, draft).get(party)
    # Only the person the task is for answers for their party.
    if task is None or task.assignee_id != current_user.id:
        abort(403)
    response = agreement.responses_to(draft).get(party)
    form = AccuracyResponseForm()
    if request.method == "POST" and response is not None:
        flash(
            f"You have already responded to this report, on {format_date(response.responded_at)}. "
            "A response cannot be changed once recorded.",
            "info",
        )
        return _back_to_overview(review)
    if response is None and form.validate_on_submit():
        agrees = form.answer.data == "agree"
        try:
            services.respond(review, party, actor=current_user, agrees=agrees, concern=form.concern.data)
        except TaskAlreadyDone:
            flash("You have already responded to this report. Nothing new has been saved.", "info")
            return _back_to_overview(review)
        except agreement.NotYours:
            abort(403)
        except StaleEdit:
            flash(STALE, "info")
            return redirect(request.path)
        except agreement.AccuracyRefused as refused:
            flash(str(refused), "info")
            return _back_to_overview(review)
        db.session.refresh(review)
        if agrees:
            message = "Thank you: your agreement is recorded."
        else:
            message = "Your concern is recorded and has gone to the report author to resolve."
        if review.state == ReviewState.AGREED:
            message += " Everyone has now agreed the report."
        flash(message, "success")
        return _back_to_overview(review)
    _viewed_report(review, draft)
    return render_template(
        "accuracy/respond.html",
        title="Check the review report for accuracy",
        review=review,
        facts=decision_facts(review),
        draft=draft,
        party=party,
        task=task,
        response=response,
        form=form,
        document=for_version(review, draft),
        open_for_responses=allows(review.state, Work.RESPOND),
    )


@bp.route("/reviews/<int:review_id>/disputes/<int:dispute_id>/author", methods=["GET", "POST"])
@permission_required(Permission.CONDUCT_REVIEWS)
def author_stage(review_id: int, dispute_id: int):
    review = get_review_or_404(review_id, for_update=request.method == "POST")
    if review.reviewer_id != current_user.id:
        abort(403)  # stage 1 is the report author's: the review's reviewer
    dispute = disputes.get_dispute_or_404(review, dispute_id)
    form = AuthorResponseForm()
    may_answer = dispute.stage == DisputeStage.AUTHOR and dispute.author_responded_at is None
    if request.method == "POST" and not may_answer:
        flash("The report author has already responded to this concern.", "info")
        return _back_to_overview(review)
    if may_answer and form.validate_on_submit():
        try:
            disputes.author_responds(dispute, actor=current_user, response=form.response.data)
        except (TaskAlreadyDone, agreement.AccuracyRefused):
            flash("The report author has already responded to this concern.", "info")
            return _back_to_overview(review)
        except StaleEdit:
            flash(STALE, "info")
            return redirect(request.path)
        flash(
            "Your response is recorded and has gone to the "
            f"{agreement.PARTY_LABELS[dispute.response.party]}, who raised the concern, to say whether it "
            "resolves it.",
            "success",
        )
        return _back_to_overview(review)
    draft = shared_draft(review)
    _viewed_report(review, draft)
    return render_template(
        "accuracy/author.html",
        title="Respond to a concern about the report",
        review=review,
        facts=decision_facts(review),
        dispute=dispute,
        task=disputes.stage_task(review, dispute),
        form=form,
        may_answer=may_answer,
    )


@bp.route("/reviews/<int:review_id>/disputes/<int:dispute_id>/answer", methods=["GET", "POST"])
@permission_required(Permission.VIEW_TASKS)
def raiser_answer(review_id: int, dispute_id: int):
    """The person who raised a concern says whether the report author's response resolves it."""
    review = get_review_or_404(review_id, for_update=request.method == "POST")
    dispute = disputes.get_dispute_or_404(review, dispute_id)
    if dispute.response.user_id != current_user.id:
        abort(403)  # only the person who raised the concern says whether it is resolved
    form = RaiserAnswerForm()
    may_answer = disputes.awaiting_raiser(dispute)
    if request.method == "POST" and not may_answer:
        flash(
            "The report author has not responded to your concern yet."
            if dispute.stage == DisputeStage.AUTHOR
            else "You have already said whether the report author's response resolves your concern.",
            "info",
        )
        return _back_to_overview(review)
    if may_answer and form.validate_on_submit():
        resolved = form.resolved.data == "yes"
        try:
            disputes.raiser_decides(dispute, actor=current_user, resolved=resolved)
        except (TaskAlreadyDone, agreement.AccuracyRefused):
            flash("You have already said whether the report author's response resolves your concern.", "info")
            return _back_to_overview(review)
        except agreement.NotYours:
            abort(403)
        except StaleEdit:
            flash(STALE, "info")
            return redirect(request.path)
        db.session.refresh(review)
        if not resolved:
            flash(
                "Your answer is recorded. Your concern has gone to the Deputy Chief Executive for review "
                "and decision.",
                "success",
            )
        elif review.state == ReviewState.AGREED:
            flash("Your answer is recorded and your concern resolved. The report is now agreed.", "success")
        else:
            flash("Your answer is recorded and your concern resolved.", "success")
        return _back_to_overview(review)
    draft = shared_draft(review)
    _viewed_report(review, draft)
    return render_template(
        "accuracy/answer.html",
        title="The report author's response to your concern",
        review=review,
        facts=decision_facts(review),
        dispute=dispute,
        task=disputes.stage_task(review, dispute),
        form=form,
        may_answer=may_answer,
    )


@bp.route("/reviews/<int:review_id>/disputes/<int:dispute_id>/decide", methods=["GET", "POST"])
@permission_required(Permission.DECIDE_DISPUTES)
def decide_dispute(review_id: int, dispute_id: int):
    review = get_review_or_404(review_id, for_update=request.method == "POST")
    dispute = disputes.get_dispute_or_404(review, dispute_id)
    form = DisputeDecisionForm()
    may_decide = dispute.stage == DisputeStage.DEPUTY_CHIEF_EXECUTIVE
    if request.method == "POST" and not may_decide:
        flash(
            "This dispute has already been decided."
            if dispute.stage == DisputeStage.DECIDED
            else "This concern has not been escalated to the Deputy Chief Executive.",
            "info",
        )
        return _back_to_overview(review)
    if may_decide and form.validate_on_submit():
        try:
            agreed = disputes.dce_decides(dispute, actor=current_user, decision=form.decision.data)
        except (TaskAlreadyDone, agreement.AccuracyRefused):
            flash("This dispute has already been decided.", "info")
            return _back_to_overview(review)
        except StaleEdit:
            flash(STALE, "info")
            return redirect(request.path)
        if agreed:
            flash("Your decision is recorded. The report is now agreed.", "success")
        else:
            flash(
                "Your decision is recorded. The report will be agreed once every party has answered "
                "and no other concern is open.",
                "success",
            )
        return _back_to_overview(review)
    draft = shared_draft(review)
    _viewed_report(review, draft)
    return render_template(
        "accuracy/decide.html",
        title="Decide a dispute about the report",
        review=review,
        facts=decision_facts(review),
        dispute=dispute,
        task=disputes.dispute_task(review, dispute, TaskKind.DECIDE_DISPUTE),
        form=form,
        may_decide=may_decide,
    )


@bp.route("/reviews/<int:review_id>/disputes/<int:dispute_id>/grievance", methods=["GET", "POST"])
@permission_required(Permission.VIEW_CASES)
def grievance(review_id: int, dispute_id: int):
    review = get_review_or_404(review_id, for_update=request.method == "POST")
    dispute = disputes.get_dispute_or_404(review, dispute_id)
    if not disputes.may_record_grievance(dispute, current_user):
        abort(403)
    form = GrievanceForm()
    refusal = None
    if dispute.stage != DisputeStage.DECIDED:
        refusal = "A grievance can be recorded only after the Deputy Chief Executive has decided the dispute."
    elif dispute.grievance_recorded_at is not None:
        refusal = "A grievance has already been recorded for this dispute."
    if request.method == "POST" and refusal:
        flash(refusal, "info")
        return _back_to_overview(review)
    if refusal is None and form.validate_on_submit():
        try:
            disputes.record_grievance(dispute, actor=current_user, note=form.note.data)
        except agreement.AccuracyRefused as refused:
            flash(str(refused), "info")
            return _back_to_overview(review)
        except StaleEdit:
            flash(STALE, "info")
            return redirect(request.path)
        flash("Recorded: the dispute was taken to the Welsh Government grievance procedure.", "success")
        return _back_to_overview(review)
    audit.record("review.viewed", record_id=review.id, case_id=review.case_id)
    db.session.commit()
    return render_template(
        "accuracy/grievance.html",
        title="Record a grievance",
        review=review,
        facts=decision_facts(review),
        dispute=dispute,
        form=form,
        refusal=refusal,
    )


@bp.route("/reviews/<int:review_id>/accuracy/ask-missing", methods=["POST"])
@permission_required(Permission.DECIDE_REVIEWS)
def request_missing(review_id: int):
    review = get_review_or_404(review_id, for_update=True)
    try:
        still_missing = services.request_missing(review, actor=current_user)
    except agreement.AccuracyRefused as refused:
        flash(str(refused), "info")
    except StaleEdit:
        flash(STALE, "info")
    else:
        if still_missing:
            flash(f"There is still nobody to ask for: {', '.join(still_missing)}.", "info")
        else:
            flash("Everyone has now been asked to check the report.", "success")
    return _back_to_overview(review)


@bp.route("/reviews/<int:review_id>/disclosures/new", methods=["GET", "POST"])
@permission_required(Permission.DECIDE_REVIEWS)
def record_disclosure(review_id: int):
    review, leave = review_step(review_id, Work.DISCLOSE, back="reviews.view_review")
    if leave:
        return leave
    drafts = disclosure.disclosable_drafts(review)
    form = DisclosureForm()
    form.draft_id.choices = [("", "Select a version")] + [
        (
            d.id,
            f"Version {d.version}, shared for accuracy on {format_date(d.shared_at)}"
            + (" (the agreed report)" if i == 0 else ""),
        )
        for i, d in enumerate(drafts)
    ]
    if request.method == "GET" and drafts:
        form.draft_id.data = drafts[0].id
    if form.validate_on_submit():
        try:
            disclosure.record_disclosure(
                review,
                actor=current_user,
                draft_id=validated(form.draft_id.data),
                external_review=form.external_review.data,
                recipient=form.recipient.data,
                shared_on=validated(form.shared_on.data),
            )
        except agreement.AccuracyRefused as refused:
            form.form_errors.append(str(refused))
        except (StaleEdit, TaskAlreadyDone):
            flash(STALE, "info")
            return redirect(request.path)
        else:
            flash("Recorded in the disclosure log.", "success")
            return redirect(url_for("reviews.view_review", review_id=review.id) + "#disclosure-log")
    audit.record_page_view("review.viewed", record_id=review.id, case_id=review.case_id)
    return render_template(
        "accuracy/disclosure_form.html",
        title="Record sharing the report with an external review",
        review=review,
        form=form,
        task=review.task(TaskKind.SHARE_WITH_EXTERNAL_REVIEW),
    )
