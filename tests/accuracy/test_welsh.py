"""The accuracy check, its disputes and the disclosure log in Welsh: a Welsh-speaking practitioner,
Practice Manager, Head of Operations, report author, Deputy Chief Executive and Chief Executive each
go through their steps. Every page is in Welsh (``lang="cy"``, no English interface text left), with
its error messages when a form is sent empty and its flash messages after each step; the person who
raised a concern is told of each move in Welsh. The same pages stay in English for an English
speaker."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.accuracy.helpers import shared_review
from tests.accuracy.test_revisions import COMPLETE
from tests.clock import london_today
from tests.conftest import Page
from tests.language import english_left
from webapp.conduct import report
from webapp.extensions import db
from webapp.models import Dispute, GatheringItem, GatheringSource, Notification, ReviewState


@pytest.fixture
def shared(app):
    """A report shared for accuracy; everyone taking part has chosen Welsh."""
    shared = shared_review(susr=True)
    for source in GatheringSource:  # so a revision of the report is complete enough to share
        db.session.add(GatheringItem(review_id=shared.review.id, source=source, done_on=london_today()))
    for person in (shared.practitioner, shared.manager, shared.hoo, shared.reviewer, shared.ce, shared.dce):
        person.language = "cy"
    db.session.commit()
    return shared


def review_panel(page: Page) -> str:
    """The review page's accuracy panel."""
    panel = page.html.find(id="accuracy-panel")
    assert panel is not None
    return page.response.get_data(as_text=True)


def welsh(page: Page, *expected: str, panel: bool = False) -> str:
    """The page is all Welsh and says each ``expected`` text; returns its text. ``panel``: the
    review page, which has the accuracy panel."""
    assert page.html.find("html")["lang"] == "cy"
    assert english_left(review_panel(page) if panel else page.response.get_data(as_text=True)) == []
    text = page.text()
    for words in expected:
        assert words in text, words
    return text


def the_dispute() -> Dispute:
    return db.session.execute(select(Dispute).order_by(Dispute.id.desc())).scalars().first()


def told(user) -> list[str]:
    rows = db.session.execute(
        select(Notification.detail)
        .where(Notification.user_id == user.id, Notification.kind == "concern_updated")
        .order_by(Notification.id)
    ).scalars()
    return list(rows)


def test_a_concern_taken_to_the_dce_a_grievance_closure_confirmation_and_disclosure_in_welsh(
    shared, signed_in
):
    review = shared.review
    base = f"/reviews/{review.id}"
    practitioner, manager, hoo = (
        signed_in(shared.practitioner),
        signed_in(shared.manager),
        signed_in(shared.hoo),
    )

    # The practitioner checks the report: the page, its errors, then agreeing.
    respond = f"{base}/accuracy/practitioner"
    welsh(
        practitioner.get(respond),
        "Gwirio cywirdeb adroddiad yr adolygiad (fersiwn 1)",
        "Rydych chi'n ymateb fel",
        "Ydych chi'n cytuno bod yr adroddiad yn gywir, gan gynnwys ei bwyntiau dysgu?",
        "Anfon ymateb",
    )
    page = practitioner.post(respond, {})
    welsh(page)
    assert page.error_summary() == [
        "Dewiswch a ydych chi'n cytuno bod yr adroddiad yn gywir neu am godi pryder"
    ]
    page = practitioner.post(respond, {"answer": "concern", "concern": ""})
    assert page.error_summary() == ["Rhowch eich pryder am yr adroddiad"]
    welsh(page)
    page = practitioner.post(respond, {"answer": "agree"}, follow=True)
    welsh(page, "Diolch: mae eich cytundeb wedi'i gofnodi.", "Cywirdeb adroddiad yr adolygiad")
    welsh(practitioner.get(respond), "Cytunoch chi fod yr adroddiad yn gywir ar")
    hoo.post(f"{base}/accuracy/head_of_operations", {"answer": "agree"}, status=302)

    # The Practice Manager raises a concern.
    page = manager.post(
        f"{base}/accuracy/practice_manager",
        {"answer": "concern", "concern": "Mae'r gronoleg yn colli ymweliad."},
        follow=True,
    )
    welsh(
        page,
        "Mae eich pryder wedi'i gofnodi ac wedi mynd at awdur yr adroddiad i'w ddatrys.",
        "Pryder 1: Rheolwr Ymarfer",
        "Codwyd gan",
        "gydag awdur yr adroddiad",
    )
    dispute = the_dispute()
    stage = f"{base}/disputes/{dispute.id}"

    # The report author answers in writing.
    author = signed_in(shared.reviewer)
    welsh(
        author.get(f"{stage}/author"),
        "Ymateb i bryder am yr adroddiad",
        "Gallwch chi ateb mewn un o ddwy ffordd",
        "Terfyn amser y cam hwn",
        "y person a gododd y pryder (Rheolwr Ymarfer)",
    )
    page = author.post(f"{stage}/author", {"response": ""})
    assert page.error_summary() == ["Rhowch eich ymateb i'r pryder"]
    welsh(page)
    page = author.post(f"{stage}/author", {"response": "Mae'r adroddiad yn sefyll."}, follow=True)
    welsh(
        page,
        "Mae eich ymateb wedi'i gofnodi ac wedi mynd at y person a gododd y pryder (Rheolwr Ymarfer)",
        "Ateb awdur yr adroddiad",
    )

    # The Practice Manager, told in Welsh, says the answer does not resolve it.
    assert told(shared.manager) == [
        f"Eich pryder am yr adroddiad (achos {review.case.case_number}): mae awdur yr adroddiad wedi "
        "ateb. Dywedwch a yw hynny'n datrys eich pryder."
    ]
    welsh(
        manager.get(f"{base}/accuracy"),
        "Dywedwch a yw ateb yr awdur yn datrys eich pryder",
        "yn aros i'r person a'i cododd ddweud a yw ateb yr awdur yn ei ddatrys",
    )
    welsh(manager.get(f"{stage}/answer"), "Ateb awdur yr adroddiad i'ch pryder", "Anfon ateb")
    page = manager.post(f"{stage}/answer", {})
    assert page.error_summary() == ["Dewiswch a yw ateb yr awdur yn datrys eich pryder"]
    welsh(page)
    page = manager.post(f"{stage}/answer", {"resolved": "no", "reason": "Mae'n dal ar goll."}, follow=True)
    welsh(
        page,
        "Mae eich ateb wedi'i gofnodi. Mae eich pryder wedi mynd at y Dirprwy Brif Weithredwr",
        "gyda'r Dirprwy Brif Weithredwr",
    )

    # The Deputy Chief Executive decides: not upheld.
    dce = signed_in(shared.dce)
    welsh(dce.get(f"{stage}/decide"), "Penderfynu ar anghydfod am yr adroddiad", "Heb ei gadarnhau")
    page = dce.post(f"{stage}/decide", {})
    assert page.error_summary() == [
        "Dewiswch a yw'r pryder wedi'i gadarnhau, wedi'i gadarnhau'n rhannol neu heb ei gadarnhau",
        "Rhowch y rhesymau dros eich penderfyniad",
    ]
    welsh(page)
    page = dce.post(
        f"{stage}/decide", {"outcome": "not_upheld", "decision": "Mae'r adroddiad yn gywir."}, follow=True
    )
    welsh(page, "Mae eich penderfyniad wedi'i gofnodi. Mae'r adroddiad bellach wedi'i gytuno.")
    db.session.refresh(review)
    assert review.state == ReviewState.AGREED
    assert told(shared.manager)[-1].endswith("nid yw'r Dirprwy Brif Weithredwr wedi'i gadarnhau.")

    # The Practice Manager records the grievance.
    welsh(manager.get(f"{stage}/grievance"), "Cofnodi cwyn ffurfiol", "Agor cam y gŵyn ffurfiol")
    page = manager.post(f"{stage}/grievance", {"note": ""})
    assert page.error_summary() == ["Rhowch y rheswm pam nad yw'r anghydfod wedi'i ddatrys o hyd"]
    welsh(page)
    page = manager.post(f"{stage}/grievance", {"note": "Codwyd gyda Llywodraeth Cymru."}, follow=True)
    welsh(page, "Wedi'i gofnodi: aed â'r anghydfod i weithdrefn cwynion ffurfiol Llywodraeth Cymru.")
    page = manager.post(f"{stage}/grievance", {"note": "Eto."}, follow=True)
    welsh(page, "Mae cwyn ffurfiol eisoes wedi'i chofnodi ar gyfer yr anghydfod hwn.")

    # The review page's panel shows the open grievance; the Chief Executive confirms closure.
    ce = signed_in(shared.ce)
    welsh(
        ce.get(f"{base}"),
        "Mae cwyn ffurfiol Llywodraeth Cymru am yr adroddiad ar agor (codwyd gan: Rheolwr Ymarfer",
        "Cadarnhau y caiff yr adolygiad gau tra bo'r gŵyn ffurfiol ar agor",
        "Cofnodi rhannu'r adroddiad ag adolygiad allanol",
        panel=True,
    )
    welsh(
        ce.get(f"{stage}/confirm-closure"), "Cadarnhau y caiff yr adolygiad gau tra bo cwyn ffurfiol ar agor"
    )
    page = ce.post(f"{stage}/confirm-closure", {"reason": ""})
    assert page.error_summary() == [
        "Rhowch y rheswm pam y caiff yr adolygiad gau tra bo'r gŵyn ffurfiol ar agor"
    ]
    welsh(page)
    page = ce.post(f"{stage}/confirm-closure", {"reason": "Mae'n ymwneud ag un dyddiad."}, follow=True)
    welsh(page, "Wedi'i gadarnhau: caiff yr adolygiad gau tra bo'r gŵyn ffurfiol ar agor.", panel=True)
    page = ce.post(f"{stage}/confirm-closure", {"reason": "Eto."}, follow=True)
    welsh(page, "Cadarnhawyd eisoes ar")

    # The Deputy Chief Executive records the grievance's outcome.
    welsh(
        dce.get(f"{stage}/grievance/outcome"),
        "Cofnodi canlyniad y gŵyn ffurfiol",
        "Cwyn ffurfiol Llywodraeth Cymru",
    )
    page = dce.post(f"{stage}/grievance/outcome", {"outcome": ""})
    assert page.error_summary() == ["Rhowch ganlyniad y gŵyn ffurfiol"]
    welsh(page)
    page = dce.post(f"{stage}/grievance/outcome", {"outcome": "Heb ei gadarnhau."}, follow=True)
    welsh(page, "Mae canlyniad y gŵyn ffurfiol wedi'i gofnodi", "Canlyniad y gŵyn ffurfiol")
    assert "mae canlyniad cwyn ffurfiol Llywodraeth Cymru wedi'i gofnodi." in told(shared.manager)[-1]

    # The Chief Executive records sharing the agreed report with a SUSR.
    disclose = f"{base}/disclosures/new"
    welsh(
        ce.get(disclose),
        "Cofnodi rhannu'r adroddiad ag adolygiad allanol",
        "Adolygiad Diogelu Unedig Sengl (Cymru)",
        "Fersiwn 1, yr adroddiad y cytunwyd arno",
    )
    page = ce.post(disclose, {"draft_id": ""})
    assert page.error_summary() == [
        "Dewiswch yr adolygiad allanol y rhannwyd yr adroddiad ag ef",
        "Dewiswch y fersiwn o'r adroddiad a rannwyd",
        "Rhowch gyda phwy y rhannwyd yr adroddiad",
        "Rhowch y dyddiad y rhannwyd yr adroddiad",
    ]
    welsh(page)
    tomorrow = london_today() + timedelta(days=1)
    page = ce.post(
        disclose,
        {
            "external_review": "susr",
            "draft_id": str(shared.draft.id),
            "recipient": "Cadeirydd panel ADUS Cwm Taf",
            "shared_on": [str(tomorrow.day), str(tomorrow.month), str(tomorrow.year)],
        },
    )
    assert page.error_summary() == [
        "Rhaid i'r dyddiad y rhannwyd yr adroddiad fod heddiw neu yn y gorffennol"
    ]
    welsh(page)
    yesterday = london_today() - timedelta(days=1)
    page = ce.post(
        disclose,
        {
            "external_review": "susr",
            "draft_id": str(shared.draft.id),
            "recipient": "Cadeirydd panel ADUS Cwm Taf",
            "shared_on": [str(yesterday.day), str(yesterday.month), str(yesterday.year)],
        },
        follow=True,
    )
    welsh(
        page,
        "Wedi'i gofnodi yn y cofnod datgelu.",
        "Cofnod datgelu",
        "Cadeirydd panel ADUS Cwm Taf",
        panel=True,
    )


def test_a_revision_and_an_upheld_concern_in_welsh(shared, signed_in):
    review = shared.review
    base = f"/reviews/{review.id}"
    author, manager, dce = signed_in(shared.reviewer), signed_in(shared.manager), signed_in(shared.dce)
    manager.post(
        f"{base}/accuracy/practice_manager",
        {"answer": "concern", "concern": "Mae'r crynodeb yn colli ymweliad 3 Mawrth."},
        status=302,
    )
    dispute = the_dispute()
    stage = f"{base}/disputes/{dispute.id}"

    # A revision needs a new version first; then the author shares it, saying what changed.
    revision = f"{base}/report/revision"
    welsh(
        author.get(revision), "Rhannu diwygiad o'r adroddiad", "Cadwch fersiwn newydd o'r adroddiad yn gyntaf"
    )
    latest = report.latest_draft(review)
    report.save_draft(
        review,
        {**COMPLETE, "incident_summary": "Digwyddiad difrifol ar ôl ymweliad 3 Mawrth."},
        based_on=latest.version,
        actor=shared.reviewer,
    )
    welsh(author.get(revision), "Bydd fersiwn 2 yn cael ei rhewi", "y pryder a godwyd gan: Rheolwr Ymarfer")
    page = author.post(revision, {"version": "2", "note": ""})
    assert page.error_summary() == ["Dywedwch beth wnaethoch chi ei newid yn y fersiwn hon, a pham"]
    welsh(page)
    page = author.post(revision, {"version": "2", "note": "Mae'r ymweliad yn y crynodeb."}, follow=True)
    welsh(
        page, "Mae fersiwn 2 wedi'i rhannu.", "y person a'i cododd (Rheolwr Ymarfer) sy'n cadarnhau yn gyntaf"
    )
    assert "mae awdur yr adroddiad wedi rhannu fersiwn ddiwygiedig" in told(shared.manager)[-1]
    welsh(signed_in(shared.practitioner).get(f"{base}/accuracy"), "I'w holi nesaf")

    # The Practice Manager reads the revision and says it falls short; the DCE partly upholds it.
    welsh(
        manager.get(f"{stage}/answer"),
        "Diwygiodd yr awdur yr adroddiad mewn ymateb",
        "Beth newidiodd yr awdur, a pham:",
    )
    manager.post(f"{stage}/answer", {"resolved": "no", "reason": "Mae'r dyddiad yn anghywir."}, status=302)
    welsh(
        dce.get(f"{stage}/decide"),
        "Pam mae'r person a gododd y pryder (Rheolwr Ymarfer) yn dweud nad yw fersiwn 2 yn datrys y pryder:",
    )
    page = dce.post(
        f"{stage}/decide", {"outcome": "partly_upheld", "decision": "Cywirwch y dyddiad."}, follow=True
    )
    welsh(page, "Mae'r adroddiad wedi mynd yn ôl at ei awdur i'w ddiwygio")
    assert "mae'r Dirprwy Brif Weithredwr wedi'i gadarnhau'n rhannol" in told(shared.manager)[-1]
    welsh(
        author.get(f"{base}/accuracy"),
        "Diwygio'r adroddiad fel y penderfynodd y Dirprwy Brif Weithredwr ar bryder 1",
    )


def test_the_same_pages_stay_in_english_for_an_english_speaker(shared, signed_in):
    shared.practitioner.language = "en"
    db.session.commit()
    practitioner = signed_in(shared.practitioner)
    path = f"/reviews/{shared.review.id}/accuracy/practitioner"
    page = practitioner.get(path)
    assert page.html.find("html")["lang"] == "en"
    assert "Do you agree that the report is accurate, including its learning points?" in page.text()
    assert practitioner.post(path, {}).error_summary() == [
        "Select whether you agree the report is accurate or want to raise a concern"
    ]
    page = practitioner.post(path, {"answer": "agree"}, follow=True)
    assert "Thank you: your agreement is recorded." in page.text()
    assert "1 of 3 agreed" in practitioner.get(f"/reviews/{shared.review.id}").text()


def test_a_party_with_nobody_to_ask_and_a_concern_resolved_at_stage_1_in_welsh(app, signed_in):
    shared = shared_review(with_hoo=False)
    for person in (shared.practitioner, shared.manager, shared.reviewer, shared.ce):
        person.language = "cy"
    db.session.commit()
    base = f"/reviews/{shared.review.id}"
    ce = signed_in(shared.ce)
    welsh(
        ce.get(f"{base}/accuracy"),
        "Nid oedd neb i'w holi ar ran: Pennaeth Gweithrediadau ardal yr achos.",
        "Neb i'w holi",
        "Gofyn i'r bobl sydd ar goll wirio'r adroddiad",
        "Nid oes unrhyw bryderon wedi'u codi.",
    )
    page = ce.post(f"{base}/accuracy/ask-missing", {}, follow=True)
    welsh(page, "Nid oes neb i'w holi o hyd ar ran: Pennaeth Gweithrediadau ardal yr achos.")
    welsh(ce.get(base), "0 o 3 wedi cytuno;", "0 pryder wedi'u codi.", panel=True)

    # The practitioner's concern, answered by the author, is resolved in the practitioner's word.
    practitioner = signed_in(shared.practitioner)
    respond = f"{base}/accuracy/practitioner"
    practitioner.post(respond, {"answer": "concern", "concern": "Mae dyddiad yn anghywir."}, status=302)
    page = practitioner.post(respond, {"answer": "agree"}, follow=True)
    welsh(page, "Rydych chi eisoes wedi ymateb i'r adroddiad hwn, ar")
    welsh(practitioner.get(respond), "Codoch chi bryder ar", "Mae dyddiad yn anghywir.")
    dispute = the_dispute()
    stage = f"{base}/disputes/{dispute.id}"
    welsh(practitioner.get(f"{stage}/answer"), "Nid yw awdur yr adroddiad wedi ymateb i'ch pryder eto.")
    signed_in(shared.reviewer).post(f"{stage}/author", {"response": "Wedi'i gywiro."}, status=302)
    welsh(ce.get(base), "1 pryder wedi'i godi, 1 ar agor o hyd.", "Pryder (Ymarferydd):", panel=True)
    page = practitioner.post(f"{stage}/answer", {"resolved": "yes"}, follow=True)
    welsh(page, "Mae eich ateb wedi'i gofnodi a'ch pryder wedi'i ddatrys.", "wedi'i ddatrys yng ngham 1")
    welsh(practitioner.get(f"{stage}/answer"), "Mae eich pryder yn y cam hwn:")


def test_the_notes_the_service_writes_on_agreeing_are_shown_in_the_readers_language(app):
    from flask_babel import force_locale

    from webapp.reviews.history import AGREED_NOTE, DECIDED_NOTE, shown_note

    # Kept in English, as records keep them; shown in the reader's language.
    assert AGREED_NOTE % {"version": 3} == "Version 3 agreed."
    with app.test_request_context(), force_locale("cy"):
        assert shown_note("Version 3 agreed.") == "Cytunwyd ar fersiwn 3."
        assert shown_note(DECIDED_NOTE % {"version": 12}).startswith("Fersiwn 12: pob ateb wedi'i setlo")
        # A person's own words stay as written, even where they start the same way.
        assert shown_note("Version 3 agreed. Thanks all.") == "Version 3 agreed. Thanks all."
    with app.test_request_context(), force_locale("en"):
        assert shown_note("Version 3 agreed.") == "Version 3 agreed."
    from webapp.reviews.history import EARLIER_DECISION_NOTE

    earlier = EARLIER_DECISION_NOTE % {"rationale": "Dim dysgu newydd.\nDim byd arall."}
    with app.test_request_context(), force_locale("cy"):
        assert shown_note(earlier) == (
            "Penderfyniad cynharach: peidio â chychwyn adolygiad. Rhesymeg: Dim dysgu newydd.\nDim byd arall."
        )
