"""The lifecycle's work table: which work each state allows, restated from the procedure, and the
one wording every refusal uses."""

from __future__ import annotations

import pytest

from webapp.models import ReviewState
from webapp.reviews.lifecycle import WORK, WORK_PHRASES, Work, WorkNotAllowed, allows, refusal, require

S = ReviewState
AFTER_AGREEMENT = {S.AGREED, S.ACTION_PLANNING, S.MONITORING, S.CLOSED}
EXPECTED = {
    Work.DECIDE: {S.AWAITING_DECISION, S.OUTSIDE_PROCEDURE},
    # Review Process and Transparency and Disputes, 1: the author revises while a concern is with them.
    Work.DRAFT_REPORT: {S.IN_REVIEW, S.DISPUTE_AUTHOR},
    Work.GATHER: {S.IN_REVIEW, S.ACCURACY_CHECK, S.DISPUTE_AUTHOR, S.DISPUTE_DCE},
    Work.SHARE_REPORT: {S.IN_REVIEW},
    Work.RESPOND: {S.ACCURACY_CHECK, S.DISPUTE_AUTHOR, S.DISPUTE_DCE},
    Work.DISCLOSE: AFTER_AGREEMENT,
    Work.RECORD_LEARNING: AFTER_AGREEMENT,
    Work.RECORD_SLT: {S.AGREED},
    Work.CLOSE_WITHOUT_LEARNING: {S.AGREED},
    Work.CHANGE_ACTIONS: {S.ACTION_PLANNING, S.MONITORING},
    Work.AGREE_PLAN: {S.ACTION_PLANNING},
    Work.REVIEW_PROGRESS: {S.MONITORING},
    Work.CLOSE: {S.MONITORING},
}


def test_every_state_has_a_row_and_every_work_a_phrase():
    assert set(WORK) == set(ReviewState)
    assert set(WORK_PHRASES) == set(Work) == set(EXPECTED)


@pytest.mark.parametrize("work", list(Work), ids=lambda w: w.value)
def test_each_work_is_allowed_in_exactly_the_states_the_procedure_gives(work):
    assert {state for state in ReviewState if allows(state, work)} == EXPECTED[work]


def test_a_refusal_names_the_work_and_the_state_in_one_wording():
    assert refusal(S.MONITORING, Work.CLOSE) is None
    message = refusal(S.AGREED, Work.CLOSE)
    assert message == (
        "You cannot close the review now: the review is at 'Report agreed'. "
        "Reload the page to see its current state."
    )

    class AreaRefusal(Exception):
        pass

    with pytest.raises(AreaRefusal, match=r"^You cannot close the review now"):
        require(S.AGREED, Work.CLOSE, AreaRefusal)
    with pytest.raises(WorkNotAllowed):
        require(S.CLOSED, Work.DECIDE)


def test_a_dispute_moves_only_as_its_table_says():
    from webapp.models import DisputeStage as D
    from webapp.reviews.lifecycle import DISPUTE_MOVES, InvalidTransition, next_stage

    assert DISPUTE_MOVES == {
        (D.AUTHOR, "resolved"): D.RESOLVED,
        (D.AUTHOR, "escalate"): D.DEPUTY_CHIEF_EXECUTIVE,
        (D.DEPUTY_CHIEF_EXECUTIVE, "decide"): D.DECIDED,
    }
    for settled in (D.RESOLVED, D.DECIDED):
        for move in ("resolved", "escalate", "decide"):
            with pytest.raises(InvalidTransition):
                next_stage(settled, move)
    with pytest.raises(InvalidTransition):
        next_stage(D.AUTHOR, "decide")  # the DCE decides only what was escalated
