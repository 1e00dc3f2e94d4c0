"""``FLASK_APP`` for the tests that start ``flask scheduler run`` and ``flask jobs`` as processes.

The real app, plus the jobs commands if ``webapp/cli.py`` does not register them yet. With
``SCHEDULER_TEST_TICKS`` set to a file, the schedule is one job, every second, that appends the
process id to that file: a test then sees which process acts, without touching the database.
"""

from __future__ import annotations

import os
from datetime import UTC

from apscheduler.triggers.cron import CronTrigger
from flask import Flask

import jobs
from jobs import schedule


def create_app() -> Flask:
    from jobs.cli import register
    from webapp import create_app as create_real_app

    app = create_real_app("test")
    if "scheduler" not in app.cli.commands:
        register(app)
    if os.environ.get("SCHEDULER_TEST_TICKS"):
        jobs.JOBS.clear()
        jobs.JOBS["tick"] = f"{__name__}:tick"
        schedule.SCHEDULE = (
            schedule.ScheduledJob("tick", CronTrigger(second="*", timezone=UTC), "test: who acts"),
        )
    return app


def tick(now=None) -> dict[str, int]:
    with open(os.environ["SCHEDULER_TEST_TICKS"], "a", encoding="ascii") as ticks:
        ticks.write(f"{os.getpid()}\n")
    return {"ticks": 1}
