"""The learning dashboard and the CSV export of each of its tables."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from typing import Any

from flask import Response, abort, redirect, render_template, request, url_for
from flask_login import current_user

from webapp import audit
from webapp.cases.services import ALL_CASES_ROLES
from webapp.extensions import db
from webapp.formatting import today_in_london
from webapp.forms import validated
from webapp.learning import dashboard_cache
from webapp.learning.figure import Figure, for_viewer
from webapp.learning.forms import PeriodForm
from webapp.learning.routes.blueprint import bp
from webapp.permissions import Permission, permission_required


def default_period(today: date) -> tuple[date, date]:
    """The last 12 months, today included."""
    try:
        year_ago = today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        year_ago = today.replace(year=today.year - 1, day=28)
    return year_ago + timedelta(days=1), today


def _parts(value: date) -> list[str]:
    return [str(value.day), str(value.month), str(value.year)]


def _period() -> tuple[PeriodForm, tuple[date, date] | None]:
    """The period from the query string, or the default when none was asked for."""
    if "from_date" in request.args or "to_date" in request.args:
        form = PeriodForm(formdata=request.args)
        if not form.validate():
            return form, None
        return form, (validated(form.from_date.data), validated(form.to_date.data))
    start, end = default_period(today_in_london())
    return PeriodForm(formdata=None, from_date=start, to_date=end), (start, end)


def _exact(period: tuple[date, date]) -> bool:
    """Whether this viewer sees small numbers as they are: in the unfiltered view (the default period),
    or when they may see every review behind the figures (webapp/learning/figure.py)."""
    filtered = period != default_period(today_in_london())
    return not filtered or bool(current_user.roles & ALL_CASES_ROLES)


def _figures(period: tuple[date, date]) -> tuple[list[Figure], datetime]:
    figures, computed_at = dashboard_cache.figures(*period, today_in_london())
    return for_viewer(figures, exact=_exact(period)), computed_at


@bp.route("/learning/dashboard")
@permission_required(Permission.VIEW_DASHBOARD)
def learning_dashboard():
    form, period = _period()
    figures, computed_at = _figures(period) if period else ([], None)
    query = {"from_date": _parts(period[0]), "to_date": _parts(period[1])} if period else {}
    return render_template(
        "learning/dashboard.html",
        title="Learning dashboard",
        form=form if form.errors else None,
        period_form=form,
        period=period,
        figures=figures,
        computed_at=computed_at,
        refresh_minutes=dashboard_cache.REFRESH_MINUTES,
        query=query,
    )


def csv_cell(value) -> str | int:
    """Spreadsheets run cells that start with these as formulas: an administrator names the tags."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


@bp.route("/learning/dashboard/<key>.csv")
@permission_required(Permission.VIEW_DASHBOARD)
def dashboard_csv(key: str):
    _form, period = _period()
    if period is None:
        asked: dict[str, Any] = request.args.to_dict(flat=False)
        return redirect(url_for("learning.learning_dashboard", **asked))
    figures, _computed_at = _figures(period)
    figure = next((f for f in figures if f.key == key), None)
    if figure is None:
        abort(404)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([csv_cell(h) for h in figure.headers])
    for row in figure.rows:
        writer.writerow([csv_cell(cell) for cell in row])
    audit.record("dashboard.exported", record_id=None)
    db.session.commit()
    filename = f"{key}-{period[0].isoformat()}-to-{period[1].isoformat()}.csv"
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
