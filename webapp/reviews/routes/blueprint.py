"""The reviews blueprint."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("reviews", "webapp.reviews.routes")
