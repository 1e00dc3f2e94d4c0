"""The lists of risk factors and practice themes: administrators add to them and deactivate or
reactivate entries. Nothing is deleted, so past reviews keep their tags."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from webapp.extensions import db
from webapp.learning import services
from webapp.learning.forms import TagForm
from webapp.learning.routes.blueprint import bp
from webapp.models import LearningTag, TagKind
from webapp.permissions import Permission, permission_required


@bp.route("/admin/learning-tags", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_TAXONOMY)
def tags():
    form = TagForm()
    if form.validate_on_submit():
        try:
            tag = services.add_tag(TagKind(form.kind.data), form.name.data, actor=current_user)
        except services.DuplicateTag:
            form.name.errors.append("That name is already in the list")
        else:
            flash(f"{tag.name} added to the {tag.kind.label.lower()}s.", "success")
            return redirect(url_for("learning.tags"))
    everything = services.tags()
    return render_template(
        "learning/tags.html",
        title="Risk factors and practice themes",
        form=form,
        lists=[
            (kind, [tag for tag in everything if tag.kind == kind])
            for kind in (TagKind.RISK_FACTOR, TagKind.PRACTICE_THEME)
        ],
    )


def _set_active(tag_id: int, active: bool):
    tag = db.session.get(LearningTag, tag_id)
    if tag is None:
        abort(404)
    if services.set_tag_active(tag, active, actor=current_user):
        flash(
            f"{tag.name} is offered again."
            if active
            else f"{tag.name} is no longer offered. Reviews keep it.",
            "success",
        )
    return redirect(url_for("learning.tags"))


@bp.route("/admin/learning-tags/<int:tag_id>/deactivate", methods=["POST"])
@permission_required(Permission.MANAGE_TAXONOMY)
def deactivate_tag(tag_id: int):
    return _set_active(tag_id, False)


@bp.route("/admin/learning-tags/<int:tag_id>/reactivate", methods=["POST"])
@permission_required(Permission.MANAGE_TAXONOMY)
def reactivate_tag(tag_id: int):
    return _set_active(tag_id, True)
