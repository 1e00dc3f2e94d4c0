"""records.unit_of_work: the one place a change is committed or rolled back."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from webapp.extensions import db
from webapp.models import OperationalArea
from webapp.records import StaleEdit, unit_of_work


def _areas() -> int:
    return db.session.scalar(select(func.count(OperationalArea.id)))


def test_it_commits_what_was_changed_inside_it(app):
    with unit_of_work():
        db.session.add(OperationalArea(name="Kept"))
    db.session.rollback()  # a later rollback cannot undo what was committed
    assert _areas() == 1


def test_any_error_rolls_all_of_it_back_and_propagates(app):
    with pytest.raises(ValueError), unit_of_work():
        db.session.add(OperationalArea(name="Lost"))
        db.session.flush()
        raise ValueError
    assert _areas() == 0


def test_a_stale_write_becomes_stale_edit(app):
    with pytest.raises(StaleEdit), unit_of_work():
        db.session.add(OperationalArea(name="Lost"))
        db.session.flush()
        raise StaleDataError("the row changed since it was read")
    assert _areas() == 0


def test_as_a_decorator_each_call_is_its_own_unit(app):
    @unit_of_work()
    def add(name: str, fail: bool = False) -> None:
        db.session.add(OperationalArea(name=name))
        db.session.flush()
        if fail:
            raise RuntimeError

    add("First")
    with pytest.raises(RuntimeError):
        add("Second", fail=True)
    add("Third")
    assert sorted(db.session.scalars(select(OperationalArea.name))) == ["First", "Third"]
