"""The reviewer's work: gathering, chronology, report drafts and exports.

Anyone who may see the review reads these pages; only the review's reviewer changes them (and,
for the rapid review's timeline, whoever may action the rapid review task): see services.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy.exc import IntegrityError

from webapp import audit
from webapp.conduct import services
from webapp.conduct.forms import ChronologyEntryForm, GatheringForm
from webapp.conduct.routes.blueprint import bp
from webapp.formatting import format_date
from webapp.forms import ConfirmRemovalForm, flash_saved, on_incident, validated
from webapp.i18n import gettext as _
from webapp.models import ChronologyEntry, GatheringSource, Review, TaskKind
from webapp.permissions import Permission, permission_required
from webapp.reviews.services import get_review_or_404
from webapp.tasks.pages import TaskPages

TASK_PAGES: TaskPages = {
    TaskKind.GATHER_INFORMATION: lambda task: url_for("conduct.gathering", review_id=task.review_id),
    TaskKind.DRAFT_REPORT: lambda task: url_for("conduct.report", review_id=task.review_id),
}


@bp.app_template_filter("conduct_lines")
def _lines(text: str | None) -> Markup:
    """Typed text with its line breaks kept, everything else escaped."""
    return Markup("<br>").join(escape(line) for line in (text or "").split("\n"))


def _viewed(review: Review) -> None:
    audit.record_page_view("review.viewed", record_id=review.id, case_id=review.case_id)


# Gathering ---------------------------------------------------------------------------------------


@bp.route("/reviews/<int:review_id>/gathering")
@permission_required(Permission.VIEW_CASES)
def gathering(review_id: int):
    review = get_review_or_404(review_id)
    checklist = services.gathering_checklist(review)
    _viewed(review)
    return render_template(
        "conduct/gathering.html",
        title=_("Information gathering"),
        review=review,
        checklist=checklist,
        done=sum(1 for _source, item in checklist if item and item.done_on),
        may_gather=services.may_gather(review, current_user),
        task=review.task(TaskKind.GATHER_INFORMATION),
    )


@bp.route("/reviews/<int:review_id>/gathering/<source>", methods=["GET", "POST"])
@permission_required(Permission.CONDUCT_REVIEWS)
def edit_gathering(review_id: int, source: str):
    review = get_review_or_404(review_id)
    try:
        source_enum = GatheringSource(source)
    except ValueError:
        abort(404)
    if not services.is_reviewer(review, current_user):
        abort(403)
    if not services.may_gather(review, current_user):
        flash(
            _(
                "Information gathering cannot be changed now: the review is at '%(state)s'.",
                state=review.state.label,
            ),
            "info",
        )
        return redirect(url_for("conduct.gathering", review_id=review.id))
    item = dict(services.gathering_checklist(review))[source_enum]
    form = on_incident(GatheringForm(), review.incident.occurred_on)
    if request.method == "GET" and item is not None:
        form.notes.data, form.done_on.data = item.notes, item.done_on
        form.open_reason.data = item.open_reason
    if form.validate_on_submit():
        try:
            changed = services.save_gathering(
                review,
                source_enum,
                notes=form.notes.data.strip(),
                done_on=form.done_on.data,
                open_reason=form.open_reason.data,
                actor=current_user,
            )
        except IntegrityError:
            flash(
                _("This item was saved from another page at the same moment. Nothing was saved here."), "info"
            )
            return redirect(url_for("conduct.gathering", review_id=review.id))
        flash(_("Saved.") if changed else _("Nothing had changed, so nothing was saved."), "success")
        return redirect(url_for("conduct.gathering", review_id=review.id))
    audit.record_page_view("review.viewed", record_id=review.id, case_id=review.case_id)
    return render_template(
        "conduct/gathering_form.html", title=source_enum.label, review=review, form=form, source=source_enum
    )


# Chronology --------------------------------------------------------------------------------------


def _is_rapid_review_timeline(review: Review) -> bool:
    """Before a reviewer is allocated, a rapid review's chronology is its timeline."""
    return review.rapid_review and review.reviewer_id is None


@bp.route("/reviews/<int:review_id>/chronology")
@permission_required(Permission.VIEW_CASES)
def chronology(review_id: int):
    review = get_review_or_404(review_id)
    entries = services.chronology(review)
    _viewed(review)
    return render_template(
        "conduct/chronology.html",
        title=_("Rapid review timeline") if _is_rapid_review_timeline(review) else _("Chronology"),
        rapid=_is_rapid_review_timeline(review),
        review=review,
        entries=entries,
        changes=services.changes(review),
        may_build=services.may_build_chronology(review, current_user),
        labels=services.category_labels,
    )


def _review_to_build(review_id: int) -> Review:
    review = get_review_or_404(review_id)
    if not services.may_build_chronology(review, current_user):
        abort(403)
    return review


@bp.route("/reviews/<int:review_id>/chronology/new", methods=["GET", "POST"])
@permission_required(Permission.VIEW_TASKS)
def add_chronology_entry(review_id: int):
    return _entry_page(_review_to_build(review_id), None)


@bp.route("/reviews/<int:review_id>/chronology/<int:entry_id>/edit", methods=["GET", "POST"])
@permission_required(Permission.VIEW_TASKS)
def edit_chronology_entry(review_id: int, entry_id: int):
    review = _review_to_build(review_id)
    return _entry_page(review, services.get_entry_or_404(review, entry_id))


def _entry_page(review: Review, entry: ChronologyEntry | None):
    """Add an entry (``entry`` None) or correct one; a correction keeps the earlier wording."""
    form = ChronologyEntryForm(obj=entry)
    if entry is not None:
        form.submit.label.text = _("Save the entry")
    if form.validate_on_submit():
        values = {
            "occurred_on": validated(form.occurred_on.data),
            "what_happened": form.what_happened.data.strip(),
            "source": form.source.data,
            "categories": form.categories.data,
            "actor": current_user,
        }
        try:
            if entry is None:
                services.add_entry(review, **values)
                flash(_("Entry added."), "success")
            else:
                changed = services.edit_entry(review, entry, **values)
                flash_saved(_("Entry changed. Its earlier wording is kept under Changes."), changed)
        except services.ConductRefused as refused:
            form.form_errors.append(str(refused))
        else:
            return redirect(url_for("conduct.chronology", review_id=review.id))
    audit.record_page_view("review.viewed", record_id=review.id, case_id=review.case_id)
    title = (
        _("Add a chronology entry")
        if entry is None
        else _("Change the entry of %(date)s", date=format_date(entry.occurred_on))
    )
    return render_template("conduct/chronology_form.html", title=title, review=review, form=form)


@bp.route("/reviews/<int:review_id>/chronology/<int:entry_id>/remove", methods=["GET", "POST"])
@permission_required(Permission.VIEW_TASKS)
def remove_chronology_entry(review_id: int, entry_id: int):
    """Removing asks first, on its own page (WCAG 3.3.4); the entry's words are kept in Changes."""
    review = _review_to_build(review_id)
    entry = services.get_entry_or_404(review, entry_id)
    form = ConfirmRemovalForm()
    if form.validate_on_submit():
        services.remove_entry(review, entry, actor=current_user)
        flash(_("Entry removed. What it said is kept under Changes."), "success")
        return redirect(url_for("conduct.chronology", review_id=review.id))
    audit.record_page_view("review.viewed", record_id=review.id, case_id=review.case_id)
    return render_template(
        "confirm_removal.html",
        title=_("Remove the entry of %(date)s?", date=format_date(entry.occurred_on)),
        review=review,
        form=form,
        what=[
            (_("Date"), format_date(entry.occurred_on)),
            (_("What happened"), entry.what_happened),
            (_("Source"), entry.source),
        ],
        consequence=_("The entry leaves the chronology. What it said is kept in the chronology's changes."),
        keep_url=url_for("conduct.chronology", review_id=review.id),
        keep_text=_("Keep the entry"),
    )
