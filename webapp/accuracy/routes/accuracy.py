"""Accuracy responses, disputes and external disclosure to an external review."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from webapp import audit
from webapp.accuracy import agreement, disclosure, disputes, services
from webapp.accuracy.forms import (
    AccuracyResponseForm,
    DisclosureForm,
)
from webapp.accuracy.routes.blueprint import bp
from webapp.conduct.diff import version_changes
from webapp.conduct.document import for_version
from webapp.conduct.report import shared_draft
from webapp.extensions import db
from webapp.formatting import format_date
from webapp.forms import on_incident, validated
from webapp.i18n import gettext as _
from webapp.i18n import lazy_gettext as _l
from webapp.models import Review, ReviewState, TaskKind
from webapp.permissions import Permission, permission_required
from webapp.records import StaleEdit
from webapp.reviews.facts import decision_facts
from webapp.reviews.lifecycle import OPEN_DISPUTE_STAGES, Work, allows, dispute_allows
from webapp.reviews.services import get_review_or_404
from webapp.reviews.steps import review_step
from webapp.safeguarding.services import participation_of
from webapp.tasks.pages import TaskPages
from webapp.tasks.services import TaskAlreadyDone

PARTY = "any(practitioner, practice_manager, head_of_operations):party"
STALE = _l(
    "Someone else changed this review at the same time. Nothing you entered has been saved: try again."
)


def _accuracy_page(task) -> str:
    if task.party not in agreement.PARTIES:
        return url_for("accuracy.overview", review_id=task.review_id)
    return url_for("accuracy.respond", review_id=task.review_id, party=task.party)


TASK_PAGES: TaskPages = {
    TaskKind.CHECK_REPORT_ACCURACY: _accuracy_page,
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
        "dispute_may": lambda dispute, move: dispute_allows(dispute.stage, move),
        "dispute_open": lambda dispute: dispute.stage in OPEN_DISPUTE_STAGES,
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
        title=_("Accuracy of the review report"),
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
            _(
                "You have already responded to this report, on %(date)s. A response cannot be changed "
                "once recorded.",
                date=format_date(response.responded_at),
            ),
            "info",
        )
        return _back_to_overview(review)
    if response is None and form.validate_on_submit():
        agrees = form.answer.data == "agree"
        try:
            services.respond(review, party, actor=current_user, agrees=agrees, concern=form.concern.data)
        except TaskAlreadyDone:
            flash(_("You have already responded to this report. Nothing new has been saved."), "info")
            return _back_to_overview(review)
        except agreement.NotYours:
            abort(403)
        except StaleEdit:
            flash(str(STALE), "info")
            return redirect(request.path)
        except agreement.AccuracyRefused as refused:
            flash(str(refused), "info")
            return _back_to_overview(review)
        db.session.refresh(review)
        agreed = review.state == ReviewState.AGREED
        if agrees and agreed:
            message = _("Thank you: your agreement is recorded. Everyone has now agreed the report.")
        elif agrees:
            message = _("Thank you: your agreement is recorded.")
        else:
            message = _("Your concern is recorded and has gone to the report author to resolve.")
        flash(message, "success")
        return _back_to_overview(review)
    _viewed_report(review, draft)
    return render_template(
        "accuracy/respond.html",
        title=_("Check the review report (version %(version)s) for accuracy", version=draft.version),
        review=review,
        facts=decision_facts(review),
        draft=draft,
        party=party,
        task=task,
        response=response,
        form=form,
        document=for_version(review, draft),
        open_for_responses=allows(review.state, Work.RESPOND),
        earlier=agreement.earlier_responses(review, draft).get(party, []),
        changes=version_changes(draft),
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
        flash(str(STALE), "info")
    else:
        if still_missing:
            parties = ", ".join(still_missing)
            flash(_("There is still nobody to ask for: %(parties)s.", parties=parties), "info")
        else:
            flash(_("Everyone has now been asked to check the report."), "success")
    return _back_to_overview(review)


@bp.route("/reviews/<int:review_id>/disclosures/new", methods=["GET", "POST"])
@permission_required(Permission.DECIDE_REVIEWS)
def record_disclosure(review_id: int):
    review, leave = review_step(review_id, Work.DISCLOSE, back="reviews.view_review")
    if leave:
        return leave
    drafts = disclosure.disclosable_drafts(review)
    form = on_incident(DisclosureForm(), review.incident.occurred_on)
    form.draft_id.choices = [("", _("Select a version"))] + [
        (
            d.id,
            _(
                "Version %(version)s, the agreed report (agreed on %(date)s)",
                version=d.version,
                date=format_date(d.agreed_at),
            ),
        )
        for d in drafts
    ]
    if request.method == "GET" and drafts:
        form.draft_id.data = drafts[0].id
    participation = participation_of(review)
    if request.method == "GET" and participation is not None:
        form.external_review.data = participation.kind.value
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
            flash(str(STALE), "info")
            return redirect(request.path)
        else:
            flash(_("Recorded in the disclosure log."), "success")
            return redirect(url_for("reviews.view_review", review_id=review.id) + "#disclosure-log")
    audit.record_page_view("review.viewed", record_id=review.id, case_id=review.case_id)
    return render_template(
        "accuracy/disclosure_form.html",
        title=_("Record sharing the report with an external review"),
        review=review,
        form=form,
        task=review.task(TaskKind.SHARE_WITH_EXTERNAL_REVIEW),
    )
