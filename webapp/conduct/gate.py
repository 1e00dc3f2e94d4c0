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
    return [] if content.text(key) else [(key, f"{SECTION_HEADINGS[key]} is empty")]


def _background(content: ReportContent) -> list[tuple[str, str]]:
    found = []
    if not content.text("background"):
        found.append(("background", "Background history is empty"))
    if not content.children and not content.text("no_children_reason"):
        found.append(
            (
                "background",
                "No children are recorded on the case: add them to the case, or say why there are none",
            )
        )
    if not content.applications and not content.text("no_applications_reason"):
        found.append(
            (
                "background",
                "No applications are recorded on the case: add them to the case, or say why there are none",
            )
        )
    return found


def _gathering(content: ReportContent) -> list[tuple[str, str]]:
    open_sources = [row.source for row in content.gathering or [] if not row.done_on and not row.open_reason]
    return [
        (
            "inquiries",
            f"Information gathering is not finished: record “{source}” as done, or say why it is not",
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
            found.append(("chronology", f"Chronology: add an entry for {heading.lower()}, or tick “{none}”"))
        elif by_theme[category] and ticked:
            found.append(
                (
                    "chronology",
                    f"Chronology: “{none}” is ticked, but the chronology has entries for {heading.lower()}",
                )
            )
    return found


def _conclusions(content: ReportContent) -> list[tuple[str, str]]:
    found = []
    for key, heading in CONCLUSION_PARTS:
        none = NONE_LABELS[key]
        ticked = content.none_identified("conclusions_none", key)
        if not content.items(key) and not ticked:
            found.append(("conclusions", f"Conclusions: list the {heading.lower()}, or tick “{none}”"))
        elif content.items(key) and ticked:
            found.append(
                ("conclusions", f"Conclusions: “{none}” is ticked, but {heading.lower()} are listed")
            )
    return found
