"""The learning pages in Welsh: Welsh-speaking members of the Practice Development Team, the Chief
Executive, an action's owner, the Senior Leadership Team, an Area Head of Operations and an
administrator go from the agreed report to closure, the dashboard and its CSV, and the lists; every
page of the area is all Welsh (errors and messages included), and a Welsh name given to a list entry
shows on Welsh pages only."""

from __future__ import annotations

import csv
import io
import random
from datetime import timedelta

from sqlalchemy import select

from tests.clock import london_today
from tests.factories import make_user, welsh
from tests.language import all_welsh, words
from tests.learning.helpers import agreed_review, d
from tests.learning.test_learning_points import agreed, tag
from webapp.demo_learning import seed_closed_reviews
from webapp.extensions import db
from webapp.learning import plan
from webapp.models import ActionStatus, AuditEvent, LearningTag, Role, TagKind
from webapp.permissions import ROLE_PERMISSIONS, Permission

cy = words("cy")


# The whole organisation, every review ever: the period no one is shown small numbers in by default.
EVERYTHING = "from_date=1&from_date=1&from_date=2000&to_date=1&to_date=1&to_date=2100"


def success(page) -> str:
    banner = page.html.select_one(".govuk-notification-banner")
    assert banner is not None, "a message after the step"
    return banner.get_text(" ", strip=True)


def test_from_the_agreed_report_to_closure_in_welsh(app, signed_in):
    shared = agreed()
    review = shared.review
    pdt, ce, owner = welsh(shared.pdt), welsh(shared.ce), welsh(shared.manager)
    team = signed_in(pdt)

    overview = team.get(f"/reviews/{review.id}/learning")
    text = all_welsh(overview)
    assert "Dysgu a chynllun gweithredu" in text and "Heb ei ateb eto" in text

    # The learning: the lists show their Welsh names; an empty form gives Welsh errors.
    url = f"/reviews/{review.id}/learning/edit"
    text = all_welsh(team.get(url))
    assert "Esgeulustod" in text and "Beth oedd y canlyniad?" in text
    empty = team.post(url, {})
    all_welsh(empty)
    assert "Dewiswch ie, na neu 'Ddim yn hysbys'" in empty.error_summary()
    saved = team.post(
        url,
        {
            "risk_factors": [str(tag("Neglect").id)],
            "outcome": "death",
            "during_proceedings": "no",
            "perpetrator_relation": "family_member",
            "perpetrator_was_assessed_main_risk": "no",
        },
        status=302,
    )
    assert saved.status == 302
    page = team.get(f"/reviews/{review.id}/learning")
    assert success(page).endswith(cy("Learning saved."))
    assert "Esgeulustod" in all_welsh(page)

    # The Senior Leadership Team meeting, recorded by the Chief Executive.
    chief = signed_in(ce)
    url = f"/reviews/{review.id}/learning/slt"
    assert "Themâu ar gyfer y cyfarfod" in all_welsh(chief.get(url))
    empty = chief.post(url, {})
    all_welsh(empty)
    assert cy("Enter the date of the meeting") in empty.error_summary()
    chief.post(url, {"met_on": d(london_today()), "notes": "Trafodwyd y themâu."}, status=302)
    assert "Cyfarfod wedi'i gofnodi" in success(chief.get(f"/reviews/{review.id}/learning"))

    # Two actions; the first answers both learning points.
    url = f"/reviews/{review.id}/action-plan/new"
    all_welsh(team.get(url))
    empty = team.post(url, {})
    all_welsh(empty)
    assert empty.error_summary() == [
        "Rhowch y cam gweithredu",
        "Dewiswch pwy yw perchennog y cam gweithredu",
        "Rhowch y dyddiad y mae'r cam gweithredu i'w wneud erbyn",
    ]
    for action in ("Adolygu'r asesiad risg", "Hyfforddiant ar weld y plentyn ar ei ben ei hun"):
        team.post(
            url,
            {"action": action, "owner_id": str(owner.id), "due_on": d(london_today() + timedelta(days=20))},
            status=302,
        )
    first, second = plan.items(review)
    for point in review_points(review):
        url = f"/reviews/{review.id}/learning/points/{point.id}"
        assert "O'r adroddiad y cytunwyd arno:" in all_welsh(team.get(url))
        team.post(url, {"actions": [str(first.id)]}, status=302)
    assert "Pwynt dysgu wedi'i gadw." in success(team.get(f"/reviews/{review.id}/learning"))

    url = f"/reviews/{review.id}/action-plan/agree"
    assert "Camau gweithredu yn y cynllun" in all_welsh(team.get(url))
    team.post(url, {}, status=302)
    assert "Cynllun gweithredu wedi'i gytuno" in success(team.get(f"/reviews/{review.id}/learning"))

    # The owner records progress; a status left out is a Welsh error.
    mine = signed_in(owner)
    url = f"/reviews/{review.id}/action-plan/{first.id}"
    text = all_welsh(mine.get(url))
    assert "Diweddaru'r cam gweithredu" in text and "Heb ddechrau" in text
    empty = mine.post(url, {})
    all_welsh(empty)
    assert empty.error_summary() == ["Dewiswch statws y cam gweithredu"]
    mine.post(url, {"status": "done", "note": "Wedi'i wneud."}, status=302)
    page = mine.get(url)
    assert success(page).endswith("Cynnydd wedi'i gadw.") and "Wedi'i wneud, ar" in all_welsh(page)

    # The second action is withdrawn, with the reason asked for in Welsh.
    url = f"/reviews/{review.id}/action-plan/{second.id}/withdraw"
    assert "Cadw'r cam gweithredu" in all_welsh(team.get(url))
    empty = team.post(url, {})
    all_welsh(empty)
    assert empty.error_summary() == ["Rhowch pam mae'r cam gweithredu yn cael ei dynnu'n ôl"]
    team.post(url, {"reason": "Wedi'i ddisodli."}, status=302)
    page = team.get(f"/reviews/{review.id}/learning")
    assert "Cam gweithredu wedi'i dynnu'n ôl" in success(page) and "Wedi'i dynnu'n ôl" in all_welsh(page)
    all_welsh(team.get(f"/reviews/{review.id}/action-plan/{second.id}"))

    # A progress review, then closure.
    url = f"/reviews/{review.id}/action-plan/progress"
    all_welsh(team.get(url))
    empty = team.post(url, {})
    all_welsh(empty)
    assert cy("Enter the date of the progress review") in empty.error_summary()
    team.post(url, {"reviewed_on": d(london_today()), "notes": "Popeth wedi'i wneud."}, status=302)
    page = team.get(f"/reviews/{review.id}/learning")
    assert "Mae pob cam gweithredu wedi'i wneud: gallwch gau'r adolygiad." in success(page)
    url = f"/reviews/{review.id}/close"
    assert "Mae pob cam gweithredu yn y cynllun wedi'i wneud." in all_welsh(team.get(url))
    closed = team.post(url, {}, follow=True)
    assert "Mae'r adolygiad wedi'i gau." in success(closed)
    assert "Caewyd ar" in all_welsh(team.get(f"/reviews/{review.id}/learning"))
    # The review page's learning panel (the review page itself belongs to the reviews pages).
    panel = team.get(f"/reviews/{review.id}").text()
    assert "Gweld y dysgu a'r cynllun gweithredu" in panel
    assert (
        "Wedi'i gofnodi, 1 ffactor risg neu thema" in panel and "1 o 1 cam gweithredu wedi'u gwneud" in panel
    )


def review_points(review):
    from webapp.learning import points

    return points.points_of(review)


def test_closing_refused_and_closing_without_learning_in_welsh(world, signed_in):
    from tests.learning.test_action_plan import monitored_review

    review, [item] = monitored_review(world)
    team = signed_in(welsh(world["pdt"]))
    text = all_welsh(team.get(f"/reviews/{review.id}/close"))
    assert "Ni all yr adolygiad gau nes bod pob cam gweithredu wedi'i wneud." in text
    assert "Camau gweithredu heb eu gwneud" in text and "heb ddechrau" in text
    # The action's page for someone who may only look: who records its progress.
    looking = signed_in(welsh(world["slt"]))
    assert "sy'n cofnodi ei gynnydd" in all_welsh(looking.get(f"/reviews/{review.id}/action-plan/{item.id}"))

    other = agreed_review(world)
    chief = signed_in(welsh(world["dce"]))
    url = f"/reviews/{other.id}/learning/no-learning"
    all_welsh(chief.get(url))
    empty = chief.post(url, {})
    all_welsh(empty)
    assert empty.error_summary() == [cy("Enter why no learning was identified, for the record")]
    slt_page = chief.get(f"/reviews/{other.id}/learning/slt")
    assert "Nid yw'r dysgu wedi'i gofnodi eto." in all_welsh(slt_page)


def test_the_dashboard_and_its_csv_in_welsh(world, signed_in, monkeypatch):
    seed_closed_reviews(12, rng=random.Random(3))
    neglect = tag("Neglect")
    db.session.commit()
    senior = signed_in(welsh(world["slt"]))

    page = senior.get(f"/learning/dashboard?{EVERYTHING}")
    text = all_welsh(page)
    for words_shown in (
        "Dangosfwrdd dysgu",
        "Marwolaethau a niwed difrifol",
        "Adolygiadau lleol a'r astudiaeth genedlaethol",
        "Astudiaeth genedlaethol, 2009-2016 (97 adolygiad)",
        "Fesul chwarter",
        "Canolrif yr amser ym mhob cam",
        "Lawrlwytho fel CSV",
    ):
        assert words_shown in text, words_shown
    assert neglect.name_cy in page.html.find(id="risk_factors-table").get_text()
    trend = page.html.find(id="trend-table").get_text()
    assert " Ch" in trend and " Q" not in trend
    chart = page.html.select_one(".app-bar-chart")["aria-label"]
    assert chart.startswith("Siart bar o ")
    assert page.html.select_one(".app-line-chart")["aria-label"].startswith("Siart llinell o ")

    # The CSV is in the language of the request: Welsh headers, in the English columns' order.
    response = senior.client.get(f"/learning/dashboard/risk_factors.csv?{EVERYTHING}")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["Ffactor risg", "Adolygiadau", "Canran"]
    assert neglect.name_cy in [row[0] for row in rows[1:]]
    response = senior.client.get(f"/learning/dashboard/trend.csv?{EVERYTHING}")
    assert next(csv.reader(io.StringIO(response.get_data(as_text=True))))[:2] == [
        "Chwarter",
        "Digwyddiadau a hysbyswyd",
    ]

    # The reviews behind a figure.
    link = page.html.find(id="outcomes-table").select_one("tbody a")
    all_welsh(senior.get(link["href"]))

    # An area head given the dashboard (tests/learning/test_research_figures.py) sees small numbers as
    # "fewer than 5", in Welsh, on a chosen period.
    granted = ROLE_PERMISSIONS[Role.AREA_HEAD_OF_OPERATIONS] | {Permission.VIEW_DASHBOARD}
    monkeypatch.setitem(ROLE_PERMISSIONS, Role.AREA_HEAD_OF_OPERATIONS, granted)
    head = signed_in(welsh(world["ahoo"]))
    text = all_welsh(head.get(f"/learning/dashboard?{EVERYTHING}"))
    assert "llai na 5" in text and "heb ei ddangos" in text
    assert "Dangosir niferoedd o 1 i 4 fel “llai na 5”" in text
    rows = list(
        csv.reader(
            io.StringIO(
                head.client.get(f"/learning/dashboard/risk_factors.csv?{EVERYTHING}").get_data(as_text=True)
            )
        )
    )
    assert any("llai na 5" in row for row in rows[1:])

    # A period the wrong way round: the errors are Welsh.
    wrong = senior.get(
        "/learning/dashboard?from_date=1&from_date=1&from_date=2026&to_date=1&to_date=1&to_date=2025"
    )
    all_welsh(wrong)
    assert wrong.error_summary() == [cy("The last date must be the same as or after the first date")]

    # The same figures in English for an English reader (the snapshot keeps both languages).
    english = signed_in(world["ce"]).get(f"/learning/dashboard?{EVERYTHING}")
    assert "Deaths and serious harm" in english.text() and "Marwolaethau" not in english.text()
    assert "Neglect" in english.html.find(id="risk_factors-table").get_text()


def test_the_lists_page_gives_an_entry_its_welsh_name(world, signed_in):
    admin = signed_in(welsh(world["admin"]))
    text = all_welsh(admin.get("/admin/learning-tags"))
    assert "Ffactorau risg a themâu ymarfer" in text and "Esgeulustod" in text

    empty = admin.post("/admin/learning-tags", {})
    all_welsh(empty)
    assert empty.error_summary() == ["Dewiswch ffactor risg neu thema ymarfer", "Rhowch yr enw"]
    added = admin.post(
        "/admin/learning-tags",
        {"kind": "practice_theme", "name": "Supervision", "name_cy": "Goruchwyliaeth"},
        follow=True,
    )
    assert success(added).endswith("Goruchwyliaeth wedi'i ychwanegu at y themâu ymarfer.")
    supervision = db.session.execute(
        select(LearningTag).where(LearningTag.name == "Supervision")
    ).scalar_one()
    assert supervision.name_cy == "Goruchwyliaeth" and supervision.kind == TagKind.PRACTICE_THEME

    # An entry with no Welsh name yet is given one on its own page; the change is audited.
    planning = db.session.execute(
        select(LearningTag).where(LearningTag.name == "Housing")
    ).scalar_one_or_none()
    if planning is None:
        admin.post("/admin/learning-tags", {"kind": "risk_factor", "name": "Housing"}, status=302)
        planning = db.session.execute(select(LearningTag).where(LearningTag.name == "Housing")).scalar_one()
    url = f"/admin/learning-tags/{planning.id}/welsh-name"
    assert "Enw Saesneg:" in all_welsh(admin.get(url))
    too_long = admin.post(url, {"name_cy": "x" * 101})
    assert too_long.error_summary() == ["Rhaid i'r enw Cymraeg fod yn 100 nod neu lai"]
    page = admin.post(url, {"name_cy": "  Tai  "}, follow=True)
    assert "Enw Cymraeg Housing wedi'i gadw." in success(page)
    all_welsh(page)
    db.session.refresh(planning)
    assert planning.name_cy == "Tai"
    event = (
        db.session.execute(
            select(AuditEvent)
            .where(AuditEvent.event_type == "taxonomy.changed", AuditEvent.record_id == planning.id)
            .order_by(AuditEvent.id.desc())
        )
        .scalars()
        .first()
    )
    assert event.changed_fields == ["name_cy"]
    # Saving it again changes nothing, and says so.
    again = admin.post(url, {"name_cy": "Tai"}, follow=True)
    assert again.html.select_one(".govuk-notification-banner") is not None

    # Welsh pages show the Welsh name, sorted by it; English pages the English name.
    stopped = admin.post(f"/admin/learning-tags/{planning.id}/deactivate", {}, follow=True)
    assert "Nid yw Tai yn cael ei gynnig mwyach." in success(stopped)
    admin.post(f"/admin/learning-tags/{planning.id}/reactivate", {}, follow=True)
    review = agreed_review(world)
    welsh_form = signed_in(welsh(world["pdt"])).get(f"/reviews/{review.id}/learning/edit")
    labels = [
        label.get_text(strip=True)
        for label in welsh_form.html.select(
            "#risk_factors .govuk-checkboxes__label, .govuk-checkboxes__label"
        )
    ]
    assert "Tai" in labels and "Housing" not in labels
    risk_labels = [
        label.get_text(strip=True)
        for label in welsh_form.html.select(".govuk-checkboxes__label")
        if label.find_parent("fieldset").find("legend").get_text(strip=True) == "Ffactorau risg"
    ]
    assert risk_labels == sorted(risk_labels, key=str.casefold)
    english = signed_in(make_user(roles=Role.PRACTICE_DEVELOPMENT_TEAM)).get(
        f"/reviews/{review.id}/learning/edit"
    )
    assert "Housing" in english.text() and "Tai" not in english.text().split()


def test_the_status_of_an_action_is_welsh_in_the_plan(world, signed_in):
    from tests.learning.test_action_plan import monitored_review

    review, [item] = monitored_review(world)
    plan.update_progress(review, item, status=ActionStatus.IN_PROGRESS, note=None, actor=world["pdt"])
    page = signed_in(welsh(world["pdt"])).get(f"/reviews/{review.id}/action-plan/progress")
    assert "Ar y gweill" in all_welsh(page)


def test_the_job_works_the_figures_out_in_both_languages(world, signed_in):
    from jobs.dashboard import run as refresh
    from tests.learning.test_dashboard import statements_for

    seed_closed_reviews(4, rng=random.Random(4))
    db.session.commit()
    refresh()
    senior = signed_in(welsh(world["slt"]))
    assert statements_for(senior.client, "/learning/dashboard") <= 6, "read from the job's snapshot"
    text = all_welsh(senior.get("/learning/dashboard"))
    assert "Cyfrifwyd y ffigurau ar" in text and "Marwolaethau a niwed difrifol" in text
    english = signed_in(world["pdt"]).get("/learning/dashboard").text()
    assert "Figures worked out on" in english and "Deaths and serious harm" in english
