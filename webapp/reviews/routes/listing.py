"""The Reviews list: every review a person may see, by stage, area, overdue, SUSR and reviewer."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user

from webapp import users
from webapp.admin.services import list_areas
from webapp.formatting import today_in_london
from webapp.i18n import gettext as _
from webapp.limits import page_arg, per_page, query_int
from webapp.models import ReviewState, Role
from webapp.permissions import Permission, permission_required
from webapp.reviews import listing
from webapp.reviews.routes.blueprint import bp

YES_NO = {"yes": True, "no": False}


def _filters() -> listing.ReviewFilters:
    stage = request.args.get("stage") or None
    sort = request.args.get("sort") or "opened"
    return listing.ReviewFilters(
        stage=stage if stage in {state.value for state in ReviewState} else None,
        area_id=query_int("area"),
        overdue=request.args.get("overdue") == "yes",
        susr=YES_NO.get(request.args.get("susr") or ""),
        reviewer_id=query_int("reviewer"),
        sort=sort if sort in listing.SORTS else "opened",
        descending=request.args.get("order") == "desc",
    )


@bp.route("/reviews")
@permission_required(Permission.VIEW_CASES)
def list_reviews():
    filters = _filters()
    today = today_in_london()
    pagination = listing.list_reviews(current_user, filters, today, page=page_arg(), per_page=per_page())
    return render_template(
        "reviews/list.html",
        title=_("Reviews"),
        pagination=pagination,
        filters=filters,
        next_tasks=listing.next_tasks(pagination.items),
        today=today,
        days_open=listing.days_open,
        areas=list_areas(),
        reviewer_options=[(person.id, person.name) for person in users.holding(Role.HEAD_OF_OPERATIONS)],
        stages=[(state.value, state.label) for state in ReviewState],
        sort_labels=listing.SORT_LABELS,
    )
