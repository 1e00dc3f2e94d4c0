"""Report versions and agreement as one model: a concern answered by a revision shared as a new
version to all three parties (the raiser first, earlier answers and a diff beside it); a DCE decision
upholding a concern sends the report back for a revision; the agreed report is the last shared
version every party agreed or the DCE decided, and only it is disclosed or exported as "Agreed"."""

from __future__ import annotations

import pytest
from sqlalchemy import select

import rules
from tests.accuracy.helpers import shared_review
from tests.accuracy.test_accuracy import actions, agree, concern, tasks_of, url
from tests.accuracy.test_disclosure import form as disclosure_form
from tests.clock import london_today
from webapp.accuracy import agreement, disclosure
from webapp.conduct import document as report_document
from webapp.conduct import report
from webapp.extensions import db
from webapp.models import (
    AccuracyResponse,
    Dispute,
    DisputeOutcome,
    DisputeStage,
    GatheringItem,
    GatheringSource,
    ReportDraft,
    ReviewState,
    TaskKind,
    TaskStatus,
    utcnow,
)

COMPLETE = {
    "background": "Two children, the subject of a child arrangements application.",
    "no_children_reason": "The children are recorded on the court file only.",
    "no_applications_reason": "The application is recorded on the court file only.",
    "incident_summary": "A serious incident at the family home.",
    "inquiries": "Case file read; practitioner, PM and HoO spoken to.",
    "chronology_none": ["identified_risk", "liaison", "vulnerability"],
    "decision_making": "Decisions were discussed in supervision.",
    "procedural_issues": ["The risk assessment was not updated after the police report."],
    "practice_issues": [],
    "conclusions_none": ["practice_issues"],
    "impact": "Our involvement did not change the risk the children faced.",
    "learning_points": ["Update the risk assessment when new information arrives."],
}


@pytest.fixture
def shared(app):
    shared = shared_review(susr=True)
    for source in GatheringSource:
        db.session.add(GatheringItem(review_id=shared.review.id, source=source, done_on=london_today()))
    db.session.commit()
    return shared


def dispute_of(party: str) -> Dispute:
    return next(d for d in db.session.execute(select(Dispute)).scalars() if d.response.party == party)


def save_version(shared, **changes) -> ReportDraft:
    """The reviewer saves a new version of the report (complete, so it can be shared)."""
    latest = report.latest_draft(shared.review)
    draft = report.save_draft(
        shared.review, {**COMPLETE, **changes}, based_on=latest.version, actor=shared.reviewer
    )
    assert draft is not None
    return draft


def share_revision(signed_in, shared, draft: ReportDraft, note="The visit of 3 March is now in the summary."):
    return signed_in(shared.reviewer).post(
        f"/reviews/{shared.review.id}/report/revision",
        {"version": str(draft.version), "note": note},
        status=302,
    )


def raiser_answers(signed_in, shared, dispute, *, resolved: bool, reason: str = ""):
    return signed_in(shared.person(dispute.response.party)).post(
        f"/reviews/{shared.review.id}/disputes/{dispute.id}/answer",
        {"resolved": "yes" if resolved else "no", "reason": reason},
        status=302,
    )


def asked_on(review, draft) -> dict[str, TaskStatus]:
    return {party: task.status for party, task in agreement.accuracy_tasks(review, draft).items()}


def test_a_revision_after_a_concern_is_shared_to_all_three_the_raiser_first_and_agreed(shared, signed_in):
    review = shared.review
    agree(signed_in, shared, "practitioner")
    agree(signed_in, shared, "head_of_operations")
    concern(signed_in, shared, "practice_manager", "The summary misses the visit of 3 March.")
    dispute = dispute_of("practice_manager")
    reviewer = signed_in(shared.reviewer)
    revision_path = f"/reviews/{review.id}/report/revision"
    # The author is offered both ways of answering; a revision needs a new version first.
    page = reviewer.get(f"/reviews/{review.id}/disputes/{dispute.id}/author")
    assert page.html.find("a", href=revision_path) and "Revise the report" in page.text()
    assert "Save a new version of the report first" in reviewer.get(revision_path).text()
    v2 = save_version(
        shared, incident_summary="A serious incident at the family home after the visit of 3 March."
    )
    # The revision page shows what changed, and needs the author to say what and why.
    page = reviewer.get(revision_path)
    assert (
        "Changes from version 1 to version 2" in page.text() and "after the visit of 3 March" in page.text()
    )
    page = reviewer.post(revision_path, {"version": "2", "note": ""})
    assert page.error_summary() == ["Say what you changed in this version, and why"]
    share_revision(signed_in, shared, v2)

    db.session.refresh(v2)
    db.session.refresh(dispute)
    assert v2.shared_at is not None and v2.snapshot is not None
    assert v2.revision_note == "The visit of 3 March is now in the summary."
    assert (dispute.stage, dispute.draft_id, dispute.revision_id) == (DisputeStage.RAISER, v2.id, v2.id)
    assert actions(review)[-2:] == ["raise_concern", "share_revision"]
    assert review.state == ReviewState.DISPUTE_AUTHOR
    assert report.version_status(review, shared.draft) == "Shared for accuracy, replaced by version 2"
    assert report.version_status(review, v2) == "Shared for accuracy"
    [author_task] = tasks_of(review, TaskKind.RESOLVE_CONCERN)
    assert author_task.status == TaskStatus.DONE
    # The raiser first: her task is about version 2; nobody else is asked yet.
    [confirm] = tasks_of(review, TaskKind.CONFIRM_CONCERN_RESOLVED)
    assert (confirm.draft_id, confirm.party, confirm.assignee_id) == (
        v2.id,
        "practice_manager",
        shared.manager.id,
    )
    assert asked_on(review, v2) == {}
    overview = signed_in(shared.practitioner).get(f"/reviews/{review.id}/accuracy").text()
    assert "the Practice Manager confirms first" in overview and "Asked next" in overview
    assert "Version 1: agreed" in overview  # her earlier answer, beside the new version
    page = signed_in(shared.manager).get(f"/reviews/{review.id}/disputes/{dispute.id}/answer")
    assert (
        "Changes from version 1 to version 2" in page.text() and "after the visit of 3 March" in page.text()
    )
    assert "The visit of 3 March is now in the summary." in page.text()

    raiser_answers(signed_in, shared, dispute, resolved=True)
    db.session.refresh(dispute)
    assert dispute.stage == DisputeStage.RESOLVED
    assert agreement.responses_to(v2)["practice_manager"].agrees is True
    assert actions(review)[-1] == "resolved_by_author" and review.state == ReviewState.ACCURACY_CHECK
    # Then the other two confirm again, their earlier answers beside the new version.
    assert asked_on(review, v2) == {"practitioner": TaskStatus.OPEN, "head_of_operations": TaskStatus.OPEN}
    page = signed_in(shared.practitioner).get(url(shared, "practitioner"))
    assert "Your earlier answers" in page.text() and "Version 1: you agreed it" in page.text()
    assert "Check the review report (version 2) for accuracy" in page.text()
    agree(signed_in, shared, "practitioner")
    db.session.refresh(review)
    assert review.state == ReviewState.ACCURACY_CHECK
    agree(signed_in, shared, "head_of_operations")
    assert actions(review)[-1] == "all_agreed" and review.state == ReviewState.AGREED
    db.session.refresh(v2)
    db.session.refresh(shared.draft)
    assert v2.agreed_at is not None and shared.draft.agreed_at is None
    assert report.agreed_draft(review).id == v2.id
    assert report.version_status(review, v2) == "Agreed"


def test_an_upheld_decision_leads_to_a_new_agreed_version_3_and_only_it_is_disclosed(shared, signed_in, app):
    review = shared.review
    concern(signed_in, shared, "practitioner", "The chronology misses the police report.")
    dispute = dispute_of("practitioner")
    v2 = save_version(shared, inquiries="Case file and the police report read.")
    share_revision(signed_in, shared, v2, note="The police report is now listed.")
    # Not resolved by version 2: to the DCE, with why; that is also her answer on version 2.
    raiser_answers(
        signed_in, shared, dispute, resolved=False, reason="The date of the report is still wrong."
    )
    db.session.refresh(dispute)
    assert dispute.stage == DisputeStage.DEPUTY_CHIEF_EXECUTIVE and review.state == ReviewState.DISPUTE_DCE
    answer = agreement.responses_to(v2)["practitioner"]
    assert (answer.agrees, answer.concern) == (False, "The date of the report is still wrong.")
    assert asked_on(review, v2) == {}  # the others wait for the DCE
    # A revision cannot be shared while the DCE decides on the version as shared.
    save_version(shared, inquiries="Another try.")
    page = signed_in(shared.reviewer).get(f"/reviews/{review.id}/report/revision")
    assert "wait for the decision" in page.text()
    # The DCE upholds it: back to the author, with a task and a deadline of its own.
    signed_in(shared.dce).post(
        f"/reviews/{review.id}/disputes/{dispute.id}/decide",
        {"outcome": "upheld", "decision": "The report must give the right date."},
        status=302,
    )
    db.session.refresh(dispute)
    assert dispute.stage == DisputeStage.REVISION and dispute.dce_outcome == DisputeOutcome.UPHELD
    assert review.state == ReviewState.DISPUTE_DCE and report.agreed_draft(review) is None
    [revise] = tasks_of(review, TaskKind.REVISE_REPORT)
    policy = app.extensions["case_review_policy"]
    assert revise.assignee_id == shared.reviewer.id and revise.dispute_id == dispute.id
    assert revise.due_on == rules.due_date(utcnow(), policy.timescale("dispute_revision"))
    assert revise.kind.label == "Revise the report as the Deputy Chief Executive decided"
    v3 = report.latest_draft(review)
    assert v3.version == 3
    share_revision(signed_in, shared, v3, note="The police report's date corrected, as the DCE decided.")
    db.session.refresh(dispute)
    db.session.refresh(revise)
    assert revise.status == TaskStatus.DONE
    assert (dispute.stage, dispute.draft_id, dispute.revision_id) == (DisputeStage.DECIDED, v2.id, v3.id)
    assert actions(review)[-1] == "share_decided_revision" and review.state == ReviewState.ACCURACY_CHECK
    # The raiser confirms first, as a party on version 3; then the others.
    assert asked_on(review, v3) == {"practitioner": TaskStatus.OPEN}
    agree(signed_in, shared, "practitioner")
    assert asked_on(review, v3) == {
        "practitioner": TaskStatus.DONE,
        "practice_manager": TaskStatus.OPEN,
        "head_of_operations": TaskStatus.OPEN,
    }
    page = signed_in(shared.manager).get(url(shared, "practice_manager"))
    assert "Changes from version 2 to version 3" in page.text()
    agree(signed_in, shared, "practice_manager")
    agree(signed_in, shared, "head_of_operations")
    assert review.state == ReviewState.AGREED and report.agreed_draft(review).id == v3.id

    # Only version 3 is offered for disclosure, and only it can be recorded.
    assert [d.id for d in disclosure.disclosable_drafts(review)] == [v3.id]
    ce = signed_in(shared.ce)
    page = ce.get(f"/reviews/{review.id}/disclosures/new")
    options = [o["value"] for o in page.html.find("select", attrs={"name": "draft_id"}).find_all("option")]
    assert options == ["", str(v3.id)]
    page = ce.post(f"/reviews/{review.id}/disclosures/new", disclosure_form(draft_id=str(v2.id)))
    assert page.status == 200 and "Select" in " ".join(page.error_summary())
    ce.post(f"/reviews/{review.id}/disclosures/new", disclosure_form(draft_id=str(v3.id)), status=302)
    # Each version exports with its real status: only version 3 is "Agreed".
    statuses = {d.version: report_document.for_version(review, d).status for d in (shared.draft, v2, v3)}
    assert statuses == {
        1: "Shared for accuracy, replaced by version 3",
        2: "Shared for accuracy, replaced by version 3",
        3: "Agreed",
    }


@pytest.mark.parametrize("outcome", ["upheld", "partly_upheld"])
def test_upheld_in_whole_or_part_sends_the_report_back(shared, signed_in, outcome):
    concern(signed_in, shared, "head_of_operations")
    dispute = dispute_of("head_of_operations")
    signed_in(shared.reviewer).post(
        f"/reviews/{shared.review.id}/disputes/{dispute.id}/author", {"response": "It stands."}, status=302
    )
    raiser_answers(signed_in, shared, dispute, resolved=False)
    signed_in(shared.dce).post(
        f"/reviews/{shared.review.id}/disputes/{dispute.id}/decide",
        {"outcome": outcome, "decision": "Revise the conclusions."},
        status=302,
    )
    db.session.refresh(dispute)
    assert dispute.stage == DisputeStage.REVISION and dispute.dce_outcome == DisputeOutcome(outcome)
    assert len(tasks_of(shared.review, TaskKind.REVISE_REPORT)) == 1


def test_not_upheld_settles_the_raiser_on_the_version_and_the_others_confirm_it(shared, signed_in):
    review = shared.review
    concern(signed_in, shared, "practitioner")
    dispute = dispute_of("practitioner")
    v2 = save_version(shared, impact="Our involvement was limited to one report.")
    share_revision(signed_in, shared, v2)
    raiser_answers(signed_in, shared, dispute, resolved=False)
    signed_in(shared.dce).post(
        f"/reviews/{review.id}/disputes/{dispute.id}/decide",
        {"outcome": "not_upheld", "decision": "Version 2 is accurate."},
        status=302,
    )
    db.session.refresh(dispute)
    assert dispute.stage == DisputeStage.DECIDED and not tasks_of(review, TaskKind.REVISE_REPORT)
    # The DCE's decision stands for the raiser; the other two now confirm version 2.
    assert asked_on(review, v2) == {
        "practice_manager": TaskStatus.OPEN,
        "head_of_operations": TaskStatus.OPEN,
    }
    agree(signed_in, shared, "practice_manager")
    agree(signed_in, shared, "head_of_operations")
    assert actions(review)[-1] == "dce_decided" and review.state == ReviewState.AGREED
    assert report.agreed_draft(review).id == v2.id


def test_a_revision_is_refused_without_a_concern_for_it_or_by_anyone_but_the_author(shared, signed_in):
    review = shared.review
    save_version(shared, impact="Changed.")
    page = signed_in(shared.reviewer).get(f"/reviews/{review.id}/report/revision")
    assert "No concern is waiting for the report author" in page.text()
    signed_in(shared.reviewer).post(
        f"/reviews/{review.id}/report/revision", {"version": "2", "note": "x"}, status=302
    )
    assert report.shared_draft(review).version == 1
    concern(signed_in, shared, "practitioner")
    signed_in(shared.hoo).post(
        f"/reviews/{review.id}/report/revision", {"version": "2", "note": "x"}, status=403
    )
    assert report.shared_draft(review).version == 1


def test_a_revision_replaces_the_questions_about_the_earlier_version(shared, signed_in):
    review = shared.review
    concern(signed_in, shared, "practitioner")  # the others have not answered version 1
    v2 = save_version(shared, impact="Changed.")
    share_revision(signed_in, shared, v2)
    on_v1 = agreement.accuracy_tasks(review, shared.draft)
    assert on_v1["practice_manager"].status == TaskStatus.CANCELLED
    assert on_v1["head_of_operations"].status == TaskStatus.CANCELLED
    # They cannot answer version 1 now: their page is version 2's, once the raiser has answered.
    assert (
        db.session.execute(
            select(AccuracyResponse).where(AccuracyResponse.party == "head_of_operations")
        ).first()
        is None
    )


def test_review_task_is_not_ambiguous_for_kinds_held_many_times(shared):
    review = shared.review
    with pytest.raises(ValueError, match="many"):
        review.task(TaskKind.CHECK_REPORT_ACCURACY)
    assert review.task(TaskKind.ALLOCATE_REVIEWER).status == TaskStatus.DONE


def test_the_review_page_shows_the_latest_version_and_the_one_shared_for_accuracy(shared, signed_in):
    """While a revision is saved but not shared, the conduct panel speaks of the new version and the
    accuracy panel of the one the parties were asked about; once shared, both of the new one."""
    review = shared.review
    concern(signed_in, shared, "practice_manager", "The summary misses the visit of 3 March.")
    v2 = save_version(shared, incident_summary="A serious incident after the visit of 3 March.")
    page = signed_in(shared.reviewer).get(f"/reviews/{review.id}")
    assert "Version 2, a revision not yet shared" in page.text()
    accuracy = page.html.find(id="accuracy-panel").get_text(" ", strip=True)
    assert "Version 1 was shared for accuracy" in accuracy

    share_revision(signed_in, shared, v2)
    page = signed_in(shared.reviewer).get(f"/reviews/{review.id}")
    assert "Version 2 shared for accuracy." in page.text()
    accuracy = page.html.find(id="accuracy-panel").get_text(" ", strip=True)
    assert "Version 2 was shared for accuracy" in accuracy
