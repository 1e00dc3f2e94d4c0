"""The review report: read any version, write a new one, share it for accuracy, download it."""

from __future__ import annotations

import io

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import force_locale
from flask_login import current_user

from webapp import audit
from webapp.accuracy import revision
from webapp.conduct import document as report_document
from webapp.conduct import export, report, services
from webapp.conduct.diff import version_changes
from webapp.conduct.forms import ReportForm, ShareForm
from webapp.conduct.routes.blueprint import bp
from webapp.extensions import db
from webapp.i18n import LANGUAGES, current_language
from webapp.i18n import gettext as _
from webapp.i18n import lazy_gettext as _l
from webapp.models import GatheringSource, ReportDraft, Review
from webapp.permissions import Permission, permission_required
from webapp.records import StaleEdit
from webapp.reviews.lifecycle import InvalidTransition, Work, allows
from webapp.reviews.services import get_review_or_404
from webapp.tasks.services import TaskAlreadyDone

FORMATS = {
    "pdf": ("application/pdf", export.build_pdf),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        export.build_docx,
    ),
}
STALE = _l(
    "A newer version of the report was saved (perhaps in another tab). "
    "Nothing was saved: reload and try again."
)


# A link to the report in the other language is written in that language.
DOWNLOADS = {
    "page": (
        _l("Download version %(version)s as PDF"),
        _l("Download version %(version)s as a Word document (DOCX)"),
    ),
    "en": (
        _l("Download version %(version)s in English as PDF"),
        _l("Download version %(version)s in English as a Word document (DOCX)"),
    ),
    "cy": (
        _l("Download version %(version)s in Welsh as PDF"),
        _l("Download version %(version)s in Welsh as a Word document (DOCX)"),
    ),
}


def _downloads(review: Review, draft: ReportDraft) -> list[dict]:
    """The version's files, in the page's language first, then in the other language."""
    here = current_language()
    found = []
    for language in [here, *(other for other in LANGUAGES if other != here)]:
        with force_locale(language):
            texts = DOWNLOADS["page" if language == here else language]
            links = [
                (
                    str(text) % {"version": draft.version},
                    url_for(
                        "conduct.export_report",
                        review_id=review.id,
                        version=draft.version,
                        fmt=fmt,
                        language=language,
                    ),
                )
                for text, fmt in zip(texts, FORMATS, strict=True)
            ]
        found.append({"language": language, "links": links})
    return found


def _render_report(review: Review, draft: ReportDraft | None, *, refused: bool = False):
    """The report page for one version (the latest when ``draft`` is the latest or None);
    ``refused``: a share was just refused, so the missing sections head the page as errors."""
    latest = report.latest_draft(review)
    is_latest = draft is None or (latest is not None and draft.id == latest.id)
    may_share = (
        is_latest
        and services.is_reviewer(review, current_user)
        and allows(review.state, Work.SHARE_REPORT)
        and draft is not None
    )
    missing = (
        report.missing_by_section(review, draft)
        if is_latest and allows(review.state, Work.SHARE_REPORT)
        else []
    )
    audit.record_page_view("report.viewed", record_id=draft.id if draft else None, case_id=review.case_id)
    if draft is None:
        title = _("Review report")
    elif is_latest:
        title = _("Review report, version %(version)s", version=draft.version)
    else:
        title = _("Review report, version %(version)s (an earlier version)", version=draft.version)
    content = report.compose(review, draft)
    drafts = report.drafts(review)
    return render_template(
        "conduct/report.html",
        title=title,
        review=review,
        draft=draft,
        is_latest=is_latest,
        document=report_document.build(review, draft, content),
        missing=missing,
        refused=refused and bool(missing),
        drafts=drafts,
        statuses={d.id: report.version_status(review, d) for d in drafts},
        changes=version_changes(draft) if draft is not None else None,
        may_share_revision=is_latest and revision.may_share_revision(review, current_user),
        may_draft=services.may_draft(review, current_user),
        may_share=may_share,
        share_form=ShareForm(version=str(draft.version)) if may_share and draft is not None else None,
        downloads=_downloads(review, draft) if draft is not None else [],
        gathered=services.gathering_done_count(review),
        sources=len(GatheringSource),
    )


@bp.route("/reviews/<int:review_id>/report", endpoint="report")
@permission_required(Permission.VIEW_CASES)
def latest_report(review_id: int):
    review = get_review_or_404(review_id)
    return _render_report(review, report.latest_draft(review))


@bp.route("/reviews/<int:review_id>/report/versions/<int:version>")
@permission_required(Permission.VIEW_CASES)
def report_version(review_id: int, version: int):
    review = get_review_or_404(review_id)
    draft = report.get_version_or_404(review, version)
    return _render_report(review, draft)


@bp.route("/reviews/<int:review_id>/report/edit", methods=["GET", "POST"])
@permission_required(Permission.CONDUCT_REVIEWS)
def edit_report(review_id: int):
    review = get_review_or_404(review_id, for_update=request.method == "POST")
    if not services.is_reviewer(review, current_user):
        abort(403)
    if not services.may_draft(review, current_user):
        flash(
            _("The report cannot be changed now: the review is at '%(state)s'.", state=review.state.label),
            "info",
        )
        return redirect(url_for("conduct.report", review_id=review.id))
    latest = report.latest_draft(review)
    form = ReportForm()
    if request.method == "GET":
        values = report.form_values(latest)
        if latest is None:
            values["incident_summary"] = review.incident.summary  # a start, from the notification
        for name, value in values.items():
            form[name].data = value
        form.based_on.data = str(latest.version) if latest else ""
    if form.validate_on_submit():
        based_on = int(form.based_on.data) if (form.based_on.data or "").isdigit() else None
        sections = report.sections_from_form({f.key: form[f.key].data for f in report.FIELDS})
        try:
            draft = report.save_draft(review, sections, based_on=based_on, actor=current_user)
        except StaleEdit:
            form.form_errors.append(str(STALE))
        else:
            if draft is None:
                flash(_("Nothing had changed, so no new version was saved."), "success")
            else:
                flash(_("Version %(version)s saved.", version=draft.version), "success")
            return redirect(url_for("conduct.report", review_id=review.id))
    audit.record_page_view("review.viewed", record_id=review.id, case_id=review.case_id)
    return render_template(
        "conduct/report_form.html",
        title=_("Write the review report") if latest is None else _("Edit the review report"),
        review=review,
        form=form,
        latest=latest,
        content=report.compose(review, None),
        earlier_conclusions=(latest.sections.get("earlier_conclusions") or []) if latest else [],
        headings=report.SECTION_HEADINGS,
    )


@bp.route("/reviews/<int:review_id>/report/share", methods=["POST"])
@permission_required(Permission.CONDUCT_REVIEWS)
def share_report(review_id: int):
    review = get_review_or_404(review_id, for_update=True)
    if not services.is_reviewer(review, current_user):
        abort(403)
    form = ShareForm()
    draft = report.latest_draft(review)
    if not form.validate_on_submit():
        abort(400)
    if draft is None or form.version.data != str(draft.version):
        flash(str(STALE), "info")
        return redirect(url_for("conduct.report", review_id=review.id))
    try:
        report.share(review, draft, actor=current_user)
    except report.IncompleteReport:
        return _render_report(review, draft, refused=True)
    except (InvalidTransition, StaleEdit, TaskAlreadyDone) as error:
        flash(str(error) or _("Someone else changed this review first. Nothing was shared."), "info")
        return redirect(url_for("conduct.report", review_id=review.id))
    flash(
        _(
            "Version %(version)s shared for accuracy with the practitioner, their Practice Manager and "
            "the Head of Operations of the case's area.",
            version=draft.version,
        ),
        "success",
    )
    return redirect(url_for("reviews.view_review", review_id=review.id))


@bp.route("/reviews/<int:review_id>/report/versions/<int:version>/report.<any(pdf, docx):fmt>")
@permission_required(Permission.VIEW_CASES)
def export_report(review_id: int, version: int, fmt: str):
    """The version as a file in the language chosen at export (``?language=en|cy``; the page's by
    default): its headings, labels, dates and marking in that language, the reviewer's text as written."""
    review = get_review_or_404(review_id)
    draft = report.get_version_or_404(review, version)
    language = request.args.get("language", current_language())
    if language not in LANGUAGES:
        abort(404)
    mimetype, build = FORMATS[fmt]
    with force_locale(language):
        document = report_document.build(review, draft, report.compose(review, draft))
        data = build(document)
        download_name = export.filename(document, fmt)
    # The language is the event's one detail: the registry has no other slot for it.
    audit.record(
        "report.exported", record_id=draft.id, case_id=review.case_id, changed_fields=[f"language:{language}"]
    )
    db.session.commit()
    response = send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=download_name)
    response.headers["Cache-Control"] = "no-store"  # personal data: not kept by browsers or proxies
    return response
