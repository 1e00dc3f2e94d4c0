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
    # Review Process and Transparency and Disputes, 1: the author revises while a concern is with them;
    # 2: and when the DCE upholds one (the review stays at the DCE stage until the revision is shared).
    Work.DRAFT_REPORT: {S.IN_REVIEW, S.DISPUTE_AUTHOR, S.DISPUTE_DCE},
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
    """Every (stage, move) pair: the table's own moves go where the procedure says; every other pair is
    refused in the one wording. Restated here from the procedure, not read from the table."""
    from webapp.models import DisputeStage as D
    from webapp.reviews.lifecycle import DISPUTE_MOVES, InvalidTransition, dispute_allows, next_stage

    expected = {
        (D.AUTHOR, "respond"): D.RAISER,  # 1: the author answers in words...
        (D.AUTHOR, "revise"): D.RAISER,  # ...or revises; the raiser answers on the revision
        (D.RAISER, "revise"): D.RAISER,  # a further revision while the raiser considers
        (D.RAISER, "resolved"): D.RESOLVED,  # only the raiser settles it
        (D.RAISER, "escalate"): D.DEPUTY_CHIEF_EXECUTIVE,  # 2: if unresolved, to the DCE
        (D.DEPUTY_CHIEF_EXECUTIVE, "not_upheld"): D.DECIDED,
        (D.DEPUTY_CHIEF_EXECUTIVE, "upheld"): D.REVISION,  # back to the author to revise
        (D.DEPUTY_CHIEF_EXECUTIVE, "partly_upheld"): D.REVISION,
        (D.REVISION, "revise"): D.DECIDED,  # the revision the DCE decided, shared
        (D.DECIDED, "open_grievance"): D.GRIEVANCE,  # 3: Welsh Government grievance procedures
        (D.GRIEVANCE, "close_grievance"): D.GRIEVANCE_CLOSED,
    }
    assert {key: move.to for key, move in DISPUTE_MOVES.items()} == expected
    assert all(move.clause.startswith("Transparency and Disputes") for move in DISPUTE_MOVES.values())
    moves = {move for _stage, move in expected}
    for stage in D:
        for move in moves:
            if (stage, move) in expected:
                assert next_stage(stage, move) == expected[(stage, move)]
                assert dispute_allows(stage, move)
            else:
                assert not dispute_allows(stage, move)
                with pytest.raises(InvalidTransition, match=r"^You cannot do that now: the concern is at"):
                    next_stage(stage, move)
    # Settled stages move no further, except into the grievance stage after a decision.
    for settled in (D.RESOLVED, D.GRIEVANCE_CLOSED):
        assert not any(dispute_allows(settled, move) for move in moves)
