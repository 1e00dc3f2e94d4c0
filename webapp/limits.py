"""Numbers from URLs: anything outside what the database can hold answers 404, never 500.

Ids in paths go through ``DatabaseIdConverter``, registered as the ``int`` converter for every route;
numbers in query strings go through ``query_int``. An integer column holds at most 2**31 - 1 on
PostgreSQL; a bigger number cannot name a record or a page, so it is "not found".
"""

from __future__ import annotations

from flask import abort, current_app, request
from werkzeug.routing import IntegerConverter, Map, ValidationError

DB_INT_MAX = 2**31 - 1
_MAX_DIGITS = len(str(DB_INT_MAX))


class DatabaseIdConverter(IntegerConverter):
    """``<int:...>`` limited to what an integer column holds; bigger numbers do not match (404)."""

    def __init__(self, map: Map, *args, **kwargs) -> None:
        kwargs.setdefault("max", DB_INT_MAX)
        super().__init__(map, *args, **kwargs)

    def to_python(self, value: str) -> int:
        # Refuse before int(): Python will not convert strings of more than 4,300 digits.
        if len(value.lstrip("0")) > _MAX_DIGITS:
            raise ValidationError
        return super().to_python(value)


def query_int(name: str, default: int | None = None) -> int | None:
    """An integer query parameter: the default when absent or not a number, 404 when out of range."""
    value = request.args.get(name, type=int)
    if value is None:
        return default
    if not -DB_INT_MAX - 1 <= value <= DB_INT_MAX:
        abort(404)
    return value


def page_arg() -> int:
    """``?page=``: at least 1 (a missing, invalid or negative page is the first)."""
    return max(query_int("page", 1) or 1, 1)


def per_page() -> int:
    """How many rows a page of any list shows (``LIST_PER_PAGE``): one size, so that every list reads
    alike and costs alike however long it grows."""
    return current_app.config["LIST_PER_PAGE"]
