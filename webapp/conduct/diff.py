"""What changed between a version of the report and the one before it, section by section, line by
line (lists item by item), so a party confirming a revision sees exactly what the author changed."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from sqlalchemy import select

from webapp.conduct.report import EMPTY, FIELDS, NONE_LABELS, SECTION_HEADINGS
from webapp.extensions import db
from webapp.i18n import lazy_gettext as _l
from webapp.models import ReportDraft

FIELD_LABELS = {
    **SECTION_HEADINGS,
    "no_children_reason": _l("Background history: why no children are named"),
    "no_applications_reason": _l("Background history: why no applications are named"),
    "chronology_none": _l("Chronology: themes with none identified"),
    "procedural_issues": _l("Conclusions: procedural issues"),
    "practice_issues": _l("Conclusions: practice issues"),
    "conclusions_none": _l("Conclusions: parts with none identified"),
}


@dataclass(frozen=True)
class SectionChange:
    label: str
    removed: list[str]
    added: list[str]


@dataclass(frozen=True)
class VersionChanges:
    version: int
    previous: int | None  # None: the first version, nothing to compare with
    sections: list[SectionChange]


def _lines(kind: str, value) -> list[str]:
    if kind == "text":
        return [line.strip() for line in (value or "").splitlines() if line.strip()]
    if kind == "choices":
        return [str(NONE_LABELS.get(v, v)) for v in value or []]
    return [str(item) for item in value or []]


def previous_version(draft: ReportDraft) -> ReportDraft | None:
    return db.session.execute(
        select(ReportDraft).where(
            ReportDraft.review_id == draft.review_id, ReportDraft.version == draft.version - 1
        )
    ).scalar_one_or_none()


def compare(before: dict, after: dict) -> list[SectionChange]:
    changes = []
    for field in FIELDS:
        old = _lines(field.kind, before.get(field.key) or EMPTY[field.kind])
        new = _lines(field.kind, after.get(field.key) or EMPTY[field.kind])
        if old == new:
            continue
        removed, added = [], []
        for line in difflib.ndiff(old, new):
            if line.startswith("- "):
                removed.append(line[2:])
            elif line.startswith("+ "):
                added.append(line[2:])
        changes.append(SectionChange(str(FIELD_LABELS.get(field.key, field.key)), removed, added))
    return changes


def version_changes(draft: ReportDraft) -> VersionChanges:
    previous = previous_version(draft)
    if previous is None:
        return VersionChanges(draft.version, None, [])
    return VersionChanges(draft.version, previous.version, compare(previous.sections, draft.sections))
