"""Configuration classes, chosen by name in ``create_app`` (env var ``FLASK_CONFIG``).

Every setting that differs between machines comes from the environment; the defaults below are
for trying the app on one machine and are documented in the README.
"""

from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"
DEFAULT_SECRET_KEY = "dev-only-not-secret"  # noqa: S105 - refused in production


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _database_url(default: str) -> str:
    url = os.environ.get("DATABASE_URL", default)
    # Heroku-style URLs name the old driver; SQLAlchemy 2 wants an explicit dialect+driver.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = _database_url(f"sqlite:///{INSTANCE_DIR / 'case-review.sqlite3'}")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "127.0.0.1")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "8025"))
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = os.environ.get(
        "MAIL_DEFAULT_SENDER", "Case review manager <no-reply@case-review.invalid>"
    )
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")

    # Session cookie: not readable from scripts, not sent on cross-site POSTs.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = 8 * 60 * 60  # one working day

    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # tied to the session instead: a long form is not lost at 60 min

    # argon2id cost; tests lower it so each sign-in does not cost 50 ms.
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 64 * 1024

    # The outbox relay: how long a claim lasts before another relay may take the row over, how many
    # attempts before a row fails, and the first retry delay (doubling each time).
    RELAY_LEASE_SECONDS = int(os.environ.get("RELAY_LEASE_SECONDS", "300"))
    # A relay run keeps claiming batches for this long (it runs every 5 s, one at a time).
    RELAY_TIME_SLICE_SECONDS = float(os.environ.get("RELAY_TIME_SLICE_SECONDS", "4"))
    RELAY_MAX_ATTEMPTS = int(os.environ.get("RELAY_MAX_ATTEMPTS", "6"))
    RELAY_BACKOFF_SECONDS = int(os.environ.get("RELAY_BACKOFF_SECONDS", "30"))
    MAIL_TIMEOUT_SECONDS = int(os.environ.get("MAIL_TIMEOUT_SECONDS", "20"))
    MAIL_SUPPRESS_SEND = False  # Flask-Mail suppresses when TESTING; the tests use a real SMTP server

    CASES_PER_PAGE = 25
    POLICY_FILE = os.environ.get("CASE_REVIEW_POLICY")


class Development(Config):
    DEBUG = True


class Test(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key"  # noqa: S105
    # The test run chooses the database (tests/database.py: a temporary SQLite file per run unless
    # TEST_DATABASE_URL names one) and passes it to the processes it starts through the environment.
    # Without it, an in-memory database: nothing outside a test run shares it.
    SQLALCHEMY_DATABASE_URI = _database_url(os.environ.get("TEST_DATABASE_URL", "sqlite://"))
    # Unmocked services point at addresses that fail loudly rather than reach anything real.
    MAIL_SERVER = "127.0.0.1"
    # Port 9 (discard): nothing listens. A test that sends mail starts its own server and passes
    # its port here, or to subprocesses through TEST_MAIL_PORT.
    MAIL_PORT = int(os.environ.get("TEST_MAIL_PORT", "9"))
    MAIL_TIMEOUT_SECONDS = 5
    BASE_URL = "http://case-review.test"
    WTF_CSRF_ENABLED = False  # the csrf fixture turns it back on
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 64  # KiB; the floor argon2 accepts with its default parallelism is 32


class Bench(Config):
    """For bench/pages.py only: each response says how many SQL statements it took (the
    X-SQL-Statements header). Never a production setting: nothing in the environment turns it on."""

    COUNT_SQL_STATEMENTS = True


class Production(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True

    @classmethod
    def check(cls) -> None:
        """Refuse to start with a missing or default secret."""
        key = os.environ.get("SECRET_KEY", "")
        if not key or key == DEFAULT_SECRET_KEY or len(key) < 32:
            raise RuntimeError(
                "SECRET_KEY must be set to a random value of at least 32 characters in production"
            )


CONFIGS: dict[str, type[Config]] = {
    "development": Development,
    "test": Test,
    "production": Production,
    "bench": Bench,
}
