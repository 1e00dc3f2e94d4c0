"""The lists of risk factors and practice themes: administrators add to them, give entries their Welsh
names, and deactivate or reactivate entries. Nothing is deleted, so past reviews keep their tags."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from webapp.extensions import db
from webapp.forms import flash_saved
from webapp.i18n import gettext as _
from webapp.learning import services
from webapp.learning.forms import TagForm, TagWelshNameForm
from webapp.learning.routes.blueprint import bp
from webapp.models import LearningTag, TagKind
from webapp.permissions import Permission, permission_required


@bp.route("/admin/learning-tags", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_TAXONOMY)
def tags():
    form = TagForm()
    if form.validate_on_submit():
        try:
            tag = services.add_tag(
                TagKind(form.kind.data), form.name.data, name_cy=form.name_cy.data, actor=current_user
            )
        except services.DuplicateTag:
            form.name.errors.append(_("That name is already in the list"))
        else:
            flash(_added(tag), "success")
            return redirect(url_for("learning.tags"))
    everything = services.tags()
    return render_template(
        "learning/tags.html",
        title=_("Risk factors and practice themes"),
        form=form,
        lists=[
            (kind, [tag for tag in everything if tag.kind == kind])
            for kind in (TagKind.RISK_FACTOR, TagKind.PRACTICE_THEME)
        ],
    )


def _added(tag: LearningTag) -> str:
    if tag.kind == TagKind.RISK_FACTOR:
        return _("%(name)s added to the risk factors.", name=tag.display_name)
    return _("%(name)s added to the practice themes.", name=tag.display_name)


def _tag_or_404(tag_id: int) -> LearningTag:
    tag = db.session.get(LearningTag, tag_id)
    if tag is None:
        abort(404)
    return tag


@bp.route("/admin/learning-tags/<int:tag_id>/welsh-name", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_TAXONOMY)
def tag_welsh_name(tag_id: int):
    tag = _tag_or_404(tag_id)
    form = TagWelshNameForm(obj=tag)
    if form.validate_on_submit():
        changed = services.set_tag_welsh_name(tag, form.name_cy.data, actor=current_user)
        flash_saved(_("Welsh name of %(name)s saved.", name=tag.name), changed)
        return redirect(url_for("learning.tags"))
    return render_template(
        "learning/tag_welsh_name.html", title=_("Welsh name for %(name)s", name=tag.name), form=form, tag=tag
    )


def _set_active(tag_id: int, active: bool):
    tag = _tag_or_404(tag_id)
    if services.set_tag_active(tag, active, actor=current_user):
        flash(
            _("%(name)s is offered again.", name=tag.display_name)
            if active
            else _("%(name)s is no longer offered. Reviews keep it.", name=tag.display_name),
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
