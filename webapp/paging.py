"""Pages of a list whose count stops at a cap, so that no page counts a whole large table.

Counting every matching row costs more than fetching a page once a list holds tens of thousands of
rows; past the cap a person pages or narrows the list with its filters, and the page says "more
than 1,000". The interface is the one the ``pager`` macro uses (Flask-SQLAlchemy's Pagination).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select

from webapp.extensions import db

COUNT_CAP = 1_000


@dataclass
class CappedPagination:
    items: list[Any]
    page: int
    per_page: int
    total: int  # at most COUNT_CAP
    capped: bool  # more rows match than ``total``

    @property
    def pages(self) -> int:
        return max(-(-self.total // self.per_page), self.page if self.items else 0)

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def has_next(self) -> bool:
        return self.page < self.pages or (self.capped and len(self.items) == self.per_page)

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None

    @property
    def first(self) -> int:
        return (self.page - 1) * self.per_page + 1 if self.items else 0

    @property
    def last(self) -> int:
        return (self.page - 1) * self.per_page + len(self.items)

    def iter_pages(
        self, *, left_edge: int = 2, left_current: int = 2, right_current: int = 4, right_edge: int = 2
    ) -> Iterator[int | None]:
        """Page numbers with ``None`` for a gap; past the cap, the last page is not known."""
        pages = self.pages
        edge_right = 0 if self.capped else right_edge
        shown = sorted(
            set(range(1, min(left_edge, pages) + 1))
            | set(range(max(1, self.page - left_current), min(pages, self.page + right_current) + 1))
            | set(range(max(1, pages - edge_right + 1), pages + 1))
        )
        previous = 0
        for number in shown:
            if number != previous + 1:
                yield None
            yield number
            previous = number


def paginate(query: Select, *, page: int, per_page: int, cap: int = COUNT_CAP) -> CappedPagination:
    """One page of ``query``'s rows (ORM entities) and their count up to ``cap``: two statements."""
    page = max(page, 1)
    counted = select(func.count()).select_from(query.order_by(None).limit(cap + 1).subquery())
    total = db.session.execute(counted).scalar_one()
    items = list(db.session.execute(query.limit(per_page).offset((page - 1) * per_page)).scalars())
    return CappedPagination(
        items=items, page=page, per_page=per_page, total=min(total, cap), capped=total > cap
    )
