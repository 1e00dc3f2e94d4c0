"""The report as PDF and DOCX, from the one document model (conduct.document.ReportDocument).

The PDF is the page's own template (conduct/report_document.html, which includes the body the page
shows) printed by WeasyPrint as PDF/UA: tagged, with headings, table headers, the document language
and title. The DOCX writer walks the same blocks into Word's own heading and list styles, with the
table's first row marked as a header row that repeats on every page."""

from __future__ import annotations

import io
import re

from flask import render_template

from webapp.conduct.document import Block, ReportDocument
from webapp.i18n import gettext as _

# Not allowed in XML 1.0, so not in a DOCX either.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    return _NOT_XML.sub("", text)


def filename(document: ReportDocument, extension: str) -> str:
    case = re.sub(r"[^A-Za-z0-9]+", "-", document.case_number).strip("-")
    # Translators: the start of a downloaded report's file name: lower case, hyphens, no spaces.
    name = _("case-review-report")
    return f"{name}-{case}-v{document.version}.{extension}"


# PDF ---------------------------------------------------------------------------------------------


def build_pdf(document: ReportDocument) -> bytes:
    import weasyprint

    html = render_template("conduct/report_document.html", document=document)
    return weasyprint.HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")


# DOCX --------------------------------------------------------------------------------------------


def build_docx(document: ReportDocument) -> bytes:
    from docx import Document
    from docx.enum.text import WD_BREAK

    docx = Document()
    properties = docx.core_properties
    properties.title = _(
        "%(title)s: case %(case)s, version %(version)s",
        title=document.title,
        case=document.case_number,
        version=document.version,
    )
    properties.author = document.reviewer
    properties.last_modified_by = document.reviewer
    properties.subject = document.status
    properties.language = document.language
    properties.keywords = document.marking
    properties.comments = ""
    _set_language(docx, document.language)
    _mark_every_page(docx, document.marking)

    docx.add_paragraph(xml_safe(document.title), style="Title")
    _pairs(docx, document.facts)
    docx.add_heading(_("The incident"), level=1)
    _pairs(docx, document.incident)
    docx.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)
    for block in document.blocks:
        _block(docx, block)
    buffer = io.BytesIO()
    docx.save(buffer)
    return buffer.getvalue()


def _block(docx, block: Block) -> None:
    if block.kind == "heading":
        docx.add_heading(xml_safe(block.text), level=block.level - 1)  # the page's h2 is Heading 1
    elif block.kind == "paragraphs":
        for paragraph in block.items:
            docx.add_paragraph(xml_safe(paragraph))
    elif block.kind == "bullets":
        for item in block.items:
            docx.add_paragraph(xml_safe(item), style="List Bullet")
    elif block.kind == "numbers":
        # Numbers written out: Word's "List Number" style would run on from one list to the next.
        for number, item in enumerate(block.items, start=1):
            docx.add_paragraph(xml_safe(f"{number}. {item}"), style="List Paragraph")
    elif block.kind == "missing":
        docx.add_paragraph().add_run(xml_safe(block.text)).italic = True
    elif block.kind == "table":
        _table(docx, block)
    else:  # a block kind the template shows must not be dropped from the DOCX unnoticed
        raise ValueError(f"unknown block kind {block.kind!r}")


def _pairs(docx, pairs: tuple[tuple[str, str], ...]) -> None:
    table = docx.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in pairs:
        cells = table.add_row().cells
        cells[0].paragraphs[0].add_run(xml_safe(label)).bold = True
        cells[1].text = xml_safe(value)
    docx.add_paragraph()


def _table(docx, block: Block) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    table = docx.add_table(rows=1, cols=len(block.columns))
    table.style = "Table Grid"
    header = table.rows[0]
    # The first row is the table's header: Word repeats it on each page and reads it as headers.
    header_flag = OxmlElement("w:tblHeader")
    header_flag.set(qn("w:val"), "true")
    header._tr.get_or_add_trPr().append(header_flag)
    for cell, column in zip(header.cells, block.columns, strict=True):
        cell.paragraphs[0].add_run(xml_safe(column)).bold = True
    for row in block.rows:
        for cell, value in zip(table.add_row().cells, row, strict=True):
            cell.text = xml_safe(value)


def _set_language(docx, language: str) -> None:
    """The document's language, in the default run properties, as Word records it (python-docx's
    template says en-US there), and in each style that names its own."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    defaults = docx.styles.element.find(qn("w:docDefaults"))
    run_properties = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = run_properties.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        run_properties.append(lang)
    lang.set(qn("w:val"), language)
    for style_lang in docx.styles.element.iter(qn("w:lang")):
        if style_lang.get(qn("w:val")) is not None:
            style_lang.set(qn("w:val"), language)


def _mark_every_page(docx, marking: str) -> None:
    """The protective marking in the header and the footer of every page, with the page number."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    section = docx.sections[0]
    section.header.paragraphs[0].text = marking
    footer = section.footer.paragraphs[0]
    page = _("Page")
    footer.text = f"{marking}    {page} "
    run = footer.add_run()
    for kind, text in (("begin", None), (None, " PAGE "), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)
