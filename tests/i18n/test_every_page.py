"""Every page of the service in Welsh: the walk opens every GET route (as the page-title walk does:
each review state, each person on the review, and an administrator), as people who chose Cymraeg,
and fails on any page that is not ``<html lang="cy">``, that has English interface texts left, or
whose language switch does not lead back to the same page."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from bs4 import BeautifulSoup
from sqlalchemy import update

from tests.conftest import sign_in
from tests.factories import make_user
from tests.language import english_left
from tests.security.routes import id_arguments, methods, rules, url_for_rule
from tests.security.test_view_audit import conditions, review_with_every_record, set_state
from webapp.extensions import db
from webapp.models import Role, User

# Not pages: files, and the switch itself (which would put everyone back in English).
SKIPPED = {"static", "language.switch"}


def problems(endpoint: str, url: str, html: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    found = []
    if soup.find("html").get("lang") != "cy":
        found.append("not lang=cy")
    switch = soup.select_one(".app-language-switch a")
    if switch is None:
        found.append("no language switch")
    else:
        link = urlsplit(switch["href"])
        if link.path != "/language/en" or parse_qs(link.query).get("next") != [url]:
            found.append(f"the switch leads to {switch['href']}")
    title = soup.title.get_text(strip=True) if soup.title else ""
    if not title.endswith(" – Rheolwr adolygiadau achos"):
        found.append(f"title {title!r}")
    # Any piece of the page that is, word for word, one of the interface's texts with a different
    # Welsh is English left, however short ("Home", "Back"): the walk's data has no user entry that
    # is one. Runs of three words or more are found anywhere.
    left = english_left(html, html)
    found += [f"English: {text!r}" for text in left]
    return found


def test_every_page_is_in_welsh_for_a_welsh_speaker(app):
    review, ids, people = review_with_every_record()
    admin = make_user(roles=Role.ADMINISTRATOR)
    people.append(admin)
    ids = {**ids, "area_id": review.case.area_id, "user_id": admin.id}
    db.session.execute(update(User).where(User.id.in_([p.id for p in people])).values(language="cy"))
    db.session.commit()
    for person in people:
        person.client = app.test_client()
        assert sign_in(person.client, person.email).status_code == 302
    anonymous = app.test_client()
    anonymous.get("/language/cy")

    failures: list[str] = []
    checked: set[str] = set()
    for rule in rules(app):
        if "GET" not in methods(rule) or rule.endpoint in SKIPPED or rule.endpoint.startswith("assets."):
            continue
        if not set(id_arguments(rule)) <= set(ids):
            failures.append(f"{rule.endpoint}: no id for {id_arguments(rule)}")
            continue
        url = url_for_rule(rule, {name: ids[name] for name in id_arguments(rule)})
        for state, stage in conditions(rule):
            if state is not None:
                set_state(review.id, state, stage)
            seen = False
            for client in [person.client for person in people] + [anonymous]:
                response = client.get(url)
                if response.status_code != 200 or response.mimetype != "text/html":
                    continue
                seen = True
                checked.add(rule.endpoint)
                failures += [
                    f"{rule.endpoint} {url}: {problem}"
                    for problem in problems(rule.endpoint, url, response.get_data(as_text=True))
                ]
            if seen:
                break
    assert sorted(set(failures)) == [], "pages not all in Welsh:\n" + "\n".join(sorted(set(failures)))
    # The walk reached this area's pages, and most of the others.
    assert {"auth.sign_in", "account.overview", "main.accessibility", "main.home"} <= checked
    assert len(checked) >= 40


def test_a_page_not_found_is_in_welsh_for_a_welsh_speaker(app):
    client = app.test_client()
    client.get("/language/cy")
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert problems("errors.404", "/no-such-page", response.get_data(as_text=True)) == []
