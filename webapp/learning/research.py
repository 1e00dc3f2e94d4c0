"""The dashboard's answers to the questions of learning-from-97-serious-case-reviews.txt: breakdowns
by law type and cause, the domestic-abuse cross-tab, which risk factors and practice themes occur
together, and the study's published figures beside the local ones.

Counts come from ``dashboard.totals`` (one aggregate row) and one GROUP BY for the pairs of tags, so
the cost does not grow with the reviews stored."""

from __future__ import annotations

from datetime import date

from sqlalchemy import case, func, select
from sqlalchemy.orm import aliased

from webapp.extensions import db
from webapp.learning.area import incident_in_area
from webapp.learning.figure import Figure, percent, share_figure
from webapp.models import (
    Incident,
    IncidentCause,
    LearningTag,
    Review,
    ReviewLearning,
    TagKind,
    review_learning_tags,
)

NATIONAL_STUDY = "National study, 2009-2016 (97 reviews)"

# (measure, the local count's key in the totals or a risk factor's name, base key, the study's words)
# The study's figures as it published them (learning-from-97-serious-case-reviews.txt).
NATIONAL = (
    ("Incident during family court proceedings", "during_proceedings", "reviews", "just over a third"),
    ("Death of the child", "deaths", "reviews", "about 60%"),
    ("Serious harm", "serious_harm", "reviews", "40%"),
    ("Caused by violence or abuse (the study: physical abuse or homicide)", "violence_or_abuse", "reviews",
     "almost half"),
    ("Caused by neglect (the study: neglect or co-sleeping)", "cause_neglect", "reviews", "a quarter"),
    ("Neglect as a risk factor", "risk:neglect", "reviews", "60%"),
    ("Domestic abuse as a risk factor", "risk:domestic abuse", "reviews", "71%"),
    ("Of those with domestic abuse: the perpetrator was not the person assessed as the main risk "
     "(the study: not the alleged domestic abuse perpetrator)", "domestic_abuse_assessed_no",
     "domestic_abuse", "almost half"),
    ("Suspected perpetrator a family member", "family_member", "reviews", "the vast majority"),
)  # fmt: skip


def kind_order(kind):
    """Risk factors before practice themes, the same on every database (an enum's order is not)."""
    return case((kind == TagKind.RISK_FACTOR, 0), else_=1)


def figures(
    counts: dict[str, int], risk_counts: dict[str, int], start: date, end: date, area_id: int | None = None
) -> list[Figure]:
    whole = counts["reviews"]
    of_reviews = f"Reviews with learning recorded whose incident happened in the period: {whole}."
    result = [
        share_figure(
            "law_type",
            "Public and private law",
            "Reviews by the case's type of law",
            "Type of law",
            [("Public law", counts["public_law"]), ("Private law", counts["private_law"])],
            whole,
            note=of_reviews,
        ),
        share_figure(
            "causes",
            "Cause of the incident",
            "Reviews by the cause of the incident",
            "Cause",
            [(cause.label, counts[f"cause_{cause.value}"]) for cause in IncidentCause],
            whole,
            note=of_reviews,
        ),
    ]
    abuse = counts["domestic_abuse"]
    result.append(
        share_figure(
            "domestic_abuse_perpetrator",
            "Domestic abuse and the person assessed as the main risk",
            "Of the reviews with domestic abuse as a risk factor: was the suspected perpetrator the person "
            "assessed as posing the greatest risk?",
            "Suspected perpetrator",
            [
                ("Not the person assessed as the main risk", counts["domestic_abuse_assessed_no"]),
                ("The person assessed as the main risk", counts["domestic_abuse_assessed_yes"]),
                ("Not known", counts["domestic_abuse_assessed_unknown"]),
            ],
            abuse,
            note=f"Percentages are of the {abuse} reviews with domestic abuse as a risk factor. The study "
            "found that in almost half of such cases the person thought to have harmed the child was not "
            "the alleged domestic abuse perpetrator.",
        )
    )
    result.append(together(start, end, whole, area_id))
    result.append(national(counts, risk_counts))
    return result


def together(start: date, end: date, whole: int, area_id: int | None = None) -> Figure:
    """Each pair of risk factors and practice themes recorded on the same review, with how many."""
    first, second = aliased(LearningTag), aliased(LearningTag)
    a, b = review_learning_tags.alias("a"), review_learning_tags.alias("b")
    reviews = func.count()
    rows = db.session.execute(
        select(first.name, second.name, reviews)
        .select_from(a)
        .join(b, (b.c.review_id == a.c.review_id) & (b.c.tag_id != a.c.tag_id))
        .join(first, first.id == a.c.tag_id)
        .join(second, second.id == b.c.tag_id)
        .join(ReviewLearning, ReviewLearning.review_id == a.c.review_id)
        .join(Review, Review.id == a.c.review_id)
        .join(Incident, Incident.id == Review.incident_id)
        # Each pair once: risk factors before practice themes, then by name.
        .where(
            Incident.occurred_on.between(start, end),
            incident_in_area(area_id),
            (kind_order(first.kind) < kind_order(second.kind))
            | ((first.kind == second.kind) & (first.name < second.name)),
        )
        .group_by(first.kind, first.name, second.kind, second.name)
        .order_by(reviews.desc(), first.name, second.name)
    ).all()
    figure = share_figure(
        "together",
        "Risk factors and practice themes that occur together",
        "Pairs of risk factors and practice themes recorded on the same review",
        "Recorded together",
        [(f"{one} and {other}", int(count)) for one, other, count in rows],
        whole,
        note=f"Of the {whole} reviews with learning recorded whose incident happened in the period. A review "
        "with three tags counts in each of its three pairs.",
    )
    return figure


def national(counts: dict[str, int], risk_counts: dict[str, int]) -> Figure:
    """Local figures beside the study's published ones, so a reader sees whether local reviews differ."""
    values = {
        **counts,
        "violence_or_abuse": counts["cause_violence"] + counts["cause_abuse"],
        **{f"risk:{name.lower()}": count for name, count in risk_counts.items()},
    }
    figure = Figure(
        "national",
        "Local reviews and the national study",
        "Local reviews beside the published figures of the 2009-2016 national study of 97 Serious Case "
        "Reviews",
        ["Measure", "Local reviews", "Local percentage", NATIONAL_STUDY],
        note="The national study is Cafcass's Learning from Cafcass submissions to Serious Case Reviews "
        "(97 submissions, 2009-2016); its figures are shown in its own words. Local percentages are of "
        "the reviews with learning recorded whose incident happened in the period.",
    )
    for label, key, base, published in NATIONAL:
        count, whole = values.get(key, 0), values[base]
        share = percent(count, whole)
        shown = "no reviews" if share is None else f"{share}%"
        figure.rows.append([label, count, shown, published])
        figure.bars.append((label, float(share or 0), f"{count} ({shown}); the study: {published}"))
    return figure
