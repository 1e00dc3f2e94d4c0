"""Pages of a list whose count stops at a cap, so that no page counts a whole large table.

Counting every matching row costs more than fetching a page once a list holds tens of thousands of
rows; past the cap a person pages or narrows the list with its filters, and the page says "more
than 1,000". The interface is the one the ``pager`` macro uses (Flask-SQLAlchemy's Pagination).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, literal, select, tuple_, union

from webapp.extensions import db
from webapp.limits import query_int

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

    def args_for(self, number: int) -> dict[str, int | None]:
        """The query arguments of page ``number``'s link (the ``pager`` macro)."""
        return {"page": number}

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


def _capped_count_query(query: Select, cap: int) -> Select:
    """How many rows ``query`` (of one ORM entity) selects, counting no further than ``cap`` + 1:
    over the entity's ids alone, so the count reads no more of each row than its joins and filters
    need (an index may answer it)."""
    entity = query.column_descriptions[0]["entity"]
    ids = query.order_by(None).with_only_columns(entity.id, maintain_column_froms=True)
    return select(func.count()).select_from(ids.limit(cap + 1).subquery())


def _page_and_count(rows: Select, count: Select) -> tuple[list[Any], int]:
    """The entities ``rows`` (a page) selects, and the list's ``count``, in one statement: the count
    rides on each row as one more column, which the database works out once (and a WITH query the
    list is filtered by is read once for both). An empty page carries no count, so then it is
    counted on its own."""
    found = db.session.execute(rows.add_columns(count.scalar_subquery())).all()
    if not found:
        return [], db.session.execute(count).scalar_one()
    return [row[0] for row in found], found[0][-1]


def paginate(query: Select, *, page: int, per_page: int, cap: int = COUNT_CAP) -> CappedPagination:
    """One page of ``query``'s rows (ORM entities) and their count up to ``cap``: one statement
    (two when the page is empty)."""
    page = max(page, 1)
    rows = query.limit(per_page).offset((page - 1) * per_page)
    items, total = _page_and_count(rows, _capped_count_query(query, cap))
    return CappedPagination(
        items=items, page=page, per_page=per_page, total=min(total, cap), capped=total > cap
    )


def paginate_union(
    entity: Any,
    branches: Sequence[Select],
    *,
    order_by: Sequence[Any],
    options: Sequence[Any] = (),
    page: int,
    per_page: int,
    cap: int = COUNT_CAP,
) -> CappedPagination:
    """A page of the rows any of ``branches`` selects, when one WHERE with OR would defeat the
    indexes: each branch (``select(entity.id).where(...).order_by(...)``, one index range read in
    the index's order, which must give ``order_by``'s order within the branch) is read on its own
    no further than the page or the cap needs, and the union is counted and ordered by
    ``order_by``. One statement, as ``paginate``, however many rows match."""
    page = max(page, 1)
    id_column = entity.id

    def limited(limit: int, *, ordered: bool) -> Any:
        parts = []
        for branch in branches:
            inner = (branch if ordered else branch.order_by(None)).limit(limit).subquery()
            parts.append(select(inner.c.id))
        return union(*parts).subquery()

    count = select(func.count()).select_from(limited(cap + 1, ordered=False))
    page_ids = limited(page * per_page, ordered=True)
    rows = (
        select(entity)
        .where(id_column.in_(select(page_ids.c.id)))
        .options(*options)
        .order_by(*order_by)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    items, total = _page_and_count(rows, count)
    return CappedPagination(
        items=items, page=page, per_page=per_page, total=min(total, cap), capped=total > cap
    )


@dataclass(frozen=True)
class Cursor:
    """Where a keyset page starts: after (or before) the row with this id, ``skip`` pages further.

    From ``?after=ID`` or ``?before=ID`` (and ``&skip=N``), as the pager's links give them."""

    after: int | None = None
    before: int | None = None
    skip: int = 0

    @classmethod
    def from_request(cls) -> Cursor:
        after, before = query_int("after"), query_int("before")
        skip = min(max(query_int("skip", 0) or 0, 0), COUNT_CAP)
        if after is not None:
            return cls(after=after, skip=skip)
        if before is not None:
            return cls(before=before, skip=skip)
        return cls()


@dataclass
class KeysetPagination(CappedPagination):
    """A page found from a neighbouring page's first or last row rather than by OFFSET, so a page deep
    in a long list costs what the first does. Page links near this page start from this page's
    first or last row; page 1 needs no cursor."""

    cursor: Cursor = Cursor()
    first_id: int | None = None
    last_id: int | None = None

    def args_for(self, number: int) -> dict[str, int | None]:
        plain: dict[str, int | None] = {"page": number, "after": None, "before": None, "skip": None}
        if number == 1:
            return {**plain, "page": None}
        if number == self.page:
            cursor = self.cursor
            return {**plain, "after": cursor.after, "before": cursor.before, "skip": cursor.skip or None}
        if number > self.page and self.last_id is not None:
            return {**plain, "after": self.last_id, "skip": (number - self.page - 1) * self.per_page or None}
        if number < self.page and self.first_id is not None:
            return {
                **plain,
                "before": self.first_id,
                "skip": (self.page - number - 1) * self.per_page or None,
            }
        return plain


def paginate_keyset(
    query: Select,
    *,
    entity: Any,
    order: Sequence[Any],
    cursor: Cursor,
    page: int,
    per_page: int,
    cap: int = COUNT_CAP,
) -> KeysetPagination:
    """One page of ``query`` (no ORDER BY of its own) in ``order``, descending (its last column the
    id): after or before the cursor's row by comparing rows of those columns, which an index on
    them serves, or by OFFSET when no cursor is given (page links from a keyset page carry one).
    ``skip`` is in rows. One statement, as ``paginate``."""
    page = max(page, 1)
    key = tuple_(*order)
    anchor_id = cursor.after if cursor.after is not None else cursor.before
    if anchor_id is None:
        rows = query.order_by(*(c.desc() for c in order)).limit(per_page).offset((page - 1) * per_page)
    else:
        # The anchor row's values, looked up within the same list (its scope and filters).
        mark = tuple_(
            *(query.with_only_columns(c).where(entity.id == anchor_id).scalar_subquery() for c in order[:-1]),
            literal(anchor_id),
        )
        if cursor.after is not None:
            rows = query.where(key < mark).order_by(*(c.desc() for c in order))
        else:
            rows = query.where(key > mark).order_by(*(c.asc() for c in order))
        rows = rows.limit(per_page)
        if cursor.skip:
            rows = rows.offset(cursor.skip)
    items, total = _page_and_count(rows, _capped_count_query(query, cap))
    if cursor.before is not None:
        items.reverse()
    return KeysetPagination(
        items=items,
        page=page,
        per_page=per_page,
        total=min(total, cap),
        capped=total > cap,
        cursor=cursor,
        first_id=items[0].id if items else None,
        last_id=items[-1].id if items else None,
    )
