"""The report as PDF (fpdf2) and DOCX (python-docx): a title page, a heading per section, and the
chronology as a table. Both are built from report.ReportContent, so they say what the page says."""

from __future__ import annotations

import io
import re
import unicodedata
from pathlib import Path

from webapp.conduct.report import SECTIONS, ReportContent
from webapp.formatting import format_date, format_datetime

TITLE = "Internal case review report"
MARKING = (
    "Internal document: contains personal data. Do not share outside Cafcass Cymru without authorisation."
)
CHRONOLOGY_COLUMNS = ("Date", "What happened", "Source", "Categories")

# A Unicode TrueType font, where the common Linux font packages put it (Debian/Ubuntu, Fedora,
# Arch). Without one the PDF falls back to fpdf2's core fonts, which know Latin-1 only.
FONT_CANDIDATES: list[tuple[Path, Path]] = [
    (Path(d) / "DejaVuSans.ttf", Path(d) / "DejaVuSans-Bold.ttf")
    for d in (
        "/usr/share/fonts/truetype/dejavu",
        "/usr/share/fonts/dejavu-sans-fonts",
        "/usr/share/fonts/dejavu",
        "/usr/share/fonts/TTF",
    )
]

# Characters Latin-1 lacks that reports commonly hold, and what the fallback prints instead.
_LATIN1_STANDINS = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u2026": "...",
    "\u2022": "-",
    "\u20ac": "EUR",
    "\u00a0": " ",
}
# Not allowed in XML 1.0, so not in a DOCX either.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def latin1(text: str) -> str:
    """Text the core fonts can print: Latin-1 kept, Welsh ŵ and ŷ as w and y, curly quotes straight,
    anything else without a plain form as '?'. Only for the fallback: DejaVu prints everything."""
    out = []
    for char in text:
        if ord(char) < 256:
            out.append(char)
        elif char in _LATIN1_STANDINS:
            out.append(_LATIN1_STANDINS[char])
        else:
            base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
            out.append(base if base and all(ord(c) < 256 for c in base) else "?")
    return "".join(out)


def _untabbed(text: str) -> str:
    return text.replace("\t", "    ")


def xml_safe(text: str) -> str:
    return _NOT_XML.sub("", text)


def filename(content: ReportContent, extension: str) -> str:
    case = re.sub(r"[^A-Za-z0-9]+", "-", content.case_number).strip("-")
    return f"case-review-report-{case}-v{content.version}.{extension}"


def _status(content: ReportContent) -> str:
    if content.shared_at:
        return f"Shared for accuracy on {format_datetime(content.shared_at)}"
    return "Draft"


def _unicode_font() -> tuple[Path, Path] | None:
    for regular, bold in FONT_CANDIDATES:
        if regular.is_file():
            return regular, (bold if bold.is_file() else regular)
    return None


# PDF ---------------------------------------------------------------------------------------------


def build_pdf(content: ReportContent) -> bytes:
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    pdf = FPDF(format="A4")
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.set_title(TITLE)
    font = _unicode_font()
    if font is not None:
        pdf.add_font("DejaVu", "", str(font[0]))
        pdf.add_font("DejaVu", "B", str(font[1]))
        family, clean = "DejaVu", _untabbed
    else:
        family, clean = "Helvetica", (lambda text: latin1(_untabbed(text)))

    def para(text: str, *, size: float = 11, bold: bool = False, gap: float = 2) -> None:
        pdf.set_font(family, "B" if bold else "", size)
        pdf.multi_cell(0, size * 0.5, clean(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(gap)

    def items(values: list[str], *, numbered: bool) -> None:
        for number, value in enumerate(values, start=1):
            para(f"{number}. {value}" if numbered else f"- {value}", gap=1)
        pdf.ln(1)

    # Title page
    pdf.add_page()
    pdf.ln(60)
    para(TITLE, size=24, bold=True, gap=8)
    para(f"Case {content.case_number}", size=14)
    para(f"Version {content.version}", size=14)
    para(f"Date: {format_date(content.dated)}", size=14)
    para(_status(content), size=12, gap=12)
    para(MARKING, size=10)

    pdf.add_page()
    for section in SECTIONS:
        para(section.heading, size=15, bold=True, gap=3)
        if section.key == "background":
            para("Children", size=12, bold=True)
            children = [f"{name}, born {format_date(born)}" for name, born in content.children]
            items(children or ["None recorded on the case"], numbered=False)
            para("Applications before the court", size=12, bold=True)
            applications = [f"{kind}, made {format_date(made)}" for kind, made in content.applications]
            items(applications or ["None recorded on the case"], numbered=False)
            para(content.text("background") or "Not written yet.")
        elif section.kind == "chronology":
            _pdf_chronology(pdf, content, family, clean)
            for heading, rows in content.chronology_by_theme():
                para(heading, size=12, bold=True)
                lines = [f"{format_date(r.occurred_on)}: {r.what_happened}" for r in rows]
                items(lines or ["None recorded"], numbered=False)
        elif section.kind == "list":
            values = content.items(section.key)
            if values:
                items(values, numbered=True)
            else:
                para("None recorded.")
        else:
            para(content.text(section.key) or "Not written yet.")
        pdf.ln(4)
    return bytes(pdf.output())


# fpdf2 cannot split a table row across pages: a long entry continues in further rows instead.
ROW_LINES = 40
COLUMN_WIDTHS = (30, 72, 32, 36)  # millimetres, the A4 page's width between the margins


def _pdf_chronology(pdf, content: ReportContent, family: str, clean) -> None:
    if not content.chronology:
        pdf.set_font(family, "", 11)
        pdf.multi_cell(0, 5.5, "No entries yet.", new_x="LMARGIN", new_y="NEXT")
        return
    pdf.set_font(family, "", 9)

    def lines(text: str, width: float) -> list[str]:
        return pdf.multi_cell(width - 4, 4.5, clean(text), dry_run=True, output="LINES") or [""]

    with pdf.table(
        col_widths=COLUMN_WIDTHS,
        text_align="LEFT",
        line_height=4.5,
        headings_style=_heading_style(family),
        repeat_headings=1,
    ) as table:
        header = table.row()
        for column in CHRONOLOGY_COLUMNS:
            header.cell(column)
        for row in content.chronology:
            values = (
                format_date(row.occurred_on),
                row.what_happened,
                row.source,
                "; ".join(row.category_labels),
            )
            wrapped = [lines(value, width) for value, width in zip(values, COLUMN_WIDTHS, strict=True)]
            height = max(len(cell_lines) for cell_lines in wrapped)
            for start in range(0, height, ROW_LINES):
                cells = table.row()
                for index, cell_lines in enumerate(wrapped):
                    part = cell_lines[start : start + ROW_LINES]
                    if start and index == 0:
                        part = [*part, "(continued)"] if part else ["(continued)"]
                    cells.cell("\n".join(part))
    pdf.ln(4)


def _heading_style(family: str):
    from fpdf.fonts import FontFace

    return FontFace(family=family, emphasis="BOLD")


# DOCX --------------------------------------------------------------------------------------------


def build_docx(content: ReportContent) -> bytes:
    from docx import Document
    from docx.enum.text import WD_BREAK

    document = Document()
    document.core_properties.title = TITLE

    def para(text: str, style: str | None = None):
        return document.add_paragraph(xml_safe(text), style=style)

    def items(values: list[str], *, numbered: bool) -> None:
        # Numbers written out: Word's "List Number" style would run on from one list to the next.
        for number, value in enumerate(values, start=1):
            if numbered:
                para(f"{number}. {value}", "List Paragraph")
            else:
                para(value, "List Bullet")

    # Title page
    document.add_paragraph(TITLE, style="Title")
    for line in (
        f"Case {content.case_number}",
        f"Version {content.version}",
        f"Date: {format_date(content.dated)}",
        _status(content),
        MARKING,
    ):
        para(line)
    document.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)

    for section in SECTIONS:
        document.add_heading(section.heading, level=1)
        if section.key == "background":
            document.add_heading("Children", level=2)
            children = [f"{name}, born {format_date(born)}" for name, born in content.children]
            items(children or ["None recorded on the case"], numbered=False)
            document.add_heading("Applications before the court", level=2)
            applications = [f"{kind}, made {format_date(made)}" for kind, made in content.applications]
            items(applications or ["None recorded on the case"], numbered=False)
            _docx_text(document, content.text("background") or "Not written yet.")
        elif section.kind == "chronology":
            _docx_chronology(document, content)
            for heading, rows in content.chronology_by_theme():
                document.add_heading(heading, level=2)
                lines = [f"{format_date(r.occurred_on)}: {r.what_happened}" for r in rows]
                items(lines or ["None recorded"], numbered=False)
        elif section.kind == "list":
            values = content.items(section.key)
            if values:
                items(values, numbered=True)
            else:
                para("None recorded.")
        else:
            _docx_text(document, content.text(section.key) or "Not written yet.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _docx_text(document, text: str) -> None:
    """One paragraph per paragraph typed (blank-line separated); single line breaks kept."""
    for block in re.split(r"\n\s*\n", text):
        document.add_paragraph(xml_safe(block.strip("\n")))


def _docx_chronology(document, content: ReportContent) -> None:
    if not content.chronology:
        document.add_paragraph("No entries yet.")
        return
    table = document.add_table(rows=1, cols=len(CHRONOLOGY_COLUMNS))
    table.style = "Table Grid"
    for cell, column in zip(table.rows[0].cells, CHRONOLOGY_COLUMNS, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(column).bold = True
    for row in content.chronology:
        cells = table.add_row().cells
        values = (
            format_date(row.occurred_on),
            row.what_happened,
            row.source,
            "; ".join(row.category_labels),
        )
        for cell, value in zip(cells, values, strict=True):
            cell.text = xml_safe(value)
