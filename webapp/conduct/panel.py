"""What the review page's conduct panel shows (conduct/_review_panel.html); the review view asks."""

from __future__ import annotations

from webapp.conduct import report, services
from webapp.models import GatheringSource, ReportDraft, Review, User


def review_panel(review: Review, user: User, latest: ReportDraft | None) -> dict:
    """``latest``: the report's latest version (``report.latest_and_shared``)."""
    started = review.reviewer_id is not None
    if not started and not review.rapid_review:
        return {"shown": False}
    draft = latest if started else None
    entries, gathered = services.progress_counts(review)
    return {
        "shown": True,
        "started": started,
        "entries": entries,
        "may_build": services.may_build_chronology(review, user),
        "rapid_review_open": services.open_rapid_review_task(review) is not None,
        "gathered": gathered if started else 0,
        "sources": len(GatheringSource),
        "report_status": report.status_label(review, draft),
    }
