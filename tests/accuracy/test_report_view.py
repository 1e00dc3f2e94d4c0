"""The accuracy pages show the shared version with the report's own body: what the report page, the
PDF and the DOCX show, nothing rendered a second way."""

from __future__ import annotations

from tests.accuracy.helpers import shared_review


def body_text(page) -> str:
    return " ".join(page.html.select_one(".app-report-body").get_text(" ", strip=True).split())


def test_the_accuracy_pages_show_the_report_s_own_body(app, signed_in):
    shared = shared_review()
    manager = signed_in(shared.manager)
    report_page = manager.get(f"/reviews/{shared.review.id}/report")
    headings = [h.get_text(strip=True) for h in report_page.html.select("main h2[id^=section-]")]
    for path in ("accuracy", "accuracy/practice_manager"):
        page = manager.get(f"/reviews/{shared.review.id}/{path}")
        shown = [h.get_text(strip=True) for h in page.html.select(".app-report-body h2")]
        assert shown == headings
        text = body_text(page)
        assert "Child A, born 4 March 2019" in text
        assert "3 February 2025 Police report received. Case file" in text
        # A version shared before conclusions were split shows its one list.
        assert "Conclusions: procedural and practice issues The risk assessment was not updated" in text
