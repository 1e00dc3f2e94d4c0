"""Accuracy responses, disputes and external disclosure (issue 5, items 5-6)."""

from flask import Blueprint

bp = Blueprint("accuracy", __name__)
