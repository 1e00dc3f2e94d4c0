"""The job wrapper, the scheduler in a thread, and ``flask jobs run-once``."""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC

import pytest
from apscheduler.triggers.cron import CronTrigger

import jobs
from jobs import schedule
from jobs.runner import run_job, run_scheduler

SECRET = "Alex Example <alex@example.org>"  # stands for personal data in an error message
calls: list[str] = []


def explode(now=None):
    raise RuntimeError(f"duplicate key for {SECRET}")


def succeed(now=None):
    from flask import current_app

    calls.append(current_app.name)  # proves an app context was pushed
    return {"done": 1, "skipped": 0}


@pytest.fixture
def fake_jobs(monkeypatch):
    calls.clear()
    monkeypatch.setattr(jobs, "JOBS", {"boom": f"{__name__}:explode", "fine": f"{__name__}:succeed"})
    return calls


@pytest.fixture
def cli(app):
    """``flask …`` in-process; adds the jobs commands until webapp/cli.py registers them."""
    from jobs.cli import register

    if "jobs" not in app.cli.commands:
        register(app)
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(args=list(args))


def test_a_failing_job_is_logged_without_its_message_and_the_next_job_runs(app, fake_jobs, caplog):
    caplog.set_level(logging.DEBUG, logger="jobs.scheduler")

    assert run_job(app, "boom") is None
    assert run_job(app, "fine") == {"done": 1, "skipped": 0}

    assert fake_jobs == [app.name]
    failure = next(r for r in caplog.records if r.levelno == logging.ERROR)
    assert "job boom failed" in failure.getMessage()
    assert "builtins.RuntimeError" in failure.getMessage()
    assert "explode" in failure.getMessage(), "the stack says where"
    assert SECRET not in caplog.text, "messages can quote row values: not logged outside development"
    assert "job fine done" in caplog.text and "done=1 skipped=0" in caplog.text


def test_an_unknown_job_name_is_a_logged_failure_not_a_crash(app, fake_jobs):
    assert run_job(app, "missing") is None


def test_the_scheduler_keeps_running_jobs_after_one_fails(app, fake_jobs, monkeypatch, tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="jobs.scheduler")
    every_second = CronTrigger(second="*", timezone=UTC)
    monkeypatch.setattr(
        schedule,
        "SCHEDULE",
        (
            schedule.ScheduledJob("boom", every_second, "fails every time"),
            schedule.ScheduledJob("fine", every_second, "counts"),
        ),
    )
    stop = threading.Event()
    thread = threading.Thread(
        target=run_scheduler,
        args=(app,),
        kwargs={"poll_seconds": 0.2, "lock_file": tmp_path / "scheduler.lock", "stop": stop},
    )
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while len(fake_jobs) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        stop.set()
        thread.join(timeout=15)
    assert not thread.is_alive()
    assert len(fake_jobs) >= 2, "the good job ran at each of its times"
    assert caplog.text.count("job boom failed") >= 2, "the failed job was retried at its next time"
    assert "leader lock released" in caplog.text


def test_run_once_runs_every_job_in_order(cli):
    result = cli("jobs", "run-once")
    assert result.exit_code == 0, result.output
    assert [line.split(":")[0] for line in result.output.splitlines()] == list(jobs.JOBS)


def test_run_once_runs_one_job(cli):
    result = cli("jobs", "run-once", "sweep")
    assert result.exit_code == 0, result.output
    assert [line.split(":")[0] for line in result.output.splitlines()] == ["sweep"]


def test_run_once_refuses_an_unknown_name_and_lists_the_names(cli):
    result = cli("jobs", "run-once", "sweeep")
    assert result.exit_code == 2
    assert "No job named 'sweeep'" in result.output
    for name in jobs.JOBS:
        assert name in result.output


def test_run_once_exits_1_when_a_job_fails_and_still_runs_the_rest(cli, fake_jobs):
    result = cli("jobs", "run-once")
    assert result.exit_code == 1
    assert result.output.splitlines() == ["boom: failed (see the log)", "fine: done=1 skipped=0"]


def test_scheduler_show_lists_every_job_with_its_next_run(cli):
    result = cli("scheduler", "show")
    assert result.exit_code == 0, result.output
    assert [line.split()[0] for line in result.output.splitlines()] == [job.name for job in schedule.SCHEDULE]


def test_the_scheduler_refuses_to_run_under_the_reloader(app, monkeypatch):
    monkeypatch.setenv("WERKZEUG_RUN_MAIN", "true")
    with pytest.raises(RuntimeError, match="not under the reloader"):
        run_scheduler(app, stop=threading.Event())
