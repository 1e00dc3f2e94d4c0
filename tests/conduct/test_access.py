"""Every conduct page follows the review's case scope: another case's practitioner gets 404,
an administrator 403, and the write pages answer 403 to people who see the review but may not act."""

from __future__ import annotations

import pytest

from tests.conduct.conftest import FULL_REPORT
from tests.factories import make_case, make_user
from webapp.models import Role

READ_PAGES = [
    "/reviews/{id}/gathering",
    "/reviews/{id}/chronology",
    "/reviews/{id}/report",
    "/reviews/{id}/report/versions/1",
    "/reviews/{id}/report/versions/1/report.pdf",
    "/reviews/{id}/report/versions/1/report.docx",
]
WRITE_PAGES = [
    "/reviews/{id}/gathering/case_file",
    "/reviews/{id}/chronology/new",
    "/reviews/{id}/report/edit",
]
# Pages guarded by the reviewer's permission, which a practitioner does not hold at all (403 before
# any record is looked at); the chronology builder is open to task holders, so scope answers (404).
REVIEWER_ONLY = ("gathering/", "report/edit", "report/share")
POSTS = [
    ("/reviews/{id}/gathering/case_file", {"notes": "x"}),
    ("/reviews/{id}/chronology/new", {"what_happened": "x"}),
    ("/reviews/{id}/chronology/1/remove", {}),
    ("/reviews/{id}/report/edit", {"background": "x"}),
    ("/reviews/{id}/report/share", {"version": "1"}),
]


@pytest.fixture
def drafted(world, in_review, signed_in):
    signed_in(world["reviewer"]).post(
        f"/reviews/{in_review.id}/report/edit", {**FULL_REPORT, "based_on": ""}, status=302
    )
    return in_review


def test_a_practitioner_of_another_case_gets_not_found(world, drafted, signed_in):
    other_case = make_case(area=world["north"])
    client = signed_in(other_case.practitioner)
    for template in READ_PAGES + WRITE_PAGES:
        reviewer_only = any(part in template for part in REVIEWER_ONLY)
        client.get(template.format(id=drafted.id), status=403 if reviewer_only else 404)
    for template, data in POSTS:
        reviewer_only = any(part in template for part in REVIEWER_ONLY)
        client.post(template.format(id=drafted.id), data, status=403 if reviewer_only else 404)


def test_an_administrator_is_forbidden_everywhere(world, drafted, signed_in):
    client = signed_in(world["admin"])
    for template in READ_PAGES + WRITE_PAGES:
        client.get(template.format(id=drafted.id), status=403)
    for template, data in POSTS:
        client.post(template.format(id=drafted.id), data, status=403)


@pytest.mark.parametrize(
    "role",
    [
        Role.CHIEF_EXECUTIVE,
        Role.DEPUTY_CHIEF_EXECUTIVE,
        Role.PRACTICE_DEVELOPMENT_TEAM,
        Role.SENIOR_LEADERSHIP_TEAM,
    ],
)
def test_people_who_see_every_case_read_but_do_not_write(world, drafted, signed_in, role):
    client = signed_in(make_user(roles=role))
    for template in READ_PAGES:
        if template.endswith(("pdf", "docx")):  # a download, not a page
            assert client.client.get(template.format(id=drafted.id)).status_code == 200
        else:
            client.get(template.format(id=drafted.id))
    for template in WRITE_PAGES:
        client.get(template.format(id=drafted.id), status=403)


def test_the_reviewer_of_another_review_sees_nothing_of_this_one(world, drafted, signed_in):
    client = signed_in(world["other_hoo"])
    for template in READ_PAGES + WRITE_PAGES:
        client.get(template.format(id=drafted.id), status=404)
    client.get("/reviews/999999/report", status=404)
