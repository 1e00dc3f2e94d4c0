"""The cases blueprint."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("cases", "webapp.cases.routes")
