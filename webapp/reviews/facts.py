"""What a person deciding on a review must weigh, gathered once for every page that asks for a
decision (the CE/DCE decision, acknowledgement, consultation, rapid review, allocation, accuracy and
dispute pages): the incident's facts, the rules' reasons, the Area Head's view and the rapid review's
recommendation. The pages show it with ``reviews/_facts.html``."""

from __future__ import annotations

from dataclasses import dataclass

from rules.clauses import Clause, quoted
from rules.procedure import RULES_BY_ID
from webapp.i18n import gettext
from webapp.models import Incident, Review, Task, TaskKind


@dataclass(frozen=True)
class ShownReason:
    """A reason the rules gave, as a reader sees it."""

    rule: str
    text: str
    clause: Clause
    as_written: bool  # shown as the record keeps it, in English (its rule has gone or been reworded)


def shown_reasons(stored: list[dict]) -> list[ShownReason]:
    """The reasons a record keeps (in English, as the rules gave them) in the reader's language, each
    found by its rule's id; a reason whose rule has gone or been reworded since is shown as stored."""
    shown = []
    for reason in stored:
        rule = RULES_BY_ID.get(reason.get("rule", ""))
        text = reason.get("text", "")
        known = rule is not None and rule.text == text
        shown.append(
            ShownReason(
                rule=reason.get("rule", ""),
                text=gettext(text) if known else text,
                clause=quoted(reason.get("clause", "")),
                as_written=not known,
            )
        )
    return shown


@dataclass(frozen=True)
class Consultation:
    asked: bool  # the procedure asks for the Area Head's view (proceedings ongoing)
    view: str | None
    by: str | None


@dataclass(frozen=True)
class RapidReview:
    asked: bool  # a rapid review and timeline is needed (a SUSR known from the outset)
    done: bool
    full_review_recommended: bool | None
    findings: str | None


@dataclass(frozen=True)
class DecisionFacts:
    review: Review
    incident: Incident
    case_number: str
    proceedings: str
    reasons: list[ShownReason]
    consultation: Consultation
    rapid_review: RapidReview


def _done_by(task: Task | None) -> str | None:
    return task.completed_by.name if task is not None and task.completed_by is not None else None


def decision_facts(review: Review) -> DecisionFacts:
    incident = review.incident
    consult = review.task(TaskKind.CONSULT_AREA_HEAD)
    rapid = review.task(TaskKind.RAPID_REVIEW)
    consult_outcome = consult.outcome if consult is not None and not consult.is_open else {}
    rapid_outcome = rapid.outcome if rapid is not None and not rapid.is_open else {}
    return DecisionFacts(
        review=review,
        incident=incident,
        case_number=review.case.case_number,
        proceedings=review.case.proceedings_status.label,
        reasons=shown_reasons(review.reasons or []),
        consultation=Consultation(
            asked=consult is not None,
            view=(consult_outcome or {}).get("view"),
            by=_done_by(consult) if consult_outcome else None,
        ),
        rapid_review=RapidReview(
            asked=rapid is not None,
            done=bool(rapid_outcome),
            full_review_recommended=(rapid_outcome or {}).get("full_review_recommended"),
            findings=(rapid_outcome or {}).get("findings"),
        ),
    )
