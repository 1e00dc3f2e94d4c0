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
from webapp.i18n import gettext as _
from webapp.i18n import lazy_gettext as _l
from webapp.learning.area import incident_in_area
from webapp.learning.figure import Figure, percent, share_figure, tag_name
from webapp.models import (
    Incident,
    IncidentCause,
    LearningTag,
    Review,
    ReviewLearning,
    TagKind,
    review_learning_tags,
)

NATIONAL_STUDY = _l("National study, 2009-2016 (97 reviews)")

# (measure, the local count's key in the totals or a risk factor's name, base key, the study's words)
# The study's figures as it published them (learning-from-97-serious-case-reviews.txt); on a Welsh
# page, this service's translation of its words.
NATIONAL = (
    (
        _l("Incident during family court proceedings"),
        "during_proceedings",
        "reviews",
        _l("just over a third"),
    ),
    (_l("Death of the child"), "deaths", "reviews", _l("about 60%")),
    (_l("Serious harm"), "serious_harm", "reviews", "40%"),
    (
        _l("Caused by violence or abuse (the study: physical abuse or homicide)"),
        "violence_or_abuse",
        "reviews",
        _l("almost half"),
    ),
    (
        _l("Caused by neglect (the study: neglect or co-sleeping)"),
        "cause_neglect",
        "reviews",
        _l("a quarter"),
    ),
    (_l("Neglect as a risk factor"), "risk:neglect", "reviews", "60%"),
    (_l("Domestic abuse as a risk factor"), "risk:domestic abuse", "reviews", "71%"),
    (
        _l(
            "Of those with domestic abuse: the perpetrator was not the person assessed as the main risk "
            "(the study: not the alleged domestic abuse perpetrator)"
        ),
        "domestic_abuse_assessed_no",
        "domestic_abuse",
        _l("almost half"),
    ),
    (_l("Suspected perpetrator a family member"), "family_member", "reviews", _l("the vast majority")),
)


def kind_order(kind):
    """Risk factors before practice themes, the same on every database (an enum's order is not)."""
    return case((kind == TagKind.RISK_FACTOR, 0), else_=1)


def figures(
    counts: dict[str, int], risk_counts: dict[str, int], start: date, end: date, area_id: int | None = None
) -> list[Figure]:
    whole = counts["reviews"]
    of_reviews = _(
        "Reviews with learning recorded whose incident happened in the period: %(count)s.", count=whole
    )
    result = [
        share_figure(
            "law_type",
            _("Public and private law"),
            _("Reviews by the case's type of law"),
            _("Type of law"),
            [(_("Public law"), counts["public_law"]), (_("Private law"), counts["private_law"])],
            whole,
            note=of_reviews,
        ),
        share_figure(
            "causes",
            _("Cause of the incident"),
            _("Reviews by the cause of the incident"),
            _("Cause"),
            [(cause.label, counts[f"cause_{cause.value}"]) for cause in IncidentCause],
            whole,
            note=of_reviews,
        ),
    ]
    abuse = counts["domestic_abuse"]
    result.append(
        share_figure(
            "domestic_abuse_perpetrator",
            _("Domestic abuse and the person assessed as the main risk"),
            _(
                "Of the reviews with domestic abuse as a risk factor: was the suspected perpetrator the "
                "person assessed as posing the greatest risk?"
            ),
            _("Suspected perpetrator"),
            [
                (_("Not the person assessed as the main risk"), counts["domestic_abuse_assessed_no"]),
                (_("The person assessed as the main risk"), counts["domestic_abuse_assessed_yes"]),
                (_("Not known"), counts["domestic_abuse_assessed_unknown"]),
            ],
            abuse,
            note=_(
                "Percentages are of the %(count)s reviews with domestic abuse as a risk factor. The study "
                "found that in almost half of such cases the person thought to have harmed the child was "
                "not the alleged domestic abuse perpetrator.",
                count=abuse,
            ),
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
        select(first.name, first.name_cy, second.name, second.name_cy, reviews)
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
        .group_by(first.kind, first.name, first.name_cy, second.kind, second.name, second.name_cy)
        .order_by(reviews.desc(), first.name, second.name)
    ).all()
    figure = share_figure(
        "together",
        _("Risk factors and practice themes that occur together"),
        _("Pairs of risk factors and practice themes recorded on the same review"),
        _("Recorded together"),
        [
            (
                _("%(one)s and %(other)s", one=tag_name(one, one_cy), other=tag_name(other, other_cy)),
                int(count),
            )
            for one, one_cy, other, other_cy, count in rows
        ],
        whole,
        note=_(
            "Of the %(count)s reviews with learning recorded whose incident happened in the period. A review "
            "with three tags counts in each of its three pairs.",
            count=whole,
        ),
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
        _("Local reviews and the national study"),
        _(
            "Local reviews beside the published figures of the 2009-2016 national study of 97 Serious Case "
            "Reviews"
        ),
        [_("Measure"), _("Local reviews"), _("Local percentage"), str(NATIONAL_STUDY)],
        note=_(
            "The national study is Cafcass's Learning from Cafcass submissions to Serious Case Reviews "
            "(97 submissions, 2009-2016); its figures are shown in its own words. Local percentages are of "
            "the reviews with learning recorded whose incident happened in the period."
        ),
    )
    for label, key, base, published in NATIONAL:
        count, whole = values.get(key, 0), values[base]
        share = percent(count, whole)
        shown = _("no reviews") if share is None else f"{share}%"
        figure.rows.append([str(label), count, shown, str(published)])
        figure.bars.append(
            (
                str(label),
                float(share or 0),
                _(
                    "%(count)s (%(shown)s); the study: %(published)s",
                    count=count,
                    shown=shown,
                    published=published,
                ),
            )
        )
    return figure
