"""Learning briefings: the PDT's list, writing and sending one, reading and acknowledging it, and the
sessions in which Practice Managers delivered it."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from webapp.extensions import db
from webapp.forms import validated
from webapp.i18n import gettext as _
from webapp.i18n import lazy_gettext as _l
from webapp.i18n import ngettext
from webapp.learning import briefings, services
from webapp.learning.briefing_forms import AcknowledgeForm, BriefingForm, SendForm, SessionForm
from webapp.learning.routes.blueprint import bp
from webapp.models import Briefing, OperationalArea, Role, TagKind
from webapp.permissions import Permission, can, permission_required
from webapp.records import StaleEdit

MOVED_ON = _l("Someone else changed this briefing at the same time. Nothing you entered has been saved.")


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


def _writing_choices(form: BriefingForm) -> list:
    reviews = briefings.source_reviews()
    form.reviews.choices = [(review.id, review.case.case_number) for review in reviews]
    offered = services.tags(active_only=True)
    form.risk_factors.choices = [(t.id, t.display_name) for t in offered if t.kind == TagKind.RISK_FACTOR]
    form.practice_themes.choices = [
        (t.id, t.display_name) for t in offered if t.kind == TagKind.PRACTICE_THEME
    ]
    return reviews


def _review_items(form: BriefingForm, reviews: list) -> list[dict]:
    """The reviews as GOV.UK checkboxes, each with its learning points as the hint."""
    points = briefings.points_by_review(review.id for review in reviews)
    chosen = set(form.reviews.data or [])
    items = []
    for review in reviews:
        listed = points.get(review.id, [])
        hint = (
            "; ".join(f"{point.position}. {point.text}" for point in listed)
            if listed
            else _("No learning points recorded.")
        )
        items.append(
            {
                "value": review.id,
                "text": _(
                    "Case %(number)s: %(state)s", number=review.case.case_number, state=review.state.label
                ),
                "hint": {"text": hint},
                "checked": review.id in chosen,
            }
        )
    return items


def _write(briefing: Briefing | None):
    form = BriefingForm()
    reviews = _writing_choices(form)
    if request.method == "GET":
        if briefing is not None:
            form.title.data, form.body.data = briefing.title, briefing.body
            form.reviews.data = [review.id for review in briefing.reviews]
            chosen = {tag.id for tag in briefing.tags}
            form.version.data = str(briefing.version)
        else:
            start = _int_or_none(request.args.get("review"))
            form.reviews.data = [start] if start in {r.id for r in reviews} else []
            chosen = briefings.tags_of_points(form.reviews.data)
        form.risk_factors.data = [v for v, _label in form.risk_factors.choices if v in chosen]
        form.practice_themes.data = [v for v, _label in form.practice_themes.choices if v in chosen]
    if form.validate_on_submit():
        try:
            saved, _changed = briefings.save_draft(
                briefing,
                title=form.title.data or "",
                body=form.body.data or "",
                review_ids=form.reviews.data or [],
                tag_ids=form.tag_ids(),
                actor=current_user,
                expected_version=_int_or_none(form.version.data),
            )
        except briefings.BriefingRefused as error:
            form.form_errors.append(str(error))
        except StaleEdit:
            flash(str(MOVED_ON), "info")
            return redirect(url_for("learning.briefing", briefing_id=briefing.id if briefing else 0))
        else:
            flash(_("Draft saved. Check it, then send it."), "success")
            return redirect(url_for("learning.briefing", briefing_id=saved.id))
    return render_template(
        "learning/briefing_form.html",
        title=_("Change the draft briefing") if briefing else _("Write a learning briefing"),
        form=form,
        briefing=briefing,
        record_name=briefing.title if briefing else None,
        review_items=_review_items(form, reviews),
    )


@bp.route("/briefings")
@permission_required(Permission.TRACE_BRIEFINGS)
def list_briefings():
    rows = briefings.all_briefings(with_drafts=can(Permission.MANAGE_LEARNING))
    return render_template("learning/briefings.html", title=_("Learning briefings"), rows=rows)


@bp.route("/briefings/new", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_LEARNING)
def new_briefing():
    return _write(None)


@bp.route("/briefings/<int:briefing_id>/edit", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_LEARNING)
def edit_briefing(briefing_id: int):
    briefing = briefings.get_briefing_or_404(briefing_id, current_user, for_update=request.method == "POST")
    if briefing.is_sent:
        flash(_("This briefing has been sent and can no longer be changed."), "info")
        return redirect(url_for("learning.briefing", briefing_id=briefing.id))
    return _write(briefing)


@bp.route("/briefings/<int:briefing_id>")
@permission_required(Permission.READ_BRIEFINGS)
def briefing(briefing_id: int):
    """The briefing as its readers see it (for a draft, the preview), with, for those who trace
    briefings, what it draws on, whom it reached and the sessions that delivered it."""
    item = briefings.get_briefing_or_404(briefing_id, current_user)
    tracing = can(Permission.TRACE_BRIEFINGS)
    mine = briefings.record_view(item, current_user, sources_shown=tracing and bool(item.reviews))
    roles, areas = briefings.audience(item) if item.is_sent else ([], [])
    return render_template(
        "learning/briefing.html",
        title=item.title,
        briefing=item,
        mine=mine,
        acknowledge_form=AcknowledgeForm(),
        sources=item.reviews if tracing else [],
        points=briefings.points_by_review(r.id for r in item.reviews) if tracing else {},
        tracing=briefings.tracing(item) if tracing and item.is_sent else None,
        sessions=briefings.sessions_of(item, current_user) if item.is_sent else [],
        roles=roles,
        areas=areas,
        may_deliver=item.is_sent and can(Permission.DELIVER_BRIEFINGS),
    )


@bp.route("/briefings/<int:briefing_id>/send", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_LEARNING)
def send_briefing(briefing_id: int):
    item = briefings.get_briefing_or_404(briefing_id, current_user, for_update=request.method == "POST")
    if item.is_sent:
        flash(_("This briefing has already been sent."), "info")
        return redirect(url_for("learning.briefing", briefing_id=item.id))
    form = SendForm()
    form.roles.choices = [(role.value, role.label) for role in briefings.AUDIENCE_ROLES]
    areas = list(db.session.execute(select(OperationalArea).order_by(OperationalArea.name)).scalars())
    form.areas.choices = [(area.id, area.name) for area in areas]
    if request.method == "GET":
        form.version.data = str(item.version)
    if form.validate_on_submit():
        try:
            sent = briefings.send(
                item,
                roles=[Role(value) for value in form.roles.data or []],
                area_ids=form.areas.data or [],
                actor=current_user,
                expected_version=_int_or_none(form.version.data),
            )
        except briefings.BriefingRefused as error:
            form.form_errors.append(str(error))
        except StaleEdit:
            flash(str(MOVED_ON), "info")
            return redirect(url_for("learning.briefing", briefing_id=item.id))
        else:
            flash(
                ngettext("Briefing sent to %(num)d person.", "Briefing sent to %(num)d people.", sent),
                "success",
            )
            return redirect(url_for("learning.briefing", briefing_id=item.id))
    return render_template(
        "learning/briefing_send.html",
        title=_("Send the briefing"),
        form=form,
        briefing=item,
        record_name=item.title,
    )


@bp.route("/briefings/<int:briefing_id>/acknowledge", methods=["POST"])
@permission_required(Permission.READ_BRIEFINGS)
def acknowledge_briefing(briefing_id: int):
    item = briefings.get_briefing_or_404(briefing_id, current_user)
    form = AcknowledgeForm()
    if not form.validate_on_submit():
        abort(400)
    if briefings.recipient_of(item, current_user) is None:
        abort(404)
    if briefings.acknowledge(item, current_user):
        flash(_("Thank you. Your acknowledgement has been recorded."), "success")
    return redirect(url_for("learning.briefing", briefing_id=item.id))


@bp.route("/briefings/<int:briefing_id>/sessions/new", methods=["GET", "POST"])
@permission_required(Permission.DELIVER_BRIEFINGS)
def new_briefing_session(briefing_id: int):
    item = briefings.get_briefing_or_404(briefing_id, current_user)
    if not item.is_sent:
        abort(404)
    form = SessionForm()
    area = current_user.area
    form.area_id.choices = [("", _("Select the area"))] + ([(area.id, area.name)] if area else [])
    team = briefings.team_of(current_user)
    form.attendees.choices = [(person.id, person.name) for person in team]
    if request.method == "GET" and area is not None:
        form.area_id.data = area.id
    if form.validate_on_submit():
        try:
            briefings.record_session(
                item,
                delivered_on=validated(form.delivered_on.data),
                area_id=form.area_id.data,
                attendee_ids=form.attendees.data or [],
                notes=form.notes.data or "",
                actor=current_user,
            )
        except briefings.BriefingRefused as error:
            form.form_errors.append(str(error))
        else:
            flash(_("Session recorded."), "success")
            return redirect(url_for("learning.briefing", briefing_id=item.id, _anchor="sessions"))
    return render_template(
        "learning/briefing_session.html",
        title=_("Record a session that delivered this briefing"),
        form=form,
        briefing=item,
        record_name=item.title,
    )
