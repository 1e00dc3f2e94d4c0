"""What the report must hold before it is shared for accuracy (procedure, "Review Process": the
review report should include ...), each rule with the message the reviewer reads.

Rules read one composed version (report.ReportContent), so the page, the share refusal and the
share button say the same thing."""

from __future__ import annotations

from webapp.conduct.report import (
    CONCLUSION_PARTS,
    NONE_LABELS,
    REQUIRED_THEMES,
    SECTION_HEADINGS,
    ReportContent,
)
from webapp.i18n import gettext as _

WRITTEN_TEXT = ("incident_summary", "inquiries", "decision_making", "impact")


def problems(content: ReportContent) -> list[tuple[str, str]]:
    """(section key, message) for each thing missing, in the report's order."""
    found: list[tuple[str, str]] = []
    found += _background(content)
    found += _written(content, "incident_summary")
    found += _written(content, "inquiries")
    found += _gathering(content)
    found += _chronology(content)
    found += _written(content, "decision_making")
    found += _conclusions(content)
    found += _written(content, "impact")
    return found


def _written(content: ReportContent, key: str) -> list[tuple[str, str]]:
    return [] if content.text(key) else [(key, _("%(section)s is empty", section=SECTION_HEADINGS[key]))]


def _background(content: ReportContent) -> list[tuple[str, str]]:
    found = []
    if not content.text("background"):
        found.append(("background", _("%(section)s is empty", section=SECTION_HEADINGS["background"])))
    if not content.children and not content.text("no_children_reason"):
        found.append(
            (
                "background",
                _("No children are recorded on the case: add them to the case, or say why there are none"),
            )
        )
    if not content.applications and not content.text("no_applications_reason"):
        found.append(
            (
                "background",
                _(
                    "No applications are recorded on the case: add them to the case, "
                    "or say why there are none"
                ),
            )
        )
    return found


def _gathering(content: ReportContent) -> list[tuple[str, str]]:
    open_sources = [row.source for row in content.gathering or [] if not row.done_on and not row.open_reason]
    return [
        (
            "inquiries",
            _(
                "Information gathering is not finished: record “%(source)s” as done, or say why it is not",
                source=source,
            ),
        )
        for source in open_sources
    ]


def _chronology(content: ReportContent) -> list[tuple[str, str]]:
    found = []
    by_theme = {category: rows for category, _heading, rows in content.chronology_by_theme()}
    for category, heading in REQUIRED_THEMES:
        none = NONE_LABELS[category.value]
        ticked = content.none_identified("chronology_none", category.value)
        if not by_theme[category] and not ticked:
            found.append(
                (
                    "chronology",
                    _(
                        "Chronology: add an entry for %(theme)s, or tick “%(none)s”",
                        theme=heading.lower(),
                        none=none,
                    ),
                )
            )
        elif by_theme[category] and ticked:
            found.append(
                (
                    "chronology",
                    _(
                        "Chronology: “%(none)s” is ticked, but the chronology has entries for %(theme)s",
                        none=none,
                        theme=heading.lower(),
                    ),
                )
            )
    return found


def _conclusions(content: ReportContent) -> list[tuple[str, str]]:
    found = []
    for key, heading in CONCLUSION_PARTS:
        none = NONE_LABELS[key]
        ticked = content.none_identified("conclusions_none", key)
        if not content.items(key) and not ticked:
            found.append(
                (
                    "conclusions",
                    _("Conclusions: list the %(part)s, or tick “%(none)s”", part=heading.lower(), none=none),
                )
            )
        elif content.items(key) and ticked:
            found.append(
                (
                    "conclusions",
                    _(
                        "Conclusions: “%(none)s” is ticked, but %(part)s are listed",
                        none=none,
                        part=heading.lower(),
                    ),
                )
            )
    return found
