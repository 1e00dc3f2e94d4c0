"""The shape of every page that does one step of a review. ``review_step`` starts it: the review in
the person's scope (locked for a POST, so two people cannot do the step at once), and, when the
review's state does not allow the step, a redirect saying why in the lifecycle's one wording.
``attempt`` runs the step's service once the form is valid."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from flask import flash, redirect, request, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from webapp.i18n import LazyString
from webapp.i18n import lazy_gettext as _l
from webapp.models import Review
from webapp.records import StaleEdit
from webapp.reviews.lifecycle import Work, refusal
from webapp.reviews.services import get_review_or_404
from webapp.tasks.services import TaskAlreadyDone

T = TypeVar("T")


def review_step(review_id: int, work: Work, *, back: str) -> tuple[Review, Response | None]:
    """``(review, None)`` when the step may be done now; ``(review, redirect to back)`` when not."""
    review = get_review_or_404(review_id, for_update=request.method == "POST")
    refused = refusal(review.state, work)
    if refused is None:
        return review, None
    flash(refused, "info")
    return review, redirect(url_for(back, review_id=review.id))


MOVED_ON = _l("Someone else changed this review at the same time. Nothing you entered has been saved.")


@dataclass(frozen=True)
class Attempt(Generic[T]):
    """What came of a step's service: ``done`` with its ``value``; or ``leave``, a redirect after a
    race; or neither, when the service refused (its reason is then on the form)."""

    done: bool = False
    value: T | None = None
    leave: Response | None = None


def attempt(
    form: FlaskForm,
    action: Callable[[], T],
    *,
    refused: type[Exception],
    moved_on: str,
    message: str | LazyString = MOVED_ON,
) -> Attempt[T]:
    """Run a step's service once its form is valid. A refusal (``refused``) goes on the form for the
    page to show again; a race (the review changed, or the task was done, meanwhile) goes to
    ``moved_on`` saying so. Either way the unit of work has saved nothing."""
    try:
        return Attempt(done=True, value=action())
    except refused as error:
        form.form_errors.append(str(error))
        return Attempt()
    except (StaleEdit, TaskAlreadyDone):
        flash(str(message), "info")
        return Attempt(leave=redirect(moved_on))
