"""The learning blueprint."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("learning", "webapp.learning.routes")
