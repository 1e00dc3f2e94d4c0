"""Configuration classes, chosen by name in ``create_app`` (env var ``FLASK_CONFIG``).

Every setting that differs between machines comes from the environment; the defaults below are
for trying the app on one machine and are documented in the README.
"""

from __future__ import annotations

import itertools
import math
import os
from collections import Counter
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"
DEFAULT_SECRET_KEY = "dev-only-not-secret"  # noqa: S105 - refused in production
DEFAULT_AUDIT_HMAC_KEY = "dev-only-audit-key"

# A production key must be long and look random. Its strength is estimated as its length times the
# Shannon entropy of its own characters (bits per character, from how often each one occurs), which
# is about 6 bits per character for secrets.token_urlsafe and 4 for token_hex, and 0 for "aaaa...".
# Patterns that this estimate misses are refused separately: a key made of one block repeated
# ("abcdabcd...") and a run of eight consecutive characters ("abcdefgh", "98765432"). A random hex
# key of 64 characters holds such a run about once in five million keys (each step has a 1 in 16
# chance); a run of six, the earlier rule, refused about one token_hex(32) key in 15,000.
MIN_KEY_LENGTH = 32
MIN_KEY_BITS = 128
LONGEST_RUN = 8  # consecutive characters, rising or falling


def key_entropy_bits(key: str) -> float:
    counts = Counter(key)
    per_character = -sum(n / len(key) * math.log2(n / len(key)) for n in counts.values())
    return per_character * len(key)


def longest_run(key: str) -> int:
    """The longest stretch of characters each one code point above (or each one below) the last."""
    longest = run = 1
    direction = 0
    for a, b in itertools.pairwise(key):
        step = ord(b) - ord(a)
        if abs(step) == 1 and step == direction:
            run += 1
        elif abs(step) == 1:
            run, direction = 2, step
        else:
            run, direction = 1, 0
        longest = max(longest, run)
    return longest


def key_problem(key: str) -> str | None:
    """Why ``key`` is too weak to sign sessions or the audit trail in production, or None."""
    if len(key) < MIN_KEY_LENGTH:
        return f"it must be at least {MIN_KEY_LENGTH} characters"
    if key_entropy_bits(key) < MIN_KEY_BITS:
        return f"it has too little randomness (under {MIN_KEY_BITS} bits: too few different characters)"
    for period in range(1, len(key) // 2 + 1):
        if all(key[i] == key[i + period] for i in range(len(key) - period)):
            return "it is one short sequence repeated"
    longest = longest_run(key)
    if longest >= LONGEST_RUN:
        return f"it contains {longest} consecutive characters in a row"
    return None


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
    # Keys the audit trail's hash chain (webapp/audit_chain.py). Deliberately not SECRET_KEY, which
    # every web worker needs and which is rotated with sessions. Changing this key makes the
    # existing trail fail verification: keep it safe, apart from the database and its backups.
    AUDIT_HMAC_KEY = os.environ.get("AUDIT_HMAC_KEY", DEFAULT_AUDIT_HMAC_KEY)
    ENVIRONMENT = "development"

    # Request size: no form here needs more than a few hundred kilobytes (there are no uploads), and
    # without a limit an anonymous POST is read whole into a worker's memory. Larger bodies get 413.
    MAX_CONTENT_LENGTH = 1024 * 1024
    MAX_FORM_MEMORY_SIZE = 512 * 1024
    MAX_FORM_PARTS = 1000
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
    # Sessions live on the server (user_sessions): they end after this long without a request from
    # the person, and after this long in all, whatever the person does. The page warns before the
    # idle limit. The cookie itself lasts no longer than the absolute limit.
    SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "30"))
    SESSION_ABSOLUTE_HOURS = int(os.environ.get("SESSION_ABSOLUTE_HOURS", "10"))
    SESSION_WARNING_SECONDS = int(os.environ.get("SESSION_WARNING_SECONDS", "120"))
    PERMANENT_SESSION_LIFETIME = SESSION_ABSOLUTE_HOURS * 60 * 60
    # Sensitive administrator actions ask for the password again after this long.
    REAUTHENTICATE_MINUTES = 15

    # Sign-in throttling (state in the database, so it holds across workers and machines): attempts
    # allowed per account and per source address in each window; further attempts are refused unread.
    SIGN_IN_ACCOUNT_ATTEMPTS = int(os.environ.get("SIGN_IN_ACCOUNT_ATTEMPTS", "5"))
    SIGN_IN_ADDRESS_ATTEMPTS = int(os.environ.get("SIGN_IN_ADDRESS_ATTEMPTS", "30"))
    SIGN_IN_WINDOW_MINUTES = int(os.environ.get("SIGN_IN_WINDOW_MINUTES", "15"))
    # Behind a reverse proxy, how many X-Forwarded-For hops to trust for the client's address.
    PROXY_FIX_X_FOR = int(os.environ.get("PROXY_FIX_X_FOR", "0"))

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
    # SMTP connections one relay run sends on at once (each from a thread of its own).
    RELAY_CONNECTIONS = int(os.environ.get("RELAY_CONNECTIONS", "4"))
    RELAY_BACKOFF_SECONDS = int(os.environ.get("RELAY_BACKOFF_SECONDS", "30"))
    MAIL_TIMEOUT_SECONDS = int(os.environ.get("MAIL_TIMEOUT_SECONDS", "20"))
    MAIL_SUPPRESS_SEND = False  # Flask-Mail suppresses when TESTING; the tests use a real SMTP server

    LIST_PER_PAGE = 25
    POLICY_FILE = os.environ.get("CASE_REVIEW_POLICY")


class Development(Config):
    DEBUG = True


class Test(Config):
    TESTING = True
    ENVIRONMENT = "test"
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
    ENVIRONMENT = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True

    @classmethod
    def check(cls) -> None:
        """Refuse to start with a missing, default or guessable secret or audit key."""
        secret = os.environ.get("SECRET_KEY", "")
        audit = os.environ.get("AUDIT_HMAC_KEY", "")
        advice = 'for example python -c "import secrets; print(secrets.token_urlsafe(48))"'
        for name, key, default in (
            ("SECRET_KEY", secret, DEFAULT_SECRET_KEY),
            ("AUDIT_HMAC_KEY", audit, DEFAULT_AUDIT_HMAC_KEY),
        ):
            if not key or key == default:
                raise RuntimeError(f"{name} must be set to a random value in production ({advice})")
            problem = key_problem(key)
            if problem:
                raise RuntimeError(f"{name} is too weak for production: {problem} ({advice})")
        if secret == audit:
            raise RuntimeError("AUDIT_HMAC_KEY must differ from SECRET_KEY")


CONFIGS: dict[str, type[Config]] = {
    "development": Development,
    "test": Test,
    "production": Production,
    "bench": Bench,
}
