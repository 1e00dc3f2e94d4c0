"""Security headers on every response of every route, signed in or not."""

from __future__ import annotations

import re

import pytest

from tests.conftest import sign_in
from tests.factories import make_user
from tests.security.routes import methods, rules, url_for_rule
from webapp.headers import CACHEABLE_ENDPOINTS
from webapp.models import Role

EXPECTED = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def check_headers(response, rule, method: str) -> list[str]:
    where = f"{method} {rule.rule} ({response.status_code})"
    problems = [
        f"{where}: {name} is {response.headers.get(name)!r}"
        for name, value in EXPECTED.items()
        if response.headers.get(name) != value
    ]
    policy = response.headers.get("Content-Security-Policy", "")
    directives = dict(([*part.strip().split(" ", 1), ""])[:2] for part in policy.split(";") if part.strip())
    if directives.get("frame-ancestors") != "'none'":
        problems.append(f"{where}: CSP frame-ancestors is {directives.get('frame-ancestors')!r}")
    script_src = directives.get("script-src", "")
    if not script_src or "unsafe-inline" in script_src or "unsafe-eval" in script_src:
        problems.append(f"{where}: CSP script-src is {script_src!r}")
    if "camera=()" not in response.headers.get("Permissions-Policy", ""):
        problems.append(f"{where}: no Permissions-Policy")
    if rule.endpoint not in CACHEABLE_ENDPOINTS and response.headers.get("Cache-Control") != "no-store":
        problems.append(f"{where}: Cache-Control is {response.headers.get('Cache-Control')!r}")
    if "Strict-Transport-Security" in response.headers:
        problems.append(f"{where}: HSTS outside production")
    return problems


@pytest.mark.parametrize("who", ["anonymous", "chief executive", "administrator"])
def test_every_route_sends_the_security_headers(app, who):
    client = app.test_client()
    if who != "anonymous":
        role = Role.CHIEF_EXECUTIVE if who == "chief executive" else Role.ADMINISTRATOR
        assert sign_in(client, make_user(roles=role).email).status_code == 302
    problems = []
    requests = 0
    for rule in rules(app):
        url = url_for_rule(rule, dict.fromkeys(rule.arguments, 1))
        for method in methods(rule):
            if rule.endpoint == "auth.sign_out":
                continue  # would end this client's session; checked below
            response = client.open(url, method=method, data={})
            problems += check_headers(response, rule, method)
            response.close()
            requests += 1
    assert requests > 100
    assert problems == []


def test_sign_out_and_error_pages_send_them_too(app):
    client = app.test_client()
    assert sign_in(client, make_user(roles=Role.CHIEF_EXECUTIVE).email).status_code == 302
    for response in (
        client.post("/sign-out"),
        client.get("/no-such-page"),
        client.post("/sign-in", data="x" * (2 * 1024 * 1024)),
    ):
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Cache-Control"] == "no-store"
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_public_assets_may_be_cached_but_pages_may_not(app):
    client = app.test_client()
    asset = client.get("/govuk/govuk-frontend.min.css")
    asset.close()
    assert asset.status_code == 200 and "no-store" not in asset.headers.get("Cache-Control", "")
    assert client.get("/sign-in").headers["Cache-Control"] == "no-store"


def test_the_inline_script_carries_this_requests_nonce(app):
    client = app.test_client()
    nonces = []
    for _ in range(2):
        response = client.get("/sign-in")
        html = response.get_data(as_text=True)
        [nonce] = re.findall(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"])
        inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
        assert inline, "the GOV.UK template has one inline script"
        assert all(f'nonce="{nonce}"' in attributes for attributes in inline)
        nonces.append(nonce)
    assert nonces[0] != nonces[1], "a fresh nonce for each request"
    assert len(nonces[0]) >= 22


def test_production_sends_hsts(app):
    app.config["ENVIRONMENT"] = "production"
    try:
        response = app.test_client().get("/sign-in")
    finally:
        app.config["ENVIRONMENT"] = "test"
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
