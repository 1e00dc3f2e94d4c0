"""The conduct blueprint."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("conduct", "webapp.conduct.routes")
