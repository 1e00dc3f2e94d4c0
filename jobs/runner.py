"""The scheduler process: one leader runs the jobs; any other scheduler process waits as a standby.

Start it only with ``flask scheduler run`` (``make run`` does). Never start it inside a web worker
(every worker would run every job) or under the Flask reloader (parent and child would both run it).

Leader election, so that only one process acts however many are started:

- PostgreSQL: ``pg_try_advisory_lock`` held on a dedicated connection, outside the app's pool, for as
  long as the process leads. The server releases the lock when that connection ends, also when the
  process is killed; the leader checks the lock on every loop and stops its jobs when it is gone.
- SQLite (one machine): an exclusive ``flock`` on ``instance/scheduler.lock``, which the kernel
  releases when the process ends, however it ends.

A standby tries again every ``poll_seconds``, so it takes over within that time of the leader dying.
Jobs are safe to run twice and concurrently, so the short overlap possible when a leader loses its
database connection while a job is running does no harm.
"""

from __future__ import annotations

import contextlib
import fcntl
import importlib
import logging
import os
import signal
import threading
import time
import traceback
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

import jobs
from jobs import schedule

log = logging.getLogger("jobs.scheduler")

# Any constant shared by every scheduler process ("crmsched" in ASCII). Advisory locks belong to one
# database, so schedulers of different databases on the same server do not contend.
ADVISORY_LOCK_KEY = 0x6372_6D73_6368_6564
LOCK_CONNECTION_NAME = "case-review-scheduler-lock"  # shows in pg_stat_activity


class LeaderLock(Protocol):
    description: str

    def try_acquire(self) -> bool: ...

    def still_held(self) -> bool: ...

    def release(self) -> None: ...


class FileLeaderLock:
    """SQLite: an exclusive flock on a file; the kernel drops it when the process ends."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.description = f"file lock {path}"
        self._fd: int | None = None

    def try_acquire(self) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        if not self.still_held():  # the file was deleted or replaced between open and flock
            self.release()
            return False
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())  # who leads, for a person looking
        return True

    def still_held(self) -> bool:
        # The flock lasts while our descriptor is open, but it guards a path only while the path
        # still names our file: were it deleted (a clean-up of instance/), the next process would
        # lock a new file and lead beside us.
        if self._fd is None:
            return False
        try:
            on_disk = os.stat(self.path)
        except FileNotFoundError:
            return False
        ours = os.fstat(self._fd)
        return (on_disk.st_dev, on_disk.st_ino) == (ours.st_dev, ours.st_ino)

    def release(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)


class AdvisoryLeaderLock:
    """PostgreSQL: a session advisory lock on a connection of its own (never the app's pool).

    The connection must reach PostgreSQL directly or through session pooling: a transaction pooler
    would move the session, and ``still_held`` would then report the lock lost.
    """

    def __init__(self, database_url: str) -> None:
        self.description = "PostgreSQL advisory lock"
        self._engine = create_engine(
            database_url,
            poolclass=NullPool,
            connect_args={
                "application_name": LOCK_CONNECTION_NAME,
                "connect_timeout": 10,
                # Notice a dead server or network within about half a minute, not hours.
                "keepalives": 1,
                "keepalives_idle": 10,
                "keepalives_interval": 5,
                "keepalives_count": 3,
                "tcp_user_timeout": 30_000,
            },
        )
        self._connection: Connection | None = None

    def try_acquire(self) -> bool:
        try:
            if self._connection is None:
                self._connection = self._connect()
            return bool(
                self._connection.execute(
                    text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_LOCK_KEY}
                ).scalar_one()
            )
        except SQLAlchemyError as error:
            log.warning("scheduler: cannot reach the database for the leader lock (%s)", type(error).__name__)
            self._drop()
            return False

    def still_held(self) -> bool:
        """Asked on the lock's own connection: if that connection has died, this fails."""
        if self._connection is None:
            return False
        try:
            return bool(
                self._connection.execute(
                    text(
                        "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted"
                        " AND pid = pg_backend_pid() AND classid::bigint = :high"
                        " AND objid::bigint = :low AND objsubid = 1)"
                    ),
                    {"high": ADVISORY_LOCK_KEY >> 32, "low": ADVISORY_LOCK_KEY & 0xFFFF_FFFF},
                ).scalar_one()
            )
        except SQLAlchemyError:
            self._drop()
            return False

    def release(self) -> None:
        if self._connection is None:
            return
        with contextlib.suppress(SQLAlchemyError):  # if the connection is gone, so is the lock
            self._connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_LOCK_KEY})
        self._drop()

    def _connect(self) -> Connection:
        connection = self._engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        # The server, too, should notice a vanished leader host quickly and free the lock.
        for setting in (
            "tcp_keepalives_idle = 10",
            "tcp_keepalives_interval = 5",
            "tcp_keepalives_count = 3",
        ):
            connection.execute(text(f"SET {setting}"))
        return connection

    def _drop(self) -> None:
        if self._connection is not None:
            connection, self._connection = self._connection, None
            with contextlib.suppress(SQLAlchemyError):
                connection.invalidate()
                connection.close()


def leader_lock(app: Flask, lock_file: Path | None = None) -> LeaderLock:
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if url.startswith("postgresql"):
        return AdvisoryLeaderLock(url)
    return FileLeaderLock(Path(lock_file) if lock_file else Path(app.instance_path) / "scheduler.lock")


def _resolve(name: str):
    module_name, _, function_name = jobs.JOBS[name].partition(":")
    return getattr(importlib.import_module(module_name), function_name)


def format_counts(counts: Mapping[str, object]) -> str:
    """``sent=3 failed=0``. Counts only: values that are not integers are left out of logs."""
    return " ".join(f"{key}={value}" for key, value in counts.items() if isinstance(value, int))


def run_job(app: Flask, name: str, *, now: datetime | None = None) -> dict[str, int] | None:
    """Run one job by name inside an app context. Returns its counts, or None if it failed.

    Never raises: a failed job is logged and runs again at its next scheduled time; the scheduler
    and the other jobs carry on.
    """
    started = time.monotonic()
    try:
        with app.app_context():
            counts = _resolve(name)(now=now)
    except Exception as error:
        elapsed = time.monotonic() - started
        if app.debug:
            log.exception("job %s failed after %.2fs; it runs again at its next time", name, elapsed)
        else:
            # Messages of database errors quote row values (names, email addresses): outside
            # development the log keeps the exception's type and stack, not its message.
            log.error(
                "job %s failed after %.2fs with %s; it runs again at its next time\n%s",
                name,
                elapsed,
                f"{type(error).__module__}.{type(error).__qualname__}",
                "".join(traceback.format_tb(error.__traceback__)).rstrip(),
            )
        return None
    counts = dict(counts or {})
    elapsed = time.monotonic() - started
    # The relay runs every few seconds: a run that did nothing is not news.
    level = logging.INFO if any(counts.values()) else logging.DEBUG
    log.log(level, "job %s done in %.2fs: %s", name, elapsed, format_counts(counts) or "nothing to do")
    return counts


def build_scheduler(app: Flask) -> BackgroundScheduler:
    """An APScheduler with every job of jobs.schedule; jobs are held in memory, defined by code."""
    scheduler = BackgroundScheduler(
        jobstores={"default": MemoryJobStore()},
        executors={"default": ThreadPoolExecutor(max_workers=len(schedule.SCHEDULE))},
        job_defaults=dict(schedule.JOB_DEFAULTS),
        timezone=UTC,
    )
    for job in schedule.SCHEDULE:
        scheduler.add_job(run_job, job.trigger, args=(app, job.name), id=job.name, name=job.name)
    return scheduler


def run_scheduler(
    app: Flask,
    *,
    poll_seconds: float = 5.0,
    lock_file: Path | None = None,
    stop: threading.Event | None = None,
) -> None:
    """Lead or stand by until SIGTERM, SIGINT or ``stop`` is set; then stop the jobs and let go."""
    if os.environ.get("WERKZEUG_RUN_MAIN"):
        raise RuntimeError(
            "The scheduler runs as its own process (flask scheduler run), not under the reloader"
        )
    stop = stop or threading.Event()
    restore_signals = _stop_on_signals(stop)
    lock = leader_lock(app, lock_file)
    pid = os.getpid()
    standing_by = False
    try:
        while not stop.is_set():
            if not lock.try_acquire():
                if not standing_by:
                    log.info(
                        "scheduler: standby (pid %d): another scheduler leads; retrying every %gs",
                        pid,
                        poll_seconds,
                    )
                    standing_by = True
                stop.wait(poll_seconds)
                continue
            standing_by = False
            log.info("scheduler: leading (pid %d, %s)", pid, lock.description)
            _lead(app, lock, stop, poll_seconds)
    finally:
        lock.release()
        restore_signals()
        log.info("scheduler: stopped (pid %d); leader lock released", pid)


def _lead(app: Flask, lock: LeaderLock, stop: threading.Event, poll_seconds: float) -> None:
    scheduler = build_scheduler(app)
    scheduler.start()
    try:
        while not stop.wait(poll_seconds):
            if not lock.still_held():
                log.error("scheduler: lost the leader lock (pid %d); stopping the jobs", os.getpid())
                break
    finally:
        # Lets a running job finish: jobs are short, and cutting one off mid-send helps nobody.
        scheduler.shutdown(wait=True)
        lock.release()


def _stop_on_signals(stop: threading.Event):
    """SIGTERM and SIGINT set ``stop``; a second one acts as usual, for a shutdown that hangs."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}

    def handler(signum, _frame):
        log.info("scheduler: %s received; stopping", signal.Signals(signum).name)
        stop.set()
        for sig, original in previous.items():
            signal.signal(sig, original)

    for sig in previous:
        signal.signal(sig, handler)

    def restore() -> None:
        for sig, original in previous.items():
            signal.signal(sig, original)

    return restore
