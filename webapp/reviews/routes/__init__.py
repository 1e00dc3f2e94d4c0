"""The reviews blueprint: the review, the decision and tasks (reviews), support meetings (support)."""

from __future__ import annotations

from webapp.reviews.routes import reviews, support
from webapp.reviews.routes.blueprint import bp

__all__ = ["bp", "reviews", "support"]
