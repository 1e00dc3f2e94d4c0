"""Which page does a task: most are done on the generic task page; some on their feature's own page.

Each blueprint's route module lists its own kinds in a ``TASK_PAGES`` dict; the app factory puts them
together in ``app.extensions["task_pages"]`` (webapp/__init__.py), so no module changes another's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from flask import current_app

from webapp.models import Task, TaskKind

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
