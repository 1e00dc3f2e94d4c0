"""Learning briefings: written from agreed or closed reviews without names or case numbers, sent to
roles in areas, read and acknowledged by recipients, delivered in Practice Managers' sessions."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import event, func, select

from tests.clock import london_today
from tests.factories import make_user
from tests.learning.helpers import agreed_review, d
from webapp.extensions import db
from webapp.learning import anonymity, briefings
from webapp.models import (
    ActionPlanItem,
    ActionStatus,
    AuditEvent,
    Briefing,
    BriefingRecipient,
    BriefingSession,
    BriefingStatus,
    Child,
    LearningPoint,
    LearningTag,
    Notification,
    Role,
)

TEXT = "When a parent's new partner moves in, check who else lives in the home."


@pytest.fixture
def source(world):
    """An agreed review of a case whose child is Tomos Pritchard-Evans, with one learning point."""
    review = agreed_review(world)
    review.case.children.append(Child(name="Tomos Pritchard-Evans", date_of_birth=date(2019, 4, 2)))
    tag = db.session.execute(select(LearningTag).order_by(LearningTag.id)).scalars().first()
    point = LearningPoint(review_id=review.id, position=1, text="Household members were not checked.")
    point.tags = [tag]
    action = ActionPlanItem(
        review_id=review.id,
        action="Add household checks to the assessment template",
        owner_id=world["pm"].id,
        due_on=london_today() + timedelta(days=30),
        status=ActionStatus.DONE,
    )
    db.session.add_all([point, action])
    db.session.flush()
    point.actions = [action]
    db.session.commit()
    return review


def write(client, review, *, title="Who lives in the home", body=TEXT, status=302):
    return client.post(
        "/briefings/new", {"title": title, "body": body, "reviews": [str(review.id)]}, status=status
    )


def the_briefing() -> Briefing:
    return db.session.execute(select(Briefing)).scalar_one()


def events(event_type: str) -> int:
    return db.session.execute(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.event_type == event_type)
    ).scalar_one()


def test_the_pdt_writes_a_draft_whose_themes_come_from_the_reviews_learning_points(world, source, signed_in):
    pdt = signed_in(world["pdt"])
    form = pdt.get(f"/briefings/new?review={source.id}")
    assert "Household members were not checked." in form.text()  # each review shows its points
    assert form.html.find("input", attrs={"name": "reviews", "value": str(source.id), "checked": True})
    write(pdt, source)
    briefing = the_briefing()
    assert briefing.status == BriefingStatus.DRAFT and briefing.written_by_id == world["pdt"].id
    assert [r.id for r in briefing.reviews] == [source.id]
    assert {t.id for t in briefing.tags} == {t.id for t in source_points_tags(source)}
    assert events("briefing.drafted") == 1
    preview = pdt.get(f"/briefings/{briefing.id}")
    assert "Draft learning briefing: preview" in preview.text() and TEXT in preview.text()


def source_points_tags(review):
    return [tag for p in db.session.execute(select(LearningPoint)).scalars() for tag in p.tags]


@pytest.mark.parametrize(
    "words, refused",
    [
        ("Tomos was not seen at home.", ["Tomos"]),
        ("TOMOS's sister", ["TOMOS"]),
        ("the Pritchard-Evans household", ["Pritchard-Evans"]),
        ("about the evans family", ["evans"]),
        ("Owain Practitioner visited.", ["Owain Practitioner"]),  # the case's practitioner, whole
        ("Case {number} showed it.", ["{number}"]),
    ],
)
def test_a_name_or_case_number_stored_in_the_cases_is_refused_and_nothing_saved(
    world, source, signed_in, words, refused
):
    pdt = signed_in(world["pdt"])
    words = words.format(number=source.case.case_number)
    page = write(pdt, source, body=f"{TEXT} {words}", status=200)
    [error] = page.error_summary()
    assert "must not name anyone or give a case number" in error
    for word in refused:
        assert f"“{word.format(number=source.case.case_number)}”" in error
    assert db.session.execute(select(func.count()).select_from(Briefing)).scalar_one() == 0


@pytest.mark.parametrize(
    "words",
    [
        "Tom was not a name stored.",  # a fragment of Tomos, not a whole word
        "The police were told.",  # who notified the incident: an ordinary word
        "Practitioners should check.",  # part of a word is not the word
        "Evansville",
    ],
)
def test_words_that_are_not_a_stored_name_pass(world, source, signed_in, words):
    write(signed_in(world["pdt"]), source, body=f"{TEXT} {words}")
    assert the_briefing().body.endswith(words)


def test_a_name_in_the_title_is_refused_too_and_the_check_runs_again_when_sending(world, source, signed_in):
    pdt = signed_in(world["pdt"])
    page = write(pdt, source, title="What Tomos taught us", status=200)
    assert "“Tomos”" in page.error_summary()[0]
    write(pdt, source)
    briefing = the_briefing()
    # A child added to the case since: sending refuses, nothing is sent.
    source.case.children.append(Child(name="Who Lives", date_of_birth=date(2020, 1, 1)))
    db.session.commit()
    page = pdt.post(
        f"/briefings/{briefing.id}/send",
        {"roles": ["practitioner"], "areas": [str(world["north"].id)]},
        status=200,
    )
    assert "“Who lives”" in page.error_summary()[0]
    db.session.expire_all()
    assert the_briefing().status == BriefingStatus.DRAFT
    assert not db.session.execute(select(Notification).where(Notification.kind == "briefing_sent")).first()


def test_only_reviews_with_an_agreed_report_or_closed_may_be_drawn_on(world, source, signed_in):
    from tests.factories import make_case, make_incident
    from webapp.reviews.services import open_review

    early = open_review(make_incident(case=make_case(area=world["north"])), actor=world["pm"])
    db.session.commit()
    pdt = signed_in(world["pdt"])
    assert str(early.id) not in {
        i["value"] for i in pdt.get("/briefings/new").html.select("input[name=reviews]")
    }
    page = pdt.post("/briefings/new", {"title": "T", "body": TEXT, "reviews": [str(early.id)]}, status=200)
    assert page.error_summary() == ["Select reviews from the list"]


def sent_briefing(world, source, *, roles=("practitioner",), areas=("south",)) -> Briefing:
    briefing, _ = briefings.save_draft(
        None, title="Who lives in the home", body=TEXT, review_ids=[source.id], tag_ids=[], actor=world["pdt"]
    )
    briefings.send(
        briefing, roles=[Role(r) for r in roles], area_ids=[world[a].id for a in areas], actor=world["pdt"]
    )
    return briefing


def test_sending_reaches_active_holders_of_the_roles_in_the_areas_and_area_free_roles_anywhere(world, source):
    south_practitioner = make_user(roles=Role.PRACTITIONER, area=world["south"], manager=world["reviewer"])
    make_user(roles=Role.PRACTITIONER, area=world["south"], active=False)
    briefing = sent_briefing(world, source, roles=("practitioner", "senior_leadership_team"))
    reached = set(
        db.session.execute(
            select(BriefingRecipient.user_id).where(BriefingRecipient.briefing_id == briefing.id)
        ).scalars()
    )
    assert reached == {south_practitioner.id, world["outsider"].id, world["slt"].id}
    notes = (
        db.session.execute(select(Notification).where(Notification.kind.like("briefing%"))).scalars().all()
    )
    assert {n.user_id for n in notes} == reached and {n.kind for n in notes} == {"briefing_sent"}
    assert all(n.link_path == f"/briefings/{briefing.id}" for n in notes)
    assert the_briefing().status == BriefingStatus.SENT and events("briefing.sent") == 1


def test_the_email_says_only_that_a_briefing_was_sent(world, source, app):
    from webapp.notifications.email import build_message

    sent_briefing(world, source)
    note = (
        db.session.execute(select(Notification).where(Notification.kind == "briefing_sent")).scalars().first()
    )
    message = build_message(note).as_string()
    assert "A learning briefing has been sent to you" in message
    assert "Who lives in the home" not in message and source.case.case_number not in message


def test_a_recipient_sees_it_at_home_unread_first_reads_and_acknowledges_it_audited(world, source, signed_in):
    briefing = sent_briefing(world, source)
    outsider = signed_in(world["outsider"])
    home = outsider.get("/home")
    item = home.html.select_one("#learning-briefings li")
    assert "Who lives in the home" in item.get_text() and "Unread" in item.get_text()
    page = outsider.get(f"/briefings/{briefing.id}")
    assert TEXT in page.text()
    assert page.html.find(id="sources") is None  # the reviews' learning is not for practitioners
    assert page.html.find(id="recipients") is None
    outsider.get(f"/briefings/{briefing.id}")
    assert events("briefing.read") == 1  # the first reading
    outsider.post(f"/briefings/{briefing.id}/acknowledge", {}, status=302)
    outsider.post(f"/briefings/{briefing.id}/acknowledge", {}, status=302)
    row = db.session.execute(select(BriefingRecipient)).scalar_one()
    assert row.read_at and row.acknowledged_at and row.next_reminder_on is None
    assert events("briefing.acknowledged") == 1
    assert "You acknowledged this briefing" in outsider.get(f"/briefings/{briefing.id}").text()
    assert "Acknowledged" in outsider.get("/home").html.select_one("#learning-briefings").get_text()
    # The PDT sees who acknowledged, by person, area and role.
    traced = signed_in(world["pdt"]).get(f"/briefings/{briefing.id}")
    assert "Siân Outsider" in traced.html.select_one("#recipient-list").get_text()
    assert "1 of 1 acknowledged; 1 read." in traced.text()
    assert "South" in traced.html.select_one("#by-area").get_text()


def test_scope_drafts_sources_and_who_may_act(world, source, signed_in):
    draft, _ = briefings.save_draft(
        None, title="Draft", body=TEXT, review_ids=[source.id], tag_ids=[], actor=world["pdt"]
    )
    sent = sent_briefing(world, source)
    practitioner = signed_in(world["practitioner"])
    practitioner.get(f"/briefings/{draft.id}", status=404)
    practitioner.get(f"/briefings/{sent.id}")  # any member of staff may read a sent one
    practitioner.get("/briefings", status=403)
    practitioner.get("/briefings/new", status=403)
    practitioner.get(f"/briefings/{sent.id}/sessions/new", status=403)
    # Not a recipient: nothing to acknowledge.
    practitioner.post(f"/briefings/{sent.id}/acknowledge", {}, status=404)
    signed_in(world["admin"]).get(f"/briefings/{sent.id}", status=403)
    for role in ("ce", "dce", "slt", "pdt"):
        page = signed_in(world[role]).get(f"/briefings/{sent.id}")
        sources = page.html.find(id="sources")
        assert sources is not None, role
        assert "Add household checks to the assessment template" in page.text() and "Done" in page.text()
    signed_in(world["slt"]).get(f"/briefings/{draft.id}", status=404)
    assert signed_in(world["pm"]).get(f"/briefings/{sent.id}").html.find(id="sources") is None
    pdt = signed_in(world["pdt"])
    pdt.get(f"/briefings/{sent.id}/edit", status=302)  # sent: no longer changed


def test_a_practice_manager_records_a_session_with_attendance_and_date_checks(world, source, signed_in):
    briefing = sent_briefing(world, source, areas=("north",))
    pm = signed_in(world["pm"])
    form = pm.get(f"/briefings/{briefing.id}/sessions/new")
    offered = {i["value"] for i in form.html.select("input[name=attendees]")}
    assert str(world["practitioner"].id) in offered and str(world["outsider"].id) not in offered
    url = f"/briefings/{briefing.id}/sessions/new"
    base = {"area_id": str(world["north"].id), "attendees": [str(world["practitioner"].id)], "notes": "Good"}
    future = pm.post(url, {**base, "delivered_on": d(london_today() + timedelta(days=1))}, status=200)
    assert future.error_summary() == ["Date of the session must be today or in the past"]
    before = pm.post(url, {**base, "delivered_on": d(london_today() - timedelta(days=1))}, status=200)
    assert before.error_summary() == ["Date of the session must be on or after the day the briefing was sent"]
    outsider = pm.post(
        url, {**base, "attendees": [str(world["outsider"].id)], "delivered_on": d(london_today())}, status=200
    )
    assert outsider.error_summary() == ["Select who attended from the people in your team"]
    assert db.session.execute(select(func.count()).select_from(BriefingSession)).scalar_one() == 0
    pm.post(url, {**base, "delivered_on": d(london_today())}, status=302)
    session = db.session.execute(select(BriefingSession)).scalar_one()
    assert [u.id for u in session.attendees] == [world["practitioner"].id]
    assert events("briefing.delivered") == 1
    row = db.session.execute(
        select(BriefingRecipient).where(BriefingRecipient.user_id == world["practitioner"].id)
    ).scalar_one()
    assert row.acknowledged_at is None and row.next_reminder_on is None  # reminders stop
    page = signed_in(world["pdt"]).get(f"/briefings/{briefing.id}")
    assert "Owain Practitioner (1)" in page.html.select_one("#session-list").get_text()


def count_statements(client, path: str) -> int:
    count = 0

    def seen(*_args) -> None:
        nonlocal count
        count += 1

    db.session.commit()
    db.session.expire_all()
    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        response = client.client.get(path)
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    assert response.status_code == 200
    return count


def test_list_pages_send_the_same_statements_however_many_briefings_and_recipients(world, source, signed_in):
    for number in range(2):
        make_user(roles=Role.PRACTITIONER, area=world["south"], name=f"Extra {number}")
    first = sent_briefing(world, source)
    pdt, outsider = signed_in(world["pdt"]), signed_in(world["outsider"])
    pages = {
        "list": (pdt, "/briefings"),
        "home": (outsider, "/home"),
        "page": (pdt, f"/briefings/{first.id}"),
    }
    few = {name: count_statements(client, path) for name, (client, path) in pages.items()}
    for number in range(6):
        make_user(roles=Role.PRACTITIONER, area=world["south"], name=f"More {number}")
    for _ in range(3):
        sent_briefing(world, source)
    briefings.record_view(first, world["outsider"], sources_shown=False)
    many = {name: count_statements(client, path) for name, (client, path) in pages.items()}
    assert many == few


def test_welsh_pages(world, source, signed_in):
    from tests.factories import welsh

    welsh(world["outsider"])
    briefing = sent_briefing(world, source, areas=("south", "north"))
    note = db.session.execute(
        select(Notification).where(
            Notification.user_id == world["outsider"].id, Notification.kind == "briefing_sent"
        )
    ).scalar_one()
    assert note.language == "cy" and note.detail.startswith("Mae briff dysgu wedi'i anfon atoch")
    outsider = signed_in(world["outsider"])
    page = outsider.get(f"/briefings/{briefing.id}")
    assert page.html.find("html")["lang"] == "cy"
    assert "Rwyf wedi darllen a deall y briff hwn" in page.text()
    assert "Briffiau dysgu" in outsider.get("/home").text()
    draft, _ = briefings.save_draft(
        None, title="Drafft", body=TEXT, review_ids=[source.id], tag_ids=[], actor=world["pdt"]
    )
    pdt = signed_in(welsh(world["pdt"]))
    for path in ("/briefings", "/briefings/new", f"/briefings/{briefing.id}", f"/briefings/{draft.id}/send"):
        assert pdt.get(path).html.find("html")["lang"] == "cy"
    assert (
        "Cofnodi'r sesiwn"
        in signed_in(welsh(world["pm"])).get(f"/briefings/{briefing.id}/sessions/new").text()
    )


def test_the_pdt_seeing_a_briefings_sources_is_a_view_of_each_reviews_case(world, source, signed_in):
    briefing = sent_briefing(world, source)
    signed_in(world["outsider"]).get(f"/briefings/{briefing.id}")
    assert events("briefing.sources_viewed") == 0
    signed_in(world["slt"]).get(f"/briefings/{briefing.id}")
    case_ids = db.session.execute(
        select(AuditEvent.case_id).where(AuditEvent.event_type == "briefing.sources_viewed")
    ).scalars()
    assert list(case_ids) == [source.case_id]


def test_the_demo_has_sent_briefings_read_acknowledged_delivered_and_a_draft(app):
    from webapp import demo

    demo.seed()
    statuses = db.session.execute(select(Briefing.status).order_by(Briefing.id)).scalars().all()
    assert statuses.count(BriefingStatus.SENT) == 3 and statuses.count(BriefingStatus.DRAFT) == 1
    rows = db.session.execute(select(BriefingRecipient)).scalars().all()
    assert any(r.acknowledged_at for r in rows) and any(r.read_at and not r.acknowledged_at for r in rows)
    session = db.session.execute(select(BriefingSession)).scalar_one()
    assert [u.email for u in session.attendees] == ["practitioner.north@example.org"]
    # Nothing the demo's briefings say is a name or case number their reviews' cases hold.
    for briefing in db.session.execute(select(Briefing)).scalars():
        assert anonymity.names_in(f"{briefing.title} {briefing.body}", [r.id for r in briefing.reviews]) == []
