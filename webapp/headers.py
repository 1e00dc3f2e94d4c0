"""Security headers on every response, and the per-request nonce for the one inline script.

One small module rather than Flask-Talisman: Talisman's last release is from 2023, and what we need
is a fixed policy plus a nonce, which is a few lines.
"""

from __future__ import annotations

import secrets

from flask import Flask, Response, current_app, g, request, request_started

# Public, unchanging files: the GOV.UK Frontend bundle and our own CSS and JS. They carry no
# personal or case data, so browsers may cache them; every other response is no-store.
CACHEABLE_ENDPOINTS = frozenset({"static", "assets.govuk_asset", "assets.govuk_bundle"})

PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)
HSTS = "max-age=31536000; includeSubDomains"


def csp_nonce() -> str:
    """The nonce for this request's inline script (the GOV.UK template's js-enabled line)."""
    if "csp_nonce" not in g:
        _new_nonce()
    return g.csp_nonce


def _new_nonce(*_args, **_kwargs) -> None:
    # On request_started, before any before_request hook can fail and render an error page: each
    # request gets its own nonce even where an app context outlives one request (test clients).
    g.csp_nonce = secrets.token_urlsafe(18)


def content_security_policy(nonce: str | None) -> str:
    scripts = "'self'" + (f" 'nonce-{nonce}'" if nonce else "")
    return "; ".join(
        (
            "default-src 'self'",
            f"script-src {scripts}",
            "style-src 'self'",
            # Inline style attributes only (a bar's width in the dashboard charts, pre-line text):
            # they cannot run code. Style elements and scripts stay restricted.
            "style-src-attr 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )


def _set_headers(response: Response) -> Response:
    headers = response.headers
    headers["Content-Security-Policy"] = content_security_policy(g.get("csp_nonce"))
    headers["X-Frame-Options"] = "DENY"
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "same-origin"
    headers["Permissions-Policy"] = PERMISSIONS_POLICY
    if current_app.config.get("ENVIRONMENT") == "production":
        headers["Strict-Transport-Security"] = HSTS
    if request.endpoint not in CACHEABLE_ENDPOINTS:
        # Pages and files may hold case data: never kept, so the back button after signing out on
        # a shared computer cannot show them.
        headers["Cache-Control"] = "no-store"
    return response


def init_headers(app: Flask) -> None:
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    request_started.connect(_new_nonce, app, weak=False)
    app.after_request(_set_headers)
