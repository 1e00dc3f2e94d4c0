"""Serves GOV.UK Frontend from its npm package (installed by make, never committed)."""

from flask import Blueprint, send_from_directory

from webapp.permissions import public

bp = Blueprint("assets", __name__)


def _dist():
    from webapp import GOVUK_DIST

    return GOVUK_DIST


@bp.route("/assets/<path:filename>")
@public
def govuk_asset(filename: str):
    return send_from_directory(_dist() / "assets", filename, max_age=86400)


@bp.route("/govuk/<path:filename>")
@public
def govuk_bundle(filename: str):
    return send_from_directory(_dist(), filename, max_age=3600)
