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

from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from webapp import audit
from webapp.conduct import services
from webapp.extensions import db
from webapp.formatting import london
from webapp.i18n import LazyString
from webapp.i18n import gettext as _
from webapp.i18n import lazy_gettext as _l
from webapp.models import (
    ApplicationType,
    ChronologyCategory,
    GatheringSource,
    ReportDraft,
    Review,
    ReviewState,
    TaskKind,
    User,
    utcnow,
)
from webapp.models.cases import LabelledEnum
from webapp.records import StaleEdit, unit_of_work
from webapp.reviews.lifecycle import Work, allows, next_state
from webapp.reviews.services import transition
from webapp.scope import one_or_404
from webapp.tasks.services import close_task


@dataclass(frozen=True)
class Section:
    key: str
    lazy_heading: LazyString
    mandatory: bool = True

    @property
    def heading(self) -> str:
        """The heading in the language of the moment."""
        return str(self.lazy_heading)


SECTIONS: tuple[Section, ...] = (
    Section("background", _l("Background history")),
    Section("incident_summary", _l("Incident summary")),
    Section("inquiries", _l("Inquiries undertaken")),
    Section("chronology", _l("Chronology of key information and Cafcass Cymru involvement")),
    Section("decision_making", _l("Decision-making and line management support")),
    Section("conclusions", _l("Conclusions: procedural and practice issues")),
    Section("impact", _l("The impact of our involvement")),
    Section("learning_points", _l("Learning points"), mandatory=False),
)
SECTION_HEADINGS = {section.key: section.lazy_heading for section in SECTIONS}


@dataclass(frozen=True)
class Field:
    """One thing the reviewer writes: "text", "list" (one item per line) or "choices" (ticked values)."""

    key: str
    kind: str


FIELDS: tuple[Field, ...] = (
    Field("background", "text"),
    Field("no_children_reason", "text"),
    Field("no_applications_reason", "text"),
    Field("incident_summary", "text"),
    Field("inquiries", "text"),
    Field("chronology_none", "choices"),
    Field("decision_making", "text"),
    Field("procedural_issues", "list"),
    Field("practice_issues", "list"),
    Field("conclusions_none", "choices"),
    Field("impact", "text"),
    Field("learning_points", "list"),
)
EMPTY = {"text": "", "list": [], "choices": []}
# What the chronology section shows by category, as the procedure lists them.
CHRONOLOGY_THEMES: tuple[tuple[ChronologyCategory, LazyString], ...] = (
    (ChronologyCategory.IDENTIFIED_RISK, _l("Identified risks")),
    (ChronologyCategory.VULNERABILITY, _l("Family and individual vulnerabilities")),
    (ChronologyCategory.LIAISON, _l("Liaison with other agencies and professionals")),
    (ChronologyCategory.INVOLVEMENT, _l("Cafcass Cymru involvement")),
)
# The themes the procedure names: each needs an entry, or "none identified" ticked.
REQUIRED_THEMES = CHRONOLOGY_THEMES[:3]
CONCLUSION_PARTS: tuple[tuple[str, LazyString], ...] = (
    ("procedural_issues", _l("Procedural issues")),
    ("practice_issues", _l("Practice issues")),
)
# What the reviewer ticks when the review found nothing of a kind.
NONE_LABELS = {
    ChronologyCategory.IDENTIFIED_RISK.value: _l("No identified risks"),
    ChronologyCategory.VULNERABILITY.value: _l("No family or individual vulnerabilities"),
    ChronologyCategory.LIAISON.value: _l("No liaison with other agencies or professionals"),
    "procedural_issues": _l("No procedural issues"),
    "practice_issues": _l("No practice issues"),
}
NONE_IDENTIFIED = _l("None identified.")


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


def latest_and_shared(review: Review) -> tuple[ReportDraft | None, ReportDraft | None]:
    """The latest version and the latest shared for accuracy (the review page shows both): when the
    latest is shared, or there is none, the two are one, found in one statement."""
    latest = latest_draft(review)
    if latest is None or latest.shared_at is not None:
        return latest, latest
    return latest, shared_draft(review)


def get_version_or_404(review: Review, version: int) -> ReportDraft:
    """A version of the review's report, reached by its number under the review."""
    return one_or_404(ReportDraft, ReportDraft.version == version, ReportDraft.review_id == review.id)


def split_items(text: str | None) -> list[str]:
    """A list section typed one item per line; blank lines and stray spaces dropped."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def sections_from_form(values: dict) -> dict:
    """Form values as stored sections: text trimmed at the ends, lists as lists of items, ticked
    choices as a list in a fixed order."""
    sections: dict = {}
    for field_ in FIELDS:
        raw = values.get(field_.key)
        if field_.kind == "list":
            sections[field_.key] = split_items(raw)
        elif field_.kind == "choices":
            sections[field_.key] = sorted(set(raw or []))
        else:
            sections[field_.key] = (raw or "").strip()
    return sections


def form_values(draft: ReportDraft | None) -> dict:
    """A draft's fields as the form shows them (lists one item per line)."""
    stored = draft.sections if draft else {}
    values: dict = {}
    for field_ in FIELDS:
        value = stored.get(field_.key) or EMPTY[field_.kind]
        values[field_.key] = "\n".join(value) if field_.kind == "list" else value
    return values


def save_draft(review: Review, sections: dict, *, based_on: int | None, actor: User) -> ReportDraft | None:
    """Save the sections as a new version; None when nothing changed since the latest version.

    ``based_on`` is the version the form was opened on: a newer one saved meanwhile (another tab)
    refuses the save rather than silently replacing that version's text."""
    latest = latest_draft(review)
    if (latest.version if latest else None) != based_on:
        raise StaleEdit
    previous = latest.sections if latest else {}
    changed = [f.key for f in FIELDS if sections[f.key] != (previous.get(f.key) or EMPTY[f.kind])]
    if not changed:
        return None
    draft = ReportDraft(
        review_id=review.id,
        version=(latest.version + 1) if latest else 1,
        sections={f.key: sections[f.key] for f in FIELDS},
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


@dataclass(frozen=True)
class GatheringRow:
    source: str  # the source's label
    done_on: date | None
    open_reason: str


@dataclass
class ReportContent:
    """One version of the report as it reads: the reviewer's sections with the case background,
    the gathering and the chronology, live for a draft, or as frozen when the version was shared."""

    case_number: str
    version: int | None
    dated: date
    shared_at: datetime | None
    frozen: bool
    children: list[tuple[str, date]]
    applications: list[tuple[str, date]]
    chronology: list[ChronologyRow]
    gathering: list[GatheringRow] | None  # None: shared before gathering was copied into versions
    sections: dict = field(default_factory=dict)

    def text(self, key: str) -> str:
        return self.sections.get(key) or ""

    def items(self, key: str) -> list[str]:
        return list(self.sections.get(key) or [])

    def none_identified(self, key: str, value: str) -> bool:
        """Whether the reviewer ticked "none identified" for a theme or a part of the conclusions."""
        return value in (self.sections.get(key) or [])

    def chronology_by_theme(self) -> list[tuple[ChronologyCategory, str, list[ChronologyRow]]]:
        return [
            (category, heading, [row for row in self.chronology if category.value in row.categories])
            for category, heading in CHRONOLOGY_THEMES
        ]


def _stored_label(member: LabelledEnum) -> str:
    """A label as a shared version keeps it: in English, whoever shared it (shown in the reader's
    language by ``_shown_label``)."""
    with force_locale("en"):
        return str(member.label)


def _shown_label(kind: type[LabelledEnum], stored: str) -> str:
    """A kept English label in the language of the moment; a label no longer known, as kept."""
    with force_locale("en"):
        by_english = {str(member.label): member for member in kind}
    member = by_english.get(stored)
    return member.label if member is not None else stored


def _background(review: Review) -> dict:
    case = review.case
    return {
        "children": [{"name": c.name, "date_of_birth": c.date_of_birth.isoformat()} for c in case.children],
        "applications": [
            {"application": _stored_label(a.application_type), "made_on": a.made_on.isoformat()}
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


def _gathering(review: Review) -> list[dict]:
    return [
        {
            "source": _stored_label(source),
            "done_on": item.done_on.isoformat() if item and item.done_on else None,
            "open_reason": (item.open_reason or "") if item else "",
        }
        for source, item in services.gathering_checklist(review)
    ]


def compose(review: Review, draft: ReportDraft | None) -> ReportContent:
    snapshot = draft.snapshot if draft is not None else None
    frozen = snapshot is not None
    if snapshot is not None:
        background, rows = snapshot["background"], snapshot["chronology"]
        gathering = snapshot.get("gathering")
    else:
        background, rows, gathering = _background(review), _chronology(review), _gathering(review)
    dated = london(draft.shared_at or draft.created_at).date() if draft else london(utcnow()).date()
    return ReportContent(
        case_number=review.case.case_number,
        version=draft.version if draft else None,
        dated=dated,
        shared_at=draft.shared_at if draft else None,
        frozen=frozen,
        children=[(c["name"], date.fromisoformat(c["date_of_birth"])) for c in background["children"]],
        applications=[
            (_shown_label(ApplicationType, a["application"]), date.fromisoformat(a["made_on"]))
            for a in background["applications"]
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
        gathering=None
        if gathering is None
        else [
            GatheringRow(
                source=_shown_label(GatheringSource, g["source"]),
                done_on=date.fromisoformat(g["done_on"]) if g["done_on"] else None,
                open_reason=g["open_reason"],
            )
            for g in gathering
        ],
        sections=dict(draft.sections) if draft else {},
    )


def missing_by_section(review: Review, draft: ReportDraft | None) -> list[tuple[str, str]]:
    """What stops the report being shared: (section key, message), in the report's order."""
    from webapp.conduct.gate import problems

    return problems(compose(review, draft))


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
    freeze(review, draft)
    task = review.task(TaskKind.DRAFT_REPORT)
    if task is not None and task.is_open:
        close_task(task, actor, {"draft_id": draft.id, "version": draft.version})
    transition(review, "share_report", actor=actor)
    request_responses(review, draft)
    audit.record("report.shared", record_id=draft.id, case_id=review.case_id, actor=actor)


def freeze(review: Review, draft: ReportDraft) -> None:
    """Shared: the version is frozen with the background, chronology and gathering it shows now."""
    draft.snapshot = {
        "background": _background(review),
        "chronology": _chronology(review),
        "gathering": _gathering(review),
    }
    draft.shared_at = utcnow()


def status_label(review: Review, draft: ReportDraft | None) -> str:
    if draft is None:
        return _("Not started")
    if draft.shared_at is not None:
        if draft.agreed_at:
            return _("Version %(version)s agreed", version=draft.version)
        return _("Version %(version)s shared for accuracy", version=draft.version)
    if allows(review.state, Work.DRAFT_REPORT) and review.state != ReviewState.IN_REVIEW:
        return _("Version %(version)s, a revision not yet shared", version=draft.version)
    if review.state == ReviewState.IN_REVIEW:
        return _("Draft, version %(version)s", version=draft.version)
    return _("Version %(version)s", version=draft.version)


def is_agreed(review: Review) -> bool:
    """Whether the review has an agreed report."""
    return agreed_draft(review) is not None


def version_status(review: Review, draft: ReportDraft) -> str:
    """The version's real status, as its title page and the page show it."""
    if draft.agreed_at is not None:
        return _("Agreed")
    if draft.shared_at is None:
        return _("Draft")
    latest = shared_draft(review)
    if latest is not None and latest.id != draft.id:
        return _("Shared for accuracy, replaced by version %(version)s", version=latest.version)
    return _("Shared for accuracy")


def agreed_draft(review: Review) -> ReportDraft | None:
    """The agreed report: the last shared version that every party agreed or the DCE decided."""
    return db.session.execute(
        select(ReportDraft)
        .where(ReportDraft.review_id == review.id, ReportDraft.agreed_at.is_not(None))
        .order_by(ReportDraft.version.desc())
        .limit(1)
    ).scalar_one_or_none()


def identified_learning(draft: ReportDraft | None) -> dict[str, int]:
    """How many learning points and procedural or practice issues a version lists (a version shared
    before conclusions were split counts its conclusions as issues)."""
    sections = draft.sections if draft else {}
    counts = {
        "learning point": len(sections.get("learning_points") or []),
        "procedural issue": len(sections.get("procedural_issues") or []),
        "practice issue": len(sections.get("practice_issues") or []),
        "conclusion": len(sections.get("conclusions") or []),
    }
    return {what: count for what, count in counts.items() if count}
