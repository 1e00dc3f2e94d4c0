"""The reviews blueprint: the review, the decision and tasks (reviews), the
Reviews list (listing), support meetings (support)."""

from __future__ import annotations

from webapp.reviews.routes import listing, reviews, support
from webapp.reviews.routes.blueprint import bp

__all__ = ["bp", "listing", "reviews", "support"]
