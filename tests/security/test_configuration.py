"""Production refuses guessable keys and demo data."""

from __future__ import annotations

import base64
import random
import secrets

import pytest

from config import Production, key_problem
from webapp.extensions import db
from webapp.models import User

STRONG = secrets.token_urlsafe(48)
STRONG_AUDIT = secrets.token_urlsafe(48)


@pytest.mark.parametrize(
    ("key", "problem"),
    [
        ("a" * 36, "too little randomness"),
        ("a" * 200, "too little randomness"),
        ("ab" * 40, "too little randomness"),
        ("0123456789abcdef" * 4, "one short sequence repeated"),
        ("abcdefghijklmnopqrstuvwxyzABCDEFGHIJ", "26 consecutive characters in a row"),
        ("Xq7#kP2z!9LmW4@r" + "98765432" + "Tb8%nE3v&5HsY1^d", "8 consecutive characters in a row"),
        ("password-password-password-password", "too little randomness"),
        ("short-but-random-Xk9", "at least 32 characters"),
    ],
)
def test_weak_keys_are_refused_with_the_reason(key, problem):
    assert problem in (key_problem(key) or "")


def test_a_run_of_seven_is_allowed():
    assert key_problem("Xq7#kP2z!9LmW4@r" + "9876543" + "Tb8%nE3v&5HsY1^d") is None


# Seeded, so the test cannot fail by chance: the same bytes as secrets.token_hex/token_urlsafe give.
@pytest.mark.parametrize(
    "encode", [lambda raw: base64.urlsafe_b64encode(raw).rstrip(b"=").decode(), bytes.hex]
)
def test_generated_keys_pass(encode):
    generator = random.Random(12)
    for _ in range(2000):
        key = encode(generator.randbytes(32))
        assert key_problem(key) is None, key


def test_production_refuses_a_weak_secret_key(monkeypatch):
    monkeypatch.setenv("AUDIT_HMAC_KEY", STRONG_AUDIT)
    monkeypatch.setenv("SECRET_KEY", "a" * 36)
    with pytest.raises(RuntimeError, match="SECRET_KEY is too weak"):
        Production.check()
    monkeypatch.setenv("SECRET_KEY", STRONG)
    Production.check()


@pytest.mark.parametrize("value", [None, "dev-only-audit-key", "a" * 40])
def test_production_needs_a_strong_audit_key(monkeypatch, value):
    monkeypatch.setenv("SECRET_KEY", STRONG)
    if value is None:
        monkeypatch.delenv("AUDIT_HMAC_KEY", raising=False)
    else:
        monkeypatch.setenv("AUDIT_HMAC_KEY", value)
    with pytest.raises(RuntimeError, match="AUDIT_HMAC_KEY"):
        Production.check()


def test_the_audit_key_is_not_the_session_secret(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", STRONG)
    monkeypatch.setenv("AUDIT_HMAC_KEY", STRONG)
    with pytest.raises(RuntimeError, match="must differ from SECRET_KEY"):
        Production.check()


def test_the_app_factory_runs_the_check(monkeypatch):
    from webapp import create_app

    monkeypatch.setenv("SECRET_KEY", "a" * 36)
    with pytest.raises(RuntimeError, match="SECRET_KEY is too weak"):
        create_app("production")


def test_production_refuses_demo_seed(app):
    app.config["ENVIRONMENT"] = "production"
    try:
        result = app.test_cli_runner().invoke(args=["demo", "seed"])
    finally:
        app.config["ENVIRONMENT"] = "test"
    assert result.exit_code == 2
    assert "Demo data cannot be loaded in production" in result.output
    assert db.session.query(User).count() == 0
