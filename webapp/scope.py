"""Reaching a record by id. A record that belongs to a parent (a review, a case, a support plan) is
looked up under that parent, which the caller reached first through its own scoped ``get_X_or_404``
(``case_scope``): so the person's scope is checked on the parent, and the parent on the record.
An id that does not exist and one under another parent answer the same: 404."""

from __future__ import annotations

from typing import TypeVar

from flask import abort
from sqlalchemy import ColumnElement, select

from webapp.extensions import db

Record = TypeVar("Record")


def one_or_404(model: type[Record], *conditions: ColumnElement[bool]) -> Record:
    """The one ``model`` row meeting every condition (its id, and its parent), or 404."""
    record = db.session.execute(select(model).where(*conditions)).scalar_one_or_none()
    if record is None:
        abort(404)
    return record
