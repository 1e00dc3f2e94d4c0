"""Shared fixtures: the app on a schema built by the real migrations, cleaned between tests.

The database is a temporary SQLite file per run by default (tests/database.py) and PostgreSQL when
TEST_DATABASE_URL is set (make test runs both).
"""

from __future__ import annotations

# First: it sets TEST_DATABASE_URL before anything imports the app's configuration.
from tests import database  # isort: skip

from contextlib import contextmanager

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import text

from tests.factories import DEFAULT_PASSWORD, current_code, make_user


def pytest_unconfigure(config: pytest.Config) -> None:
    database.remove()


def _reset_schema(app) -> None:
    """Drop everything, then build the schema by running the migrations, as production does."""
    import flask_migrate

    from webapp.extensions import db

    engine = db.engine
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    else:
        db.drop_all()
        with engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    flask_migrate.upgrade()


@pytest.fixture(scope="session")
def app():
    from webapp import create_app
    from webapp.i18n.catalogue import compile_mo

    compile_mo()  # the Welsh the tests read is the committed .po's, whatever make last compiled

    app = create_app("test")
    with app.app_context():
        _reset_schema(app)
    yield app
    with app.app_context():
        from webapp.extensions import db

        db.session.remove()
        db.engine.dispose()


def _seed_rows():
    """Reference rows the migrations insert (learning tags, with the Welsh names 0018 gives them),
    restored after each test's cleanup. Taken from the migrations themselves, so there is one list."""
    import importlib.util
    from pathlib import Path

    def migration(prefix: str):
        [path] = Path(__file__).parent.parent.glob(f"migrations/versions/{prefix}_*.py")
        spec = importlib.util.spec_from_file_location(f"migration_{prefix}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module

    defaults, welsh = migration("0004"), migration("0018").WELSH
    tags = [("risk_factor", n) for n in defaults.RISK_FACTORS]
    tags += [("practice_theme", n) for n in defaults.PRACTICE_THEMES]
    return [{"kind": k, "name": n, "name_cy": welsh.get((k, n)), "active": True} for k, n in tags]


SEED_ROWS = None


@contextmanager
def audit_triggers_off(connection):
    """The sanctioned way past the triggers that refuse UPDATE and DELETE on audit_events, for test
    cleanup and for tests that tamper as a database owner would; only inside ``connection``'s
    transaction. PostgreSQL: the table owner disables its triggers (undone if the transaction rolls
    back). SQLite has no such switch: the triggers are dropped and re-created from their own SQL."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
        yield
        connection.execute(text("ALTER TABLE audit_events ENABLE TRIGGER USER"))
        return
    triggers = connection.execute(
        text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_events'")
    ).all()
    for name, _sql in triggers:
        connection.execute(text(f'DROP TRIGGER "{name}"'))
    yield
    for _name, sql in triggers:
        connection.execute(text(sql))


def _truncate_all(app) -> None:
    from webapp.extensions import db

    global SEED_ROWS
    if SEED_ROWS is None:
        SEED_ROWS = _seed_rows()

    with app.app_context():
        db.session.remove()
        tables = [t.name for t in reversed(db.metadata.sorted_tables)]
        # DELETE beats TRUNCATE on tables this small, on PostgreSQL as on SQLite.
        with db.engine.begin() as connection, audit_triggers_off(connection):
            for table in tables:
                connection.execute(text(f"DELETE FROM {table}"))  # noqa: S608 - names from our metadata
            connection.execute(
                text(
                    "INSERT INTO learning_tags (kind, name, name_cy, active)"
                    " VALUES (:kind, :name, :name_cy, :active)"
                ),
                SEED_ROWS,
            )


def _fresh_request_user(sender, **extra) -> None:
    """Test-client requests reuse the test's app context, and so its ``g``: without this, the
    user Flask-Login cached for one client would answer for the next client's request (and the
    language Flask-Babel chose for it)."""
    from flask import g

    g.pop("_login_user", None)
    g.pop("_flask_babel", None)


@pytest.fixture(autouse=True)
def _database(request):
    """Tests that use the app get an app context and leave no rows behind."""
    if "app" not in request.fixturenames:
        yield
        return
    from flask import request_started

    app = request.getfixturevalue("app")
    request_started.connect(_fresh_request_user, app)
    try:
        with app.app_context():
            yield
    finally:
        request_started.disconnect(_fresh_request_user, app)
        _truncate_all(app)


@pytest.fixture
def csrf_on(app):
    """Forms demand a CSRF token, as in production (the test config turns it off elsewhere)."""
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


class Page:
    """A response parsed as HTML, with the checks every page fetch makes."""

    def __init__(self, response):
        self.response = response
        self.status = response.status_code
        self.html = BeautifulSoup(response.get_data(as_text=True), "html.parser")

    @property
    def title(self) -> str:
        return self.html.title.get_text(strip=True) if self.html.title else ""

    @property
    def h1(self) -> str:
        heading = self.html.find("h1")
        return heading.get_text(" ", strip=True) if heading else ""

    def error_summary(self) -> list[str]:
        summary = self.html.select(".govuk-error-summary__list li")
        return [item.get_text(" ", strip=True) for item in summary]

    def text(self) -> str:
        return self.html.get_text(" ", strip=True)


class SignedInClient:
    def __init__(self, client, user):
        self.client = client
        self.user = user

    def get(self, url: str, *, status: int = 200) -> Page:
        page = Page(self.client.get(url))
        assert page.status == status, f"GET {url}: {page.status}, expected {status}"
        if status == 200:
            assert page.title.endswith(("– Case review manager", "– Rheolwr adolygiadau achos")), page.title
            assert page.html.find("main"), "every page has a main landmark"
            csrf = self.client.application.config["WTF_CSRF_ENABLED"]
            for form in page.html.select("form[method=post]") if csrf else []:
                assert form.find("input", attrs={"name": "csrf_token"}) is not None, (
                    f"{url}: a POST form without a CSRF token"
                )
        return page

    def post(self, url: str, data: dict, *, status: int = 200, follow: bool = False) -> Page:
        page = Page(self.client.post(url, data=data, follow_redirects=follow))
        assert status is None or page.status == status, f"POST {url}: {page.status}, expected {status}"
        return page


def sign_in(client, email: str, password: str = DEFAULT_PASSWORD):
    """Sign in through the real forms: the password, then (when the person has one) a code from
    their authenticator app, made with pyotp from the factory's secret. Returns the last response."""
    response = client.post("/sign-in", data={"email": email, "password": password})
    if response.status_code == 302 and response.headers["Location"].startswith("/sign-in/code"):
        user = db_user(email)
        response = client.post("/sign-in/code", data={"code": current_code(user)})
    return response


def db_user(email: str):
    from webapp.extensions import db
    from webapp.models import User

    return db.session.execute(db.select(User).where(User.email == email.strip().lower())).scalar_one()


@pytest.fixture
def signed_in(app):
    """signed_in(user) -> a test client signed in as that user through the real sign-in form."""

    def _signed_in(user=None, **user_kwargs) -> SignedInClient:
        if user is None:
            user = make_user(**user_kwargs)
        client = app.test_client()
        response = sign_in(client, user.email)
        assert response.status_code == 302, "sign-in failed"
        return SignedInClient(client, user)

    return _signed_in


@pytest.fixture
def smtp_server(app):
    """A real SMTP server on a free port; Flask-Mail is pointed at it for the test."""
    from tests.smtp import SmtpServer

    server = SmtpServer()
    server.start()
    state = app.extensions["mail"]
    saved = (state.server, state.port, state.suppress)
    state.server, state.port, state.suppress = "127.0.0.1", server.port, False
    yield server
    state.server, state.port, state.suppress = saved
    server.stop()
