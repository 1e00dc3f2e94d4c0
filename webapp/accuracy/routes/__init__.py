"""The accuracy blueprint: the parties' answers and the disclosure log (accuracy), the dispute stages
and revisions (disputes)."""

from __future__ import annotations

from webapp.accuracy.routes import accuracy, disputes
from webapp.accuracy.routes.blueprint import bp
from webapp.tasks.pages import TaskPages

TASK_PAGES: TaskPages = {**accuracy.TASK_PAGES, **disputes.TASK_PAGES}

__all__ = ["TASK_PAGES", "accuracy", "bp", "disputes"]
