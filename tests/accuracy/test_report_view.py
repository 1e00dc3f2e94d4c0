"""The shared report shown simply, whatever shape its snapshot has."""

from __future__ import annotations

from webapp.accuracy.report_view import report_blocks
from webapp.models import ReportDraft


def titles(blocks) -> list[str]:
    return [b.title for b in blocks if b.kind == "heading"]


def test_sections_in_the_procedures_order_with_the_snapshot_in_place():
    draft = ReportDraft(
        sections={"background": "B", "conclusions": ["One", "Two"], "learning_points": []},
        snapshot={
            "background": {
                "children": [{"name": "Child A", "date_of_birth": "2019-03-04"}],
                "applications": [],
            },
            "chronology": [
                {"id": 7, "occurred_on": "2025-02-03", "what_happened": "X", "categories": ["liaison"]}
            ],
        },
    )
    blocks = report_blocks(draft)
    assert titles(blocks) == [
        "Background history",
        "Children involved",
        "Applications before the court",
        "Incident summary",
        "Inquiries undertaken",
        "Chronology of key information and Cafcass Cymru involvement",
        "Decision-making and line management support",
        "Conclusions: procedural and practice issues",
        "Learning points",
    ]
    [children, chronology] = [b for b in blocks if b.kind == "table"]
    assert children.columns == ["Name", "Date of birth"] and children.rows == [["Child A", "4 March 2019"]]
    assert chronology.columns == ["Date", "What happened", "Categories"]
    assert chronology.rows == [["3 February 2025", "X", "Liaison with another agency or professional"]]
    assert next(b for b in blocks if b.kind == "bullets").items == ["One", "Two"]
    # Empty sections say so rather than vanish.
    after = {blocks[i - 1].title: b for i, b in enumerate(blocks) if b.kind != "heading"}
    assert after["Incident summary"].paragraphs == ["Not written."]
    assert after["Applications before the court"].paragraphs == ["None."]


def test_a_draft_without_a_snapshot_or_with_an_unknown_one():
    assert "Chronology of key information and Cafcass Cymru involvement" not in titles(
        report_blocks(ReportDraft(sections={}, snapshot=None))
    )
    blocks = report_blocks(ReportDraft(sections={}, snapshot={"extra": {"note": "n", "flag": True}}))
    assert titles(blocks)[1:3] == ["Note", "Flag"]
    assert [b.paragraphs for b in blocks if b.kind == "paragraphs"][1:3] == [["n"], ["Yes"]]
