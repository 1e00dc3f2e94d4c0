"""A revision of the report shared in answer to concerns (Transparency and Disputes, 1 and 2): at stage
1 the author may revise instead of answering in words; when the Deputy Chief Executive upholds a
concern, in whole or in part, the author must. The revision is a new frozen version shared with all
three parties, those whose concern it answers first (agreement.py's doc)."""

from __future__ import annotations

from webapp import audit
from webapp.accuracy import disputes as dispute_stages
from webapp.accuracy.agreement import AccuracyRefused, NotYours, any_open, disputes_of
from webapp.accuracy.services import request_responses
from webapp.conduct.report import IncompleteReport, freeze, latest_draft, missing, shared_draft
from webapp.i18n import gettext as _
from webapp.models import Dispute, DisputeStage, ReportDraft, Review, Task, TaskKind, User, utcnow
from webapp.records import unit_of_work
from webapp.reviews.lifecycle import dispute_allows
from webapp.reviews.services import transition
from webapp.tasks.services import cancel_tasks, close_task

# The disputes a revision answers: with the author, waiting for the raiser, or upheld by the DCE.
ANSWERED_STAGES = frozenset({DisputeStage.AUTHOR, DisputeStage.RAISER, DisputeStage.REVISION})


def answered_by_revision(review: Review) -> list[Dispute]:
    return [d for d in disputes_of(review) if d.stage in ANSWERED_STAGES]


def revision_refusal(review: Review) -> str | None:
    """Why the latest version cannot be shared as a revision now, or None."""
    latest, shared = latest_draft(review), shared_draft(review)
    if shared is None or latest is None or latest.id == shared.id:
        return _("Save a new version of the report first: the revision is a new version.")
    if any(d.stage == DisputeStage.DEPUTY_CHIEF_EXECUTIVE for d in disputes_of(review)):
        return _(
            "A concern is with the Deputy Chief Executive, who decides on the version as shared: wait for "
            "the decision before sharing a revision."
        )
    if not answered_by_revision(review):
        return _("No concern is waiting for the report author, so there is no revision to share.")
    return None


def may_share_revision(review: Review, user: User) -> bool:
    return (
        review.reviewer_id == user.id
        and shared_draft(review) is not None
        and revision_refusal(review) is None
    )


def share_revision(review: Review, draft: ReportDraft, *, actor: User, note: str) -> None:
    """Share ``draft`` (the latest version) as a revision: frozen like any shared version; each concern
    it answers moves on ("revise"); the raisers are asked first, then everyone (request_responses);
    questions about the replaced version are withdrawn."""
    if review.reviewer_id != actor.id:
        raise NotYours
    refusal = revision_refusal(review)
    if refusal is not None:
        raise AccuracyRefused(refusal)
    latest = latest_draft(review)
    if latest is None or latest.id != draft.id:
        raise AccuracyRefused(_("A newer version of the report was saved. Reload the page and try again."))
    text = note.strip()
    if not text:
        raise AccuracyRefused(_("Say what you changed in this version, and why"))
    problems = missing(review, draft)
    if problems:
        raise IncompleteReport(problems)
    replaced = shared_draft(review)
    assert replaced is not None  # revision_refusal checked it
    with unit_of_work():
        freeze(review, draft)
        draft.revision_note = text
        audit.record("report.shared", record_id=draft.id, case_id=review.case_id, actor=actor)
        for dispute in answered_by_revision(review):
            _answer(review, dispute, draft, actor=actor, note=text)
        # Questions about the replaced version: parties not yet answered, raisers considering an answer.
        cancel_tasks(
            Task.review_id == review.id,
            Task.draft_id == replaced.id,
            Task.kind.in_((TaskKind.CHECK_REPORT_ACCURACY, TaskKind.CONFIRM_CONCERN_RESOLVED)),
        )
        transition(review, "share_revision" if any_open(review) else "share_decided_revision", actor=actor)
        request_responses(review, draft)


def _answer(review: Review, dispute: Dispute, draft: ReportDraft, *, actor: User, note: str) -> None:
    """One concern answered by the revision: at stage 1 the raiser now answers on the new version; a
    revision the DCE decided ends stage 2 (the raiser answers on it as a party, first)."""
    upheld = dispute.stage == DisputeStage.REVISION
    task = dispute_stages.stage_task(review, dispute)
    if task is not None and task.is_open and task.kind in (TaskKind.RESOLVE_CONCERN, TaskKind.REVISE_REPORT):
        close_task(task, actor, {"revised_in_version": draft.version})
    dispute.revision_id = draft.id
    if dispute.author_responded_at is None:
        dispute.author_response = note
        dispute.author_responded_at = utcnow()
    assert dispute_allows(dispute.stage, "revise")
    dispute_stages.move(dispute, review, "revise", actor=actor)
    if not upheld:
        dispute.draft_id = draft.id  # the raiser's answer is now about the revision
        dispute_stages.ask_raiser(review, dispute)
