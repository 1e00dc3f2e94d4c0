"""Which page does a task: most are done on the generic task page; some on their feature's own page.

Each blueprint's route module lists its own kinds in a ``TASK_PAGES`` dict; the app factory puts them
together in ``app.extensions["task_pages"]`` (webapp/__init__.py), so no module changes another's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from flask import current_app

from webapp.models import Task, TaskKind
from webapp.permissions import Permission, permissions_of

TaskPages = Mapping[TaskKind, Callable[[Task], str]]


def install(app, *registries: TaskPages) -> None:
    """Put the blueprints' task pages together; a kind claimed twice is a mistake caught at start."""
    pages: dict[TaskKind, Callable[[Task], str]] = {}
    for registry in registries:
        for kind, page in registry.items():
            if kind in pages:
                raise ValueError(f"Two pages claim the task kind {kind}")
            pages[kind] = page
    app.extensions["task_pages"] = pages


def task_page(task: Task) -> str | None:
    """The URL of the page that does this task, or None for the generic task page."""
    page = current_app.extensions["task_pages"].get(task.kind)
    return page(task) if page is not None else None


def may_open(task: Task, user) -> bool:
    """Whether ``user`` may open the page that does this task: the permission its route names (a task
    list links only to pages its reader can open; the record's own scope is the list's)."""
    url = task_page(task)
    if url is None:
        return Permission.VIEW_TASKS in permissions_of(user)
    needed = _required_permission(url.split("#")[0].split("?")[0])
    return needed is not None and needed in permissions_of(user)


def _required_permission(path: str) -> Permission | None:
    """The permission the route at ``path`` requires. Kept by the path's shape (its numbers, the
    ids, set aside): a task list asks for the same few routes row after row, and matching a URL
    against every route each time cost more than the rest of the row."""
    known: dict[str, Permission | None] = current_app.extensions.setdefault("route_permissions", {})
    shape = re.sub(r"\d+", "0", path)
    if shape not in known:
        endpoint, _ = current_app.url_map.bind("localhost").match(path)
        known[shape] = getattr(current_app.view_functions[endpoint], "required_permission", None)
    return known[shape]
