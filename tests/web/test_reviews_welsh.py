"""Reviews and tasks in Welsh: a Welsh-speaking Chief Executive, Area Head of Operations, Practice
Manager and practitioner go through the Reviews list, their tasks, the decision, the review with its
history and the support meetings, each page all in Welsh; a notification the same step writes reads
in each recipient's own language."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.clock import london_today
from tests.factories import make_area, make_case, make_incident, make_user, welsh
from tests.language import all_welsh, words
from webapp.extensions import db
from webapp.models import (
    Notification,
    ProceedingsStatus,
    ReviewState,
    Role,
    SupportPlan,
    TaskEscalation,
    TaskKind,
    TaskStatus,
    utcnow,
)
from webapp.reviews import services as reviews

cy = words("cy")


def dated(name: str, value) -> dict:
    return {name: [str(value.day), str(value.month), str(value.year)]}


@pytest.fixture
def world(app):
    north, south = make_area(name="Gogledd"), make_area(name="De")
    case = make_case(
        area=north,
        practitioner=welsh(make_user(roles=Role.PRACTITIONER, area=north, name="Mared Ymarferydd")),
        practice_manager=welsh(make_user(roles=Role.PRACTICE_MANAGER, area=north, name="Rhian Rheolwr")),
    )
    return {
        "north": north,
        "case": case,
        "ce": welsh(make_user(roles=Role.CHIEF_EXECUTIVE, name="Elin Prif")),
        "dce": make_user(roles=Role.DEPUTY_CHIEF_EXECUTIVE, name="Dan Deputy"),
        "ahoo": welsh(make_user(roles=Role.AREA_HEAD_OF_OPERATIONS, area=north, name="Gwyn Pennaeth")),
        "ahoo_en": make_user(roles=Role.AREA_HEAD_OF_OPERATIONS, area=north, name="Harry Head"),
        "reviewer": welsh(make_user(roles=Role.HEAD_OF_OPERATIONS, area=south, name="Siân Adolygydd")),
    }


def open_review(case, *, susr: bool = False):
    incident = make_incident(case=case, susr=susr)
    review = reviews.open_review(incident, actor=case.practice_manager)
    db.session.commit()
    return review


def detail(kind: str, user, *, about: str = "") -> str:
    return (
        db.session.execute(
            select(Notification.detail)
            .where(
                Notification.kind == kind,
                Notification.user_id == user.id,
                Notification.detail.contains(about),
            )
            .order_by(Notification.id.desc())
        )
        .scalars()
        .first()
    )


def test_the_area_head_and_the_chief_executive_decide_in_welsh(world, signed_in):
    case = world["case"]
    number = case.case_number
    review = open_review(case, susr=True)  # proceedings ongoing and a SUSR known: consult, rapid review
    ahoo = signed_in(world["ahoo"])

    text = all_welsh(ahoo.get("/tasks"))
    assert "Fy nhasgau" in text and "Tasgau agored, y cynharaf i'w gwneud yn gyntaf" in text
    assert f"Rhoi eich barn ynghylch a ddylid cychwyn adolygiad o achos {number}" in text
    assert f"Cwblhau'r adolygiad cyflym a'r llinell amser ar gyfer achos {number}" in text
    assert "Cydnabod yr hysbysiad am y digwyddiad: digwyddiad arwyddocaol ar " in text
    assert f"Rhoi gwybod i Mared Ymarferydd a Rhian Rheolwr am yr adolygiad o achos {number}" in text
    all_welsh(ahoo.get("/tasks/team"))

    # The acknowledgement: a note is optional.
    acknowledge = review.task(TaskKind.ACKNOWLEDGE_INCIDENT)
    text = all_welsh(ahoo.get(f"/tasks/{acknowledge.id}"))
    assert "Marcio fel wedi'i gwneud" in text and "(amserlen ddiofyn y gwasanaeth hwn" in text
    done = ahoo.post(f"/tasks/{acknowledge.id}", {"note": "Wedi gweld."}, follow=True)
    assert "Tasg wedi'i gwneud." in all_welsh(done)

    # The consultation: an empty answer gets the Welsh error.
    consult = review.task(TaskKind.CONSULT_AREA_HEAD)
    refused = ahoo.post(f"/tasks/{consult.id}", {"view": ""})
    all_welsh(refused)
    assert refused.error_summary() == [
        cy("Enter your view for the Chief Executive or Deputy Chief Executive")
    ]
    assert refused.error_summary() == ["Rhowch eich barn i'r Prif Weithredwr neu'r Dirprwy Brif Weithredwr"]

    # The Chief Executive cannot decide yet, and is told why in Welsh.
    ce = signed_in(world["ce"])
    text = all_welsh(ce.get(f"/reviews/{review.id}/decide"))
    assert "Ni allwch benderfynu eto." in text
    assert "Rhaid ymgynghori â'r Pennaeth Gweithrediadau Ardal yn gyntaf" in text
    assert "Rhaid cwblhau'r adolygiad cyflym a'r llinell amser yn gyntaf" in text
    assert "Cyn y gellir gwneud penderfyniad:" in all_welsh(ce.get(f"/reviews/{review.id}"))

    ahoo.post(f"/tasks/{consult.id}", {"view": "Mae angen adolygiad."}, status=302)
    rapid = review.task(TaskKind.RAPID_REVIEW)
    text = all_welsh(ahoo.get(f"/tasks/{rapid.id}"))
    assert "Llunio llinell amser yr adolygiad cyflym" in text
    refused = ahoo.post(f"/tasks/{rapid.id}", {})
    all_welsh(refused)
    assert refused.error_summary() == [
        "Rhowch ganfyddiadau'r adolygiad cyflym",
        "Dewiswch ie os argymhellir adolygiad achos mewnol llawn",
    ]
    ahoo.post(
        f"/tasks/{rapid.id}",
        {"findings": "Angen adolygiad llawn.", "full_review_recommended": "yes"},
        status=302,
    )
    text = all_welsh(ahoo.get(f"/tasks/{rapid.id}"))
    assert "Wedi'i gwneud gan Gwyn Pennaeth ar " in text and "Beth a gofnodwyd" in text
    assert "Argymhellir adolygiad llawn" in text

    # The decision: an empty form, then initiate.
    text = all_welsh(ce.get(f"/reviews/{review.id}/decide"))
    assert "Penderfynu a ddylid cychwyn adolygiad" in text and "Eich penderfyniad" in text
    refused = ce.post(f"/reviews/{review.id}/decide", {"rationale": ""})
    all_welsh(refused)
    assert refused.error_summary() == [
        "Dewiswch a ydych am gychwyn adolygiad",
        "Rhowch y rhesymeg dros eich penderfyniad",
    ]
    decided = ce.post(
        f"/reviews/{review.id}/decide", {"decision": "initiate", "rationale": "Difrifol."}, follow=True
    )
    text = all_welsh(decided)
    assert "Penderfyniad wedi'i gofnodi." in text
    assert "Adolygiad: Adolygiad wedi'i gychwyn" in text
    db.session.refresh(review)
    assert review.state == ReviewState.INITIATED

    # The same step told to both Area Heads: each reads it in their own language.
    assert detail("review_stage_changed", world["ahoo"]) == (
        f"Achos {number}: penderfynwyd cychwyn adolygiad. "
        "Mae'r adolygiad bellach ar y cam 'Adolygiad wedi'i gychwyn'."
    )
    assert detail("review_stage_changed", world["ahoo_en"]) == (
        f"Case {number}: decided to initiate a review. The review is now at 'Review initiated'."
    )
    assert detail("task_assigned", world["ce"], about="Neilltuo") == (
        f"Tasg newydd ar achos {number}: Neilltuo Pennaeth Gweithrediadau annibynnol i arwain yr adolygiad."
    )
    assert detail("task_assigned", world["dce"], about="Allocate") == (
        f"New task on case {number}: Allocate an independent Head of Operations to lead the review."
    )

    # Allocating the reviewer: nobody chosen, then an independent Head of Operations.
    allocate = review.task(TaskKind.ALLOCATE_REVIEWER)
    text = all_welsh(ce.get(f"/tasks/{allocate.id}"))
    assert f"Neilltuo Pennaeth Gweithrediadau annibynnol i arwain yr adolygiad o achos {number}" in text
    assert "Dewiswch Bennaeth Gweithrediadau" in text
    refused = ce.post(f"/tasks/{allocate.id}", {"reviewer_id": ""})
    all_welsh(refused)
    assert refused.error_summary() == ["Dewiswch Bennaeth Gweithrediadau o ardal weithredol arall"]
    ce.post(f"/tasks/{allocate.id}", {"reviewer_id": str(world["reviewer"].id)}, status=302)

    # The reviewer's tasks, in Welsh.
    text = all_welsh(signed_in(world["reviewer"]).get("/tasks"))
    assert f"Casglu'r wybodaeth ar gyfer yr adolygiad o achos {number}" in text
    assert f"Drafftio adroddiad yr adolygiad ar gyfer achos {number}" in text

    # The review page: what the procedure requires, the decision, tasks, reminders and history.
    db.session.add(
        TaskEscalation(task_id=review.task(TaskKind.DRAFT_REPORT).id, step="reminder", recipients=1)
    )
    db.session.add(
        TaskEscalation(task_id=review.task(TaskKind.DRAFT_REPORT).id, step="line_manager", recipients=3)
    )
    db.session.commit()
    text = all_welsh(ce.get(f"/reviews/{review.id}"))
    for expected in (
        "Beth mae'r weithdrefn yn ei ofyn",
        "Achos llys yn parhau",
        "Siân Adolygydd (De)",
        "Penderfyniad Cychwyn adolygiad",
        "Penderfynwyd gan Elin Prif",
        "Nodiadau atgoffa ac uwchgyfeirio",
        "Nodyn atgoffa wedi'i anfon at bwy bynnag sy'n dal y dasg (1 person)",
        "Wedi'i uwchgyfeirio i'w rheolwr llinell (3 pherson)",
        "Hanes",
        "Digwyddiad wedi'i gofnodi: o fewn y weithdrefn",
        "Penderfynwyd cychwyn adolygiad (Elin Prif)",
        "Adolygydd wedi'i neilltuo",
        "Wedi'i gwneud: Rhoi eich barn ynghylch a ddylid cychwyn adolygiad",
        "Y farn a roddwyd: Mae angen adolygiad.",
        "Argymhellir adolygiad llawn: Ie",
        "Cyfarfodydd cymorth ar gyfer yr ymarferydd",
    ):
        assert expected in text, expected


def test_deciding_not_to_initiate_in_welsh(world, signed_in):
    case = make_case(
        area=world["north"],
        proceedings_status=ProceedingsStatus.CLOSED,
        practitioner=world["case"].practitioner,
        practice_manager=world["case"].practice_manager,
    )
    review = open_review(case)
    ce = signed_in(world["ce"])
    decided = ce.post(
        f"/reviews/{review.id}/decide", {"decision": "decline", "rationale": "Dim dysgu."}, follow=True
    )
    text = all_welsh(decided)
    assert "Penderfyniad wedi'i gofnodi." in text and "Peidio â chychwyn adolygiad" in text
    assert "Penderfynwyd peidio â chychwyn adolygiad (Elin Prif)" in text
    # A second decision is refused, in Welsh.
    again = ce.get(f"/reviews/{review.id}/decide", status=302)
    assert again.status == 302
    page = ce.get(f"/reviews/{review.id}")
    text = all_welsh(page)
    assert "Ni allwch gofnodi penderfyniad nawr: mae'r adolygiad ar y cam 'Adolygiad heb ei gychwyn'." in text


def test_the_reviews_list_in_welsh(world, signed_in):
    first = open_review(world["case"])
    open_review(make_case(area=world["north"]))
    ce = signed_in(world["ce"])
    text = all_welsh(ce.get("/reviews"))
    for expected in (
        "Adolygiadau",
        "Cam",
        "Ardal",
        "Adolygydd",
        "Tasgau hwyr",
        "Dim ond adolygiadau â thasg hwyr",
        "ADUS yn hysbys",
        "Trefnu yn ôl",
        "Y mwyaf o ddiwrnodau ar agor yn gyntaf",
        "Rhif achos",
        "Dyddiad y digwyddiad",
        "Y dasg nesaf",
        "Yn nwylo",
        "Diwrnodau ar agor",
        "Yn aros am benderfyniad",
        "Adolygiadau y gallwch eu gweld, wedi'u trefnu yn ôl diwrnodau ar agor",
    ):
        assert expected in text, expected
    text = all_welsh(ce.get("/reviews?sort=incident&order=desc&stage=awaiting_decision&susr=no"))
    assert (
        "Y diweddaraf yn gyntaf" in text
        and "Adolygiadau y gallwch eu gweld, wedi'u trefnu yn ôl dyddiad" in text
    )
    text = all_welsh(ce.get("/reviews?sort=case"))
    assert "A i Y" in text and "Y i A" in text
    text = all_welsh(ce.get(f"/reviews?overdue=yes&stage=closed&area={world['north'].id}"))
    assert "Nid oes adolygiadau'n cyfateb." in text
    assert first.case.case_number not in text


def test_the_practice_manager_and_practitioner_arrange_support_in_welsh(world, signed_in):
    case = world["case"]
    review = open_review(case)
    pm = signed_in(case.practice_manager)
    text = all_welsh(pm.get("/tasks"))
    assert "Cynnig atgyfeiriad i'r Rhaglen Cymorth i Weithwyr i Mared Ymarferydd" in text
    assert "Trefnu cyfarfodydd cymorth rheolaidd gyda Mared Ymarferydd" in text
    assert "Cytuno ar anghenion cymorth gyda Mared Ymarferydd" in text
    assert "Tasg newydd ar achos" in detail("task_assigned", case.practice_manager)

    # The Employee Assistance Programme offer: no answer, then "answer awaited", then accepted.
    eap = review.task(TaskKind.OFFER_EAP_REFERRAL)
    text = all_welsh(pm.get(f"/tasks/{eap.id}"))
    assert "Wedi'i gynnig, yn aros am ateb" in text
    refused = pm.post(f"/tasks/{eap.id}", {})
    all_welsh(refused)
    assert refused.error_summary() == ["Dewiswch ganlyniad y cynnig atgyfeirio"]
    pm.post(f"/tasks/{eap.id}", {"eap": "offered"}, status=302)
    db.session.refresh(review)
    follow_up = review.task_of(TaskKind.FOLLOW_UP_EAP_REFERRAL)
    text = all_welsh(pm.get(f"/tasks/{follow_up.id}"))
    assert "Dilyn i fyny'r cynnig o'r Rhaglen Cymorth i Weithwyr i Mared Ymarferydd" in text
    pm.post(f"/tasks/{follow_up.id}", {"eap": "accepted"}, status=302)

    # Support meetings: an empty form, then the first meeting a week ahead every 10 working days.
    meetings = review.task(TaskKind.ARRANGE_SUPPORT_MEETINGS)
    all_welsh(pm.get(f"/tasks/{meetings.id}"))
    refused = pm.post(f"/tasks/{meetings.id}", {"first_meeting_time": "", "cadence_working_days": ""})
    all_welsh(refused)
    assert refused.error_summary() == [
        "Rhowch ddyddiad y cyfarfod cymorth cyntaf",
        "Rhowch amser y cyfarfod cymorth cyntaf",
        "Rhowch nifer y diwrnodau gwaith rhwng cyfarfodydd",
    ]
    refused = pm.post(
        f"/tasks/{meetings.id}",
        {
            **dated("first_meeting_on", london_today() + timedelta(days=7)),
            "first_meeting_time": "25:00",
            "cadence_working_days": "99",
        },
    )
    assert refused.error_summary() == [
        "Rhowch amser fel 09:30 neu 14:00",
        "Rhaid i nifer y diwrnodau gwaith rhwng cyfarfodydd fod rhwng 1 a 60",
    ]
    pm.post(
        f"/tasks/{meetings.id}",
        {
            **dated("first_meeting_on", london_today() + timedelta(days=7)),
            "first_meeting_time": "10:00",
            "cadence_working_days": "10",
        },
        status=302,
    )

    # Support needs: recorded by the manager, confirmed by the practitioner.
    needs = review.task(TaskKind.AGREE_SUPPORT_NEEDS)
    refused = pm.post(f"/tasks/{needs.id}", {"needs": ""})
    all_welsh(refused)
    assert refused.error_summary() == ["Rhowch yr anghenion cymorth y cytunwyd arnynt"]
    pm.post(f"/tasks/{needs.id}", {"needs": "Goruchwyliaeth wythnosol."}, status=302)
    db.session.refresh(review)
    confirm = review.task_of(TaskKind.CONFIRM_SUPPORT_NEEDS)
    practitioner = signed_in(case.practitioner)
    text = all_welsh(practitioner.get(f"/tasks/{confirm.id}"))
    assert "Yr anghenion cymorth a gofnododd eich Rheolwr Ymarfer Goruchwyliaeth wythnosol." in text
    refused = practitioner.post(f"/tasks/{confirm.id}", {"comment": ""})
    all_welsh(refused)
    assert refused.error_summary() == ["Dewiswch a ydych yn cadarnhau'r anghenion cymorth"]
    practitioner.post(f"/tasks/{confirm.id}", {"confirmed": "confirmed"}, status=302)

    # The Area Head informs the practitioner and Practice Manager.
    inform = review.task(TaskKind.INFORM_PRACTITIONER_AND_PM)
    ahoo = signed_in(world["ahoo"])
    refused = ahoo.post(f"/tasks/{inform.id}", {})
    all_welsh(refused)
    assert refused.error_summary() == ["Rhowch y dyddiad y rhoddwyd gwybod iddynt"]
    refused = ahoo.post(f"/tasks/{inform.id}", dated("informed_on", london_today() + timedelta(days=3)))
    assert refused.error_summary() == [
        "Rhaid i'r dyddiad y rhoddwyd gwybod iddynt fod heddiw neu yn y gorffennol"
    ]
    ahoo.post(f"/tasks/{inform.id}", dated("informed_on", london_today()), status=302)
    db.session.refresh(inform)
    assert inform.status == TaskStatus.DONE

    # The support page: the plan, a meeting not yet held, ending support.
    text = all_welsh(pm.get(f"/reviews/{review.id}/support"))
    assert "Ar gyfer Mared Ymarferydd, gyda Rhian Rheolwr, bob 10 diwrnod gwaith." in text
    assert (
        "Mae'r cymorth yn parhau." in text
        and "Wedi'i drefnu" in text
        and "Cofnodi fel un a gynhaliwyd" in text
    )
    plan = db.session.execute(select(SupportPlan)).scalar_one()
    held = f"/reviews/{review.id}/support/meetings/{plan.meetings[0].id}/held"
    text = all_welsh(pm.post(held, {}, follow=True))
    assert "Ni ellir cofnodi bod cyfarfod wedi'i gynnal cyn iddo ddechrau." in text
    plan.meetings[0].starts_at = utcnow() - timedelta(hours=1)  # the meeting has taken place
    db.session.commit()
    text = all_welsh(pm.post(held, {"notes": "Sgwrs dda."}, follow=True))
    assert "Cyfarfod wedi'i gofnodi fel un a gynhaliwyd. Mae'r nesaf wedi'i drefnu." in text
    assert "Nodiadau preifat: Sgwrs dda." in text and "Wedi'i gynnal" in text
    text = all_welsh(pm.post(f"/reviews/{review.id}/support/end", {}, follow=True))
    assert "Mae'r cymorth wedi dod i ben." in text and "Daeth y cymorth i ben ar " in text
    assert "Wedi'i ganslo" in text
    all_welsh(practitioner.get(f"/reviews/{review.id}/support"))

    # The history shows what was entered, in Welsh words.
    text = all_welsh(pm.get(f"/reviews/{review.id}"))
    for expected in (
        "Wedi'i gwneud: Cynnig atgyfeiriad i'r Rhaglen Cymorth i Weithwyr i'r ymarferydd",
        "Rhaglen Cymorth i Weithwyr: Wedi'i gynnig, yn aros am ateb",
        "Rhaglen Cymorth i Weithwyr: Wedi'i gynnig a'i dderbyn",
        "Anghenion cymorth y cytunwyd arnynt: Goruchwyliaeth wythnosol.",
        "Ateb yr ymarferydd: Wedi'u cadarnhau",
        "Diwrnodau gwaith rhwng cyfarfodydd: 10",
        "Cyfarfod cyntaf: ",
    ):
        assert expected in text, expected


def test_a_support_page_with_no_plan_and_a_refusal_in_welsh(world, signed_in):
    review = open_review(world["case"])
    text = all_welsh(signed_in(world["ahoo"]).get(f"/reviews/{review.id}/support"))
    assert "Nid oes cyfarfodydd cymorth wedi'u trefnu eto." in text


def test_task_titles_follow_the_readers_language(world, app):
    from webapp.i18n import in_language_of
    from webapp.tasks.titles import support_meeting_title, titles

    review = open_review(world["case"])
    number = world["case"].case_number
    decide = review.task(TaskKind.DECIDE)
    with app.test_request_context(), in_language_of(world["ce"]):
        welsh_titles = titles(review.tasks)
        meeting = support_meeting_title("Mared", london_today())
    with app.test_request_context(), in_language_of(world["dce"]):
        english_titles = titles(review.tasks)
    assert welsh_titles[decide.id] == f"Penderfynu a ddylid cychwyn adolygiad achos mewnol o achos {number}"
    assert english_titles[decide.id] == f"Decide whether to initiate an internal case review of case {number}"
    assert meeting.startswith("Cyfarfod cymorth gyda Mared ar ")


def test_an_incident_outside_the_procedure_confirmed_in_welsh(world, signed_in):
    case = make_case(
        area=world["north"],
        proceedings_status=ProceedingsStatus.CLOSED,
        practitioner=world["case"].practitioner,
        practice_manager=world["case"].practice_manager,
    )
    review = reviews.open_review(make_incident(case=case, linked=False), actor=case.practice_manager)
    db.session.commit()
    assert review.state == ReviewState.OUTSIDE_PROCEDURE
    ce = signed_in(world["ce"])
    text = all_welsh(ce.get("/tasks"))
    assert (
        "Cadarnhau na fydd adolygiad, neu gychwyn un, ar gyfer digwyddiad y tu allan i'r weithdrefn "
        f"(achos {case.case_number})" in text
    )
    assert "Cychwyn adolygiad beth bynnag" in all_welsh(ce.get(f"/reviews/{review.id}"))
    text = all_welsh(ce.get(f"/reviews/{review.id}/decide"))
    assert "Cadarnhau na fydd adolygiad, neu gychwyn un" in text
    assert "Mae'r rheolau wedi canfod bod y digwyddiad hwn y tu allan i'r weithdrefn." in text
    refused = ce.post(f"/reviews/{review.id}/decide", {"rationale": "Dim."})
    all_welsh(refused)
    assert refused.error_summary() == ["Dewiswch a ydych am gadarnhau na fydd adolygiad neu gychwyn un"]
    text = all_welsh(
        ce.post(f"/reviews/{review.id}/decide", {"decision": "confirm", "rationale": "Dim."}, follow=True)
    )
    assert "Penderfyniad wedi'i gofnodi." in text
    assert "Cadarnhawyd: y tu allan i'r weithdrefn, dim adolygiad (Elin Prif)" in text


def test_a_tasks_page_says_how_long_is_left_in_the_readers_language(world, signed_in):
    """ "Due in 3 working days" in English, "I'w wneud ymhen 3 diwrnod gwaith" in Welsh (the working
    days left, weekends and bank holidays skipped), and how late an overdue task is."""
    import rules

    def status(person, task) -> str:
        page = signed_in(person).get(f"/tasks/{task.id}")
        rows = {
            row.select_one(".govuk-summary-list__key").get_text(strip=True): row.select_one(
                ".govuk-summary-list__value"
            ).get_text(" ", strip=True)
            for row in page.html.select(".govuk-summary-list__row")
        }
        return rows.get("Statws") or rows["Status"]

    review = open_review(world["case"])
    task = review.task(TaskKind.ACKNOWLEDGE_INCIDENT)
    today = london_today()
    task.due_on = today + timedelta(days=8)
    db.session.commit()
    left = rules.working_days_between(today, task.due_on)
    assert status(world["ahoo"], task) == f"I'w wneud ymhen {left} diwrnod gwaith"
    assert status(world["ahoo_en"], task) == f"Due in {left} working days"
    task.due_on = today - timedelta(days=2)
    db.session.commit()
    assert status(world["ahoo_en"], task) == "Overdue by 2 days"
    assert status(world["ahoo"], task) == "Yn hwyr o 2 diwrnod"
