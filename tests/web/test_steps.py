"""reviews.steps.attempt: what a one-step page does with its service's outcome."""

from __future__ import annotations

from flask import get_flashed_messages
from flask_wtf import FlaskForm

from webapp.records import StaleEdit
from webapp.reviews.steps import MOVED_ON, attempt
from webapp.tasks.services import TaskAlreadyDone


class Refused(Exception):
    pass


def _run(app, action):
    with app.test_request_context("/step", method="POST"):
        form = FlaskForm(meta={"csrf": False})
        result = attempt(form, action, refused=Refused, moved_on="/back")
        return result, list(form.form_errors), get_flashed_messages()


def test_done_carries_the_value(app):
    result, errors, flashed = _run(app, lambda: ["status"])
    assert result.done and result.value == ["status"] and result.leave is None
    assert errors == [] and flashed == []


def test_a_refusal_goes_on_the_form_and_the_page_shows_again(app):
    def refuse():
        raise Refused("You cannot do that now")

    result, errors, flashed = _run(app, refuse)
    assert not result.done and result.leave is None
    assert errors == ["You cannot do that now"] and flashed == []


def test_a_race_goes_back_saying_nothing_was_saved(app):
    for error in (StaleEdit, TaskAlreadyDone):

        def race(error=error):
            raise error

        result, errors, flashed = _run(app, race)
        assert not result.done and errors == []
        assert result.leave.status_code == 302 and result.leave.location == "/back"
        assert flashed == [MOVED_ON]
