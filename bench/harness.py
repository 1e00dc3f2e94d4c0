"""What the benchmarks share: their databases, the app on them, local SMTP servers, a gunicorn
server, and the memory a process holds."""

from __future__ import annotations

import logging
import os
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
from flask import Flask
from sqlalchemy import text

import config
from webapp import create_app
from webapp.extensions import db

ROOT = Path(__file__).resolve().parents[1]


def progress(message: str) -> None:
    print(f"  .. {message}", file=sys.stderr, flush=True)


# --- Databases ----------------------------------------------------------------------------------


def sqlalchemy_url(url: str) -> str:
    return "postgresql+psycopg://" + url.split("://", 1)[1] if url.startswith("postgresql://") else url


def ensure_postgresql_database(url: str) -> None:
    """Create the benchmark's database if it is missing. It is emptied on every run, so its name
    must say it is for benchmarks."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if "bench" not in name:
        raise SystemExit(f"refusing to empty database {name!r}: its name must contain 'bench'")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            progress(f"creating database {name}")
            connection.execute(psycopg.sql.SQL("CREATE DATABASE {}").format(psycopg.sql.Identifier(name)))


def make_app(database: str, url: str, base: type[config.Config] = config.Test) -> Flask:
    """The test configuration (or ``base``), on the benchmark's own database."""
    name = f"bench-{database}"
    config.CONFIGS[name] = type(
        f"Bench{database.title()}", (base,), {"SQLALCHEMY_DATABASE_URI": sqlalchemy_url(url)}
    )
    return create_app(name)


def build_schema() -> None:
    """An empty database, then the schema from the migrations, as conftest.py builds it."""
    import flask_migrate

    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    logging.disable(logging.INFO)  # Alembic's "Running upgrade" lines
    try:
        flask_migrate.upgrade()
    finally:
        logging.disable(logging.NOTSET)


def server_version() -> str:
    with db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            return "PostgreSQL " + connection.execute(text("SHOW server_version")).scalar_one().split()[0]
    return f"SQLite {sqlite3.sqlite_version}"


def settle() -> None:
    """After a bulk load: fresh planner statistics, the vacuum autovacuum would have done, and the
    loaded pages written out, so that none of that work lands in a timed run."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
            connection.execute(text("CHECKPOINT"))
    else:
        with db.engine.begin() as connection:
            connection.execute(text("ANALYZE"))
        with db.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def remove_postgresql_database(url: str) -> None:
    parts = urlsplit(url)
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(
            psycopg.sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                psycopg.sql.Identifier(parts.path.lstrip("/"))
            )
        )


# --- Memory -------------------------------------------------------------------------------------


def rss_mb(pid: int) -> float:
    """A process's resident memory now, in MB (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def peak_rss_mb(pid: int) -> float:
    """The most resident memory a process has held, in MB (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


# --- A gunicorn server --------------------------------------------------------------------------


class Gunicorn:
    """``gunicorn wsgi:app`` on 127.0.0.1 with the given configuration and database."""

    def __init__(self, *, url: str, port: int, workers: int = 2, config_name: str = "bench") -> None:
        env = dict(os.environ, DATABASE_URL=url, FLASK_CONFIG=config_name, PYTHONPATH=str(ROOT))
        self.port = port
        self.log = open(f"/tmp/bench-gunicorn-{port}.log", "w")  # noqa: SIM115, S108 - closed in stop()
        self.process = subprocess.Popen(  # noqa: S603 - our interpreter's gunicorn, our app
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--worker-class",
                "sync",
                "--backlog",
                "256",
                "--timeout",
                "120",
                "wsgi:app",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5):
                    return
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError(f"gunicorn stopped: see {self.log.name}") from None
                time.sleep(0.3)
        raise RuntimeError("gunicorn did not start within 60 s")

    def worker_rss_mb(self) -> list[float]:
        return [rss_mb(pid) for pid in children(self.process.pid)]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


# --- Local SMTP servers ------------------------------------------------------------------------


# Local SMTP servers, each printing its port and then, when its input closes, how many messages it
# received and how many distinct Message-IDs they had. "plain": aiosmtpd accepting each message and
# noting its Message-ID, as a mail server queues a message without taking it apart, so that the
# figure is the relay's. "recording": tests/smtp.py's server, which also parses every message.
SMTP_CHILD = """
import re, sys
sys.path.insert(0, sys.argv[1])
from tests.smtp import RecordingHandler, SmtpServer

class Plain:
    def __init__(self):
        self.ids = []

    async def handle_DATA(self, server, session, envelope):
        found = re.search(rb"^Message-ID: *(.+?)\\r?$", envelope.content, re.M | re.I)
        self.ids.append(found and found.group(1))
        return "250 Message accepted"

server = SmtpServer()
if sys.argv[2] == "plain":
    server.handler = Plain()
server.start()
print(server.port, flush=True)
sys.stdin.read()
ids = server.handler.ids if sys.argv[2] == "plain" else server.message_ids()
print(len(ids), len({i for i in ids if i}), flush=True)
server.stop()
"""


class SmtpProcess:
    """A local SMTP server in a process of its own, as a real one would be."""

    def __init__(self, kind: str) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - this interpreter, our own code
            [sys.executable, "-c", SMTP_CHILD, str(ROOT), kind],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.port = int(self.process.stdout.readline())

    def stop(self) -> tuple[int, int]:
        """(messages received, distinct Message-IDs)."""
        out, _ = self.process.communicate("", timeout=60)
        received, distinct = out.split()
        return int(received), int(distinct)


class SmtpThread:
    """tests/smtp.py's server in a thread of this process, as the tests run it (it shares our GIL)."""

    def __init__(self) -> None:
        from tests.smtp import SmtpServer

        self.server = SmtpServer()
        self.server.start()
        self.port = self.server.port

    def stop(self) -> tuple[int, int]:
        self.server.stop()
        ids = self.server.message_ids()
        return len(ids), len(set(ids))


SMTP_SERVERS = {
    "plain": "aiosmtpd in its own process, noting each Message-ID",
    "recording": "tests/smtp.py's server in its own process, parsing each message",
    "thread": "tests/smtp.py's server in a thread of the relay's process, as in the tests",
}
