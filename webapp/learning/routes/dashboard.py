"""The learning dashboard and the CSV export of each of its tables."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from typing import Any

from flask import Response, abort, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload

from webapp import audit
from webapp.admin.services import list_areas
from webapp.cases.services import ALL_CASES_ROLES, case_scope
from webapp.extensions import db
from webapp.formatting import today_in_london
from webapp.forms import validated
from webapp.i18n import gettext as _
from webapp.learning import dashboard, dashboard_cache
from webapp.learning.figure import Figure, for_viewer
from webapp.learning.forms import PeriodForm
from webapp.learning.routes.blueprint import bp
from webapp.limits import page_arg, per_page, query_int
from webapp.models import Case, Review
from webapp.paging import paginate
from webapp.permissions import Permission, can, permission_required


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


def _exact(period: tuple[date, date], area_id: int | None) -> bool:
    """Whether this viewer sees small numbers as they are: in the unfiltered view (the default period,
    every area), or when they may see every review behind the figures (webapp/learning/figure.py)."""
    filtered = period != default_period(today_in_london()) or area_id is not None
    return not filtered or bool(current_user.roles & ALL_CASES_ROLES)


def _figures(period: tuple[date, date], area_id: int | None) -> tuple[list[Figure], datetime]:
    figures, computed_at = dashboard_cache.figures(*period, today_in_london(), area_id)
    return for_viewer(figures, exact=_exact(period, area_id)), computed_at


def _area() -> tuple[int | None, list[tuple[int, str]]]:
    """The area asked for (None: every area; an unknown id counts as none) and the areas to offer,
    as (id, name): plain values, which working the figures out (a commit) cannot expire."""
    areas = [(area.id, area.name) for area in list_areas()]
    asked = query_int("area")
    return (asked if any(area_id == asked for area_id, _name in areas) else None), areas


def _query(period: tuple[date, date] | None, area_id: int | None) -> dict[str, Any]:
    query: dict[str, Any] = {"from_date": _parts(period[0]), "to_date": _parts(period[1])} if period else {}
    if area_id is not None:
        query["area"] = area_id
    return query


@bp.route("/learning/dashboard")
@permission_required(Permission.VIEW_DASHBOARD)
def learning_dashboard():
    form, period = _period()
    area_id, areas = _area()
    figures, computed_at = _figures(period, area_id) if period else ([], None)
    return render_template(
        "learning/dashboard.html",
        title=_("Learning dashboard"),
        form=form if form.errors else None,
        period_form=form,
        period=period,
        figures=figures,
        computed_at=computed_at,
        refresh_minutes=dashboard_cache.REFRESH_MINUTES,
        query=_query(period, area_id),
        area_choices=areas,
        area_id=area_id,
        area_name=dict(areas).get(area_id) if area_id is not None else None,
        may_open_reviews=can(Permission.VIEW_CASES),
    )


@bp.route("/learning/dashboard/reviews")
@permission_required(Permission.VIEW_CASES)
def dashboard_reviews():
    """The reviews counted in one row of a figure, in the person's scope, to open one."""
    _form, period = _period()
    area_id, areas = _area()
    row_key = (request.args.get("row") or "")[:60]
    if period is None:
        abort(404)
    figures, _computed_at = dashboard_cache.figures(*period, today_in_london(), area_id)
    found = next(
        (
            (figure, row)
            for figure in figures
            for row, key in zip(figure.rows, figure.row_keys, strict=False)  # old snapshots: no keys
            if key == row_key
        ),
        None,
    )
    query = dashboard.reviews_behind(row_key, *period, area_id)
    if found is None or query is None:
        abort(404)
    figure, row = found
    pagination = paginate(
        query.join(Case, Case.id == Review.case_id)
        .where(case_scope(current_user))
        .options(selectinload(Review.case), selectinload(Review.incident)),
        page=page_arg(),
        per_page=per_page(),
    )
    return render_template(
        "learning/dashboard_reviews.html",
        title=f"{figure.title}: {row[0]}",
        figure=figure,
        row=row,
        period=period,
        area_name=dict(areas).get(area_id) if area_id is not None else None,
        pagination=pagination,
        back=url_for("learning.learning_dashboard", **_query(period, area_id), _anchor=figure.key),
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
    figures, _computed_at = _figures(period, _area()[0])
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
