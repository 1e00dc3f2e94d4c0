"""A Welsh-speaking team records a case, a child, an application and an incident, and reads the case,
the incidents and what the rules say, all in Welsh; the procedure's quotations are marked as this
service's translation, with the English original beside them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.clock import london_today
from tests.factories import make_area, make_user, welsh
from tests.language import all_welsh, english_left
from webapp.extensions import db
from webapp.models import Case, Incident, Role
from webapp.reviews import services as reviews


def d(value) -> list[str]:
    return [str(value.day), str(value.month), str(value.year)]


@pytest.fixture
def team(app):
    area = make_area(name="Gogledd")
    return {
        "area": area,
        "practitioner": welsh(make_user(roles=Role.PRACTITIONER, area=area, name="Alun Ymarferydd")),
        "manager": welsh(make_user(roles=Role.PRACTICE_MANAGER, area=area, name="Bethan Rheolwr")),
        "ahoo": welsh(make_user(roles=Role.AREA_HEAD_OF_OPERATIONS, area=area, name="Carys Pennaeth")),
        "ce": welsh(make_user(roles=Role.CHIEF_EXECUTIVE, name="Dafydd Prif")),
    }


def test_a_welsh_team_records_a_case_child_and_application(team, signed_in):
    client = signed_in(team["ahoo"])

    text = all_welsh(client.get("/cases/new"))
    assert "Cofnodi achos" in text and "Rhif achos" in text and "Cadw'r achos" in text
    empty = client.post("/cases/new", {})
    text = all_welsh(empty)
    assert "Rhowch rif yr achos" in empty.error_summary()
    assert "Dewiswch gyfraith gyhoeddus neu gyfraith breifat" in empty.error_summary()
    assert "Dewiswch yr ymarferydd" in text

    form = {
        "case_number": "cf25p 01234",
        "area_id": str(team["area"].id),
        "law_type": "private",
        "proceedings_status": "ongoing",
        "practitioner_id": str(team["practitioner"].id),
        "practice_manager_id": str(team["manager"].id),
    }
    saved = client.post("/cases/new", form, status=302)
    case = db.session.execute(select(Case)).scalar_one()
    page = client.get(saved.response.headers["Location"])
    text = all_welsh(page)
    assert "Achos CF25P01234 wedi'i gofnodi." in text
    assert "Manylion yr achos" in text and "Cyfraith breifat" in text and "Yn parhau" in text
    assert "Nid oes plant wedi'u cofnodi eto." in text and "Nid oes digwyddiadau wedi'u cofnodi." in text
    duplicate = client.post("/cases/new", form)
    assert "Mae achos gyda'r rhif achos hwn yn bodoli eisoes" in duplicate.error_summary()
    all_welsh(duplicate)

    text = all_welsh(
        client.post(f"/cases/{case.id}/children/new", {"name": "", "date_of_birth": ["", "", ""]})
    )
    assert "Rhowch enw llawn y plentyn" in text and "Rhowch ddyddiad geni'r plentyn" in text
    client.post(
        f"/cases/{case.id}/children/new",
        {"name": "Elin Jones", "date_of_birth": ["14", "6", "2019"]},
        status=302,
    )
    text = all_welsh(client.get(f"/cases/{case.id}"))
    assert "Plentyn wedi'i ychwanegu." in text and "Elin Jones" in text and "14 Mehefin 2019" in text

    text = all_welsh(client.post(f"/cases/{case.id}/applications/new", {}))
    assert "Dewiswch y math o gais" in text and "Rhowch y dyddiad y gwnaed y cais" in text
    client.post(
        f"/cases/{case.id}/applications/new",
        {"application_type": "care_order", "made_on": ["3", "2", "2025"]},
        status=302,
    )
    text = all_welsh(client.get(f"/cases/{case.id}"))
    assert "Cais wedi'i ychwanegu." in text and "Ceisiadau gerbron y llys" in text

    db.session.refresh(case)
    child, application = case.children[0], case.applications[0]
    text = all_welsh(client.get(f"/cases/{case.id}/children/{child.id}/remove"))
    assert "Tynnu Elin Jones oddi ar achos CF25P01234?" in text and "Cadw'r plentyn" in text
    text = all_welsh(client.get(f"/cases/{case.id}/applications/{application.id}/remove"))
    assert "oddi ar achos CF25P01234?" in text and "Cadw'r cais" in text
    client.post(f"/cases/{case.id}/applications/{application.id}/remove", {}, status=302)
    assert "Cais wedi'i dynnu oddi ar yr achos." in all_welsh(client.get(f"/cases/{case.id}"))

    text = all_welsh(client.get(f"/cases/{case.id}/edit"))
    assert "Newid manylion yr achos" in text
    client.post(
        f"/cases/{case.id}/edit", {**form, "law_type": "public", "version": str(case.version)}, status=302
    )
    text = all_welsh(client.get(f"/cases/{case.id}"))
    assert "Achos wedi'i ddiweddaru." in text and "Cyfraith gyhoeddus" in text

    text = all_welsh(client.get("/cases?q=CF25&status=ongoing&law=public"))
    assert "Achosion" in text and "Defnyddio'r hidlyddion" in text and "Rhif achos neu enw plentyn" in text
    assert "CF25P01234" in text
    assert "Nid oes achosion yn cyfateb." in all_welsh(client.get("/cases?q=nothing-like-it"))


def incident_form(**overrides) -> dict:
    occurred = london_today() - timedelta(days=5)
    data = {
        "kind": "death",
        "occurred_on": d(occurred),
        "cause": "neglect",
        "person_affected": "child_subject",
        "linked_to_court_involvement": "yes",
        "susr_known": "yes",
        "scr_known": "no",
        "summary": "Beth sy'n hysbys hyd yma.",
        "notified_by": "Police",
        "notified_on": d(occurred + timedelta(days=1)),
    }
    data.update(overrides)
    return data


def test_a_welsh_team_records_and_reads_an_incident_and_the_rules_reasons(team, signed_in):
    from tests.factories import make_case

    case = make_case(area=team["area"], practitioner=team["practitioner"], practice_manager=team["manager"])
    client = signed_in(team["practitioner"])

    text = all_welsh(client.get(f"/cases/{case.id}/incidents/new"))
    assert "Beth ddigwyddodd?" in text and "Cadw'r digwyddiad" in text
    empty = client.post(f"/cases/{case.id}/incidents/new", {})
    text = all_welsh(empty)
    errors = empty.error_summary()
    for message in (
        "Dewiswch farwolaeth neu ddigwyddiad arwyddocaol",
        "Rhowch ddyddiad y digwyddiad",
        "Dewiswch y rheswm, neu 'Ddim yn hysbys eto'",
        "Rhowch grynodeb o'r hyn sy'n hysbys",
        "Rhowch pwy a ddywedodd wrthym am y digwyddiad",
    ):
        assert message in errors, (message, errors)
    late = london_today() - timedelta(days=9)
    wrong = client.post(f"/cases/{case.id}/incidents/new", incident_form(notified_on=d(late)))
    assert "Rhaid i'r dyddiad y cawsom wybod fod yr un fath â dyddiad y digwyddiad neu ar ei ôl" in (
        wrong.error_summary()
    )

    saved = client.post(f"/cases/{case.id}/incidents/new", incident_form(), status=302)
    incident = db.session.execute(select(Incident)).scalar_one()
    text = all_welsh(client.get(saved.response.headers["Location"]))
    assert "Digwyddiad wedi'i gofnodi." in text and "Marwolaeth ar " in text
    assert "Esgeulustod" in text and "Beth sy'n hysbys hyd yma." in text and "Police" in text

    text = all_welsh(client.get("/incidents?kind=death"))
    assert "Digwyddiadau" in text and "Marwolaeth" in text
    assert "Nid oes digwyddiadau'n cyfateb." in all_welsh(client.get("/incidents?kind=significant_incident"))
    assert "Digwyddiadau a gofnodwyd yn erbyn yr achos hwn" in all_welsh(client.get(f"/cases/{case.id}"))

    # The Area Head changes a fact the rules read: the history keeps it and shows it in Welsh.
    head = signed_in(team["ahoo"])
    text = all_welsh(head.get(f"/incidents/{incident.id}/edit"))
    assert "Newid manylion y digwyddiad" in text
    head.post(
        f"/incidents/{incident.id}/edit",
        incident_form(susr_known="no", version=str(incident.version)),
        status=302,
    )
    text = all_welsh(head.get(f"/incidents/{incident.id}"))
    assert "Digwyddiad wedi'i ddiweddaru." in text and "Newidiadau i'r ffeithiau" in text
    assert "Adolygiad Diogelu Unedig Sengl yn hysbys Ie Na" in text
    db.session.refresh(incident)
    # Kept in English whoever made the change; shown in the reader's language.
    assert incident.versions[0].changes[0]["old"] == "Yes"

    # The decision page: the incident's facts and the rules' reasons, in Welsh, with the quotations
    # marked as this service's translation and their English original to hand.
    review = incident.review
    page = signed_in(team["ce"]).get(f"/reviews/{review.id}/decide")
    section = page.html.select_one("section.app-facts")
    assert english_left(str(section)) == []
    text = section.get_text(" ", strip=True)
    assert "Beth i'w ystyried" in text and "Beth mae'r rheolau'n ei ddweud" in text
    reason = "Nid oes Adolygiad Diogelu Unedig Sengl yn hysbys o'r dechrau"
    assert reason in text
    assert "Cyfieithiad y gwasanaeth hwn o'r weithdrefn" in text
    quotations = section.select(".app-procedure-quotation")
    assert len(quotations) == len(review.reasons)
    for quotation, stored in zip(quotations, review.reasons, strict=True):
        original = quotation.select_one('details [lang="en"]')
        assert original is not None and original.get_text(strip=True) == stored["clause"]
    assert "Esbonio Adolygiadau Achos, 1. Achos Llys yn Parhau" in text


def test_a_reason_whose_rule_has_gone_is_shown_as_kept_and_marked_english(team, signed_in):
    from tests.factories import make_case, make_incident

    case = make_case(area=team["area"], practitioner=team["practitioner"], practice_manager=team["manager"])
    incident = make_incident(case=case)
    review = reviews.open_review(incident, actor=team["manager"])
    review.reasons = [
        *review.reasons,
        {"rule": "retired_rule", "text": "An old reason.", "clause": "Old words."},
    ]
    db.session.commit()
    section = signed_in(team["ce"]).get(f"/reviews/{review.id}/decide").html.select_one("section.app-facts")
    assert english_left(str(section)) == []
    kept = section.find(string=lambda s: s and "An old reason." in s).parent
    assert kept["lang"] == "en"
    old = section.find(string=lambda s: s and "Old words." in s).parent
    assert old["lang"] == "en"
