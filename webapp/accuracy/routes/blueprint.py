"""The accuracy blueprint."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("accuracy", "webapp.accuracy.routes")
