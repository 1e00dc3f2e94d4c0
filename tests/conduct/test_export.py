"""The report downloaded as PDF and DOCX: opened here, with every section and the chronology rows."""

from __future__ import annotations

import io
from datetime import date

import docx
import pypdf
import pytest
from sqlalchemy import select

from tests.clock import london_today
from tests.conduct.conftest import FULL_REPORT, entry_data, gather_everything
from webapp.conduct import export
from webapp.conduct.document import CHRONOLOGY_COLUMNS
from webapp.conduct.report import SECTIONS
from webapp.extensions import db
from webapp.models import AuditEvent, ReviewState

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
    gather_everything(reviewer, in_review)
    reviewer.post(
        f"/reviews/{in_review.id}/report/edit",
        {
            **FULL_REPORT,
            "background": "Mae’r teulu’n byw yn Nhŷ Ŵyn.",
            "chronology_none": [],  # the entries cover every theme
            "based_on": "",
        },
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


def structure_types(reader: pypdf.PdfReader) -> list[str]:
    """Every element type in the PDF's structure tree, depth first."""
    found: list[str] = []

    def walk(node) -> None:
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, list | pypdf.generic.ArrayObject):
            for child in node:
                walk(child)
        elif isinstance(node, dict | pypdf.generic.DictionaryObject):
            if "/S" in node:
                found.append(str(node["/S"]))
            if "/K" in node:
                walk(node["/K"])

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found


def test_pdf_is_tagged_with_a_title_page_every_section_and_the_chronology(world, written, signed_in):
    response = download(signed_in(written.case.practitioner), written, "pdf")
    assert response.mimetype == "application/pdf"
    number = written.case.case_number
    assert (
        response.headers["Content-Disposition"] == f"attachment; filename=case-review-report-{number}-v1.pdf"
    )
    assert response.headers["Cache-Control"] == "no-store"
    reader = pypdf.PdfReader(io.BytesIO(response.data))
    # Tagged: a structure tree with headings and table headers, marked content, language and title.
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB" and root["/MarkInfo"]["/Marked"]
    assert reader.metadata.title == f"Internal case review report: case {number}, version 1"
    assert reader.metadata.author == "Rhian Reviewer"
    types = structure_types(reader)
    assert {"/H1", "/H2", "/H3", "/Table", "/TH", "/TD", "/P", "/L"} <= set(types)
    assert types.count("/TH") == len(CHRONOLOGY_COLUMNS) + 3  # the chronology and the gathering tables
    # The marking and the page number on every page.
    pages = [flat(page.extract_text()) for page in reader.pages]
    assert len(pages) > 2
    for number_of_page, text in enumerate(pages, start=1):
        assert text.count("OFFICIAL-SENSITIVE") == 2, number_of_page  # header and footer
        assert f"Page {number_of_page} of {len(pages)}" in text
    title_page = pages[0]
    assert title_page.startswith("Internal case review report")
    for fact in (
        f"Case number {number}",
        f"Review reference CR-{written.id:05d}",
        "Reviewer Rhian Reviewer",
        "Version 1",
        "Status Draft",
        "The incident What happened Significant incident",
        "Cause Violence",
    ):
        assert fact in title_page, fact
    text = " ".join(pages)
    for section in SECTIONS:
        assert section.heading in text, section.heading
    for _when, what, source, _categories in ENTRIES:
        assert what in text and source in text
    assert "1 February 2025 Police attended a domestic incident at the home. Police report" in text
    # Welsh letters and curly quotes survive.
    assert "Nhŷ Ŵyn" in text and "Gwen Ŵyn Jones, born 1 May 2018" in text
    assert "“bruising” to Gwen’s arm" in text
    assert "Care order, made 6 January 2025" in text
    assert "Procedural issues The risk assessment was not updated" in text
    assert "Practice issues Home visits were not recorded" in text
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.event_type == "report.exported")
    ).scalar_one()
    assert event.case_id == written.case_id and event.actor_id == written.case.practitioner_id


def test_a_long_entry_runs_on_across_pages_whole(world, written, signed_in):
    signed_in(world["reviewer"]).post(
        f"/reviews/{written.id}/chronology/new",
        entry_data(date(2025, 4, 1), "word " * 999, categories=["involvement"]),
        status=302,
    )
    reader = pypdf.PdfReader(io.BytesIO(download(signed_in(world["reviewer"]), written, "pdf").data))
    text = " ".join(flat(page.extract_text()) for page in reader.pages)
    # Every word once in the table and once under "Cafcass Cymru involvement".
    assert text.count("word") == 2 * 999
    # The table's header row is repeated on the page it runs on to.
    heads = [flat(page.extract_text()).count("Date What happened Source Categories") for page in reader.pages]
    assert sum(heads) >= 2


def docx_header_flags(table) -> list[bool]:
    from docx.oxml.ns import qn

    return [
        row._tr.trPr is not None and row._tr.trPr.find(qn("w:tblHeader")) is not None for row in table.rows
    ]


def test_docx_has_styles_a_header_row_properties_and_language(world, written, signed_in):
    from docx.oxml.ns import qn

    response = download(signed_in(world["ce"]), written, "docx")
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert response.headers["Content-Disposition"].endswith("-v1.docx")
    document = docx.Document(io.BytesIO(response.data))
    number = written.case.case_number
    properties = document.core_properties
    assert properties.title == f"Internal case review report: case {number}, version 1"
    assert properties.author == "Rhian Reviewer" and properties.last_modified_by == "Rhian Reviewer"
    assert properties.language == "en-GB" and properties.subject == "Draft"
    defaults = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert defaults.find(qn("w:lang")).get(qn("w:val")) == "en-GB"
    section = document.sections[0]
    assert section.header.paragraphs[0].text == "OFFICIAL-SENSITIVE"
    footer = section.footer.paragraphs[0]
    assert footer.text.startswith("OFFICIAL-SENSITIVE")
    assert "PAGE" in "".join(t.text for t in footer._p.iter(qn("w:instrText")))

    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]
    assert paragraphs[0] == ("Title", "Internal case review report")
    headings = [text for style, text in paragraphs if style == "Heading 1"]
    assert headings == ["The incident"] + [section.heading for section in SECTIONS]
    assert [text for style, text in paragraphs if style == "Heading 2"][:3] == [
        "Children",
        "Applications before the court",
        "Background history",
    ]
    facts, incident, gathering, chronology = document.tables
    assert [[c.text for c in row.cells] for row in facts.rows][:5] == [
        ["Case number", number],
        ["Review reference", f"CR-{written.id:05d}"],
        ["Reviewer", "Rhian Reviewer"],
        ["Version", "1"],
        ["Status", "Draft"],
    ]
    assert [c.text for c in incident.rows[0].cells] == ["What happened", "Significant incident"]
    rows = [[cell.text for cell in row.cells] for row in chronology.rows]
    assert rows[0] == list(CHRONOLOGY_COLUMNS)
    assert docx_header_flags(chronology) == [True, False, False, False]
    assert docx_header_flags(gathering)[0] is True
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
        "1. Home visits were not recorded",
        "1. Update risk assessments when circumstances change",
    ]


def test_the_page_the_pdf_and_the_docx_say_the_same(world, written, signed_in):
    """One document model: every block's text appears in each rendering."""
    client = signed_in(world["reviewer"])
    page = " ".join(client.get(f"/reviews/{written.id}/report").text().split())
    pdf = pdf_text(download(client, written, "pdf").data)
    document = docx.Document(io.BytesIO(download(client, written, "docx").data))
    docx_text = flat(
        " ".join(
            [p.text for p in document.paragraphs]
            + [cell.text for table in document.tables for row in table.rows for cell in row.cells]
        )
    )
    for block_text in (
        "Identified risks",
        "Practice issues",
        "If not done, why",
        "Information gathered",
        "Cafcass Cymru involvement",
    ):
        assert block_text in page and block_text in pdf and block_text in docx_text, block_text


def test_each_version_exports_with_its_real_status(world, written, signed_in):
    reviewer = signed_in(world["reviewer"])
    reviewer.post(f"/reviews/{written.id}/report/share", {"version": "1"}, status=302)
    # The case changes after sharing: the shared version still shows the children it was shared with.
    from tests.factories import make_application

    make_application(case=written.case, application_type="adoption", made_on=date(2026, 1, 5))
    # Gathering goes on while the report is checked; the shared version keeps what it was shared with.
    reviewer.post(
        f"/reviews/{written.id}/gathering/case_file",
        {
            "notes": "Read again.",
            "done_on": [str(n) for n in (london_today().day, london_today().month, london_today().year)],
        },
        status=302,
    )
    text = pdf_text(download(reviewer, written, "pdf").data)
    assert "Status Shared for accuracy" in text and "Adoption" not in text
    assert "Review the electronic case file" in text and "2 January 2026" not in text
    live = signed_in(world["ce"]).get(f"/reviews/{written.id}/report").text()
    assert "This version is frozen as it was shared" in live and "Adoption" not in live
    for party, person in (
        ("practitioner", written.case.practitioner),
        ("practice_manager", written.case.practice_manager),
        ("head_of_operations", world["hoo_north"]),
    ):
        signed_in(person).post(f"/reviews/{written.id}/accuracy/{party}", {"answer": "agree"}, status=302)
    db.session.expire_all()
    assert written.state == ReviewState.AGREED
    assert "Status Agreed" in pdf_text(download(reviewer, written, "pdf").data)
    assert "Version 1 agreed." in " ".join(reviewer.get(f"/reviews/{written.id}").text().split())
    page = reviewer.get(f"/reviews/{written.id}/report")
    facts = [row.get_text(" ", strip=True) for row in page.html.select("main .govuk-summary-list__row")]
    assert "Status Agreed" in facts and f"Review reference CR-{written.id:05d}" in facts
    document = docx.Document(io.BytesIO(download(reviewer, written, "docx").data))
    assert document.core_properties.subject == "Agreed"
    assert [c.text for c in document.tables[0].rows[4].cells] == ["Status", "Agreed"]


def test_export_of_a_missing_version_or_format(world, written, signed_in):
    client = signed_in(world["reviewer"]).client
    assert client.get(f"/reviews/{written.id}/report/versions/2/report.pdf").status_code == 404
    assert client.get(f"/reviews/{written.id}/report/versions/1/report.txt").status_code == 404


def test_text_unfit_for_xml_is_dropped_from_the_docx():
    assert export.xml_safe("a\x00b\x0bc\nd") == "abc\nd"
