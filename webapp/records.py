"""Saving an edit to a versioned record: refused if stale, audited with the fields it changed."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy.orm.exc import StaleDataError

from webapp import audit
from webapp.extensions import db


class StaleEdit(Exception):
    """The record changed since the form was opened; saving would overwrite someone's work."""


def save_edit(
    record,
    values: dict,
    *,
    expected_version: int,
    event_type: str,
    case_id: int,
    also: Callable[[], object] | None = None,
) -> list[str]:
    """Apply ``values`` to ``record`` and commit with an audit event; return the changed names.
    ``also``: what the change calls for, done in the same transaction.

    Any database error rolls the whole edit back and propagates, so nothing is half-saved.
    """
    if record.version != expected_version:
        raise StaleEdit
    changed = audit.apply_changes(record, values)
    if not changed:
        return []
    with unit_of_work():
        db.session.flush()
        audit.record(event_type, record_id=record.id, case_id=case_id, changed_fields=changed)
        if also is not None:
            also()
    return changed


@contextmanager
def unit_of_work() -> Iterator[None]:
    """The one place a change is committed or rolled back. Services change rows and flush inside it;
    leaving it commits; any error rolls all of it back (nothing is half-saved) and propagates, a
    stale write (someone saved the row since it was read) as ``StaleEdit``."""
    try:
        yield
        db.session.commit()
    except StaleDataError as error:
        db.session.rollback()
        raise StaleEdit from error
    except BaseException:
        db.session.rollback()
        raise
