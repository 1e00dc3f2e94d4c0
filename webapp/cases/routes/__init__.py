"""The cases blueprint: cases, children and applications (cases), incidents (incidents)."""

from __future__ import annotations

from webapp.cases.routes import cases, incidents
from webapp.cases.routes.blueprint import bp

__all__ = ["bp", "cases", "incidents"]
