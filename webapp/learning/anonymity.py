"""A learning briefing names nobody: the names and case numbers stored in the cases a briefing draws
on, and how to find them in its text (webapp/learning/briefings.py refuses a briefing holding any)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import select

from webapp.extensions import db
from webapp.models import Case, Child, Incident, Review, User

# Words of a stored name shorter than this are not looked for on their own ("Jo", "Al", initials):
# they would refuse ordinary words; the whole name is still looked for.
SHORTEST_NAME_PART = 3
# Words that a "notified by" entry holds beside a name ("Police", "Health visitor"): not names.
NOT_NAMES = frozenset(
    [
        "police",
        "officer",
        "constable",
        "health",
        "visitor",
        "school",
        "teacher",
        "nurse",
        "doctor",
        "hospital",
        "gp",
        "social",
        "worker",
        "services",
        "service",
        "council",
        "team",
        "department",
        "court",
        "family",
        "mother",
        "father",
        "mum",
        "dad",
        "grandmother",
        "grandfather",
        "aunt",
        "uncle",
        "sister",
        "brother",
        "the",
        "and",
        "of",
        "for",
        "from",
        "by",
        "with",
        "mr",
        "mrs",
        "ms",
        "miss",
        "dr",
        "neighbour",
        "local",
        "authority",
        "agency",
        "board",
        "nhs",
        "ambulance",
        "paramedic",
        "probation",
        "housing",
        "education",
        "safeguarding",
        "cafcass",
        "cymru",
        "demo",
        "friend",
        "unknown",
        "other",
    ]
)


def stored_names(review_ids: Iterable[int]) -> list[str]:
    """Every name and case number the cases behind these reviews hold: the case number, the
    children's names, who notified the incident, the case's practitioner and Practice Manager."""
    ids = list(set(review_ids))
    if not ids:
        return []
    cases = select(Review.case_id).where(Review.id.in_(ids))
    practitioner, manager = User.__table__.alias("practitioner"), User.__table__.alias("manager")
    names: list[str] = []
    for number, practitioner_name, manager_name in db.session.execute(
        select(Case.case_number, practitioner.c.name, manager.c.name)
        .join(practitioner, practitioner.c.id == Case.practitioner_id)
        .join(manager, manager.c.id == Case.practice_manager_id)
        .where(Case.id.in_(cases))
    ):
        names += [number, practitioner_name, manager_name]
    names += db.session.execute(select(Child.name).where(Child.case_id.in_(cases))).scalars()
    # Who notified the incident is often an agency or a role ("Local authority social worker"), at
    # times a person: its capitalised words that are not ordinary words are taken as names.
    for notifier in db.session.execute(
        select(Incident.notified_by).where(Incident.case_id.in_(cases))
    ).scalars():
        names += [
            word
            for word in _WORD.findall(notifier or "")
            if word[:1].isupper() and word.casefold() not in NOT_NAMES
        ]
    return [name for name in names if name and name.strip()]


_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


def _looked_for(stored: str) -> set[str]:
    """What to look for from one stored value. A case number (it has digits) is looked for whole.
    A name is looked for whole, and word by word (each part of a double-barrelled name too), leaving
    out words too short to be a name on their own and ordinary words found beside names ("Police",
    "health visitor" in who notified the incident)."""
    value = " ".join(stored.split())
    if any(ch.isdigit() for ch in value):
        return {value}
    words = {
        part
        for word in _WORD.findall(value)
        for part in {word, *re.split(r"[-'’]", word)}
        if len(part) >= SHORTEST_NAME_PART and part.casefold() not in NOT_NAMES
    }
    return words | {value} if words else set()


def names_in(text: str, review_ids: Iterable[int]) -> list[str]:
    """The stored names and case numbers that ``text`` contains as whole words, ignoring case, as
    written in the text (each once, in the order they first appear)."""
    found: dict[str, tuple[int, str]] = {}
    for stored in stored_names(review_ids):
        for wanted in _looked_for(stored):
            pattern = re.compile(r"(?<![\w])" + re.escape(wanted) + r"(?![\w])", re.IGNORECASE)
            for match in pattern.finditer(text):
                key = match.group(0).casefold()
                if key not in found or match.start() < found[key][0]:
                    found[key] = (match.start(), match.group(0))
    # A word inside a longer match found ("Smith" in "Jane Smith") is listed once, as the longer.
    listed = sorted(found.values())
    kept = [w for _, w in listed if not any(w != o and w.casefold() in o.casefold() for _, o in listed)]
    return kept
