"""The dispute stages (lifecycle.DISPUTE_MOVES), one page each: the author's answer or revision, the
raiser's word, the Deputy Chief Executive's decision, and the Welsh Government grievance."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from webapp import audit
from webapp.accuracy import agreement, disputes, revision
from webapp.accuracy.forms import (
    AuthorResponseForm,
    ClosureConfirmationForm,
    DisputeDecisionForm,
    GrievanceForm,
    GrievanceOutcomeForm,
    RaiserAnswerForm,
    RevisionForm,
)
from webapp.accuracy.routes.blueprint import bp
from webapp.conduct import report
from webapp.conduct.diff import version_changes
from webapp.extensions import db
from webapp.i18n import gettext as _
from webapp.i18n import lazy_gettext as _l
from webapp.models import Dispute, DisputeOutcome, Review, ReviewState, TaskKind
from webapp.permissions import Permission, permission_required
from webapp.records import StaleEdit
from webapp.reviews.facts import decision_facts
from webapp.reviews.lifecycle import dispute_allows
from webapp.reviews.services import get_review_or_404
from webapp.tasks.pages import TaskPages
from webapp.tasks.services import TaskAlreadyDone

STALE = _l(
    "Someone else changed this review at the same time. Nothing you entered has been saved: try again."
)


def _dispute_page(endpoint: str):
    def page(task) -> str:
        if task.dispute_id is None:
            return url_for("accuracy.overview", review_id=task.review_id)
        return url_for(endpoint, review_id=task.review_id, dispute_id=task.dispute_id)

    return page


TASK_PAGES: TaskPages = {
    TaskKind.RESOLVE_CONCERN: _dispute_page("accuracy.author_stage"),
    TaskKind.CONFIRM_CONCERN_RESOLVED: _dispute_page("accuracy.raiser_answer"),
    TaskKind.DECIDE_DISPUTE: _dispute_page("accuracy.decide_dispute"),
    TaskKind.REVISE_REPORT: lambda task: url_for("accuracy.share_revision", review_id=task.review_id),
    TaskKind.FOLLOW_GRIEVANCE: _dispute_page("accuracy.grievance_outcome"),
}


def _back(review: Review):
    return redirect(url_for("accuracy.overview", review_id=review.id))


def _attempt(review: Review, step: Callable[[], object], *, refused: str | None = None):
    """Run one dispute step. A refusal, or someone else's step first, leaves for the overview with a
    message (``refused``, or the refusal's own words); None when the step was saved."""
    try:
        step()
    except (TaskAlreadyDone, agreement.AccuracyRefused) as error:
        flash(refused or str(error) or str(STALE), "info")
        return _back(review)
    except agreement.NotYours:
        abort(403)
    except StaleEdit:
        flash(str(STALE), "info")
        return redirect(request.path)
    return None


def _viewed(review: Review, dispute: Dispute | None = None) -> None:
    draft = dispute.draft if dispute is not None else report.shared_draft(review)
    if draft is not None:
        audit.record("report.viewed", record_id=draft.id, case_id=review.case_id)
    else:
        audit.record("review.viewed", record_id=review.id, case_id=review.case_id)
    db.session.commit()


def _page(template: str, title: str, review: Review, dispute: Dispute, **context):
    _viewed(review, dispute)
    on_revision = agreement.responses_to(dispute.draft).get(dispute.response.party)
    return render_template(
        template,
        title=title,
        review=review,
        facts=decision_facts(review),
        dispute=dispute,
        # The raiser's answer on the revision the concern is now about, when they said it fell short.
        still_unresolved=on_revision
        if on_revision is not None and on_revision.id != dispute.response_id
        else None,
        task=disputes.stage_task(review, dispute),
        changes=version_changes(dispute.revision) if dispute.revision is not None else None,
        **context,
    )


@bp.route("/reviews/<int:review_id>/disputes/<int:dispute_id>/author", methods=["GET", "POST"])
@permission_required(Permission.CONDUCT_REVIEWS)
def author_stage(review_id: int, dispute_id: int):
    review = get_review_or_404(review_id, for_update=request.method == "POST")
    if review.reviewer_id != current_user.id:
        abort(403)  # stage 1 is the report author's: the review's reviewer
    dispute = disputes.get_dispute_or_404(review, dispute_id)
    form = AuthorResponseForm()
    may_answer = dispute_allows(dispute.stage, "respond")
    if request.method == "POST" and not may_answer:
        flash(_("The report author has already responded to this concern."), "info")
        return _back(review)
    if may_answer and form.validate_on_submit():
        leave = _attempt(
            review,
            lambda: disputes.author_responds(dispute, actor=current_user, response=form.response.data),
            refused=_("The report author has already responded to this concern."),
        )
        if leave:
            return leave
        flash(
            _(
                "Your response is recorded and has gone to the %(party)s, who raised the concern, to say "
                "whether it resolves it.",
                party=agreement.PARTY_LABELS[dispute.response.party],
            ),
            "success",
        )
        return _back(review)
    return _page(
        "accuracy/author.html",
        _("Respond to a concern about the report"),
        review,
        dispute,
        form=form,
        may_answer=may_answer,
    )


@bp.route("/reviews/<int:review_id>/disputes/<int:dispute_id>/answer", methods=["GET", "POST"])
@permission_required(Permission.VIEW_TASKS)
def raiser_answer(review_id: int, dispute_id: int):
    """The person who raised a concern says whether the report author's answer resolves it."""
    review = get_review_or_404(review_id, for_update=request.method == "POST")
    dispute = disputes.get_dispute_or_404(review, dispute_id)
    if dispute.response.user_id != current_user.id:
        abort(403)  # only the person who raised the concern says whether it is resolved
    form = RaiserAnswerForm()
    may_answer = dispute_allows(dispute.stage, "resolved")
    if request.method == "POST" and not may_answer:
        flash(
            _("The report author has not responded to your concern yet.")
            if dispute_allows(dispute.stage, "respond")
            else _("You have already said whether the report author's answer resolves your concern."),
            "info",
        )
        return _back(review)
    if may_answer and form.validate_on_submit():
        resolved = form.resolved.data == "yes"
        leave = _attempt(
            review,
            lambda: disputes.raiser_decides(
                dispute, actor=current_user, resolved=resolved, reason=form.reason.data
            ),
            refused=_("You have already said whether the report author's answer resolves your concern."),
        )
        if leave:
            return leave
        db.session.refresh(review)
        if not resolved:
            flash(
                _(
                    "Your answer is recorded. Your concern has gone to the Deputy Chief Executive for "
                    "review and decision."
                ),
                "success",
            )
        elif review.state == ReviewState.AGREED:
            flash(
                _("Your answer is recorded and your concern resolved. The report is now agreed."), "success"
            )
        else:
            flash(_("Your answer is recorded and your concern resolved."), "success")
        return _back(review)
    return _page(
        "accuracy/answer.html",
        _("The report author's answer to your concern"),
        review,
        dispute,
        form=form,
        may_answer=may_answer,
    )


@bp.route("/reviews/<int:review_id>/disputes/<int:dispute_id>/decide", methods=["GET", "POST"])
@permission_required(Permission.DECIDE_DISPUTES)
def decide_dispute(review_id: int, dispute_id: int):
    review = get_review_or_404(review_id, for_update=request.method == "POST")
    dispute = disputes.get_dispute_or_404(review, dispute_id)
    form = DisputeDecisionForm()
    may_decide = dispute_allows(dispute.stage, "not_upheld")
    if request.method == "POST" and not may_decide:
        flash(
            _("This dispute has already been decided.")
            if dispute.dce_decided_at is not None
            else _("This concern has not been escalated to the Deputy Chief Executive."),
            "info",
        )
        return _back(review)
    if may_decide and form.validate_on_submit():
        leave = _attempt(
            review,
            lambda: disputes.dce_decides(
                dispute, actor=current_user, outcome=form.outcome.data, reasons=form.decision.data
            ),
            refused=_("This dispute has already been decided."),
        )
        if leave:
            return leave
        db.session.refresh(review)
        agreed = review.state == ReviewState.AGREED
        if dispute.dce_outcome != DisputeOutcome.NOT_UPHELD:
            flash(
                _(
                    "Your decision is recorded. The report has gone back to its author to revise; the "
                    "revision is then shared with all three parties."
                ),
                "success",
            )
        elif agreed:
            flash(_("Your decision is recorded. The report is now agreed."), "success")
        else:
            flash(
                _(
                    "Your decision is recorded. The report will be agreed once every party has answered "
                    "and no other concern is open."
                ),
                "success",
            )
        return _back(review)
    return _page(
        "accuracy/decide.html",
        _("Decide a dispute about the report"),
        review,
        dispute,
        form=form,
        may_decide=may_decide,
    )


@bp.route("/reviews/<int:review_id>/disputes/<int:dispute_id>/grievance", methods=["GET", "POST"])
@permission_required(Permission.VIEW_CASES)
def grievance(review_id: int, dispute_id: int):
    """Stage 3 opened: the raiser (or a DCE) records that the dispute went to the WG grievance procedure."""
    review = get_review_or_404(review_id, for_update=request.method == "POST")
    dispute = disputes.get_dispute_or_404(review, dispute_id)
    if not disputes.may_record_grievance(dispute, current_user):
        abort(403)
    form = GrievanceForm()
    refusal = None
    if dispute.grievance_recorded_at is not None:
        refusal = _("A grievance has already been recorded for this dispute.")
    elif not dispute_allows(dispute.stage, "open_grievance"):
        refusal = _(
            "A grievance can be recorded only after the Deputy Chief Executive has decided the dispute."
        )
    if request.method == "POST" and refusal:
        flash(refusal, "info")
        return _back(review)
    if refusal is None and form.validate_on_submit():
        leave = _attempt(
            review, lambda: disputes.open_grievance(dispute, actor=current_user, note=form.note.data)
        )
        if leave:
            return leave
        flash(
            _(
                "Recorded: the dispute was taken to the Welsh Government grievance procedure. The Deputy "
                "Chief Executive records its outcome."
            ),
            "success",
        )
        return _back(review)
    title = _("Record a grievance")
    return _page("accuracy/grievance.html", title, review, dispute, form=form, refusal=refusal)


@bp.route("/reviews/<int:review_id>/disputes/<int:dispute_id>/grievance/outcome", methods=["GET", "POST"])
@permission_required(Permission.DECIDE_DISPUTES)
def grievance_outcome(review_id: int, dispute_id: int):
    """Stage 3 closed: the Deputy Chief Executive records the grievance's outcome."""
    review = get_review_or_404(review_id, for_update=request.method == "POST")
    dispute = disputes.get_dispute_or_404(review, dispute_id)
    form = GrievanceOutcomeForm()
    may_close = dispute_allows(dispute.stage, "close_grievance")
    if request.method == "POST" and not may_close:
        flash(_("There is no open grievance on this dispute."), "info")
        return _back(review)
    if may_close and form.validate_on_submit():
        leave = _attempt(
            review,
            lambda: disputes.close_grievance(dispute, actor=current_user, outcome=form.outcome.data),
            refused=_("There is no open grievance on this dispute."),
        )
        if leave:
            return leave
        flash(_("The grievance's outcome is recorded and its stage closed."), "success")
        return _back(review)
    return _page(
        "accuracy/grievance_outcome.html",
        _("Record the outcome of the grievance"),
        review,
        dispute,
        form=form,
        may_close=may_close,
    )


@bp.route("/reviews/<int:review_id>/disputes/<int:dispute_id>/confirm-closure", methods=["GET", "POST"])
@permission_required(Permission.DECIDE_REVIEWS)
def confirm_closure(review_id: int, dispute_id: int):
    """The CE or DCE confirms, with a reason, that the review may close while a grievance is open."""
    review = get_review_or_404(review_id, for_update=request.method == "POST")
    dispute = disputes.get_dispute_or_404(review, dispute_id)
    form = ClosureConfirmationForm()
    if form.validate_on_submit():
        leave = _attempt(
            review, lambda: disputes.confirm_closure(dispute, actor=current_user, reason=form.reason.data)
        )
        if leave:
            return leave
        flash(_("Confirmed: the review may close while the grievance is open."), "success")
        return redirect(url_for("reviews.view_review", review_id=review.id))
    return _page(
        "accuracy/confirm_closure.html",
        _("Confirm the review may close while a grievance is open"),
        review,
        dispute,
        form=form,
    )


@bp.route("/reviews/<int:review_id>/report/revision", methods=["GET", "POST"])
@permission_required(Permission.CONDUCT_REVIEWS)
def share_revision(review_id: int):
    """The report author shares the latest version as a revision answering the concerns."""
    review = get_review_or_404(review_id, for_update=request.method == "POST")
    if review.reviewer_id != current_user.id:
        abort(403)
    latest = report.latest_draft(review)
    refusal = revision.revision_refusal(review)
    form = RevisionForm()
    problems: list[str] = []
    if request.method == "POST" and refusal:
        flash(refusal, "info")
        return redirect(url_for("conduct.report", review_id=review.id))
    if refusal is None and latest is not None and form.validate_on_submit():
        if form.version.data != str(latest.version):
            flash(
                _("A newer version of the report was saved. Nothing was shared: check it and try again."),
                "info",
            )
            return redirect(request.path)
        try:
            revision.share_revision(review, latest, actor=current_user, note=form.note.data)
        except report.IncompleteReport as incomplete:
            problems = list(incomplete.args[0])
        except agreement.AccuracyRefused as refused:
            form.form_errors.append(str(refused))
        except (StaleEdit, TaskAlreadyDone):
            flash(str(STALE), "info")
            return redirect(request.path)
        else:
            flash(
                _(
                    "Version %(version)s shared. Whoever raised the concerns it answers is asked first; "
                    "then the practitioner, their Practice Manager and the Head of Operations confirm again.",
                    version=latest.version,
                ),
                "success",
            )
            return _back(review)
    if request.method == "GET" and latest is not None:
        form.version.data = str(latest.version)
    _viewed(review)
    return render_template(
        "accuracy/revision.html",
        title=_("Share a revision of the report"),
        review=review,
        latest=latest,
        refusal=refusal,
        answered=revision.answered_by_revision(review),
        changes=version_changes(latest) if latest is not None and refusal is None else None,
        problems=problems,
        form=form,
    )
