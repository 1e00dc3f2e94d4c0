"""Task titles name their subject, everywhere a task is shown; link texts in task tables are
distinct; the team view links only to tasks its reader can open."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

from tests.accuracy.helpers import shared_review
from tests.clock import london_today
from tests.factories import make_case, make_incident, make_user
from webapp.extensions import db
from webapp.models import ActionPlanItem, ActionStatus, ProceedingsStatus, Role, TaskKind
from webapp.reviews import services as reviews
from webapp.tasks.services import add_task
from webapp.tasks.titles import shortened, task_title, titles

TASK_LINK = re.compile(r'<a class="govuk-link" href="/tasks/(\d+)">(.*?)</a>', re.S)


def link_texts(html: str) -> dict[int, str]:
    return {int(i): " ".join(unescape(re.sub("<[^>]+>", " ", t)).split()) for i, t in TASK_LINK.findall(html)}


def test_titles_name_the_report_version_the_practitioner_and_the_case(app):
    shared = shared_review()
    review = shared.review
    named = titles(review.tasks)
    checks = [t for t in review.tasks if t.kind == TaskKind.CHECK_REPORT_ACCURACY]
    assert len(checks) == 3
    assert {named[t.id] for t in checks} == {"Check the review report (version 1) for accuracy"}
    assert named[review.task(TaskKind.AGREE_SUPPORT_NEEDS).id] == "Agree support needs with Pat Practitioner"
    assert (
        named[review.task(TaskKind.OFFER_EAP_REFERRAL).id]
        == "Offer Pat Practitioner an Employee Assistance Programme referral"
    )
    number = review.case.case_number
    decide = review.task(TaskKind.DECIDE)
    assert named[decide.id] == f"Decide whether to initiate an internal case review of case {number}"
    acknowledge = review.task(TaskKind.ACKNOWLEDGE_INCIDENT)
    assert named[acknowledge.id].startswith("Acknowledge the incident notification: significant incident on ")
    # One task alone gets the same title as in a list.
    assert task_title(decide) == named[decide.id]


def test_actions_are_numbered_in_their_plan_with_their_words(app):
    shared = shared_review()
    review = shared.review
    due = london_today() + timedelta(days=20)
    made = []
    for words in ("Audit the supervision records.", "Refresh the neglect training for PMs."):
        task = add_task(review, TaskKind.COMPLETE_ACTION, assignee_id=shared.manager.id, due_on=due)
        db.session.flush()
        item = ActionPlanItem(
            review_id=review.id,
            action=words,
            owner_id=shared.manager.id,
            due_on=due,
            status=ActionStatus.NOT_STARTED,
            task_id=task.id,
        )
        db.session.add(item)
        made.append(task)
    db.session.commit()
    named = titles(made)
    assert named[made[1].id] == "Complete action 2: refresh the neglect training for PMs"
    assert named[made[0].id] == "Complete action 1: audit the supervision records"
    assert shortened("word " * 40, 20) == "word word word word…"


def test_my_tasks_and_the_task_page_show_the_title(signed_in):
    shared = shared_review()
    manager = signed_in(shared.manager)
    assert "Check the review report (version 1) for accuracy" in manager.get("/tasks").text()
    task = shared.review.task(TaskKind.AGREE_SUPPORT_NEEDS)
    page = manager.get(f"/tasks/{task.id}")
    assert page.h1 == "Agree support needs with Pat Practitioner"
    assert page.title.startswith("Agree support needs with Pat Practitioner – Case ")


def test_task_links_on_the_review_page_are_distinct_for_screen_readers(signed_in):
    shared = shared_review()
    html = signed_in(shared.ce).get(f"/reviews/{shared.review.id}").response.get_data(as_text=True)
    texts = link_texts(html)
    assert len(texts) == len(shared.review.tasks)
    assert len(set(texts.values())) == len(texts), texts
    # The three accuracy checks share a visible title; the hidden words tell them apart.
    checks = [v for v in texts.values() if v.startswith("Check the review report (version 1) for accuracy")]
    assert len(checks) == 3


def test_the_review_page_names_its_tasks_from_its_own_review_as_every_list_does(signed_in):
    """The review page builds its tasks' titles from the review it loaded (its case, incident and
    people) rather than reading them again: the titles are those any list gives."""
    shared = shared_review()
    review = shared.review
    expected = titles(review.tasks)
    assert titles(review.tasks, review=review) == expected
    html = signed_in(shared.ce).get(f"/reviews/{review.id}").response.get_data(as_text=True)
    shown = link_texts(html)
    assert set(shown) == set(expected)
    assert all(shown[task_id].startswith(title) for task_id, title in expected.items()), (shown, expected)
    assert "Pat Practitioner" in expected[review.task(TaskKind.AGREE_SUPPORT_NEEDS).id]


def test_the_team_view_links_only_to_tasks_its_reader_can_open(signed_in):
    shared = shared_review()
    case = make_case(
        area=shared.review.case.area,
        practitioner=shared.practitioner,
        practice_manager=shared.manager,
        proceedings_status=ProceedingsStatus.CLOSED,
    )
    review = reviews.open_review(make_incident(case=case), actor=shared.manager)
    db.session.commit()
    decide = review.task(TaskKind.DECIDE)
    acknowledge = review.task(TaskKind.ACKNOWLEDGE_INCIDENT)
    area_head = make_user(roles=Role.AREA_HEAD_OF_OPERATIONS, area=case.area)
    page = signed_in(area_head).get("/tasks/team")
    html = page.response.get_data(as_text=True)
    links = link_texts(html)
    # The decision is the CE's and DCE's: its page is closed to an Area Head, so it is not a link.
    assert f"Decide whether to initiate an internal case review of case {case.case_number}" in page.text()
    assert decide.id not in links
    assert acknowledge.id in links
    signed_in(area_head).get(f"/tasks/{acknowledge.id}")
