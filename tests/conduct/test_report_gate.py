"""The report gate: each rule the procedure's list gives ("Review Process": the review report should
include ...), what the reviewer reads, and that the share button says what is missing before it is pressed."""

from __future__ import annotations

from datetime import date

from tests.clock import london_today
from tests.conduct.conftest import FULL_REPORT, entry_data, gather_everything, ready_to_share, start_review
from tests.factories import make_case, make_incident
from webapp.conduct import report
from webapp.extensions import db
from webapp.models import GatheringSource, ProceedingsStatus, ReviewState
from webapp.reviews import services as review_services

CHRONOLOGY_RULES = [
    "Chronology: add an entry for identified risks, or tick “No identified risks”",
    "Chronology: add an entry for family and individual vulnerabilities, or tick "
    "“No family or individual vulnerabilities”",
    "Chronology: add an entry for liaison with other agencies and professionals, or tick "
    "“No liaison with other agencies or professionals”",
]
GATHERING_RULES = [
    f"Information gathering is not finished: record “{source.label}” as done, or say why it is not"
    for source in GatheringSource
]


def save(client, review, fields: dict, based_on: str = "") -> None:
    client.post(f"/reviews/{review.id}/report/edit", {**fields, "based_on": based_on}, status=302)


def missing(review) -> list[str]:
    db.session.expire_all()
    return report.missing(review, report.latest_draft(review))


def test_an_empty_report_names_everything_the_procedure_lists(world, in_review, signed_in):
    assert missing(in_review) == [
        "Background history is empty",
        "Incident summary is empty",
        "Inquiries undertaken is empty",
        *GATHERING_RULES,
        *CHRONOLOGY_RULES,
        "Decision-making and line management support is empty",
        "Conclusions: list the procedural issues, or tick “No procedural issues”",
        "Conclusions: list the practice issues, or tick “No practice issues”",
        "The impact of our involvement is empty",
    ]


def test_a_complete_report_has_nothing_missing_and_each_part_counts(world, in_review, signed_in):
    reviewer = signed_in(world["reviewer"])
    ready_to_share(reviewer, in_review)
    save(reviewer, in_review, FULL_REPORT)
    assert missing(in_review) == []
    for field, message in [
        ("background", "Background history is empty"),
        ("inquiries", "Inquiries undertaken is empty"),
        ("decision_making", "Decision-making and line management support is empty"),
        ("impact", "The impact of our involvement is empty"),
        ("procedural_issues", "Conclusions: list the procedural issues, or tick “No procedural issues”"),
        ("practice_issues", "Conclusions: list the practice issues, or tick “No practice issues”"),
    ]:
        draft = report.latest_draft(in_review)
        save(reviewer, in_review, {**FULL_REPORT, field: " \n "}, based_on=str(draft.version))
        assert missing(in_review) == [message], field
        save(reviewer, in_review, FULL_REPORT, based_on=str(draft.version + 1))
        assert missing(in_review) == []


def test_chronology_themes_need_an_entry_or_none_identified(world, in_review, signed_in):
    reviewer = signed_in(world["reviewer"])
    gather_everything(reviewer, in_review)
    save(reviewer, in_review, {**FULL_REPORT, "chronology_none": []})
    assert missing(in_review) == CHRONOLOGY_RULES
    # An entry for risks and liaison leaves vulnerabilities.
    reviewer.post(f"/reviews/{in_review.id}/chronology/new", entry_data(date(2025, 2, 1)), status=302)
    assert missing(in_review) == [CHRONOLOGY_RULES[1]]
    # "None identified" for vulnerabilities answers it; ticked for a theme with entries, it contradicts them.
    save(reviewer, in_review, {**FULL_REPORT, "chronology_none": ["vulnerability", "liaison"]}, based_on="1")
    assert missing(in_review) == [
        "Chronology: “No liaison with other agencies or professionals” is ticked, but the chronology has "
        "entries for liaison with other agencies and professionals"
    ]
    save(reviewer, in_review, FULL_REPORT, based_on="2")
    assert missing(in_review) == []


def test_conclusions_in_two_parts_each_listed_or_none_identified(world, in_review, signed_in):
    reviewer = signed_in(world["reviewer"])
    ready_to_share(reviewer, in_review)
    save(reviewer, in_review, {**FULL_REPORT, "practice_issues": "", "conclusions_none": ["practice_issues"]})
    assert missing(in_review) == []
    draft = report.latest_draft(in_review)
    assert draft.sections["practice_issues"] == [] and draft.sections["conclusions_none"] == [
        "practice_issues"
    ]
    save(reviewer, in_review, {**FULL_REPORT, "conclusions_none": ["procedural_issues"]}, based_on="1")
    assert missing(in_review) == [
        "Conclusions: “No procedural issues” is ticked, but procedural issues are listed"
    ]
    page = reviewer.get(f"/reviews/{in_review.id}/report/versions/1")
    assert "Practice issues None identified." in " ".join(page.text().split())


def test_gathering_complete_or_each_open_source_with_a_reason(world, in_review, signed_in):
    reviewer = signed_in(world["reviewer"])
    reviewer.post(f"/reviews/{in_review.id}/chronology/new", entry_data(date(2025, 2, 1)), status=302)
    save(reviewer, in_review, FULL_REPORT)
    assert missing(in_review) == GATHERING_RULES
    base = f"/reviews/{in_review.id}/gathering"
    for source in list(GatheringSource)[:3]:
        reviewer.post(
            f"{base}/{source.value}",
            {
                "notes": "Done.",
                "done_on": [str(n) for n in (london_today().day, london_today().month, london_today().year)],
            },
            status=302,
        )
    assert missing(in_review) == GATHERING_RULES[3:]
    # Notes alone do not close it; a reason why it will not be done does.
    wg = f"{base}/{GatheringSource.WG_GUIDANCE.value}"
    reviewer.post(wg, {"notes": "Started."}, status=302)
    assert missing(in_review) == GATHERING_RULES[3:]
    reviewer.post(wg, {"notes": "Started.", "open_reason": "No guidance applies to this case."}, status=302)
    assert missing(in_review) == []
    page = reviewer.get(base)
    assert "No guidance applies to this case." in page.text() and "Not done" in page.text()
    # The report shows each source with its date or its reason.
    body = " ".join(reviewer.get(f"/reviews/{in_review.id}/report").text().split())
    assert "Consider Welsh Government statutory guidance Not done No guidance applies to this case." in body


def test_background_without_children_or_applications_needs_a_reason(world, signed_in):
    case = make_case(area=world["north"], children=[], proceedings_status=ProceedingsStatus.CLOSED)
    review = review_services.open_review(make_incident(case=case), actor=case.practice_manager)
    db.session.commit()
    review = start_review(world, review)
    reviewer = signed_in(world["reviewer"])
    ready_to_share(reviewer, review)
    form = reviewer.get(f"/reviews/{review.id}/report/edit")
    assert form.html.select_one("#no_children_reason") is not None
    save(reviewer, review, FULL_REPORT)
    assert missing(review) == [
        "No children are recorded on the case: add them to the case, or say why there are none",
        "No applications are recorded on the case: add them to the case, or say why there are none",
    ]
    save(
        reviewer,
        review,
        {
            **FULL_REPORT,
            "no_children_reason": "The child who died was unborn.",
            "no_applications_reason": "The case closed before any application.",
        },
        based_on="1",
    )
    assert missing(review) == []
    text = " ".join(reviewer.get(f"/reviews/{review.id}/report").text().split())
    assert "Children The child who died was unborn." in text


def test_the_share_button_says_what_is_missing_and_a_refused_share_changes_nothing(
    world, in_review, signed_in
):
    reviewer = signed_in(world["reviewer"])
    save(reviewer, in_review, {"background": "Known since 2023."})
    page = reviewer.get(f"/reviews/{in_review.id}/report")
    button = page.html.find("button", string="Share version 1 for accuracy")
    described = page.html.select_one(f"#{button['aria-describedby']}")
    count = len(missing(in_review))
    assert (
        described.get_text(" ", strip=True)
        == f"Not ready to share: {count} things are missing (listed above)."
    )
    listed = [li.get_text(" ", strip=True) for li in page.html.select("#share-missing li")]
    assert listed == missing(in_review)
    refused = reviewer.post(f"/reviews/{in_review.id}/report/share", {"version": "1"})
    assert refused.title.startswith("Error: ") and refused.error_summary() == listed
    db.session.expire_all()
    assert in_review.state == ReviewState.IN_REVIEW
    assert report.latest_draft(in_review).shared_at is None


def test_a_tick_that_is_not_offered_is_refused_and_saves_nothing(world, in_review, signed_in):
    reviewer = signed_in(world["reviewer"])
    page = reviewer.post(
        f"/reviews/{in_review.id}/report/edit",
        {
            **FULL_REPORT,
            "chronology_none": ["made_up"],
            "conclusions_none": ["practice_issues"],
            "based_on": "",
        },
    )
    assert page.status == 200
    assert page.error_summary() == ["Nothing identified in the chronology: select only the options shown"]
    assert report.latest_draft(in_review) is None
