"""The anonymised export of closed reviews, as CSV or JSON (docs/anonymised-export.md)."""

from __future__ import annotations

import csv
import io
import json

from flask import Response

from webapp import audit
from webapp.extensions import db
from webapp.formatting import today_in_london
from webapp.learning import export
from webapp.learning.routes.blueprint import bp
from webapp.learning.routes.dashboard import csv_cell
from webapp.permissions import Permission, permission_required


def _csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(export.FIELDS)
    for row in rows:
        writer.writerow(
            [
                csv_cell("; ".join(row[name]) if name in export.LIST_FIELDS else _plain(row[name]))
                for name in export.FIELDS
            ]
        )
    return out.getvalue()


def _plain(value):
    """Yes/no as the words, nothing as an empty cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


@bp.route("/learning/export/closed-reviews.csv")
@permission_required(Permission.MANAGE_LEARNING)
def closed_reviews_csv():
    return _download("csv")


@bp.route("/learning/export/closed-reviews.json")
@permission_required(Permission.MANAGE_LEARNING)
def closed_reviews_json():
    return _download("json")


def _download(fmt: str) -> Response:
    rows = export.closed_reviews()
    audit.record("learning.exported", record_id=None)
    db.session.commit()
    filename = f"closed-reviews-anonymised-{today_in_london().isoformat()}.{fmt}"
    if fmt == "csv":
        body = _csv(rows)
    else:
        body = json.dumps({"fields": list(export.FIELDS), "reviews": rows}, indent=1)
    return Response(
        body,
        mimetype="text/csv" if fmt == "csv" else "application/json",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
