"""The learning blueprint: the review's learning and SLT (learning), the action plan (plan), the
dashboard (dashboard) and the anonymised export (export), the learning points (points), the taxonomy
lists (taxonomy), the learning briefings (briefings), all the relevant past learning for a review (past)."""

from __future__ import annotations

from webapp.learning.routes import briefings, dashboard, export, learning, past, plan, points, taxonomy
from webapp.learning.routes.blueprint import bp

__all__ = ["bp", "briefings", "dashboard", "export", "learning", "past", "plan", "points", "taxonomy"]
