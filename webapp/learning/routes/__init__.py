"""The learning blueprint: the review's learning and SLT (learning), the action plan (plan), the
dashboard (dashboard), the taxonomy lists (taxonomy)."""

from __future__ import annotations

from webapp.learning.routes import dashboard, learning, plan, taxonomy
from webapp.learning.routes.blueprint import bp

__all__ = ["bp", "dashboard", "learning", "plan", "taxonomy"]
