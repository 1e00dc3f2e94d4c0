"""The shared report as plain blocks a template can show: its written sections in the procedure's order,
and whatever the snapshot froze when it was shared (the case background, the chronology), shown simply
whatever its shape, so these pages do not depend on how the report feature lays the snapshot out."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from webapp.formatting import format_date
from webapp.models import ChronologyCategory, ReportDraft

# Procedure, "Review Process": the review report should include these (chronology from the snapshot).
SECTIONS = (
    ("background", "Background history"),
    ("incident_summary", "Incident summary"),
    ("inquiries", "Inquiries undertaken"),
    ("chronology", "Chronology of key information and Cafcass Cymru involvement"),
    ("decision_making", "Decision-making and line management support"),
    ("conclusions", "Conclusions: procedural and practice issues"),
    ("learning_points", "Learning points"),
)
SNAPSHOT_TITLES = {"children": "Children involved", "applications": "Applications before the court"}
COLUMN_TITLES = {"occurred_on": "Date", "what_happened": "What happened"}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
_VALUE_LABELS = {c.value: c.label for c in ChronologyCategory}


@dataclass
class Block:
    kind: str  # heading | paragraphs | bullets | pairs | table
    level: int = 3
    title: str = ""
    paragraphs: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    pairs: list[tuple[str, str]] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)


def humanise(key: str) -> str:
    words = str(key).replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def show(value) -> str:
    """One value as text: dates the GOV.UK way, category codes by their labels, lists joined."""
    if value is None or value == "":
        return "None"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return "; ".join(show(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{humanise(k)}: {show(v)}" for k, v in value.items())
    text = str(value)
    if _ISO_DATE.match(text):
        try:
            return format_date(date.fromisoformat(text[:10]))
        except ValueError:
            return text
    return _VALUE_LABELS.get(text, text)


def blocks_for(value, title: str, level: int) -> list[Block]:
    """A titled value: a table for a list of records, bullets for a list, pairs for a record."""
    heading = Block("heading", level=level, title=title)
    if isinstance(value, str):
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n", value) if p.strip()]
        return [heading, Block("paragraphs", paragraphs=paragraphs or ["Not written."])]
    if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
        columns: list[str] = []
        for item in value:
            columns.extend(key for key in item if key not in columns and key != "id")
        rows = [[show(item.get(key)) for key in columns] for item in value]
        return [
            heading,
            Block(
                "table", title=title, columns=[COLUMN_TITLES.get(c, humanise(c)) for c in columns], rows=rows
            ),
        ]
    if isinstance(value, list):
        items = [show(item) for item in value]
        return (
            [heading, Block("bullets", items=items)]
            if items
            else [heading, Block("paragraphs", paragraphs=["None."])]
        )
    if isinstance(value, dict):
        simple = {k: v for k, v in value.items() if not isinstance(v, list | dict)}
        nested = {k: v for k, v in value.items() if isinstance(v, list | dict)}
        blocks = [heading]
        if simple:
            blocks.append(Block("pairs", pairs=[(humanise(k), show(v)) for k, v in simple.items()]))
        for key, inner in nested.items():
            blocks.extend(blocks_for(inner, humanise(key), min(level + 1, 4)))
        return blocks
    return [heading, Block("paragraphs", paragraphs=[show(value)])]


def report_blocks(draft: ReportDraft) -> list[Block]:
    sections = draft.sections or {}
    snapshot = dict(draft.snapshot or {})
    blocks: list[Block] = []
    for key, title in SECTIONS:
        if key == "chronology":
            if "chronology" in snapshot:
                blocks.extend(blocks_for(snapshot.pop("chronology"), title, 3))
            continue
        blocks.extend(blocks_for(sections.get(key, ""), title, 3))
        if key == "background":
            # The case's children and applications as the snapshot froze them, e.g.
            # {"background": {"children": [...], "applications": [...]}}; any other keys likewise.
            for extra in [k for k in snapshot if k != "chronology"]:
                value = snapshot.pop(extra)
                parts = value if isinstance(value, dict) else {extra: value}
                for part, inner in parts.items():
                    blocks.extend(blocks_for(inner, SNAPSHOT_TITLES.get(part, humanise(part)), 4))
    return blocks
