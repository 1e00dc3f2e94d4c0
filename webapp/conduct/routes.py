"""The reviewer's work: gathering, chronology, report drafts and exports (issue 5, items 2-4)."""

from flask import Blueprint

bp = Blueprint("conduct", __name__)
