"""All the relevant past learning for one review (its page shows the most relevant few)."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from webapp import audit
from webapp.i18n import gettext as _
from webapp.learning import past
from webapp.learning.routes.blueprint import bp
from webapp.permissions import Permission, permission_required
from webapp.reviews.services import get_review_or_404


@bp.route("/reviews/<int:review_id>/earlier-learning")
@permission_required(Permission.VIEW_CASES)
def earlier_learning(review_id: int):
    review = get_review_or_404(review_id)
    found = past.for_reviews(
        current_user, [review.id], points_shown=past.ALL_SHOWN, briefings_shown=past.ALL_SHOWN
    )
    audit.record_page_view("review.viewed", record_id=review.id, case_id=review.case_id)
    return render_template(
        "learning/earlier.html",
        title=_("What earlier reviews learned"),
        review=review,
        past=found,
        known_risk_factors=past.known_risk_factors(review),
        most=past.ALL_SHOWN,
    )
