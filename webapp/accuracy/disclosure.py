"""Sharing the agreed report with an external review (a SUSR or an SCR/CSPR): recorded, with which
version, to whom, when and by whom (Case Review Explained)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp import audit
from webapp.accuracy.agreement import AccuracyRefused
from webapp.conduct.report import agreed_draft
from webapp.extensions import db
from webapp.formatting import today_in_london
from webapp.i18n import gettext as _
from webapp.i18n import lazy_gettext as _l
from webapp.models import Disclosure, ReportDraft, Review, TaskKind, User
from webapp.records import unit_of_work
from webapp.reviews.lifecycle import Work, require
from webapp.safeguarding.services import participation_of
from webapp.tasks.services import close_task

EXTERNAL_REVIEWS = {
    "susr": _l("Single Unified Safeguarding Review (Wales)"),
    "scr_cspr": _l("Serious Case Review or Child Safeguarding Practice Review (England)"),
}


def disclosures_of(review: Review) -> list[Disclosure]:
    return list(
        db.session.execute(
            select(Disclosure)
            .where(Disclosure.review_id == review.id)
            .options(selectinload(Disclosure.draft), selectinload(Disclosure.recorded_by))
            .order_by(Disclosure.shared_on, Disclosure.id)
        ).scalars()
    )


def disclosable_drafts(review: Review) -> list[ReportDraft]:
    """Only the agreed report leaves the organisation: the version every party agreed or the DCE
    decided (report.agreed_draft), never an earlier or disputed text."""
    agreed = agreed_draft(review)
    return [agreed] if agreed is not None else []


def record_disclosure(
    review: Review, *, actor: User, draft_id: int, external_review: str, recipient: str, shared_on: date
) -> Disclosure:
    """The final report shared with a SUSR or an SCR/CSPR: which version, to whom, when, by whom."""
    require(review.state, Work.DISCLOSE, AccuracyRefused)
    if external_review not in EXTERNAL_REVIEWS:
        raise AccuracyRefused(_("Select the external review the report was shared with"))
    if draft_id not in {d.id for d in disclosable_drafts(review)}:
        raise AccuracyRefused(_("Only the agreed version of the report can be recorded as shared"))
    if shared_on > today_in_london():
        raise AccuracyRefused(_("The date the report was shared must be today or in the past"))
    with unit_of_work():
        task = review.task(TaskKind.SHARE_WITH_EXTERNAL_REVIEW)  # one per review, on agreement
        # Shared with the external review the review tracks our part in: the log links to its record.
        participation = participation_of(review)
        disclosure = Disclosure(
            review_id=review.id,
            external_review_id=participation.id if participation is not None else None,
            draft_id=draft_id,
            external_review=external_review,
            recipient=recipient.strip(),
            shared_on=shared_on,
            recorded_by_id=actor.id,
        )
        db.session.add(disclosure)
        db.session.flush()
        audit.record("disclosure.recorded", record_id=disclosure.id, case_id=review.case_id, actor=actor)
        if task is not None and task.is_open:
            close_task(task, actor, {"disclosure_id": disclosure.id})
    return disclosure
