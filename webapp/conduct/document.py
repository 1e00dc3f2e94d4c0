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
from webapp.i18n import current_language
from webapp.i18n import gettext as _
from webapp.i18n import lazy_gettext as _l
from webapp.models import ReportDraft, Review

# The document is built in the language of the moment (the page's, or the one chosen at export):
# every heading, label and the marking in that language; the reviewer's own text as written.
TITLE = _l("Internal case review report")
MARKING = _l("OFFICIAL-SENSITIVE")
# The language a document declares (PDF /Lang, <html lang>, DOCX core properties and w:lang).
DOCUMENT_LANGUAGES = {"en": "en-GB", "cy": "cy-GB"}
CHRONOLOGY_COLUMNS = (_l("Date"), _l("What happened"), _l("Source"), _l("Categories"))
NOT_WRITTEN = _l("Not written yet")


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
    marking: str
    language: str  # as a document declares it: "en-GB" or "cy-GB"
    blocks: tuple[Block, ...] = field(default=())


def review_reference(review: Review) -> str:
    return f"CR-{review.id:05d}"


def build(review: Review, draft: ReportDraft | None, content: ReportContent) -> ReportDocument:
    """The document in the language of the moment: every text in it a plain string."""
    reviewer = review.reviewer.name if review.reviewer else _("Not allocated")
    status = version_status(review, draft) if draft else _("Not started")
    dated = format_date(content.dated)
    incident = review.incident
    return ReportDocument(
        title=str(TITLE),
        case_number=content.case_number,
        reviewer=reviewer,
        version=content.version,
        status=status,
        dated=dated,
        facts=(
            (_("Case number"), content.case_number),
            (_("Review reference"), review_reference(review)),
            (_("Reviewer"), reviewer),
            (_("Version"), str(content.version) if content.version else _("None saved")),
            (_("Status"), status),
            (_("Date"), dated),
        ),
        incident=(
            (_("What happened"), incident.kind.label),
            (_("Date of the incident"), format_date(incident.occurred_on)),
            (_("Cause"), incident.cause.label),
            (_("Person affected"), incident.person_affected.label),
            (_("Notified by"), incident.notified_by),
            (_("Notified on"), format_date(incident.notified_on)),
            (_("Linked to court involvement"), _("Yes") if incident.linked_to_court_involvement else _("No")),
            (_("Single Unified Safeguarding Review"), _("Known") if incident.susr_known else _("Not known")),
        ),
        blocks=tuple(body(content)),
        marking=str(MARKING),
        language=DOCUMENT_LANGUAGES[current_language()],
    )


def _paragraphs(text: str) -> list[Block]:
    """Text as typed: a paragraph per blank-line-separated block; missing when empty."""
    parts = tuple(part.strip("\n") for part in re.split(r"\n\s*\n", text) if part.strip())
    return [Block("paragraphs", items=parts)] if parts else [Block("missing", str(NOT_WRITTEN))]


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
    children = [
        _("%(name)s, born %(date)s", name=name, date=format_date(born)) for name, born in content.children
    ]
    applications = [
        _("%(application)s, made %(date)s", application=kind, date=format_date(made))
        for kind, made in content.applications
    ]
    none_recorded = _("None recorded on the case.")
    return [
        Block("heading", _("Children"), level=3),
        _listed(children, empty=content.text("no_children_reason") or none_recorded),
        Block("heading", _("Applications before the court"), level=3),
        _listed(applications, empty=content.text("no_applications_reason") or none_recorded),
        Block("heading", _("Background history"), level=3),
        *_paragraphs(content.text(key)),
    ]


def _inquiries(content: ReportContent, key: str) -> list[Block]:
    blocks = _paragraphs(content.text(key))
    if content.gathering:
        blocks.append(Block("heading", _("Information gathered"), level=3))
        blocks.append(
            Block(
                "table",
                _("Information gathered"),
                columns=(_("Source"), _("Done"), _("If not done, why")),
                rows=tuple(
                    (row.source, format_date(row.done_on) if row.done_on else _("Not done"), row.open_reason)
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
                _("Chronology of key information and Cafcass Cymru involvement"),
                columns=tuple(str(column) for column in CHRONOLOGY_COLUMNS),
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
        blocks.append(Block("missing", _("No entries yet")))
    for category, heading, rows in content.chronology_by_theme():
        blocks.append(Block("heading", str(heading), level=3))
        none = (
            str(NONE_IDENTIFIED)
            if content.none_identified("chronology_none", category.value)
            else _("None recorded.")
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
        blocks.append(Block("heading", str(heading), level=3))
        if content.items(part):
            blocks.append(_listed(content.items(part), empty="", numbered=True))
        elif content.none_identified("conclusions_none", part):
            blocks.append(Block("paragraphs", items=(str(NONE_IDENTIFIED),)))
        else:
            blocks.append(Block("missing", str(NOT_WRITTEN)))
    return blocks


def _learning_points(content: ReportContent, key: str) -> list[Block]:
    return [_listed(content.items(key), empty=_("None recorded."), numbered=True)]


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
