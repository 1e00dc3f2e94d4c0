"""The parties' accuracy responses on a shared report, and the picture the accuracy pages and the
review page's panel show. When the report is agreed: agreement.py; disputes: disputes.py;
sharing with an external review: disclosure.py."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.exc import IntegrityError

from webapp import audit
from webapp.accuracy import disclosure, disputes
from webapp.accuracy.agreement import (
    PARTIES,
    PARTY_LABELS,
    AccuracyRefused,
    AlreadyResponded,
    NotYours,
    accuracy_tasks,
    agree_if_settled,
    disputes_of,
    earlier_responses,
    responses_to,
    settled_parties,
)
from webapp.conduct.report import shared_draft
from webapp.extensions import db
from webapp.formatting import format_date
from webapp.i18n import gettext as _
from webapp.models import (
    AccuracyResponse,
    Disclosure,
    Dispute,
    DisputeStage,
    ReportDraft,
    Review,
    Task,
    TaskKind,
    User,
)
from webapp.records import unit_of_work
from webapp.reviews.lifecycle import Work, allows, require
from webapp.tasks.pools import people_for
from webapp.tasks.services import add_task, close_task


def missing_parties(review: Review, draft: ReportDraft) -> list[str]:
    """Parties with nobody asked to answer: no active Head of Operations in the area, say."""
    tasks = accuracy_tasks(review, draft)
    return [party for party in PARTIES if party not in tasks]


@dataclass
class PartyStatus:
    party: str
    label: str  # in the language of the page
    task: Task | None
    response: AccuracyResponse | None
    dispute: Dispute | None

    @property
    def person(self) -> User | None:
        if self.response is not None:
            return self.response.user
        return self.task.assignee if self.task is not None else None


@dataclass
class AccuracyPicture:
    """Everything the accuracy pages and the review panel show, read once."""

    review: Review
    draft: ReportDraft | None
    parties: list[PartyStatus] = field(default_factory=list)
    disputes: list[Dispute] = field(default_factory=list)
    disclosures: list[Disclosure] = field(default_factory=list)
    earlier: dict[str, list[AccuracyResponse]] = field(default_factory=dict)  # answers on earlier versions
    first: set[str] = field(default_factory=set)  # parties who answer this revision before the others

    @property
    def missing(self) -> list[str]:
        """Parties nobody could be asked (not those waiting for the raiser to answer first)."""
        return [
            str(p.label)
            for p in self.parties
            if p.task is None and p.response is None and not (self.first and p.party not in self.first)
        ]

    @property
    def first_labels(self) -> list[str]:
        return [str(PARTY_LABELS[party]) for party in PARTIES if party in self.first]

    @property
    def open_grievances(self) -> list[Dispute]:
        return [d for d in self.disputes if d.stage == DisputeStage.GRIEVANCE]

    def my_open_tasks(self, user: User) -> list[PartyStatus]:
        return [
            p for p in self.parties if p.task is not None and p.task.is_open and p.task.assignee_id == user.id
        ]

    def stage_task(self, dispute: Dispute) -> Task | None:
        return disputes.stage_task(self.review, dispute)

    def disputes_to_answer(self, user: User) -> list[Dispute]:
        """Concerns this user raised whose author's response waits for their yes or no."""
        return [d for d in self.disputes if disputes.awaiting_raiser(d) and d.response.user_id == user.id]

    @property
    def may_disclose(self) -> bool:
        return allows(self.review.state, Work.DISCLOSE)


def picture(review: Review) -> AccuracyPicture:
    return picture_of(review, shared_draft(review))


def picture_of(review: Review, draft: ReportDraft | None) -> AccuracyPicture:
    """The accuracy picture of ``draft``, the latest version shared for accuracy (or none)."""
    disclosures = disclosure.disclosures_of(review)
    raised = disputes_of(review)
    if draft is None:
        return AccuracyPicture(review, None, disputes=raised, disclosures=disclosures)
    tasks = accuracy_tasks(review, draft)
    responses = responses_to(draft)
    by_party: dict[str, Dispute] = {}
    for dispute in raised:  # each party's latest dispute about this version
        if dispute.draft_id == draft.id or dispute.revision_id == draft.id:
            by_party[dispute.response.party] = dispute
    parties = [
        PartyStatus(
            party, str(PARTY_LABELS[party]), tasks.get(party), responses.get(party), by_party.get(party)
        )
        for party in PARTIES
    ]
    return AccuracyPicture(
        review,
        draft,
        parties,
        raised,
        disclosures,
        earlier=earlier_responses(review, draft),
        first=answering_first(draft, raised),
    )


def answering_first(draft: ReportDraft, raised: list[Dispute]) -> set[str]:
    """The parties whose concern this version answers: they say first whether it resolves it; the
    others are asked once those answers are settled (nobody is asked about a text that may change
    again). Empty when everyone may answer."""
    first = {d.response.party for d in raised if d.revision_id == draft.id}
    return first - settled_parties(draft)


def request_responses(review: Review, draft: ReportDraft) -> None:
    """Ask the three parties the procedure names (the practitioner, their Practice Manager and the
    Head of Operations of the case's area) to answer on this version: one accuracy task each, with
    those who raised the concern a revision answers asked first (``answering_first``).

    Safe to call again: a party already asked about, or answering, this version is not asked twice,
    so it runs after every step that may let the next party answer, and the CE or DCE can ask a party
    that had nobody (an area without a Head of Operations) once someone is in post. The caller
    commits."""
    case = review.case
    asked = accuracy_tasks(review, draft)
    answered = responses_to(draft)
    raised = disputes_of(review)
    first = answering_first(draft, raised)
    # A raiser whose dispute waits for their word answers there, not on a second task.
    confirming = {
        d.response.party for d in raised if d.stage == DisputeStage.RAISER and d.draft_id == draft.id
    }
    # The area's Head of Operations, or whoever pools.FALLBACKS names where the area has none.
    hoo = sorted(people_for("heads_of_operations", case.area_id), key=lambda user: user.id)
    for party, person_id in (
        ("practitioner", case.practitioner_id),
        ("practice_manager", case.practice_manager_id),
        ("head_of_operations", hoo[0].id if hoo else None),
    ):
        if person_id is None or party in asked or party in answered or party in confirming:
            continue  # nobody to ask (the page lists the party as missing), or already asked
        if first and party not in first:
            continue  # after those whose concern this revision answers
        add_task(
            review,
            TaskKind.CHECK_REPORT_ACCURACY,
            case,
            assignee_id=person_id,
            draft_id=draft.id,
            party=party,
        )


def request_missing(review: Review, *, actor: User) -> list[str]:
    """Ask the parties nobody was asked yet; returns the labels of those still without anyone."""
    draft = shared_draft(review)
    if draft is None:
        raise AccuracyRefused(_("The report is not out for accuracy responses, so nobody can be asked now."))
    require(review.state, Work.RESPOND, AccuracyRefused)
    with unit_of_work():
        request_responses(review, draft)
        db.session.flush()
    return [str(PARTY_LABELS[p]) for p in missing_parties(review, draft)]


def respond(
    review: Review, party: str, *, actor: User, agrees: bool, concern: str | None
) -> AccuracyResponse:
    """A party's answer on the shared report: agree, or raise a concern in writing."""
    draft = shared_draft(review)
    if draft is None:
        raise AccuracyRefused(_("The report has not been shared for accuracy yet."))
    task = accuracy_tasks(review, draft).get(party)
    if task is None or task.assignee_id != actor.id:
        raise NotYours
    existing = responses_to(draft).get(party)
    if existing is not None:
        raise AlreadyResponded(
            _(
                "You have already responded to this report, on %(date)s. A response cannot be changed "
                "once recorded.",
                date=format_date(existing.responded_at),
            )
        )
    require(review.state, Work.RESPOND, AccuracyRefused)
    concern = (concern or "").strip() or None
    if not agrees and concern is None:
        raise AccuracyRefused(_("Enter your concern about the report"))
    with unit_of_work():
        # First, so that a second submission (or a second tab) finds the task done and saves nothing.
        close_task(task, actor, {"agrees": agrees})
        response = AccuracyResponse(
            review_id=review.id,
            draft_id=draft.id,
            party=party,
            user_id=actor.id,
            agrees=agrees,
            concern=None if agrees else concern,
        )
        db.session.add(response)
        try:
            db.session.flush()
        except IntegrityError as error:
            raise AlreadyResponded(_("A response for this party has already been recorded.")) from error
        audit.record("accuracy.responded", record_id=response.id, case_id=review.case_id, actor=actor)
        if agrees:
            request_responses(review, draft)  # a raiser answering first lets the others answer
            agree_if_settled(review, draft, actor)
        else:
            disputes.open_dispute(review, response, actor=actor)
    return response
