"""The start of every page that does one step of a review: the review in the person's scope (locked
for a POST, so two people cannot do the step at once), and, when the review's state does not allow
the step, a redirect saying why in the lifecycle's one wording."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from werkzeug.wrappers import Response

from webapp.models import Review
from webapp.reviews.lifecycle import Work, refusal
from webapp.reviews.services import get_review_or_404


def review_step(review_id: int, work: Work, *, back: str) -> tuple[Review, Response | None]:
    """``(review, None)`` when the step may be done now; ``(review, redirect to back)`` when not."""
    review = get_review_or_404(review_id, for_update=request.method == "POST")
    refused = refusal(review.state, work)
    if refused is None:
        return review, None
    flash(refused, "info")
    return review, redirect(url_for(back, review_id=review.id))
