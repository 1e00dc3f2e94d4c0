"""Issue 13, point 3: each person's saved language is used for every email, in-app notification and
calendar invitation they receive, whoever caused it, and when the relay job (no request) sends it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from email.header import decode_header, make_header
from email.message import Message

import pytest
from sqlalchemy import select

from jobs import digest, relay, support, sweep
from tests.factories import make_area, make_case, make_incident, make_user, welsh
from tests.language import all_welsh, english_left, words
from webapp.extensions import db
from webapp.models import Notification, ProceedingsStatus, Role, TaskKind, User, utcnow
from webapp.notifications.combining import next_summary
from webapp.notifications.services import notify
from webapp.reviews import services
from webapp.reviews import support as support_service


def subject(message: Message) -> str:
    """The Subject as a reader sees it: unfolded (RFC 5322) and decoded."""
    unfolded = message["Subject"].replace("\r\n", "").replace("\n", "")
    return str(make_header(decode_header(unfolded)))


def part(message: Message, content_type: str) -> str:
    [found] = [p for p in message.walk() if p.get_content_type() == content_type]
    return found.get_payload(decode=True).decode(found.get_content_charset() or "utf-8")


def by_recipient(smtp_server) -> dict[str, Message]:
    return {message["To"]: message for message in smtp_server.messages}


def queue(user: User, kind: str, count: int, *, key: str = "") -> None:
    for n in range(count):
        notify(
            user,
            kind,
            link_path=f"/tasks/{n}",
            detail=f"Detail {n}",
            dedupe_key=f"welsh:{key}{kind}:{n}:{user.id}",
        )
    db.session.commit()


def test_one_event_reaches_a_welsh_and_an_english_reader_each_in_their_language(app, signed_in, smtp_server):
    # The event: an administrator asks for a role that sees case data; the CE and DCE are asked to
    # approve it. The administrator's language plays no part.
    ce = welsh(make_user(roles=Role.CHIEF_EXECUTIVE, email="ce@example.org"))
    dce = make_user(roles=Role.DEPUTY_CHIEF_EXECUTIVE, email="dce@example.org")
    person = make_user(roles=Role.ADMINISTRATOR, email="person@example.org", name="Gwen Example")
    admin = signed_in(roles=Role.ADMINISTRATOR)
    admin.post(
        f"/admin/users/{person.id}/edit",
        {"name": person.name, "email": person.email, "roles": ["administrator", "practitioner"]},
        status=302,
    )
    assert relay.run()["sent"] == 2  # by the job: no request, no signed-in person
    mail = by_recipient(smtp_server)
    cy, en = mail["ce@example.org"], mail["dce@example.org"]
    assert subject(cy) == "Mae newid i fynediad rhywun yn aros i chi ei gymeradwyo"
    assert subject(en) == "A change to someone's access is waiting for your approval"
    assert cy["Content-Language"] == "cy" and en["Content-Language"] == "en"
    cy_text, cy_html = part(cy, "text/plain"), part(cy, "text/html")
    assert "Mae gweinyddwr wedi gofyn am newid i fynediad rhywun" in cy_text
    assert "Mewngofnodwch i'w weld:" in cy_text and "Anfonwyd y neges hon gan y rheolwr" in cy_text
    assert '<html lang="cy">' in cy_html and "Mewngofnodwch i'w weld" in cy_html
    assert "<title>Rheolwr adolygiadau achos</title>" in cy_html
    assert english_left(cy_html) == [] and english_left(cy_text) == []
    en_text, en_html = part(en, "text/plain"), part(en, "text/html")
    assert "An administrator has asked for a change to someone's access" in en_text
    assert "Sign in to see it:" in en_text and '<html lang="en">' in en_html
    # In the app, each reads the notification in their own language.
    page = signed_in(ce).get("/notifications")
    all_welsh(page)
    assert page.h1 == "Hysbysiadau" and page.title.startswith("Hysbysiadau")
    assert "Mae newid i fynediad rhywun yn aros i chi ei gymeradwyo." in page.text()
    page = signed_in(dce).get("/notifications")
    assert "A change to someone's access is waiting for your approval." in page.text()


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (2, "Mae gennych 2 dasg newydd"),
        (3, "Mae gennych 3 tasg newydd"),
        (6, "Mae gennych 6 thasg newydd"),
    ],
)
def test_a_combined_email_counts_in_welsh(app, smtp_server, count, expected):
    reader = welsh(make_user(email="darllenydd@example.org"))
    queue(reader, "task_assigned", count)
    assert relay.run()["sent"] == 1
    [message] = smtp_server.messages
    assert subject(message) == expected
    text = part(message, "text/plain")
    assert f"{expected}." in text and "Mewngofnodwch i'w gweld:" in text
    assert '<html lang="cy">' in part(message, "text/html") and message["Content-Language"] == "cy"


def test_a_combined_email_of_several_kinds_lists_each_in_welsh_and_english(app, smtp_server):
    reader = welsh(make_user(email="darllenydd@example.org"))
    reader_en = make_user(email="reader@example.org")
    for person in (reader, reader_en):
        queue(person, "task_assigned", 1)
        queue(person, "incident_recorded", 2)
    assert relay.run()["sent"] == 2
    mail = by_recipient(smtp_server)
    cy = mail["darllenydd@example.org"]
    assert subject(cy) == "Mae gennych 3 eitem yn aros yn y rheolwr adolygiadau achos"
    text = part(cy, "text/plain")
    assert "- 2 ddigwyddiad newydd yn eich ardal" in text and "- 1 dasg newydd" in text
    assert english_left(part(cy, "text/html")) == []
    en = mail["reader@example.org"]
    assert subject(en) == "You have 3 items waiting in the case review manager"
    text = part(en, "text/plain")
    assert "- 2 new incidents in your area" in text and "- 1 new task" in text


def test_one_summary_a_day_for_a_welsh_reader_who_chose_it(app, smtp_server):
    reader = welsh(make_user(email="darllenydd@example.org"))
    reader.email_preference = "daily"
    db.session.commit()
    for n in range(3):
        notify(
            reader,
            "task_assigned",
            link_path="/tasks",
            detail="Detail",
            dedupe_key=f"daily:{n}",
        )
    db.session.commit()
    assert relay.run()["sent"] == 0  # held for the next weekday morning
    assert relay.run(next_summary(utcnow()))["sent"] == 1
    [message] = smtp_server.messages
    assert subject(message) == "Mae gennych 3 tasg newydd"


def test_the_daily_area_summary_in_each_area_heads_language(app, signed_in, smtp_server):
    north, south = make_area(name="North"), make_area(name="South")
    pennaeth = welsh(make_user(roles=Role.AREA_HEAD_OF_OPERATIONS, area=north, email="pen@example.org"))
    make_user(roles=Role.AREA_HEAD_OF_OPERATIONS, area=south, email="head@example.org")
    for area in (north, south):
        case = make_case(area=area)
        services.open_review(make_incident(case=case), actor=case.practice_manager)
    db.session.query(Notification).delete()
    db.session.commit()
    monday = datetime(2026, 11, 23, 7, 30, tzinfo=UTC)
    assert digest.run(monday) == {"digests": 2}
    details = {
        n.user.email: n.detail
        for n in db.session.execute(select(Notification).where(Notification.kind == "daily_digest")).scalars()
    }
    assert details["pen@example.org"].startswith("Mae gan eich ardal 1 adolygiad agored a ")
    assert details["head@example.org"].startswith("Your area has 1 open review and ")
    relay.run()
    mail = by_recipient(smtp_server)
    assert subject(mail["pen@example.org"]) == "Eich crynodeb dyddiol o adolygiadau achos"
    assert subject(mail["head@example.org"]) == "Your daily case review summary"
    page = signed_in(pennaeth).get("/notifications")
    assert "Mae gan eich ardal 1 adolygiad agored" in page.text()
    all_welsh(page)


def test_a_calendar_invitation_in_each_readers_language(app, smtp_server):
    area = make_area(name="North")
    ce = make_user(roles=Role.CHIEF_EXECUTIVE)
    practitioner = welsh(make_user(roles=Role.PRACTITIONER, area=area, email="rhian@example.org"))
    manager = make_user(roles=Role.PRACTICE_MANAGER, area=area, email="mared@example.org")
    make_user(roles=Role.AREA_HEAD_OF_OPERATIONS, area=area)
    case = make_case(
        area=area,
        practitioner=practitioner,
        practice_manager=manager,
        proceedings_status=ProceedingsStatus.CLOSED,
    )
    review = services.open_review(make_incident(case=case), actor=manager)
    db.session.commit()
    services.decide(review, initiate=True, rationale="Learning", actor=ce)
    task = review.task(TaskKind.ARRANGE_SUPPORT_MEETINGS)
    first = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    support_service.arrange(task, actor=manager, first_meeting_at=first, cadence_working_days=10)
    db.session.query(Notification).delete()
    db.session.commit()
    assert support.run(datetime(2026, 11, 30, 9, tzinfo=UTC))["prompts"] == 2
    detail = db.session.execute(
        select(Notification.detail).where(Notification.user_id == practitioner.id)
    ).scalar_one()
    assert detail.endswith(f" am 10:00 (achos {case.case_number}).")
    relay.run()
    mail = by_recipient(smtp_server)
    cy, en = mail["rhian@example.org"], mail["mared@example.org"]
    assert subject(cy) == "Mae gennych gyfarfod cymorth yn fuan"
    assert "Mae gwahoddiad calendr wedi'i atodi." in part(cy, "text/plain")
    ics = part(cy, "text/calendar").replace("\r\n ", "")
    assert "SUMMARY;LANGUAGE=cy:Cyfarfod cymorth" in ics
    assert "DESCRIPTION;LANGUAGE=cy:Mewngofnodwch i weld y manylion: " in ics
    ics = part(en, "text/calendar").replace("\r\n ", "")
    assert "SUMMARY;LANGUAGE=en:Support meeting" in ics
    assert "DESCRIPTION;LANGUAGE=en:Sign in to see the details: " in ics


def test_security_notices_in_welsh(app, signed_in, smtp_server):
    person = welsh(make_user(roles=Role.ADMINISTRATOR, email="person@example.org"))
    admin = signed_in(roles=Role.ADMINISTRATOR)  # an English administrator changes it
    admin.post(
        f"/admin/users/{person.id}/edit",
        {
            "name": person.name,
            "email": person.email,
            "roles": ["administrator"],
            "password": "a brand new long passphrase",
        },
        status=302,
    )
    admin.post(f"/admin/users/{person.id}/reset-second-factor", {}, status=302)
    assert relay.run()["sent"] == 2  # security notices go at once, never combined
    subjects = sorted(subject(message) for message in smtp_server.messages)
    assert subjects == [
        "Mae eich cyfrinair rheolwr adolygiadau achos wedi newid",
        "Mae eich ffordd o fewngofnodi i'r rheolwr adolygiadau achos wedi newid",
    ]
    for text in smtp_server.texts():
        assert "Os nad oeddech yn disgwyl hyn, rhowch wybod i'ch gweinyddwr." in text
    details = sorted(
        db.session.execute(select(Notification.detail).where(Notification.user_id == person.id)).scalars()
    )
    assert details == sorted(
        [
            words("cy")(
                "Your second factor has changed or a recovery code was used. "
                "If you did not expect this, tell your administrator."
            ),
            "Mae eich cyfrinair wedi newid. Os nad oeddech yn disgwyl hyn, rhowch wybod i'ch gweinyddwr.",
        ]
    )


def test_the_sweep_writes_each_reminder_in_its_readers_language(app, signed_in):
    area = make_area(name="North")
    manager = make_user(roles=Role.PRACTICE_MANAGER, email="boss@example.org")
    head = welsh(
        make_user(roles=Role.AREA_HEAD_OF_OPERATIONS, area=area, manager=manager, email="pen@example.org")
    )
    case = make_case(area=area)
    review = services.open_review(make_incident(case=case), actor=case.practice_manager)
    db.session.commit()
    task = review.task(TaskKind.ACKNOWLEDGE_INCIDENT)
    task.due_on = task.next_escalation_on = date(2026, 12, 24)
    for other in review.tasks:
        if other.id != task.id:
            other.next_escalation_on = None
    db.session.query(Notification).delete()
    db.session.commit()
    sweep.run(datetime(2026, 12, 24, 9, tzinfo=UTC))  # the reminder, to the Welsh-speaking holder
    sweep.run(datetime(2026, 12, 30, 9, tzinfo=UTC))  # their line manager, who reads English
    details = {n.user.email: n.detail for n in db.session.execute(select(Notification)).scalars()}
    assert details["pen@example.org"].endswith(" i'w wneud erbyn 24 Rhagfyr 2026.")
    assert details["pen@example.org"].startswith("Roedd ")
    assert details["boss@example.org"].endswith(" was due on 24 December 2026.")
    # The task's title inside the sentence is the tasks area's (webapp/tasks/titles.py), put in the
    # reader's language there; the words around it and the notification's name are this area's.
    page = signed_in(head).get("/notifications")
    assert "Mae gennych dasg adolygiad achos sy'n ddyledus" in page.text()


def test_the_email_choices_on_your_account_read_in_welsh(app, signed_in):
    page = signed_in(welsh(make_user())).get("/account/emails")
    choices = [label.get_text(" ", strip=True) for label in page.html.select(".govuk-radios__label")]
    assert choices == [
        "E-bost ar gyfer pob tasg neu ddiweddariad newydd (bydd sawl un ar yr un pryd yn cyrraedd "
        "gyda'i gilydd mewn un e-bost)",
        "Un e-bost cryno bob bore yn ystod yr wythnos",
    ]
