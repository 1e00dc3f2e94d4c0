"""A Welsh-speaking reviewer conducts the review: every page of gathering, the chronology and the
report in Welsh (error messages and confirmations too), and the report downloaded in the language
chosen at export, with the author's own words as written."""

from __future__ import annotations

import io
from datetime import date, timedelta

import docx
import pypdf
import pytest
from docx.oxml.ns import qn
from flask_babel import force_locale
from sqlalchemy import select

from tests.clock import london_today
from tests.conduct.conftest import FULL_REPORT, d, entry_data, gather_everything
from tests.language import english_left, words
from webapp.conduct.report import SECTIONS, latest_draft
from webapp.extensions import db
from webapp.models import AuditEvent

cy = words("cy")

BACKGROUND = "Mae’r teulu’n byw yn Nhŷ Ŵyn."


def welsh(page):
    """The page is in Welsh: declared so, and no English interface text left on it."""
    html = page.response.get_data(as_text=True)
    assert page.html.find("html")["lang"] == "cy"
    assert english_left(html) == []
    return page


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def reviewer(world, in_review, signed_in):
    world["reviewer"].language = "cy"
    db.session.commit()
    return signed_in(world["reviewer"])


def test_the_review_page_panel_in_welsh(reviewer, in_review):
    """The conduct panel on the review page (the page itself is the reviews area's)."""
    page = reviewer.get(f"/reviews/{in_review.id}")
    heading = page.html.find("h2", string="Cynnal yr adolygiad")
    panel = flat(heading.find_next("dl").get_text(" "))
    assert "Casglu gwybodaeth 0 o 4 ffynhonnell wedi'u gwneud. Casglu gwybodaeth" in panel
    assert "Cronoleg 0 cofnod. Cronoleg" in panel
    assert "Adroddiad Heb ddechrau. Adroddiad yr adolygiad" in panel
    assert english_left(str(heading.find_next("dl"))) == []


def test_a_welsh_reviewer_gathers_information(reviewer, in_review):
    base = f"/reviews/{in_review.id}/gathering"
    page = welsh(reviewer.get(base))
    assert page.h1 == "Casglu gwybodaeth"
    assert "0 o 4 ffynhonnell wedi'u gwneud." in page.text()
    assert "Adolygu'r ffeil achos electronig" in page.text() and "Heb ddechrau" in page.text()
    # "Record" the verb, kept apart in the catalogue from "Record" the noun.
    assert "Cofnodi adolygu'r ffeil achos electronig" in flat(page.text())

    form = welsh(reviewer.get(f"{base}/case_file"))
    assert form.html.select_one("label[for=notes]").get_text(strip=True) == "Nodiadau"
    assert "Achos " in form.html.select_one(".govuk-caption-l").get_text()
    refused = welsh(
        reviewer.post(f"{base}/case_file", {"notes": "", "done_on": d(london_today() + timedelta(days=2))})
    )
    assert refused.error_summary() == [
        "Rhowch eich nodiadau am yr hyn a ganfuwyd gennych",
        "Rhaid i ddyddiad ei wneud fod heddiw neu yn y gorffennol",
    ]

    saved = welsh(
        reviewer.post(
            f"{base}/case_file", {"notes": "Read the file.", "done_on": d(london_today())}, follow=True
        )
    )
    assert "Wedi'i gadw." in saved.text() and "Read the file." in saved.text()
    assert "Wedi'i wneud ar " in saved.text() and "Diweddarwyd ddiwethaf" in saved.text()
    again = welsh(
        reviewer.post(
            f"{base}/case_file", {"notes": "Read the file.", "done_on": d(london_today())}, follow=True
        )
    )
    assert "Nid oedd dim wedi newid, felly ni chadwyd dim." in again.text()


def test_a_welsh_reviewer_builds_the_chronology(reviewer, in_review):
    base = f"/reviews/{in_review.id}/chronology"
    page = welsh(reviewer.get(base))
    assert page.h1 == "Cronoleg" and "Dim cofnodion eto." in page.text()

    welsh(reviewer.get(f"{base}/new"))
    empty = welsh(reviewer.post(f"{base}/new", {}))
    assert empty.h1 == "Ychwanegu cofnod cronoleg"
    assert empty.error_summary() == [
        "Rhowch y dyddiad y digwyddodd",
        "Rhowch beth ddigwyddodd",
        "Rhowch y ffynhonnell",
        "Dewiswch o leiaf un categori",
    ]
    added = welsh(reviewer.post(f"{base}/new", entry_data(date(2025, 2, 1)), follow=True))
    text = added.text()
    assert "Cofnod wedi'i ychwanegu." in text
    # The reviewer's words as written; the date and the categories in Welsh.
    assert "1 Chwefror 2025" in text and "Police attended a domestic incident." in text
    assert "Ffynhonnell: Police report" in text and "Risg a nodwyd" in text

    entry_id = added.html.select_one("a[href$='/edit']")["href"].split("/")[-2]
    edit = welsh(reviewer.get(f"{base}/{entry_id}/edit"))
    assert edit.h1 == "Newid cofnod 1 Chwefror 2025"
    assert edit.html.select_one("main form button").get_text(strip=True) == "Cadw'r cofnod"
    changed = welsh(
        reviewer.post(
            f"{base}/{entry_id}/edit", entry_data(date(2025, 2, 1), "Police attended at night."), follow=True
        )
    )
    text = flat(changed.text())
    assert "Cofnod wedi'i newid. Mae ei eiriad cynharach yn cael ei gadw o dan Newidiadau." in text
    assert "newidiwyd cofnod 1 Chwefror 2025" in text
    assert "Cyn: Police attended a domestic incident." in text and "Ar ôl: Police attended at night." in text

    remove = welsh(reviewer.get(f"{base}/{entry_id}/remove"))
    assert remove.h1 == "Tynnu cofnod 1 Chwefror 2025?"
    assert "Cadw'r cofnod" in remove.text()
    removed = welsh(reviewer.post(f"{base}/{entry_id}/remove", {}, follow=True))
    assert "Cofnod wedi'i dynnu." in removed.text() and "tynnwyd cofnod 1 Chwefror 2025" in removed.text()


def test_a_welsh_reviewer_drafts_edits_and_compares_the_report(reviewer, in_review):
    base = f"/reviews/{in_review.id}/report"
    page = welsh(reviewer.get(base))
    assert page.h1 == "Adroddiad yr adolygiad"
    assert "Mae'r adran “Hanes cefndir” yn wag" in page.text()
    form = welsh(reviewer.get(f"{base}/edit"))
    assert form.h1 == "Ysgrifennu adroddiad yr adolygiad"
    assert "Gwen Ŵyn Jones (ganwyd 1 Mai 2018)" in flat(form.text())

    first = {**FULL_REPORT, "background": BACKGROUND, "impact": "", "based_on": ""}
    saved = welsh(reviewer.post(f"{base}/edit", first, follow=True))
    assert saved.h1 == "Adroddiad yr adolygiad, fersiwn 1"
    assert "Fersiwn 1 wedi'i chadw." in saved.text() and BACKGROUND in saved.text()

    refused = welsh(reviewer.post(f"{base}/share", {"version": "1"}))
    assert refused.error_summary()[-1] == "Mae'r adran “Effaith ein hymwneud” yn wag"
    assert "Ni ellir rhannu'r adroddiad eto." in refused.text()

    second = {**first, "impact": "The children's wishes reached the court.", "based_on": "1"}
    latest = welsh(reviewer.post(f"{base}/edit", second, follow=True))
    text = flat(latest.text())
    assert latest.h1 == "Adroddiad yr adolygiad, fersiwn 2"
    assert "Newidiadau o fersiwn 1 i fersiwn 2" in text
    assert "Effaith ein hymwneud Ychwanegwyd: The children's wishes reached the court." in text
    earlier = welsh(reviewer.get(f"{base}/versions/1"))
    assert earlier.h1 == "Adroddiad yr adolygiad, fersiwn 1 (fersiwn gynharach)"

    # Each format in Welsh, and in English behind a link written in English.
    links = {a.get_text(strip=True): a for a in latest.html.select("main a[download]")}
    assert links["Lawrlwytho fersiwn 2 fel PDF"]["href"].endswith("report.pdf?language=cy")
    english = links["Download version 2 in English as a Word document (DOCX)"]
    assert english["href"].endswith("report.docx?language=en") and english["hreflang"] == "en"
    assert english.parent["lang"] == "en"


@pytest.fixture
def written(reviewer, in_review):
    reviewer.post(f"/reviews/{in_review.id}/chronology/new", entry_data(date(2025, 2, 1)), status=302)
    gather_everything(reviewer, in_review)
    reviewer.post(
        f"/reviews/{in_review.id}/report/edit",
        {**FULL_REPORT, "background": BACKGROUND, "based_on": ""},
        status=302,
    )
    return in_review


def download(client, review, fmt: str, language: str | None = None):
    query = f"?language={language}" if language else ""
    response = client.client.get(f"/reviews/{review.id}/report/versions/1/report.{fmt}{query}")
    assert response.status_code == 200, response.status_code
    return response


def pdf_pages(data: bytes) -> list[str]:
    return [flat(page.extract_text()) for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def exported_languages() -> list[list[str]]:
    return [
        event.changed_fields
        for event in db.session.execute(
            select(AuditEvent).where(AuditEvent.event_type == "report.exported").order_by(AuditEvent.id)
        ).scalars()
    ]


def test_the_pdf_in_welsh_with_the_authors_words_as_written(reviewer, written):
    response = download(reviewer, written, "pdf")  # the page's language, Welsh, by default
    number = written.case.case_number
    assert response.headers["Content-Disposition"].endswith(f"adroddiad-adolygiad-achos-{number}-v1.pdf")
    reader = pypdf.PdfReader(io.BytesIO(response.data))
    assert reader.trailer["/Root"]["/Lang"] == "cy-GB"
    assert reader.metadata.title == f"Adroddiad adolygiad achos mewnol: achos {number}, fersiwn 1"
    pages = pdf_pages(response.data)
    for number_of_page, text in enumerate(pages, start=1):
        assert text.count("SWYDDOGOL-SENSITIF") == 2, number_of_page
        assert f"Tudalen {number_of_page} o {len(pages)}" in text
    assert "OFFICIAL-SENSITIVE" not in " ".join(pages)
    assert pages[0].startswith("Adroddiad adolygiad achos mewnol")
    assert "Statws Drafft" in pages[0] and "Y digwyddiad Beth ddigwyddodd Digwyddiad arwyddocaol" in pages[0]
    text = " ".join(pages)
    for heading in ("Hanes cefndir", "Crynodeb o'r digwyddiad", "Effaith ein hymwneud", "Pwyntiau dysgu"):
        assert heading in text, heading
    assert "Gwen Ŵyn Jones, ganwyd 1 Mai 2018" in text and "Gorchymyn gofal, a wnaed 6 Ionawr 2025" in text
    assert "1 Chwefror 2025 Police attended a domestic incident. Police report" in text
    assert BACKGROUND in text and FULL_REPORT["impact"] in text
    assert english_left(text) == []
    assert exported_languages() == [["language:cy"]]


def test_the_docx_in_welsh_declares_welsh(reviewer, written):
    document = docx.Document(io.BytesIO(download(reviewer, written, "docx", "cy").data))
    assert document.core_properties.language == "cy-GB"
    assert document.core_properties.keywords == "SWYDDOGOL-SENSITIF"
    assert document.core_properties.subject == "Drafft"
    languages = {lang.get(qn("w:val")) for lang in document.styles.element.iter(qn("w:lang"))}
    assert languages == {"cy-GB"}
    section = document.sections[0]
    assert section.header.paragraphs[0].text == "SWYDDOGOL-SENSITIF"
    assert section.footer.paragraphs[0].text.startswith("SWYDDOGOL-SENSITIF    Tudalen")
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]
    assert paragraphs[0] == ("Title", "Adroddiad adolygiad achos mewnol")
    headings = [text for style, text in paragraphs if style == "Heading 1"]
    assert headings == [
        "Y digwyddiad",
        "Hanes cefndir",
        "Crynodeb o'r digwyddiad",
        "Ymholiadau a wnaed",
        "Cronoleg o wybodaeth allweddol ac ymwneud Cafcass Cymru",
        "Gwneud penderfyniadau a chymorth rheolwyr llinell",
        "Casgliadau: materion gweithdrefnol ac ymarfer",
        "Effaith ein hymwneud",
        "Pwyntiau dysgu",
    ]
    facts, _incident, _gathering, chronology = document.tables
    assert [c.text for c in facts.rows[0].cells] == ["Rhif achos", written.case.case_number]
    assert [c.text for c in chronology.rows[0].cells] == [
        "Dyddiad",
        "Beth ddigwyddodd",
        "Ffynhonnell",
        "Categorïau",
    ]
    assert [c.text for c in chronology.rows[1].cells] == [
        "1 Chwefror 2025",
        "Police attended a domestic incident.",
        "Police report",
        "Risg a nodwyd; Cysylltu ag asiantaeth neu weithiwr proffesiynol arall",
    ]
    # The author's words exactly as written.
    assert ("Normal", BACKGROUND) in paragraphs
    assert ("List Paragraph", "1. The risk assessment was not updated") in paragraphs


def test_the_export_in_english_for_a_welsh_reader_and_in_welsh_for_an_english_one(
    world, reviewer, written, signed_in
):
    english = docx.Document(io.BytesIO(download(reviewer, written, "docx", "en").data))
    assert english.core_properties.language == "en-GB" and english.sections[0].header.paragraphs[0].text == (
        "OFFICIAL-SENSITIVE"
    )
    with force_locale("en"):
        english_headings = ["The incident"] + [section.heading for section in SECTIONS]
    assert [p.text for p in english.paragraphs if p.style.name == "Heading 1"] == english_headings
    assert "Internal case review report" in pdf_pages(download(reviewer, written, "pdf", "en").data)[0]

    ce = signed_in(world["ce"])  # reads in English
    page = ce.get(f"/reviews/{written.id}/report")
    assert page.html.find("html")["lang"] == "en"
    links = {a.get_text(strip=True): a for a in page.html.select("main a[download]")}
    assert links["Download version 1 as PDF"]["href"].endswith("report.pdf?language=en")
    welsh_link = links["Lawrlwytho fersiwn 1 yn Gymraeg fel PDF"]
    assert welsh_link["href"].endswith("report.pdf?language=cy") and welsh_link.parent["lang"] == "cy"
    assert "Adroddiad adolygiad achos mewnol" in pdf_pages(download(ce, written, "pdf", "cy").data)[0]
    assert "Internal case review report" in pdf_pages(download(ce, written, "pdf").data)[0]
    assert exported_languages() == [["language:en"], ["language:en"], ["language:cy"], ["language:en"]]
    assert ce.client.get(f"/reviews/{written.id}/report/versions/1/report.pdf?language=fr").status_code == 404


def test_a_version_shared_in_welsh_reads_in_each_language(world, reviewer, written, signed_in):
    """A shared version keeps the labels it shows (a gathering source, an application's type) in one
    language, and shows them in the reader's."""
    reviewer.post(f"/reviews/{written.id}/report/share", {"version": "1"}, status=302)
    db.session.expire_all()
    draft = latest_draft(written)
    assert draft.snapshot["background"]["applications"][0]["application"] == "Care order"
    assert draft.snapshot["gathering"][0]["source"] == "Review the electronic case file"
    welsh_page = welsh(reviewer.get(f"/reviews/{written.id}/report"))
    assert "Gorchymyn gofal, a wnaed 6 Ionawr 2025" in welsh_page.text()
    assert "Adolygu'r ffeil achos electronig" in welsh_page.text()
    assert "Mae'r fersiwn hon wedi'i rhewi" in welsh_page.text()
    english = signed_in(world["ce"]).get(f"/reviews/{written.id}/report").text()
    assert "Care order, made 6 January 2025" in english and "Review the electronic case file" in english
