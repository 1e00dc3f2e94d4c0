"""Every passage of the procedure the service quotes, in one place, each by name.

Source: Case Review Procedure (Cafcass Cymru, V1 August 2025). The English is the procedure's own; it
is what records keep (a rule's reason stores its clause in English). The Welsh is this service's
translation, in the catalogue under the comment "procedure clause NAME", and a Welsh page marks it so
(templates/_procedure.html). When Cafcass Cymru supplies the official Welsh text of the procedure, put
each clause's official Welsh in the catalogue and set ``OFFICIAL_WELSH_PROCEDURE = True``: the marking
goes (docs/welsh-glossary.md, "The procedure's own words").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from flask_babel import get_locale, gettext

# False while the Welsh of the clauses is this service's translation, not the procedure's own.
OFFICIAL_WELSH_PROCEDURE = False


def N_(text: str) -> str:
    """Marks a text for the catalogue where it must stay English (a record keeps it as written); it
    is put in the reader's language when shown."""
    return text


@dataclass(frozen=True)
class Clause:
    """One quoted passage of the procedure."""

    name: str
    english: str

    @property
    def text(self) -> str:
        """The passage in the language of the moment (a page's, or a recipient's)."""
        return gettext(self.english)

    @property
    def in_welsh(self) -> bool:
        locale = get_locale()
        return locale is not None and locale.language == "cy" and self.name in CLAUSES

    @property
    def service_translation(self) -> bool:
        """Shown in Welsh that is this service's translation, not the procedure's official text."""
        return self.in_welsh and not OFFICIAL_WELSH_PROCEDURE

    def __str__(self) -> str:
        return self.text


# --- Case Review Explained: when the procedure applies ---
TWO_CIRCUMSTANCES = Clause(
    "two_circumstances",
    # Translators: procedure clause two_circumstances
    N_('Case Review Explained: "Internal case reviews may be conducted in two circumstances"'),
)
BOTH_CIRCUMSTANCES = Clause(
    "both_circumstances",
    # Translators: procedure clause both_circumstances
    N_(
        'Case Review Explained: "Internal case reviews may be conducted in two circumstances": '
        "1. Ongoing Proceedings, 2. Closed Cases."
    ),
)
ONGOING_PROCEEDINGS = Clause(
    "ongoing_proceedings",
    # Translators: procedure clause ongoing_proceedings
    N_(
        'Case Review Explained, 1. Ongoing Proceedings: "Where we are actively involved in a case and a '
        "death or significant incident has occurred, or appears to have occurred, as a result of violence, "
        "abuse, neglect, or suicide. This applies to children who are the subject of an application or "
        'adults who are parties to the proceedings."'
    ),
)
CLOSED_CASES = Clause(
    "closed_cases",
    # Translators: procedure clause closed_cases
    N_(
        'Case Review Explained, 2. Closed Cases: "Where we become aware of a death or significant '
        'incident linked to previous family court involvement."'
    ),
)
SUSR_FROM_THE_OUTSET = Clause(
    "susr_from_the_outset",
    # Translators: procedure clause susr_from_the_outset
    N_(
        'Case Review Explained: "If we are aware from the outset that a Single Unified Safeguarding Review '
        "will be taking place, we will follow their process. However, we will also conduct a rapid review "
        'and develop a timeline to determine whether a full internal case review is required."'
    ),
)
SHARED_WITH_SCR = Clause(
    "shared_with_scr",
    # Translators: procedure clause shared_with_scr
    N_(
        'Case Review Explained: "The final investigation report may be shared with formal external review '
        'processes, such as: [...] Serious Case Reviews (England)"'
    ),
)
DISCLOSURE = Clause(
    "disclosure",
    # Translators: procedure clause disclosure
    N_(
        "Case Review Explained: the final investigation report may be shared with formal external review "
        "processes, such as Single Unified Safeguarding Reviews (Wales) and Serious Case Reviews (England)."
    ),
)

# --- Purpose and Process: who decides ---
DECISION_IN_CONSULTATION = Clause(
    "decision_in_consultation",
    # Translators: procedure clause decision_in_consultation
    N_(
        'Purpose and Process: "The decision to initiate a review will be made by the Chief Executive '
        "Officer or Deputy Chief Executive, either: [...] In consultation with the Area Head of Operations "
        'where a death or significant incident has occurred during proceedings."'
    ),
)
DECISION_FOLLOWING_NOTIFICATION = Clause(
    "decision_following_notification",
    # Translators: procedure clause decision_following_notification
    N_(
        'Purpose and Process: "The decision to initiate a review will be made by the Chief Executive '
        "Officer or Deputy Chief Executive, either: Following notification of a death or significant "
        'incident, after proceedings have concluded [...]"'
    ),
)

# --- Transparency and Disputes: the report's accuracy (webapp/accuracy) ---
SHARING = Clause(
    "sharing",
    # Translators: procedure clause sharing
    N_(
        "Transparency and Disputes: the review report should be shared with the practitioner, Practice "
        "Manager, and Head of Operations for review and agreement on accuracy and learning points."
    ),
)
DISPUTE_AUTHOR = Clause(
    "dispute_author",
    # Translators: procedure clause dispute_author
    N_("Transparency and Disputes, 1: raise concerns with the report author for resolution."),
)
DISPUTE_DCE = Clause(
    "dispute_dce",
    # Translators: procedure clause dispute_dce
    N_(
        "Transparency and Disputes, 2: if unresolved, escalate to the Deputy Chief Executive for review and "
        "decision."
    ),
)
DISPUTE_GRIEVANCE = Clause(
    "dispute_grievance",
    # Translators: procedure clause dispute_grievance
    N_(
        "Transparency and Disputes, 3: if the dispute remains unresolved, the Welsh Government grievance "
        "procedures may be followed."
    ),
)

# --- Outcome: learning (quoted on the learning pages) ---
OUTCOME_SLT = Clause(
    "outcome_slt",
    # Translators: procedure clause outcome_slt
    N_(
        "Outcome: where learning is identified, review themes will be discussed at a Senior Leadership "
        "Team meeting."
    ),
)
OUTCOME_ACTION_PLAN = Clause(
    "outcome_action_plan",
    # Translators: procedure clause outcome_action_plan
    N_(
        "Outcome: an action plan will be agreed and overseen by the Practice Development Team, who will "
        "monitor and review progress."
    ),
)

CLAUSES: Mapping[str, Clause] = MappingProxyType(
    {
        clause.name: clause
        for clause in (
            TWO_CIRCUMSTANCES,
            BOTH_CIRCUMSTANCES,
            ONGOING_PROCEEDINGS,
            CLOSED_CASES,
            SUSR_FROM_THE_OUTSET,
            SHARED_WITH_SCR,
            DISCLOSURE,
            DECISION_IN_CONSULTATION,
            DECISION_FOLLOWING_NOTIFICATION,
            SHARING,
            DISPUTE_AUTHOR,
            DISPUTE_DCE,
            DISPUTE_GRIEVANCE,
            OUTCOME_SLT,
            OUTCOME_ACTION_PLAN,
        )
    }
)
_BY_ENGLISH = {clause.english: clause for clause in CLAUSES.values()}


def quoted(english: str) -> Clause:
    """The clause whose English a record stored; a passage no longer in the procedure's catalogue is
    shown as stored, in English (a nameless clause is never marked as translated)."""
    return _BY_ENGLISH.get(english) or Clause("", english)
