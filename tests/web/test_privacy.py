"""Logs never carry personal or case data, passwords included."""

from __future__ import annotations

import logging
from datetime import date, timedelta

from tests.clock import london_today
from tests.factories import DEFAULT_PASSWORD, make_case


def test_a_working_session_logs_no_personal_data(app, signed_in, caplog):
    case = make_case(case_number="PRIV0001", children=[("Seren Example", date(2019, 5, 1))])
    caplog.set_level(logging.DEBUG)
    client = signed_in(case.practice_manager)
    client.get(f"/cases/{case.id}")
    client.get("/cases?q=Seren")
    occurred = london_today() - timedelta(days=2)
    client.post(
        f"/cases/{case.id}/incidents/new",
        {
            "kind": "death",
            "occurred_on": [str(occurred.day), str(occurred.month), str(occurred.year)],
            "cause": "neglect",
            "person_affected": "child_subject",
            "linked_to_court_involvement": "yes",
            "susr_known": "no",
            "scr_known": "no",
            "summary": "Sensitive words here",
            "notified_by": "Police",
            "notified_on": [str(occurred.day), str(occurred.month), str(occurred.year)],
        },
        status=302,
    )
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "audit incident.recorded" in logged  # the log is written, with ids only
    for secret in (
        "PRIV0001",
        "Seren",
        case.practice_manager.name,
        case.practice_manager.email,
        "Sensitive words",
        DEFAULT_PASSWORD,
    ):
        assert secret not in logged


def test_access_log_lines_lose_their_query_string():
    from webapp import _DropQueryString

    record = logging.LogRecord(
        "werkzeug",
        logging.INFO,
        "",
        0,
        '"%s" %s %s',
        ("GET /cases?q=Seren+Example HTTP/1.1", "200", "-"),
        None,
    )
    _DropQueryString().filter(record)
    assert record.getMessage() == '"GET /cases HTTP/1.1" 200 -'
