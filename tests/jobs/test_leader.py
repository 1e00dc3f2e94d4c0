"""Only one ``flask scheduler run`` acts; a standby takes over when the leader is killed.

Each scheduler is a real process started through the CLI; its schedule is a one-second tick that
writes the process id to a file (tests/jobs/app_factory.py), so the tests see who acts.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
POLL_SECONDS = 1.0
START_TIMEOUT = 30.0  # a cold start imports the app; generous for a loaded CI machine
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")


class Scheduler:
    def __init__(self, process: subprocess.Popen, log: Path) -> None:
        self.process = process
        self.log = log

    @property
    def pid(self) -> int:
        return self.process.pid

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> float:
    """Seconds it took; fails the test after ``timeout``."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            pytest.fail(f"timed out after {timeout:g}s waiting for {what}")
        time.sleep(0.05)
    return time.monotonic() - started


@pytest.fixture
def start_scheduler(tmp_path) -> Iterator[Callable[..., Scheduler]]:
    """start_scheduler(name, database_url) -> a running scheduler process; all are killed after."""
    started: list[Scheduler] = []

    def start(name: str, database_url: str, *, real_jobs: bool = False, env_extra=None) -> Scheduler:
        env = {
            **os.environ,
            "FLASK_APP": "tests.jobs.app_factory:create_app",
            "FLASK_CONFIG": "test",
            "TEST_DATABASE_URL": database_url,
            **(env_extra or {}),
        }
        if not real_jobs:
            env["SCHEDULER_TEST_TICKS"] = str(tmp_path / "ticks")
        log = tmp_path / f"{name}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(  # noqa: S603 - fixed argv
                [
                    sys.executable,
                    "-m",
                    "flask",
                    "scheduler",
                    "run",
                    "--poll-seconds",
                    str(POLL_SECONDS),
                    "--lock-file",
                    str(tmp_path / "scheduler.lock"),
                ],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # Ctrl-C on the test run is for pytest, not for these
            )
        scheduler = Scheduler(process, log)
        started.append(scheduler)
        return scheduler

    yield start
    for scheduler in started:
        if scheduler.process.poll() is None:
            scheduler.process.kill()
        scheduler.process.wait(timeout=10)


def tickers(tmp_path: Path) -> list[int]:
    path = tmp_path / "ticks"
    return [int(line) for line in path.read_text().split()] if path.exists() else []


def leading(scheduler: Scheduler) -> bool:
    return "scheduler: leading" in scheduler.output()


def check_one_leader_then_takeover(start_scheduler, tmp_path: Path, database_url: str) -> None:
    first = start_scheduler("first", database_url)
    wait_for(lambda: leading(first), START_TIMEOUT, "the first scheduler to lead")
    second = start_scheduler("second", database_url)
    wait_for(lambda: "scheduler: standby" in second.output(), START_TIMEOUT, "the second to stand by")

    wait_for(lambda: len(tickers(tmp_path)) >= 3, 10, "the leader's jobs to run")
    time.sleep(2 * POLL_SECONDS)
    assert set(tickers(tmp_path)) == {first.pid}, "only the leader runs jobs"
    assert not leading(second)

    first.process.send_signal(signal.SIGKILL)
    first.process.wait(timeout=10)
    took = wait_for(lambda: leading(second), 10, "the standby to take over")
    assert took <= POLL_SECONDS + 2, f"took over in {took:.1f}s"
    wait_for(lambda: second.pid in tickers(tmp_path), 10, "the new leader's jobs to run")

    second.process.send_signal(signal.SIGTERM)
    assert second.process.wait(timeout=20) == 0
    assert "leader lock released" in second.output()


def test_sqlite_one_leader_and_the_standby_takes_over_from_a_killed_leader(start_scheduler, tmp_path):
    check_one_leader_then_takeover(start_scheduler, tmp_path, f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert (tmp_path / "scheduler.lock").exists()


def test_sqlite_lock_file_removed_under_the_leader_stops_it_leading(start_scheduler, tmp_path):
    first = start_scheduler("first", f"sqlite:///{tmp_path / 'db.sqlite3'}")
    wait_for(lambda: leading(first), START_TIMEOUT, "the scheduler to lead")
    (tmp_path / "scheduler.lock").unlink()
    wait_for(lambda: "lost the leader lock" in first.output(), 10, "the leader to notice")
    # Nobody else holds the new file, so it leads again, on a lock others can see.
    wait_for(lambda: first.output().count("scheduler: leading") == 2, 10, "the scheduler to lead again")
    first.process.send_signal(signal.SIGINT)
    assert first.process.wait(timeout=20) == 0


postgresql_only = pytest.mark.skipif(
    not TEST_DATABASE_URL.startswith("postgresql"), reason="TEST_DATABASE_URL is not PostgreSQL"
)


@postgresql_only
def test_postgresql_one_leader_and_the_standby_takes_over_from_a_killed_leader(start_scheduler, tmp_path):
    check_one_leader_then_takeover(start_scheduler, tmp_path, TEST_DATABASE_URL)


@postgresql_only
def test_postgresql_leader_stops_acting_when_its_lock_connection_dies(start_scheduler, tmp_path):
    import psycopg

    from jobs.runner import LOCK_CONNECTION_NAME

    leader = start_scheduler("leader", TEST_DATABASE_URL)
    wait_for(lambda: leading(leader), START_TIMEOUT, "the scheduler to lead")
    with psycopg.connect(TEST_DATABASE_URL.replace("postgresql+psycopg://", "postgresql://")) as connection:
        killed = connection.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE application_name = %s AND datname = current_database()",
            (LOCK_CONNECTION_NAME,),
        ).fetchone()[0]
    assert killed == 1
    wait_for(lambda: "lost the leader lock" in leader.output(), 10, "the leader to notice")
    # It stopped its jobs and stood by; with no other scheduler, it takes the lock again.
    wait_for(lambda: leader.output().count("scheduler: leading") == 2, 10, "the scheduler to lead again")
    leader.process.send_signal(signal.SIGTERM)
    assert leader.process.wait(timeout=20) == 0


def test_two_schedulers_with_the_real_jobs_send_each_message_once(
    app, start_scheduler, smtp_server, tmp_path
):
    """Two scheduler processes on the test database and a real SMTP server: 40 queued messages
    arrive once each, and none arrives twice later."""
    from tests.factories import make_user
    from webapp.extensions import db
    from webapp.notifications.services import notify

    for n in range(40):  # forty people: one person's messages in one cycle would be one email
        user = make_user(email=f"once{n}@example.org")
        notify(user, "task_due", link_path=f"/tasks/{n}", detail="x", dedupe_key=f"twice:{n}")
    db.session.commit()
    url = str(db.engine.url.render_as_string(hide_password=False))
    env = {"TEST_MAIL_PORT": str(smtp_server.port)}
    first = start_scheduler("first", url, real_jobs=True, env_extra=env)
    second = start_scheduler("second", url, real_jobs=True, env_extra=env)
    wait_for(lambda: len(smtp_server.messages) >= 40, START_TIMEOUT + 20, "every message to be sent")
    time.sleep(6)  # another relay period: nothing more may arrive
    ids = smtp_server.message_ids()
    assert len(ids) == 40 and len(set(ids)) == 40
    assert sum("scheduler: leading" in s.output() for s in (first, second)) == 1
