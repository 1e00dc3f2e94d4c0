"""Who may do the reviewer's work, the information-gathering checklist and the chronology.

Procedure, "Review Process": the review is led by an independent Head of Operations, who gathers
information from four sources and writes a report with a chronology. Before a reviewer is allocated,
"Case Review Explained": when a SUSR is known from the outset, a rapid review develops a timeline;
it is built here with the same chronology builder, by whoever may action the rapid review task.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import ScalarSelect, func, select
from sqlalchemy.orm import selectinload

from webapp import audit
from webapp.extensions import db
from webapp.i18n import gettext as _
from webapp.models import (
    ChronologyCategory,
    ChronologyEntry,
    ChronologyEntryChange,
    GatheringItem,
    GatheringSource,
    Review,
    Task,
    TaskKind,
    User,
)
from webapp.permissions import Permission, permissions_of
from webapp.records import unit_of_work
from webapp.reviews.lifecycle import Work, allows
from webapp.scope import one_or_404
from webapp.tasks.services import TaskAlreadyDone, close_task, may_action


class ConductRefused(Exception):
    """The change is not allowed; the message says why, in words for the page."""


def is_reviewer(review: Review, user: User) -> bool:
    """The review's own reviewer, still holding the Head of Operations' reviewing permission."""
    return (
        review.reviewer_id is not None
        and review.reviewer_id == user.id
        and Permission.CONDUCT_REVIEWS in permissions_of(user)
    )


def may_gather(review: Review, user: User) -> bool:
    return is_reviewer(review, user) and allows(review.state, Work.GATHER)


def may_draft(review: Review, user: User) -> bool:
    return is_reviewer(review, user) and allows(review.state, Work.DRAFT_REPORT)


def open_rapid_review_task(review: Review) -> Task | None:
    return next((t for t in review.tasks if t.kind == TaskKind.RAPID_REVIEW and t.is_open), None)


def may_build_chronology(review: Review, user: User) -> bool:
    """Add or remove chronology entries: the reviewer while drafting, or, for the rapid review's
    timeline, anyone who may action the review's open rapid review task (the AHoO pool)."""
    if may_draft(review, user):
        return True
    task = open_rapid_review_task(review)
    return task is not None and may_action(task, user)


# Gathering ---------------------------------------------------------------------------------------


def gathering_checklist(review: Review) -> list[tuple[GatheringSource, GatheringItem | None]]:
    """The four sources in the procedure's order, each with its item once one has been saved."""
    items = {
        item.source: item
        for item in db.session.execute(
            select(GatheringItem).where(GatheringItem.review_id == review.id)
        ).scalars()
    }
    return [(source, items.get(source)) for source in GatheringSource]


def _gathered(review: Review) -> ScalarSelect:
    """How many of the sources have been gathered (saved with the date they were done)."""
    return (
        select(func.count())
        .select_from(GatheringItem)
        .where(GatheringItem.review_id == review.id, GatheringItem.done_on.is_not(None))
        .scalar_subquery()
    )


def gathering_done_count(review: Review) -> int:
    return db.session.execute(select(_gathered(review))).scalar_one()


def save_gathering(
    review: Review,
    source: GatheringSource,
    *,
    notes: str,
    done_on: date | None,
    actor: User,
    open_reason: str | None = None,
) -> list[str]:
    """Save one source's notes and date done; return the changed field names (none: nothing saved).

    When the fourth source is done the gathering task closes. That runs after the notes are
    committed, so a task someone else closed can never cost the reviewer their notes."""
    item = db.session.execute(
        select(GatheringItem).where(GatheringItem.review_id == review.id, GatheringItem.source == source)
    ).scalar_one_or_none()
    if item is None:
        item = GatheringItem(review_id=review.id, source=source, notes="")
        db.session.add(item)
    # A source done needs no reason why it is not.
    reason = None if done_on else ((open_reason or "").strip() or None)
    with unit_of_work():
        changed = audit.apply_changes(item, {"notes": notes, "done_on": done_on, "open_reason": reason})
        if not changed:
            if item in db.session.new:
                db.session.expunge(item)  # an empty source is not saved
            return []
        item.updated_by_id = actor.id
        db.session.flush()
        audit.record(
            "gathering.updated",
            record_id=item.id,
            case_id=review.case_id,
            changed_fields=changed,
            actor=actor,
        )
    _close_gathering_task_when_complete(review, actor)
    return changed


def _close_gathering_task_when_complete(review: Review, actor: User) -> None:
    if gathering_done_count(review) < len(GatheringSource):
        return
    task = review.task(TaskKind.GATHER_INFORMATION)
    if task is None or not task.is_open:
        return
    try:
        with unit_of_work():
            close_task(task, actor, {"sources_done": [source.value for source in GatheringSource]})
    except TaskAlreadyDone:
        pass  # closed by a request that saved the fourth source at the same moment


# Chronology --------------------------------------------------------------------------------------


def chronology(review: Review) -> list[ChronologyEntry]:
    """Entries in date order (entries on one day in the order they were added)."""
    return list(
        db.session.execute(
            select(ChronologyEntry)
            .where(ChronologyEntry.review_id == review.id)
            .order_by(ChronologyEntry.occurred_on, ChronologyEntry.id)
        ).scalars()
    )


def _entries(review: Review) -> ScalarSelect:
    return (
        select(func.count())
        .select_from(ChronologyEntry)
        .where(ChronologyEntry.review_id == review.id)
        .scalar_subquery()
    )


def chronology_count(review: Review) -> int:
    return db.session.execute(select(_entries(review))).scalar_one()


def progress_counts(review: Review) -> tuple[int, int]:
    """The chronology's entries and the sources gathered, in one statement (the review page)."""
    entries, gathered = db.session.execute(select(_entries(review), _gathered(review))).one()
    return entries, gathered


def category_labels(values: list[str]) -> list[str]:
    """Labels for stored category values, in the procedure's order; unknown values are skipped."""
    return [category.label for category in ChronologyCategory if category.value in values]


@unit_of_work()
def add_entry(
    review: Review,
    *,
    occurred_on: date,
    what_happened: str,
    source: str,
    categories: list[str],
    actor: User,
) -> ChronologyEntry:
    if not may_build_chronology(review, actor):
        raise ConductRefused(_("You cannot add to this chronology."))
    entry = ChronologyEntry(
        review_id=review.id,
        occurred_on=occurred_on,
        what_happened=what_happened,
        source=source,
        categories=_categories(categories),
        created_by_id=actor.id,
    )
    db.session.add(entry)
    db.session.flush()
    audit.record("chronology.added", record_id=entry.id, case_id=review.case_id, actor=actor)
    return entry


def get_entry_or_404(review: Review, entry_id: int) -> ChronologyEntry:
    return one_or_404(ChronologyEntry, ChronologyEntry.id == entry_id, ChronologyEntry.review_id == review.id)


def _categories(categories: list[str]) -> list[str]:
    """The chosen categories in the procedure's order; at least one, each a known one."""
    allowed = {category.value for category in ChronologyCategory}
    if not categories or not set(categories) <= allowed:
        raise ConductRefused(_("Select at least one category"))
    return [c.value for c in ChronologyCategory if c.value in categories]


def _as_written(entry: ChronologyEntry) -> dict:
    return {
        "occurred_on": entry.occurred_on.isoformat(),
        "what_happened": entry.what_happened,
        "source": entry.source,
        "categories": list(entry.categories),
    }


@unit_of_work()
def edit_entry(
    review: Review,
    entry: ChronologyEntry,
    *,
    occurred_on: date,
    what_happened: str,
    source: str,
    categories: list[str],
    actor: User,
) -> list[str]:
    """Correct an entry; its earlier wording is kept with the new one. Returns the changed fields."""
    if not may_build_chronology(review, actor):
        raise ConductRefused(_("You cannot change this chronology."))
    before = _as_written(entry)
    changed = audit.apply_changes(
        entry,
        {
            "occurred_on": occurred_on,
            "what_happened": what_happened,
            "source": source,
            "categories": _categories(categories),
        },
    )
    if not changed:
        return []
    db.session.add(
        ChronologyEntryChange(
            review_id=review.id,
            entry_id=entry.id,
            change="edited",
            old=before,
            new=_as_written(entry),
            changed_by_id=actor.id,
        )
    )
    audit.record(
        "chronology.updated", record_id=entry.id, case_id=review.case_id, changed_fields=changed, actor=actor
    )
    return changed


@unit_of_work()
def remove_entry(review: Review, entry: ChronologyEntry, *, actor: User) -> None:
    """Remove an entry; what it said is kept in the chronology's changes. A report already shared
    keeps its own copy of the chronology."""
    if not may_build_chronology(review, actor):
        raise ConductRefused(_("You cannot change this chronology."))
    db.session.add(
        ChronologyEntryChange(
            review_id=review.id,
            entry_id=entry.id,
            change="removed",
            old=_as_written(entry),
            new=None,
            changed_by_id=actor.id,
        )
    )
    audit.record("chronology.removed", record_id=entry.id, case_id=review.case_id, actor=actor)
    db.session.delete(entry)


def changes(review: Review) -> list[ChronologyEntryChange]:
    """Every correction and removal of the review's chronology entries, newest first."""
    return list(
        db.session.execute(
            select(ChronologyEntryChange)
            .where(ChronologyEntryChange.review_id == review.id)
            .options(selectinload(ChronologyEntryChange.changed_by))
            .order_by(ChronologyEntryChange.id.desc())
        ).scalars()
    )
