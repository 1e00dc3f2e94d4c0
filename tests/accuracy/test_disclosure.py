"""External disclosure: the agreed report shared with a SUSR or an SCR/CSPR, in a log."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tests.accuracy.helpers import shared_review
from tests.accuracy.test_accuracy import PARTIES, agree, tasks_of
from tests.clock import london_today
from webapp.accuracy import agreement, disclosure
from webapp.extensions import db
from webapp.models import AuditEvent, Disclosure, TaskKind


def d(value: date) -> list[str]:
    return [str(value.day), str(value.month), str(value.year)]


def form(**overrides) -> dict:
    data = {
        "external_review": "susr",
        "draft_id": "",
        "recipient": "Cwm Taf SUSR panel chair",
        "shared_on": d(london_today() - timedelta(days=1)),
    }
    data.update(overrides)
    return data


@pytest.fixture
def agreed(app, signed_in):
    shared = shared_review(susr=True)
    for party in PARTIES:
        agree(signed_in, shared, party)
    return shared


def test_disclosure_is_refused_before_the_report_is_agreed(app, signed_in):
    shared = shared_review(susr=True)
    path = f"/reviews/{shared.review.id}/disclosures/new"
    ce = signed_in(shared.ce)
    page = ce.post(path, form(draft_id=str(shared.draft.id)), follow=True)
    assert "You cannot record sharing the report with an external review now" in page.text()
    assert "Report shared for accuracy" in page.text()
    page = ce.get(path, status=302)
    assert db.session.scalar(select(func.count(Disclosure.id))) == 0
    with pytest.raises(agreement.AccuracyRefused, match="You cannot record sharing the report"):
        disclosure.record_disclosure(
            shared.review,
            actor=shared.ce,
            draft_id=shared.draft.id,
            external_review="susr",
            recipient="x",
            shared_on=london_today(),
        )
    # Nor does the review page offer it yet.
    assert "Record sharing the report" not in ce.get(f"/reviews/{shared.review.id}").text()


def test_only_ce_or_dce_record_disclosures(agreed, signed_in):
    path = f"/reviews/{agreed.review.id}/disclosures/new"
    for person in (agreed.manager, agreed.practitioner, agreed.reviewer, agreed.hoo):
        signed_in(person).post(path, form(draft_id=str(agreed.draft.id)), status=403)
    signed_in(agreed.dce).get(path)
    assert db.session.scalar(select(func.count(Disclosure.id))) == 0


def test_bad_input_is_refused_with_clear_messages(agreed, signed_in):
    path = f"/reviews/{agreed.review.id}/disclosures/new"
    ce = signed_in(agreed.ce)
    page = ce.get(path)
    # The agreed version is offered, chosen already.
    selected = page.html.select_one("#draft_id option[selected]")
    assert selected["value"] == str(agreed.draft.id) and "the agreed report" in selected.get_text()
    page = ce.post(
        path,
        form(
            external_review="inquest",
            draft_id="999999",
            recipient="",
            shared_on=d(london_today() + timedelta(days=1)),
        ),
    )
    assert page.error_summary() == [
        "Select the external review the report was shared with",
        "Select the version of the report that was shared",
        "Enter who the report was shared with",
        "The date the report was shared must be today or in the past",
    ]
    assert db.session.scalar(select(func.count(Disclosure.id))) == 0


def test_the_disclosure_log_records_what_to_whom_when_and_by_whom(agreed, signed_in):
    [task] = tasks_of(agreed.review, TaskKind.SHARE_WITH_EXTERNAL_REVIEW)
    assert task.is_open
    response = signed_in(agreed.ce).client.get(f"/tasks/{task.id}")
    assert response.location.endswith(f"/reviews/{agreed.review.id}/disclosures/new")
    shared_on = london_today() - timedelta(days=2)
    signed_in(agreed.ce).post(
        f"/reviews/{agreed.review.id}/disclosures/new",
        form(draft_id=str(agreed.draft.id), shared_on=d(shared_on)),
        status=302,
    )
    signed_in(agreed.dce).post(
        f"/reviews/{agreed.review.id}/disclosures/new",
        form(external_review="scr_cspr", draft_id=str(agreed.draft.id), recipient="Bristol CSPR panel"),
        status=302,
    )
    first, second = db.session.execute(select(Disclosure).order_by(Disclosure.id)).scalars().all()
    assert (
        first.external_review,
        first.draft_id,
        first.recipient,
        first.shared_on,
        first.recorded_by_id,
    ) == (
        "susr",
        agreed.draft.id,
        "Cwm Taf SUSR panel chair",
        shared_on,
        agreed.ce.id,
    )
    assert second.external_review == "scr_cspr" and second.recorded_by_id == agreed.dce.id
    db.session.refresh(task)
    assert not task.is_open and task.outcome == {"disclosure_id": first.id}
    page = signed_in(agreed.practitioner).get(f"/reviews/{agreed.review.id}")
    rows = [
        [cell.get_text(" ", strip=True) for cell in row.select("td")]
        for row in page.html.find("caption", string="Disclosure log").find_parent("table").select("tbody tr")
    ]
    assert rows[0][:4] == [
        "Single Unified Safeguarding Review (Wales)",
        "Version 1",
        "Cwm Taf SUSR panel chair",
        f"{shared_on.day} {shared_on:%B %Y}",
    ]
    assert rows[0][4].startswith("Ceri Chief") or agreed.ce.name in rows[0][4]
    assert "Serious Case Review or Child Safeguarding Practice Review (England)" in rows[1][0]
    events = (
        db.session.execute(select(AuditEvent.record_id).where(AuditEvent.event_type == "disclosure.recorded"))
        .scalars()
        .all()
    )
    assert events == [first.id, second.id]
