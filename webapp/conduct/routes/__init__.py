"""The conduct blueprint: gathering and chronology (conduct), report drafts and exports (report)."""

from __future__ import annotations

from webapp.conduct.routes import conduct, report
from webapp.conduct.routes.blueprint import bp

__all__ = ["bp", "conduct", "report"]
