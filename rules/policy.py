"""The deadlines policy: every timescale of the procedure, in working days, read from a TOML file."""

from __future__ import annotations

import itertools
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

ENV_VAR = "CASE_REVIEW_POLICY"

# Timescale key -> what it is the deadline for (shown to administrators, in their language). Order is
# display order.
TIMESCALES: Mapping[str, LazyString] = MappingProxyType(
    {
        "acknowledge_incident": _l(
            "Area Head of Operations acknowledges the notification (from notification)"
        ),
        "consult_area_head": _l(
            "CEO or DCE consults the Area Head of Operations, ongoing proceedings (from notification)"
        ),
        "rapid_review": _l("Rapid review and timeline when a SUSR is known (from notification)"),
        "decision": _l(
            "CEO or DCE decides whether to initiate a review (from notification, or from the "
            "end of the rapid review)"
        ),
        "inform_practitioner_and_pm": _l(
            "Area Head of Operations informs the practitioner and Practice Manager (from notification)"
        ),
        "offer_eap_referral": _l("Practice Manager offers an EAP referral (from notification)"),
        "eap_follow_up": _l(
            "Practice Manager follows up an EAP offer whose answer is awaited (from the offer)"
        ),
        "first_support_meeting": _l("First support meeting with the practitioner (from notification)"),
        "support_meeting_cadence": _l("Interval between regular support meetings"),
        "agree_support_needs": _l("Support needs agreed with the practitioner (from notification)"),
        "confirm_support_needs": _l(
            "Practitioner confirms or disputes the recorded support needs (from recording)"
        ),
        "confirm_outside_procedure": _l(
            "CEO or DCE confirms no review, or initiates one, for an incident "
            "outside the procedure (from notification)"
        ),
        "allocate_reviewer": _l("Independent Head of Operations allocated as reviewer (from initiation)"),
        "gather_information": _l("Reviewer gathers the information (from allocation)"),
        "draft_report": _l("Reviewer drafts the report (from allocation)"),
        "accuracy_response": _l("Accuracy agreed or concern raised by each reader (from sharing)"),
        "dispute_author_stage": _l("Dispute stage 1: report author resolves (from the concern)"),
        "dispute_dce_stage": _l("Dispute stage 2: Deputy Chief Executive decides (from escalation)"),
        "dispute_raiser_answer": _l(
            "Dispute stage 1: the person who raised the concern says whether the "
            "author's response or revision resolves it (from the response)"
        ),
        "dispute_revision": _l(
            "Dispute stage 2, upheld: the report author shares the revision the Deputy "
            "Chief Executive decided (from the decision)"
        ),
        "grievance_stage": _l(
            "Dispute stage 3: outcome of the Welsh Government grievance recorded (from "
            "the grievance being opened)"
        ),
        "share_with_external_review": _l("Report shared with the SUSR or SCR (from agreement; optional)"),
        "slt_discussion": _l("Senior Leadership Team discusses the themes (from agreement)"),
        "agree_action_plan": _l("Action plan agreed (from the SLT discussion)"),
        "action_plan_progress_review": _l("Interval between Practice Development Team progress reviews"),
        "acknowledge_briefing": _l(
            "Each recipient acknowledges a learning briefing, then the escalation ladder (from sending)"
        ),
        "action_due_maximum": _l(
            "Latest due date an improvement action may be given (from the day it is set)"
        ),
    }
)
OPTIONAL = frozenset({"share_with_external_review"})

ESCALATION: Mapping[str, LazyString] = MappingProxyType(
    {
        "reminder_at_due": _l("Reminder to the assignee (working days after the due date)"),
        "line_manager_after": _l("Escalation to the assignee's line manager (working days after due)"),
        "deputy_chief_executive_after": _l(
            "Escalation to the Deputy Chief Executive (working days after due)"
        ),
    }
)


class PolicyError(ValueError):
    """The policy file is unreadable or invalid; ``key`` names the offending key, if any."""

    def __init__(self, key: str | None, message: str) -> None:
        super().__init__(message)
        self.key = key


@dataclass(frozen=True)
class Escalation:
    """The escalation ladder for an overdue task, in working days after its due date."""

    reminder_at_due: int
    line_manager_after: int
    deputy_chief_executive_after: int


@dataclass(frozen=True)
class Policy:
    """Timescales in working days; ``None`` for an optional timescale the file leaves out."""

    timescales: Mapping[str, int | None]
    escalation: Escalation
    source: str

    def timescale(self, name: str) -> int:
        """Working days allowed for ``name``; PolicyError if unknown or not set."""
        if name not in TIMESCALES:
            raise PolicyError(name, f"unknown timescale {name!r}")
        days = self.timescales[name]
        if days is None:
            raise PolicyError(name, f"timescale {name!r} is not set in {self.source}")
        return days

    def describe(self) -> list[tuple[str, int | None, str]]:
        """(key, working days, description) for every setting, for the administrators' page."""
        rows = [(key, self.timescales[key], text) for key, text in TIMESCALES.items()]
        rows += [
            (f"escalation.{key}", getattr(self.escalation, key), text) for key, text in ESCALATION.items()
        ]
        return rows


def with_overrides(base: Policy, overrides: Mapping[str, int], source: str) -> Policy:
    """``base`` with some settings changed (keys as in ``Policy.describe``), checked exactly as a
    file is: PolicyError names the first bad key (unknown, not a whole number, ladder out of order)."""
    data: dict[str, Any] = {key: days for key, days in base.timescales.items() if days is not None}
    ladder: dict[str, Any] = {key: getattr(base.escalation, key) for key in ESCALATION}
    for key, days in overrides.items():
        if key.startswith("escalation."):
            ladder[key.removeprefix("escalation.")] = days
        else:
            data[key] = days
    data["escalation"] = ladder
    return _parse(data, source)


def load_policy(path: str | Path | None = None) -> Policy:
    """Read and check a policy file: ``path``, else $CASE_REVIEW_POLICY, else the packaged default."""
    if path is None:
        path = os.environ.get(ENV_VAR) or None
    source = "the default policy (rules/policy.toml)" if path is None else str(path)
    try:
        if path is None:
            text = resources.files("rules").joinpath("policy.toml").read_text("utf-8")
        else:
            text = Path(path).read_text("utf-8")
        data = tomllib.loads(text)
    except OSError as error:
        raise PolicyError(None, f"cannot read {source}: {error.strerror or error}") from error
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise PolicyError(None, f"{source} is not valid TOML: {error}") from error
    return _parse(data, source)


def _parse(data: dict[str, Any], source: str) -> Policy:
    ladder = data.pop("escalation", None)
    _check_keys(data, TIMESCALES, OPTIONAL, "", source)
    timescales = {key: _days(key, data[key], 1, source) if key in data else None for key in TIMESCALES}
    if not isinstance(ladder, dict):
        raise PolicyError("escalation", f"{source}: an [escalation] table is required")
    _check_keys(ladder, ESCALATION, frozenset(), "escalation.", source)
    # The reminder may fall on the due date itself; the escalations come later.
    escalation = Escalation(
        **{
            key: _days(f"escalation.{key}", ladder[key], 0 if key == "reminder_at_due" else 1, source)
            for key in ESCALATION
        }
    )
    # Each step of the ladder must come after the one before it.
    for earlier, later in itertools.pairwise(ESCALATION):
        if getattr(escalation, later) <= getattr(escalation, earlier):
            # In English, as the logs and the command line read it; the administrators' page puts
            # it in the reader's language (webapp/admin/routes._policy_problem).
            raise PolicyError(
                f"escalation.{later}", f"{source}: escalation.{later} must be later than {earlier}"
            )
    return Policy(MappingProxyType(timescales), escalation, source)


def _check_keys(
    table: dict[str, Any], known: Mapping[str, str], optional: frozenset[str], prefix: str, source: str
) -> None:
    for key in table:
        if key not in known:
            raise PolicyError(prefix + key, f"{source}: unknown policy key {prefix + key!r}")
    for key in known:
        if key not in table and key not in optional:
            raise PolicyError(prefix + key, f"{source}: missing policy key {prefix + key!r}")


def _days(key: str, value: Any, minimum: int, source: str) -> int:
    # bool is an int subclass; "true" is not a number of days.
    if type(value) is not int or value < minimum:
        raise PolicyError(
            key,
            f"{source}: {key} must be a whole number of working days, at least {minimum}; got {value!r}",
        )
    return value
