"""Lists count their rows only up to a cap: past it the page says "more than", and still pages on."""

from __future__ import annotations

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
    client = signed_in(make_user(roles=Role.CHIEF_EXECUTIVE))
    page = client.get("/cases")
    assert "Showing 7 of more than 4." in page.text()
