"""The review report: its sections, versioned drafts, the completeness check and sharing.

Procedure, "Review Process": the report should include background history (the children and the
applications before the court), an incident summary, the inquiries undertaken, a chronology of key
information and Cafcass Cymru involvement (identified risks, family and individual vulnerabilities,
liaison with other agencies), decision-making and line management support, and conclusions
(procedural and practice issues). Learning points are asked for by "Transparency and Disputes".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from webapp import audit
from webapp.conduct import services
from webapp.extensions import db
from webapp.formatting import london
from webapp.models import ChronologyCategory, ReportDraft, Review, ReviewState, TaskKind, User, utcnow
from webapp.records import StaleEdit, unit_of_work
from webapp.reviews.lifecycle import next_state
from webapp.reviews.services import transition
from webapp.scope import one_or_404
from webapp.tasks.services import close_task


@dataclass(frozen=True)
class Section:
    key: str
    heading: str
    kind: str  # "text", "list" (one item per line), or "chronology" (drawn from the entries)
    mandatory: bool = True


SECTIONS: tuple[Section, ...] = (
    Section("background", "Background history", "text"),
    Section("incident_summary", "Incident summary", "text"),
    Section("inquiries", "Inquiries undertaken", "text"),
    Section("chronology", "Chronology of key information and Cafcass Cymru involvement", "chronology"),
    Section("decision_making", "Decision-making and line management support", "text"),
    Section("conclusions", "Conclusions: procedural and practice issues", "list"),
    Section("learning_points", "Learning points", "list", mandatory=False),
)
SECTION_HEADINGS = {section.key: section.heading for section in SECTIONS}
# The sections the reviewer writes (the chronology comes from its entries).
WRITTEN = tuple(section for section in SECTIONS if section.kind != "chronology")
# What the chronology section shows by category, as the procedure lists them.
CHRONOLOGY_THEMES: tuple[tuple[ChronologyCategory, str], ...] = (
    (ChronologyCategory.IDENTIFIED_RISK, "Identified risks"),
    (ChronologyCategory.VULNERABILITY, "Family and individual vulnerabilities"),
    (ChronologyCategory.LIAISON, "Liaison with other agencies and professionals"),
    (ChronologyCategory.INVOLVEMENT, "Cafcass Cymru involvement"),
)


class IncompleteReport(Exception):
    """Sharing refused: args[0] lists what is missing."""


# Drafts ------------------------------------------------------------------------------------------


def drafts(review: Review) -> list[ReportDraft]:
    """Every version, newest first."""
    return list(
        db.session.execute(
            select(ReportDraft).where(ReportDraft.review_id == review.id).order_by(ReportDraft.version.desc())
        ).scalars()
    )


def latest_draft(review: Review) -> ReportDraft | None:
    return db.session.execute(
        select(ReportDraft)
        .where(ReportDraft.review_id == review.id)
        .order_by(ReportDraft.version.desc())
        .limit(1)
    ).scalar_one_or_none()


def shared_draft(review: Review) -> ReportDraft | None:
    """The latest version shared for accuracy, if any."""
    return db.session.execute(
        select(ReportDraft)
        .where(ReportDraft.review_id == review.id, ReportDraft.shared_at.is_not(None))
        .order_by(ReportDraft.version.desc())
        .limit(1)
    ).scalar_one_or_none()


def get_version_or_404(review: Review, version: int) -> ReportDraft:
    """A version of the review's report, reached by its number under the review."""
    return one_or_404(ReportDraft, ReportDraft.version == version, ReportDraft.review_id == review.id)


def split_items(text: str | None) -> list[str]:
    """A list section typed one item per line; blank lines and stray spaces dropped."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def sections_from_form(values: dict[str, str | None]) -> dict:
    """Form text as stored sections: text trimmed at the ends, lists as lists of items."""
    sections: dict = {}
    for section in WRITTEN:
        raw = values.get(section.key) or ""
        sections[section.key] = split_items(raw) if section.kind == "list" else raw.strip()
    return sections


def form_values(draft: ReportDraft | None) -> dict[str, str]:
    """A draft's sections as the form shows them (lists one item per line)."""
    stored = draft.sections if draft else {}
    values = {}
    for section in WRITTEN:
        value = stored.get(section.key)
        values[section.key] = "\n".join(value or []) if section.kind == "list" else (value or "")
    return values


def save_draft(review: Review, sections: dict, *, based_on: int | None, actor: User) -> ReportDraft | None:
    """Save the sections as a new version; None when nothing changed since the latest version.

    ``based_on`` is the version the form was opened on: a newer one saved meanwhile (another tab)
    refuses the save rather than silently replacing that version's text."""
    latest = latest_draft(review)
    if (latest.version if latest else None) != based_on:
        raise StaleEdit
    previous = latest.sections if latest else {}
    empty = {"text": "", "list": []}
    changed = [s.key for s in WRITTEN if sections[s.key] != previous.get(s.key, empty[s.kind])]
    if not changed:
        return None
    draft = ReportDraft(
        review_id=review.id,
        version=(latest.version + 1) if latest else 1,
        sections={s.key: sections[s.key] for s in WRITTEN},
        created_by_id=actor.id,
    )
    try:
        with unit_of_work():
            db.session.add(draft)
            db.session.flush()
            audit.record(
                "report.drafted",
                record_id=draft.id,
                case_id=review.case_id,
                changed_fields=changed,
                actor=actor,
            )
    except IntegrityError as error:  # the same version number saved at the same moment
        raise StaleEdit from error
    return draft


# What the report shows ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ChronologyRow:
    occurred_on: date
    what_happened: str
    source: str
    categories: tuple[str, ...]  # stored values

    @property
    def category_labels(self) -> list[str]:
        return services.category_labels(list(self.categories))


@dataclass
class ReportContent:
    """One version of the report as it reads: the reviewer's sections with the case background and
    the chronology, live for a draft, or as frozen when the version was shared."""

    case_number: str
    version: int | None
    dated: date
    shared_at: datetime | None
    frozen: bool
    children: list[tuple[str, date]]
    applications: list[tuple[str, date]]
    chronology: list[ChronologyRow]
    sections: dict = field(default_factory=dict)

    def text(self, key: str) -> str:
        return self.sections.get(key) or ""

    def items(self, key: str) -> list[str]:
        return list(self.sections.get(key) or [])

    def chronology_by_theme(self) -> list[tuple[str, list[ChronologyRow]]]:
        return [
            (heading, [row for row in self.chronology if category.value in row.categories])
            for category, heading in CHRONOLOGY_THEMES
        ]


def _background(review: Review) -> dict:
    case = review.case
    return {
        "children": [{"name": c.name, "date_of_birth": c.date_of_birth.isoformat()} for c in case.children],
        "applications": [
            {"application": a.application_type.label, "made_on": a.made_on.isoformat()}
            for a in case.applications
        ],
    }


def _chronology(review: Review) -> list[dict]:
    return [
        {
            "occurred_on": e.occurred_on.isoformat(),
            "what_happened": e.what_happened,
            "source": e.source,
            "categories": list(e.categories),
        }
        for e in services.chronology(review)
    ]


def compose(review: Review, draft: ReportDraft | None) -> ReportContent:
    snapshot = draft.snapshot if draft is not None else None
    frozen = snapshot is not None
    if snapshot is not None:
        background, rows = snapshot["background"], snapshot["chronology"]
    else:
        background, rows = _background(review), _chronology(review)
    dated = london(draft.shared_at or draft.created_at).date() if draft else london(utcnow()).date()
    return ReportContent(
        case_number=review.case.case_number,
        version=draft.version if draft else None,
        dated=dated,
        shared_at=draft.shared_at if draft else None,
        frozen=frozen,
        children=[(c["name"], date.fromisoformat(c["date_of_birth"])) for c in background["children"]],
        applications=[
            (a["application"], date.fromisoformat(a["made_on"])) for a in background["applications"]
        ],
        chronology=[
            ChronologyRow(
                occurred_on=date.fromisoformat(r["occurred_on"]),
                what_happened=r["what_happened"],
                source=r["source"],
                categories=tuple(r["categories"]),
            )
            for r in rows
        ],
        sections=dict(draft.sections) if draft else {},
    )


def missing_by_section(review: Review, draft: ReportDraft | None) -> list[tuple[str, str]]:
    """What stops the report being shared: (section key, message) per mandatory section, in order."""
    sections = draft.sections if draft else {}
    problems = []
    for section in SECTIONS:
        if not section.mandatory:
            continue
        if section.kind == "chronology":
            if not services.chronology_count(review):
                problems.append(
                    (section.key, f"{section.heading} has no entries: add at least one to the chronology")
                )
        elif not sections.get(section.key):
            what = "has no items" if section.kind == "list" else "is empty"
            problems.append((section.key, f"{section.heading} {what}"))
    return problems


def missing(review: Review, draft: ReportDraft | None) -> list[str]:
    return [message for _key, message in missing_by_section(review, draft)]


# Sharing -----------------------------------------------------------------------------------------


@unit_of_work()
def share(review: Review, draft: ReportDraft | None, *, actor: User) -> None:
    """Share the draft for accuracy: freeze what it shows, close the drafting task, move the review,
    and ask the practitioner, the PM and the area's HoO to respond. One transaction."""
    from webapp.accuracy.services import request_responses

    next_state(review.state, "share_report")  # refuses (InvalidTransition) unless in review
    problems = missing(review, draft)
    if problems:
        raise IncompleteReport(problems)
    assert draft is not None  # missing() names every section when there is no draft
    draft.snapshot = {"background": _background(review), "chronology": _chronology(review)}
    draft.shared_at = utcnow()
    task = review.task(TaskKind.DRAFT_REPORT)
    if task is not None and task.is_open:
        close_task(task, actor, {"draft_id": draft.id, "version": draft.version})
    transition(review, "share_report", actor=actor)
    request_responses(review, draft)
    audit.record("report.shared", record_id=draft.id, case_id=review.case_id, actor=actor)


def status_label(review: Review, draft: ReportDraft | None) -> str:
    if draft is None:
        return "Not started"
    if draft.shared_at is not None:
        return f"Version {draft.version} shared for accuracy"
    if review.state == ReviewState.IN_REVIEW:
        return f"Draft, version {draft.version}"
    return f"Version {draft.version}"
