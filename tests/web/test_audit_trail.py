"""The audit trail shows readable event names and filters by person, case, event and date."""

from __future__ import annotations

from datetime import timedelta

from tests.clock import london_today
from tests.factories import make_case, make_user
from webapp import audit
from webapp.extensions import db
from webapp.models import Role


def events(page) -> list[list[str]]:
    return [[td.get_text(" ", strip=True) for td in tr.select("td")] for tr in page.html.select("tbody tr")]


def test_every_event_type_has_a_readable_name():
    assert audit.event_label("chronology.updated") == "Chronology entry changed"
    assert audit.event_label("case.viewed") == "Case viewed"
    assert audit.event_label("review.transition") == "Review moved to a new stage"
    for event_type in audit.EVENT_TYPES:
        label = audit.event_label(event_type)
        assert "." not in label and "_" not in label, event_type


def test_the_trail_filters_by_person_case_event_and_date(app, signed_in):
    first, second = make_case(case_number="AB1001"), make_case(case_number="AB1002")
    reader = make_user(roles=Role.PRACTICE_MANAGER, email="reader@example.org")
    first.practice_manager = reader
    db.session.commit()
    signed_in(reader).get(f"/cases/{first.id}")
    signed_in(second.practitioner).get(f"/cases/{second.id}")
    ce = signed_in(roles=Role.CHIEF_EXECUTIVE)
    rows = events(ce.get("/admin/audit?person=READER@example.org"))
    assert rows and all(row[1] == reader.name for row in rows)
    rows = events(ce.get("/admin/audit?case_number=AB1002&event=case.viewed"))
    assert len(rows) == 1 and rows[0][2] == "Case viewed case.viewed" and rows[0][4] == str(second.id)
    today, tomorrow = london_today(), london_today() + timedelta(days=1)
    rows = events(ce.get(f"/admin/audit?case_number=AB1002&from={today}&to={today}"))
    assert len(rows) == 1
    rows = events(ce.get(f"/admin/audit?case_number=AB1002&from={tomorrow}"))
    assert rows == [["No events match these filters."]]
    rows = events(ce.get(f"/admin/audit?case_number=AB1002&to={today - timedelta(days=1)}"))
    assert rows == [["No events match these filters."]]
    page = ce.get("/admin/audit?person=nobody@example.org&from=2026-13-01&case_number=ZZ9")
    assert page.error_summary() == [
        "No case has that case number",
        "No one has that email address",
        "From must be a real date, for example 2026-12-01",
    ]
    assert page.title.startswith("Error: ")
    assert page.html.select("tbody tr") == []
    # Administrators see no case data: they cannot look a case up by its number.
    admin = signed_in(roles=Role.ADMINISTRATOR).get(f"/admin/audit?case={first.id}")
    assert admin.html.find("input", attrs={"name": "case_number"}) is None
    assert "AB1001" not in admin.text()
