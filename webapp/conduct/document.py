"""The report as one document: title page facts, the incident, and the body as plain blocks.

Built once per request from report.ReportContent; the page and the PDF render it with one template
(conduct/_report_body.html), and the DOCX writer walks the same blocks, so all three say the same."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from webapp.conduct.report import (
    CONCLUSION_PARTS,
    NONE_IDENTIFIED,
    SECTIONS,
    ReportContent,
    compose,
    version_status,
)
from webapp.formatting import format_date
from webapp.models import ReportDraft, Review

TITLE = "Internal case review report"
MARKING = "OFFICIAL-SENSITIVE"
LANGUAGE = "en-GB"
CHRONOLOGY_COLUMNS = ("Date", "What happened", "Source", "Categories")
NOT_WRITTEN = "Not written yet"


@dataclass(frozen=True)
class Block:
    """heading (text, level, anchor) | paragraphs (items) | bullets (items) | numbers (items) |
    table (text = caption, columns, rows) | missing (text: a placeholder for an unwritten part)."""

    kind: str
    text: str = ""
    level: int = 2
    anchor: str = ""
    items: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class ReportDocument:
    title: str
    case_number: str
    reviewer: str
    version: int | None
    status: str
    dated: str
    facts: tuple[tuple[str, str], ...]  # the title page
    incident: tuple[tuple[str, str], ...]
    blocks: tuple[Block, ...] = field(default=())
    marking: str = MARKING
    language: str = LANGUAGE


def review_reference(review: Review) -> str:
    return f"CR-{review.id:05d}"


def build(review: Review, draft: ReportDraft | None, content: ReportContent) -> ReportDocument:
    reviewer = review.reviewer.name if review.reviewer else "Not allocated"
    status = version_status(review, draft) if draft else "Not started"
    dated = format_date(content.dated)
    incident = review.incident
    return ReportDocument(
        title=TITLE,
        case_number=content.case_number,
        reviewer=reviewer,
        version=content.version,
        status=status,
        dated=dated,
        facts=(
            ("Case number", content.case_number),
            ("Review reference", review_reference(review)),
            ("Reviewer", reviewer),
            ("Version", str(content.version) if content.version else "None saved"),
            ("Status", status),
            ("Date", dated),
        ),
        incident=(
            ("What happened", incident.kind.label),
            ("Date of the incident", format_date(incident.occurred_on)),
            ("Cause", incident.cause.label),
            ("Person affected", incident.person_affected.label),
            ("Notified by", incident.notified_by),
            ("Notified on", format_date(incident.notified_on)),
            ("Linked to court involvement", "Yes" if incident.linked_to_court_involvement else "No"),
            ("Single Unified Safeguarding Review", "Known" if incident.susr_known else "Not known"),
        ),
        blocks=tuple(body(content)),
    )


def _paragraphs(text: str) -> list[Block]:
    """Text as typed: a paragraph per blank-line-separated block; missing when empty."""
    parts = tuple(part.strip("\n") for part in re.split(r"\n\s*\n", text) if part.strip())
    return [Block("paragraphs", items=parts)] if parts else [Block("missing", NOT_WRITTEN)]


def _listed(values: list[str], *, empty: str, numbered: bool = False) -> Block:
    if not values:
        return Block("paragraphs", items=(empty,))
    return Block("numbers" if numbered else "bullets", items=tuple(values))


def body(content: ReportContent) -> list[Block]:
    blocks: list[Block] = []
    for section in SECTIONS:
        blocks.append(Block("heading", section.heading, level=2, anchor=f"section-{section.key}"))
        blocks.extend(_SECTION_BLOCKS.get(section.key, _written)(content, section.key))
    return blocks


def _written(content: ReportContent, key: str) -> list[Block]:
    return _paragraphs(content.text(key))


def _background(content: ReportContent, key: str) -> list[Block]:
    children = [f"{name}, born {format_date(born)}" for name, born in content.children]
    applications = [f"{kind}, made {format_date(made)}" for kind, made in content.applications]
    return [
        Block("heading", "Children", level=3),
        _listed(children, empty=content.text("no_children_reason") or "None recorded on the case."),
        Block("heading", "Applications before the court", level=3),
        _listed(applications, empty=content.text("no_applications_reason") or "None recorded on the case."),
        Block("heading", "Background history", level=3),
        *_paragraphs(content.text(key)),
    ]


def _inquiries(content: ReportContent, key: str) -> list[Block]:
    blocks = _paragraphs(content.text(key))
    if content.gathering:
        blocks.append(Block("heading", "Information gathered", level=3))
        blocks.append(
            Block(
                "table",
                "Information gathered",
                columns=("Source", "Done", "If not done, why"),
                rows=tuple(
                    (row.source, format_date(row.done_on) if row.done_on else "Not done", row.open_reason)
                    for row in content.gathering
                ),
            )
        )
    return blocks


def _chronology(content: ReportContent, key: str) -> list[Block]:
    blocks: list[Block] = []
    if content.chronology:
        blocks.append(
            Block(
                "table",
                "Chronology of key information and Cafcass Cymru involvement",
                columns=CHRONOLOGY_COLUMNS,
                rows=tuple(
                    (
                        format_date(row.occurred_on),
                        row.what_happened,
                        row.source,
                        "; ".join(row.category_labels),
                    )
                    for row in content.chronology
                ),
            )
        )
    else:
        blocks.append(Block("missing", "No entries yet"))
    for category, heading, rows in content.chronology_by_theme():
        blocks.append(Block("heading", heading, level=3))
        none = (
            NONE_IDENTIFIED
            if content.none_identified("chronology_none", category.value)
            else "None recorded."
        )
        lines = [f"{format_date(row.occurred_on)}: {row.what_happened}" for row in rows]
        blocks.append(_listed(lines, empty=none))
    return blocks


def _conclusions(content: ReportContent, key: str) -> list[Block]:
    earlier = content.items("conclusions")  # a version shared before the two parts existed
    if earlier:
        return [_listed(earlier, empty="", numbered=True)]
    blocks: list[Block] = []
    for part, heading in CONCLUSION_PARTS:
        blocks.append(Block("heading", heading, level=3))
        if content.items(part):
            blocks.append(_listed(content.items(part), empty="", numbered=True))
        elif content.none_identified("conclusions_none", part):
            blocks.append(Block("paragraphs", items=(NONE_IDENTIFIED,)))
        else:
            blocks.append(Block("missing", NOT_WRITTEN))
    return blocks


def _learning_points(content: ReportContent, key: str) -> list[Block]:
    return [_listed(content.items(key), empty="None recorded.", numbered=True)]


_SECTION_BLOCKS = {
    "background": _background,
    "inquiries": _inquiries,
    "chronology": _chronology,
    "conclusions": _conclusions,
    "learning_points": _learning_points,
}


def for_version(review: Review, draft: ReportDraft | None) -> ReportDocument:
    """The document for one version (the live report when there is no draft yet)."""
    return build(review, draft, compose(review, draft))
