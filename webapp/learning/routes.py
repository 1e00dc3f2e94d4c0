"""Learning, the SLT discussion, action plans, closure and the learning dashboard (issue 5, items 7-8)."""

from flask import Blueprint

bp = Blueprint("learning", __name__)
