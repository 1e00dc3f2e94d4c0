"""``flask scheduler run`` (the scheduler process), ``flask scheduler show``, ``flask jobs run-once``."""

from __future__ import annotations

import logging
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

scheduler_cli = AppGroup("scheduler", help="The scheduler process that runs the background jobs.")
jobs_cli = AppGroup("jobs", help="Run background jobs by hand.")


def _the_app() -> Flask:
    """The app object itself, to hand to code that outlives this context (threads, signals)."""
    # Flask types current_app as Flask; it is a werkzeug LocalProxy, which has this method.
    return current_app._get_current_object()  # type: ignore[attr-defined]


def _log_to_stderr() -> None:
    # The app configures logging only outside debug and testing; the scheduler always reports.
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    # APScheduler logs every run of every job (the relay's every 5 s); our wrapper logs what matters.
    logging.getLogger("apscheduler.executors").setLevel(logging.WARNING)
    logging.getLogger("apscheduler.scheduler").setLevel(logging.WARNING)


@scheduler_cli.command("run")
@click.option(
    "--poll-seconds",
    type=click.FloatRange(min=0.1),
    default=5.0,
    show_default=True,
    help="How often a standby tries to take over, and the leader checks that it still leads.",
)
@click.option(
    "--lock-file",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="SCHEDULER_LOCK_FILE",
    default=None,
    help="SQLite only: the lock file that elects the leader [default: instance/scheduler.lock].",
)
def run_command(poll_seconds: float, lock_file: Path | None) -> None:
    """Run the scheduler until SIGTERM or Ctrl-C.

    It runs the jobs if no other scheduler does, and otherwise waits as a standby. Run it as its own
    process: never inside a web worker or under the reloader.
    """
    from jobs.runner import run_scheduler

    _log_to_stderr()
    run_scheduler(_the_app(), poll_seconds=poll_seconds, lock_file=lock_file)


@scheduler_cli.command("show")
def show_command() -> None:
    """List the scheduled jobs and when each runs next (London time)."""
    from datetime import UTC, datetime

    from jobs.schedule import LONDON, SCHEDULE, next_fire_times

    upcoming = next_fire_times(datetime.now(UTC))
    for job in SCHEDULE:
        click.echo(
            f"{job.name:8} next {upcoming[job.name].astimezone(LONDON):%a %d %b %H:%M:%S %Z}  {job.purpose}"
        )


@jobs_cli.command("run-once")
@click.argument("name", required=False)
def run_once_command(name: str | None) -> None:
    """Run every job once, now, in order (or only the job NAME), and print what each did.

    Exits 1 if a job failed (its error is logged) and 2 for an unknown NAME.
    """
    import jobs
    from jobs.runner import format_counts, run_job

    if name is not None and name not in jobs.JOBS:
        raise click.UsageError(f"No job named {name!r}. The jobs are: {', '.join(jobs.JOBS)}.")
    _log_to_stderr()
    app = _the_app()
    failed = []
    for job_name in [name] if name else list(jobs.JOBS):
        counts = run_job(app, job_name)
        if counts is None:
            failed.append(job_name)
            click.echo(f"{job_name}: failed (see the log)")
        else:
            click.echo(f"{job_name}: {format_counts(counts) or 'nothing to do'}")
    if failed:
        raise click.exceptions.Exit(1)


def register(app: Flask) -> None:
    """Add ``flask scheduler`` and ``flask jobs`` to the app's command line."""
    app.cli.add_command(scheduler_cli)
    app.cli.add_command(jobs_cli)
