"""Support meetings: prompts with a calendar invitation, missed meetings escalated, the cadence."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy import select

from jobs import relay, support
from tests.concurrency import run_concurrently
from tests.factories import make_area, make_case, make_incident, make_user
from webapp.extensions import db
from webapp.formatting import london
from webapp.models import Notification, ProceedingsStatus, Role, SupportMeeting, TaskKind
from webapp.reviews import services
from webapp.reviews import support as support_service


@pytest.fixture
def plan(app):
    area = make_area(name="North")
    head = make_user(roles=Role.AREA_HEAD_OF_OPERATIONS, area=area, email="head@example.org")
    ce = make_user(roles=Role.CHIEF_EXECUTIVE)
    practitioner = make_user(
        roles=Role.PRACTITIONER, area=area, name="Rhian Practitioner", email="rhian@example.org"
    )
    manager = make_user(
        roles=Role.PRACTICE_MANAGER, area=area, name="Mared Manager", email="mared@example.org"
    )
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
    # Tuesday 1 December 2026 at 10:00 in London (GMT), every 10 working days.
    first = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    plan = support_service.arrange(task, actor=manager, first_meeting_at=first, cadence_working_days=10)
    db.session.query(Notification).delete()
    db.session.commit()
    return {
        "plan": plan,
        "head": head,
        "manager": manager,
        "practitioner": practitioner,
        "case": case,
        "review": review,
    }


def kinds() -> list[tuple[str, str]]:
    return sorted((n.kind, n.user.email) for n in db.session.execute(select(Notification)).scalars())


def test_prompt_goes_out_before_the_meeting_with_an_invitation(plan, smtp_server):
    assert support.run(datetime(2026, 11, 27, 9, tzinfo=UTC)) == {"prompts": 0, "missed_escalations": 0}
    assert support.run(datetime(2026, 11, 30, 9, tzinfo=UTC))["prompts"] == 2
    assert support.run(datetime(2026, 11, 30, 10, tzinfo=UTC))["prompts"] == 0  # once only
    assert kinds() == [
        ("support_meeting_prompt", "mared@example.org"),
        ("support_meeting_prompt", "rhian@example.org"),
    ]
    relay.run()
    assert len(smtp_server.messages) == 2
    message = smtp_server.messages[0]
    [invite] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    ics = invite.get_payload(decode=True).decode()
    assert "DTSTART:20261201T100000Z" in ics and "DTEND:20261201T110000Z" in ics
    assert "/sign-in?next=/notifications/" in ics.replace("\r\n ", "")
    for text in smtp_server.texts():
        for secret in ("Rhian", "Mared", plan["case"].case_number):
            assert secret not in text


def test_a_meeting_not_recorded_as_held_is_escalated_to_the_area_head(plan):
    assert support.run(datetime(2026, 12, 1, 23, tzinfo=UTC))["missed_escalations"] == 0  # same day
    assert support.run(datetime(2026, 12, 2, 8, tzinfo=UTC))["missed_escalations"] == 1
    assert support.run(datetime(2026, 12, 3, 8, tzinfo=UTC))["missed_escalations"] == 0
    assert ("support_meeting_missed", "head@example.org") in kinds()


def test_holding_a_meeting_books_the_next_at_the_cadence(plan, signed_in):
    first = plan["plan"].meetings[0]
    held = f"/reviews/{plan['review'].id}/support/meetings/{first.id}/held"
    # "Held" cannot precede the meeting (10:00 on 1 December): refused before, accepted after.
    with time_machine.travel("2026-12-01 09:30:00+00:00", tick=False):
        page = signed_in(plan["manager"]).post(held, {}, follow=True)
        assert "cannot be recorded as held before it starts" in page.text()
    with time_machine.travel("2026-12-01 11:00:00+00:00", tick=False):
        signed_in(plan["manager"]).post(held, {"notes": "Talked about sleep."}, status=302)
    db.session.expire_all()
    assert plan["plan"].meetings[0].notes == "Talked about sleep."
    meetings = plan["plan"].meetings
    assert len(meetings) == 2 and meetings[0].held_at is not None
    # 10 working days after Tuesday 1 December (weekends skipped): Tuesday 15 December, same time.
    assert london(meetings[1].starts_at).date() == date(2026, 12, 15)
    assert london(meetings[1].starts_at).strftime("%H:%M") == "10:00"
    assert support.run(datetime(2026, 12, 2, 8, tzinfo=UTC))["missed_escalations"] == 0  # it was held
    page = signed_in(plan["manager"]).get(f"/reviews/{plan['review'].id}/support").text()
    assert "Held" in page and "Booked" in page
    # Someone else may not record meetings or end support.
    signed_in(plan["practitioner"]).post(f"/reviews/{plan['review'].id}/support/end", {}, status=403)


def test_ending_support_stops_prompts_and_bookings(plan, signed_in):
    client = signed_in(plan["manager"])
    client.post(f"/reviews/{plan['review'].id}/support/end", {}, status=302)
    db.session.expire_all()
    assert plan["plan"].active is False
    assert support.run(datetime(2026, 11, 30, 9, tzinfo=UTC)) == {"prompts": 0, "missed_escalations": 0}
    assert support.run(datetime(2026, 12, 9, 9, tzinfo=UTC)) == {"prompts": 0, "missed_escalations": 0}


def test_next_meeting_keeps_the_local_time_across_the_clock_change():
    # 10:00 BST on Friday 23 October 2026 is 09:00 UTC; five working days later is Friday
    # 30 October, still BST; ten is Friday 6 November, GMT: 10:00 local is then 10:00 UTC.
    first = datetime(2026, 10, 23, 9, 0, tzinfo=UTC)
    assert support_service.next_meeting_time(first, 10) == datetime(2026, 11, 6, 10, 0, tzinfo=UTC)


def test_cadence_skips_christmas():
    first = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    # Working days after Tue 1 Dec: 2,3,4,7,8,9,10,11,14,15 -> the 10th is Tuesday 15 December.
    assert support_service.next_meeting_time(first, 10) == datetime(2026, 12, 15, 10, 0, tzinfo=UTC)
    # From Tue 22 Dec, 3 working days: 23, 24, (25 Christmas, 26-27 weekend, 28 substitute), 29.
    assert support_service.next_meeting_time(datetime(2026, 12, 22, 10, tzinfo=UTC), 3) == datetime(
        2026, 12, 29, 10, tzinfo=UTC
    )


def test_meetings_are_prompted_once_even_with_two_jobs(plan, app):
    results = run_concurrently(app, lambda: support.run(datetime(2026, 11, 30, 9, tzinfo=UTC)), times=2)
    assert sum(r["prompts"] for r in results) == 2
    assert len(db.session.execute(select(SupportMeeting)).scalars().all()) == 1
