"""Lists count their rows only up to a cap: past it the page says "more than", and still pages on."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from tests.factories import make_area, make_case, make_user
from webapp import paging
from webapp.models import Case, Role


def test_a_count_past_the_cap_says_more_than_and_the_list_still_pages(app, signed_in, monkeypatch):
    area = make_area()
    for _ in range(7):
        make_case(area=area)
    query = select(Case).order_by(Case.id)

    within = paging.paginate(query, page=1, per_page=3, cap=10)
    assert (within.total, within.capped, within.pages, within.has_next) == (7, False, 3, True)
    assert list(within.iter_pages()) == [1, 2, 3]

    capped = paging.paginate(query, page=1, per_page=3, cap=4)
    assert (capped.total, capped.capped, capped.pages) == (4, True, 2)
    last = paging.paginate(query, page=3, per_page=3, cap=4)
    assert [c.id for c in last.items] and last.pages == 3 and not last.has_next
    beyond = paging.paginate(query, page=2, per_page=3, cap=4)
    assert beyond.has_next, "past the cap, a full page always offers the next"

    monkeypatch.setattr(paging, "COUNT_CAP", 4)
    monkeypatch.setattr(paging.paginate, "__kwdefaults__", {"cap": 4})
    monkeypatch.setattr(paging.paginate_keyset, "__kwdefaults__", {"cap": 4})
    client = signed_in(make_user(roles=Role.CHIEF_EXECUTIVE))
    page = client.get("/cases")
    assert "Showing 7 of more than 4." in page.text()


def _link(page, rel: str | None = None, text: str | None = None) -> str:
    for link in page.html.select("nav.govuk-pagination a"):
        if (rel and rel in (link.get("rel") or [])) or (text and link.get_text(" ", strip=True) == text):
            return link["href"]
    raise AssertionError(f"no pager link {rel or text!r}")


def _shown(page, selector: str) -> list[str]:
    return [cell.get_text(strip=True) for cell in page.html.select(selector)]


def _sent(client, url: str):
    """The page at ``url`` and the SQL statements it sent."""
    from sqlalchemy import event

    from webapp.extensions import db

    seen: list[str] = []

    def note(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        page = client.get(url)
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    return page, seen


def _seeks(app, client, url: str, key: str):
    """The page at ``url`` and whether its rows were found by comparing ``key`` (a keyset seek)
    rather than by counting rows off from the start (SQLite writes an OFFSET of 0 either way)."""
    page, seen = _sent(client, url)
    return page, any(f"({key}) <" in s or f"({key}) >" in s for s in seen)


def test_cases_page_on_from_the_last_row_shown_not_by_offset(app, signed_in, monkeypatch):
    """Keyset paging (issue 14): Next, Previous and the numbered links near the current page start
    from a row of the page shown, so a deep page costs what the first does; the pages hold every
    case once, in the list's order."""
    area = make_area()
    for _ in range(11):
        make_case(area=area)
    monkeypatch.setitem(app.config, "LIST_PER_PAGE", 3)
    client = signed_in(make_user(roles=Role.CHIEF_EXECUTIVE))
    cell = "table.govuk-table tbody tr td:first-child"
    expected = [c.case_number for c in db_cases_in_list_order()]
    page = client.get("/cases")
    pages = [_shown(page, cell)]
    while page.html.select_one("nav.govuk-pagination a[rel=next]"):
        page, seeks = _seeks(app, client, _link(page, rel="next"), "cases.created_at, cases.id")
        assert seeks, "a Next link seeks from the last row shown"
        pages.append(_shown(page, cell))
    assert [n for shown in pages for n in shown] == expected
    assert [len(p) for p in pages] == [3, 3, 3, 2]

    back, seeks = _seeks(app, client, _link(page, rel="prev"), "cases.created_at, cases.id")
    assert seeks and _shown(back, cell) == pages[2], "Previous seeks back from the first row shown"
    assert (
        "page=1" not in _link(back, text="1") and _shown(client.get(_link(back, text="1")), cell) == pages[0]
    )
    two_on = client.get(_link(client.get("/cases"), text="3"))
    assert _shown(two_on, cell) == pages[2], "a page two on skips one page from the last row shown"
    assert _shown(client.get("/cases?page=2"), cell) == pages[1], "a bare page number still works"


def test_the_audit_trail_pages_on_from_the_last_event_shown(app, signed_in, monkeypatch):
    """New events arrive at the top while someone pages (each view of the trail is one): paging on
    from the last event shown neither repeats nor skips one."""
    from webapp import audit
    from webapp.extensions import db

    admin = signed_in(make_user(roles=Role.ADMINISTRATOR))
    for number in range(9001, 9010):
        audit.record("user.updated", record_id=number, changed_fields=["name"])
    db.session.commit()
    monkeypatch.setitem(app.config, "LIST_PER_PAGE", 4)
    page = admin.get("/admin/audit")
    record = "table.govuk-table tbody tr td:nth-of-type(4)"
    seen = _shown(page, record)
    while page.html.select_one("nav.govuk-pagination a[rel=next]"):
        key = "audit_events.occurred_at, audit_events.id"
        page, seeks = _seeks(app, admin, _link(page, rel="next"), key)
        assert seeks
        seen += _shown(page, record)
    updates = [s for s in seen if s.startswith("user 900")]
    assert sorted(updates) == [f"user {n}" for n in range(9001, 9010)], "each event once"


def db_cases_in_list_order() -> list[Case]:
    from webapp.extensions import db

    return list(db.session.execute(select(Case).order_by(Case.created_at.desc(), Case.id.desc())).scalars())


def test_notifications_page_on_newest_first_and_none_is_out_of_reach(app, signed_in, monkeypatch):
    """A person's notifications come a page at a time, newest first, with the count shown; paging
    on from the last one shown reaches the oldest (the list used to stop at the newest 100)."""
    from datetime import timedelta

    from webapp.extensions import db
    from webapp.models import Notification, NotificationStatus, utcnow

    person = make_user(roles=Role.PRACTICE_MANAGER)
    other = make_user(roles=Role.PRACTICE_MANAGER)
    start = utcnow() - timedelta(days=30)
    for number in range(1, 8):
        for whom in (person, other):
            db.session.add(
                Notification(
                    user_id=whom.id,
                    kind="task_assigned",
                    dedupe_key=f"paging-{whom.id}-{number}",
                    detail=f"Detail {number} for {whom.id}",
                    link_path="/tasks",
                    status=NotificationStatus.SENT,
                    created_at=start + timedelta(hours=number),
                )
            )
    db.session.commit()
    monkeypatch.setitem(app.config, "LIST_PER_PAGE", 3)
    client = signed_in(person)
    detail = "table.govuk-table tbody tr td:nth-of-type(2) p"
    page = client.get("/notifications")
    assert "Showing 3 of 7." in page.text()
    seen = [_shown(page, detail)]
    while page.html.select_one("nav.govuk-pagination a[rel=next]"):
        key = "notifications.created_at, notifications.id"
        page, seeks = _seeks(app, client, _link(page, rel="next"), key)
        assert seeks, "a Next link seeks from the last notification shown"
        seen.append(_shown(page, detail))
    assert [d for shown in seen for d in shown] == [f"Detail {n} for {person.id}" for n in range(7, 0, -1)]
    assert [len(shown) for shown in seen] == [3, 3, 1]


def test_a_search_is_run_once_for_its_page_and_its_count(app, signed_in, monkeypatch):
    """The page and its count come in one statement, so the name search (a trigram index read on
    PostgreSQL) runs once per view; a page past the last still says how many match."""
    area = make_area()
    born = date(2020, 1, 1)
    for number in range(5):
        make_case(area=area, children=[(f"Rowan Tester {number}", born)])
    make_case(area=area, children=[("Someone Else", born)])
    monkeypatch.setitem(app.config, "LIST_PER_PAGE", 2)
    client = signed_in(make_user(roles=Role.CHIEF_EXECUTIVE))

    page, searched = _searched(client, "/cases?q=owan+Test")
    assert len(_shown(page, "table.govuk-table tbody tr")) == 2
    assert "Showing 2 of 5." in page.text()
    assert searched == 1, f"the names were searched {searched} times"

    past_the_end, _ = _searched(client, "/cases?q=owan+Test&page=4")
    assert not _shown(past_the_end, "table.govuk-table tbody tr")
    assert "Showing 0 of 5." in past_the_end.text(), "an empty page still counts what matches"


def _searched(client, url: str):
    """The page at ``url`` and how many times its statements search the children's names."""
    page, seen = _sent(client, url)
    return page, sum(len(re.findall(r"children\.name\)? I?LIKE", s, re.IGNORECASE)) for s in seen)
