"""Every page's <title> starts with its h1, and pages about one record name it (WCAG 2.4.2).

The walk opens every GET route as in the view-audit walk (each review state, each person on the
review) and checks each HTML page it can open."""

from __future__ import annotations

import re
from html import unescape

from tests.conftest import sign_in
from tests.factories import make_user
from tests.security.routes import id_arguments, methods, rules, url_for_rule
from tests.security.test_view_audit import conditions, review_with_every_record, set_state
from webapp.extensions import db
from webapp.models import Briefing, LearningTag, Role

TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.S)
H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.S)
TAG = re.compile(r"<[^>]+>")


def text(html: str) -> str:
    return " ".join(unescape(TAG.sub(" ", html)).split())


def title_and_h1(page: str) -> tuple[str, str]:
    title = TITLE.search(page)
    h1 = H1.search(page)
    return (text(title.group(1)) if title else "", text(h1.group(1)) if h1 else "")


def test_every_page_title_starts_with_its_h1_and_names_the_record(app):
    review, ids, people = review_with_every_record()
    admin = make_user(roles=Role.ADMINISTRATOR)
    people.append(admin)
    ids = {**ids, "area_id": review.case.area_id, "user_id": admin.id}
    for person in people:
        person.client = app.test_client()
        sign_in(person.client, person.email)
    case_number = review.case.case_number
    wrong, unnamed, missing, checked = [], [], [], 0
    for rule in rules(app):
        if "GET" not in methods(rule) or rule.endpoint in ("static",) or rule.endpoint.startswith("assets."):
            continue
        if not set(id_arguments(rule)) <= set(ids):
            missing.append(rule.endpoint)
            continue
        url = url_for_rule(rule, {name: ids[name] for name in id_arguments(rule)})
        done = False
        for state, stage in conditions(rule):
            if state is not None:
                set_state(review.id, state, stage)
            for person in people:
                response = person.client.get(url)
                if response.status_code != 200 or response.mimetype != "text/html":
                    continue
                title, h1 = title_and_h1(response.get_data(as_text=True))
                checked += 1
                if not h1 or not title.startswith(h1):
                    wrong.append(f"{rule.endpoint}: title {title!r}, h1 {h1!r}")
                names = {
                    "user_id": admin.name,
                    "area_id": review.case.area.name,
                    "tag_id": db.session.get(LearningTag, ids["tag_id"]).name,
                    "briefing_id": db.session.get(Briefing, ids["briefing_id"]).title,
                }
                for argument in id_arguments(rule):
                    if names.get(argument, case_number) not in title and argument != "notification_id":
                        unnamed.append(f"{rule.endpoint}: {title!r}")
                done = True
                break
            if done:
                break
    assert wrong == [], "pages whose title does not start with the h1:\n" + "\n".join(wrong)
    assert unnamed == [], "record pages whose title does not name the case:\n" + "\n".join(unnamed)
    assert missing == []
    assert checked >= 40
