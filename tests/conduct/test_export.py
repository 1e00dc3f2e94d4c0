"""The report downloaded as PDF and DOCX: opened here, with every section and the chronology rows."""

from __future__ import annotations

import io
from datetime import date

import docx
import pypdf
import pytest
from sqlalchemy import select

from tests.conduct.conftest import FULL_REPORT, entry_data
from webapp.conduct import export
from webapp.conduct.report import SECTIONS
from webapp.extensions import db
from webapp.models import AuditEvent

ENTRIES = [
    (
        date(2024, 11, 5),
        "School raised concerns about “bruising” to Gwen’s arm.",
        "School referral",
        ["vulnerability"],
    ),
    (
        date(2025, 2, 1),
        "Police attended a domestic incident at the home.",
        "Police report",
        ["identified_risk", "liaison"],
    ),
    (date(2025, 3, 12), "Practitioner visited; the child was seen alone.", "Case file", ["involvement"]),
]


@pytest.fixture
def written(world, in_review, signed_in):
    reviewer = signed_in(world["reviewer"])
    for when, what, source, categories in ENTRIES:
        reviewer.post(
            f"/reviews/{in_review.id}/chronology/new",
            entry_data(when, what, source=source, categories=categories),
            status=302,
        )
    reviewer.post(
        f"/reviews/{in_review.id}/report/edit",
        {**FULL_REPORT, "background": "Mae’r teulu’n byw yn Nhŷ Ŵyn.", "based_on": ""},
        status=302,
    )
    return in_review


def download(client, review, fmt: str, version: int = 1):
    response = client.client.get(f"/reviews/{review.id}/report/versions/{version}/report.{fmt}")
    assert response.status_code == 200, response.status_code
    return response


def flat(text: str) -> str:
    return " ".join(text.split())


def pdf_text(data: bytes) -> str:
    return flat("\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages))


def test_pdf_has_a_title_page_every_section_and_the_chronology(world, written, signed_in):
    response = download(signed_in(written.case.practitioner), written, "pdf")
    assert response.mimetype == "application/pdf"
    number = written.case.case_number
    assert (
        response.headers["Content-Disposition"] == f"attachment; filename=case-review-report-{number}-v1.pdf"
    )
    assert response.headers["Cache-Control"] == "no-store"
    reader = pypdf.PdfReader(io.BytesIO(response.data))
    title_page = flat(reader.pages[0].extract_text())
    assert title_page.startswith("Internal case review report")
    assert f"Case {number}" in title_page and "Version 1" in title_page and "Draft" in title_page
    text = pdf_text(response.data)
    for section in SECTIONS:
        assert section.heading in text, section.heading
    for _when, what, source, _categories in ENTRIES:
        assert what in text and source in text
    assert "1 February 2025 Police attended a domestic incident at the home. Police report" in text
    # Welsh letters and curly quotes survive in the Unicode font.
    assert "Nhŷ Ŵyn" in text and "Gwen Ŵyn Jones, born 1 May 2018" in text
    assert "Care order, made 6 January 2025" in text
    assert "1. The risk assessment was not updated" in text
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.event_type == "report.exported")
    ).scalar_one()
    assert event.case_id == written.case_id and event.actor_id == written.case.practitioner_id


def test_pdf_without_a_unicode_font_falls_back_safely(world, written, signed_in, monkeypatch):
    monkeypatch.setattr(export, "FONT_CANDIDATES", [])
    text = pdf_text(download(signed_in(world["reviewer"]), written, "pdf").data)
    assert "Internal case review report" in text
    assert "Nhy Wyn" in text and "Gwen Wyn Jones" in text
    assert 'School raised concerns about "bruising" to Gwen\'s arm.' in text


def test_a_long_entry_continues_across_table_rows(world, written, signed_in):
    signed_in(world["reviewer"]).post(
        f"/reviews/{written.id}/chronology/new",
        entry_data(date(2025, 4, 1), "word " * 999, categories=["involvement"]),
        status=302,
    )
    text = pdf_text(download(signed_in(world["reviewer"]), written, "pdf").data)
    # Every word once in the table and once under "Cafcass Cymru involvement".
    assert text.count("word") == 2 * 999 and "(continued)" in text


def test_docx_has_a_title_page_every_section_and_the_chronology(world, written, signed_in):
    response = download(signed_in(world["ce"]), written, "docx")
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert response.headers["Content-Disposition"].endswith("-v1.docx")
    document = docx.Document(io.BytesIO(response.data))
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]
    assert paragraphs[0] == ("Title", "Internal case review report")
    assert ("Normal", f"Case {written.case.case_number}") in paragraphs
    assert ("Normal", "Version 1") in paragraphs
    headings = [text for style, text in paragraphs if style == "Heading 1"]
    assert headings == [section.heading for section in SECTIONS]
    [table] = document.tables
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0] == ["Date", "What happened", "Source", "Categories"]
    assert rows[1:] == [
        ["5 November 2024", ENTRIES[0][1], "School referral", "Family or individual vulnerability"],
        [
            "1 February 2025",
            ENTRIES[1][1],
            "Police report",
            "Identified risk; Liaison with another agency or professional",
        ],
        ["12 March 2025", ENTRIES[2][1], "Case file", "Cafcass Cymru involvement"],
    ]
    assert ("Normal", "Mae’r teulu’n byw yn Nhŷ Ŵyn.") in paragraphs
    numbered = [text for style, text in paragraphs if style == "List Paragraph"]
    assert numbered == [
        "1. The risk assessment was not updated",
        "2. Home visits were not recorded",
        "1. Update risk assessments when circumstances change",
    ]


def test_a_shared_version_exports_what_was_shared(world, written, signed_in):
    reviewer = signed_in(world["reviewer"])
    reviewer.post(f"/reviews/{written.id}/report/share", {"version": "1"}, status=302)
    # The case changes after sharing: the shared version still shows the children it was shared with.
    from tests.factories import make_application

    make_application(case=written.case, application_type="adoption", made_on=date(2026, 1, 5))
    text = pdf_text(download(reviewer, written, "pdf").data)
    assert "Shared for accuracy on" in text and "Adoption" not in text
    live = signed_in(world["ce"]).get(f"/reviews/{written.id}/report").text()
    assert "This version is frozen as it was shared" in live and "Adoption" not in live


def test_export_of_a_missing_version_or_format(world, written, signed_in):
    client = signed_in(world["reviewer"]).client
    assert client.get(f"/reviews/{written.id}/report/versions/2/report.pdf").status_code == 404
    assert client.get(f"/reviews/{written.id}/report/versions/1/report.txt").status_code == 404


def test_latin1_fallback_keeps_what_it_can():
    assert export.latin1("Tŷ “Ŵyn” – café…") == 'Ty "Wyn" - café...'
    assert export.latin1("中") == "?"
    assert export.xml_safe("a\x00b\x0bc\nd") == "abc\nd"
