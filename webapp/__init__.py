"""The case review manager web application."""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

from flask import Flask, render_template
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader

from config import BASE_DIR, CONFIGS, Production
from webapp.i18n import gettext, lazy_gettext

GOVUK_DIST = BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"


def create_app(config_name: str | None = None) -> Flask:
    config_name = config_name or os.environ.get("FLASK_CONFIG", "development")
    config_class = CONFIGS[config_name]
    if config_class is Production:
        Production.check()

    app = Flask(__name__, instance_path=str(BASE_DIR / "instance"))
    app.config.from_object(config_class)
    if app.config["PROXY_FIX_X_FOR"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # The client's address (throttling, the audit trail) from the trusted proxy's header.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=app.config["PROXY_FIX_X_FOR"]
        )
    from webapp.limits import DatabaseIdConverter

    # Before any route is added: every <int:...> in a URL is bounded (webapp/limits.py).
    app.url_map.converters["int"] = DatabaseIdConverter
    Path(app.instance_path).mkdir(exist_ok=True)

    import rules

    # The timescales policy is read once at start (DESIGN.md section 3); a bad file stops start-up.
    app.extensions["case_review_policy"] = rules.load_policy(app.config["POLICY_FILE"])
    _configure_templates(app)
    _configure_logging(app)

    from webapp.extensions import csrf, db, login_manager, mail, migrate

    db.init_app(app)
    from webapp import transactions

    transactions.install(app, db)  # after db.init_app: its teardown runs before the session's closing
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    mail.init_app(app)
    login_manager.init_app(app)

    from webapp import i18n

    i18n.init_app(app)

    from webapp import auth

    auth.init_login(login_manager)

    from webapp import audit_chain
    from webapp.headers import init_headers

    audit_chain.install()
    init_headers(app)

    from webapp import accuracy, conduct, learning, reviews
    from webapp.accuracy.routes import bp as accuracy_bp
    from webapp.admin.approval_routes import bp as approvals_bp
    from webapp.admin.mail_routes import bp as admin_mail_bp
    from webapp.admin.routes import bp as admin_bp
    from webapp.assets import bp as assets_bp
    from webapp.auth.account_routes import bp as account_bp
    from webapp.auth.routes import bp as auth_bp
    from webapp.cases.routes import bp as cases_bp
    from webapp.conduct.routes import bp as conduct_bp
    from webapp.i18n.routes import bp as language_bp
    from webapp.learning.routes import bp as learning_bp
    from webapp.main.routes import bp as main_bp
    from webapp.notifications.routes import bp as notifications_bp
    from webapp.reviews.routes import bp as reviews_bp
    from webapp.safeguarding import routes as safeguarding_routes

    blueprints = (
        assets_bp,
        auth_bp,
        account_bp,
        main_bp,
        language_bp,
        cases_bp,
        reviews_bp,
        conduct_bp,
        accuracy_bp,
        learning_bp,
        safeguarding_routes.bp,
        notifications_bp,
        admin_bp,
        admin_mail_bp,
        approvals_bp,
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint)

    from webapp.tasks import pages as task_pages

    task_pages.install(
        app,
        reviews.routes.reviews.TASK_PAGES,
        conduct.routes.conduct.TASK_PAGES,
        accuracy.routes.TASK_PAGES,
        learning.routes.learning.TASK_PAGES,
        safeguarding_routes.TASK_PAGES,
    )

    from webapp.cli import register_cli

    register_cli(app)
    _register_error_pages(app)
    _register_sqlite_pragmas(app)
    if app.config.get("COUNT_SQL_STATEMENTS"):
        _count_sql_statements(app)
    return app


def _count_sql_statements(app: Flask) -> None:
    """Benchmark configuration only: count each request's SQL statements into a response header."""
    from flask import g, has_request_context
    from sqlalchemy import event

    from webapp.extensions import db

    def seen(*_args) -> None:
        if has_request_context():
            g.sql_statements = g.get("sql_statements", 0) + 1

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", seen)

    @app.after_request
    def header(response):
        response.headers["X-SQL-Statements"] = str(g.get("sql_statements", 0))
        return response


def _configure_templates(app: Flask) -> None:
    from govuk_frontend_wtf.main import WTFormsHelpers

    app.jinja_loader = ChoiceLoader(
        [
            PackageLoader("webapp"),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                    # The package's own components, for the app's thin wrappers of the same path
                    # (templates/govuk_frontend_jinja/components/*), which give their built-in
                    # texts in the page's language.
                    "govuk_frontend_jinja_package": PackageLoader("govuk_frontend_jinja"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    WTFormsHelpers(app)
    app.add_template_global(_error_summary, "error_summary")
    from webapp.navigation import service_navigation

    app.add_template_global(service_navigation, "service_navigation")
    from webapp.tasks.rows import task_rows

    app.add_template_global(task_rows, "task_rows")
    from webapp.i18n import current_language

    # For imported macros, which do not see the context's ``current_language``.
    app.add_template_global(current_language, "page_language")
    app.add_template_global(_with_defaults, "with_defaults")

    from webapp import formatting, models
    from webapp.permissions import can

    app.jinja_env.globals["can"] = can
    app.jinja_env.globals["allows"] = _allows
    app.jinja_env.globals["enums"] = models
    app.jinja_env.globals["area_options"] = lambda areas: [(a.id, a.name) for a in areas]
    from rules import clauses
    from webapp.reviews.facts import shown_reasons

    # The rules' stored reasons in the reader's language; the procedure's passages, quoted by name.
    app.jinja_env.globals["shown_reasons"] = shown_reasons
    app.jinja_env.globals["clauses"] = clauses
    formatting.register(app)


def _with_defaults(params: dict | None, defaults: dict) -> dict:
    """A component's parameters with each default the caller left empty filled in (the GOV.UK
    component wrappers give their built-in texts in the page's language this way)."""
    params = dict(params or {})
    return params | {key: value for key, value in defaults.items() if not params.get(key)}


def _allows(review, work: str) -> bool:
    """For templates: whether the review's state allows this work now (webapp/reviews/lifecycle.py)."""
    from webapp.reviews.lifecycle import Work, allows

    return allows(review.state, Work(work))


def _error_summary(form) -> dict:
    """The error summary's items; a form-level error (not tied to a field) gets no link."""
    from govuk_frontend_wtf.main import wtforms_errors

    from webapp.forms import GovDateField

    params = wtforms_errors(form)
    params["titleText"] = gettext("There is a problem")
    date_links = {f"#{field.id}" for field in form if isinstance(field, GovDateField)}
    for item in params["errorList"]:
        if item.get("href", "").startswith("#None"):
            item.pop("href")
        elif item.get("href") in date_links:
            item["href"] += "-day"  # a date's error links to its first box
    # flatten_errors keeps one message per key: list every form-level error.
    params["errorList"].extend({"text": message} for message in form.form_errors[1:])
    return params


class _DropQueryString(logging.Filter):
    """Request lines in the access log lose their query string: searches can hold names."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_QUERY.sub("", arg) if isinstance(arg, str) else arg for arg in record.args)
        return True


_QUERY = re.compile(r"\?\S*")


def _configure_logging(app: Flask) -> None:
    logging.getLogger("werkzeug").addFilter(_DropQueryString())
    if not app.debug and not app.testing:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")


ERROR_DETAILS = {
    413: lazy_gettext(
        "The form or file you sent is larger than this service accepts. Nothing was saved. "
        "Go back, shorten the text and try again."
    ),
}


def _register_error_pages(app: Flask) -> None:
    for code, title in (
        (400, lazy_gettext("Sorry, there is a problem with the request")),
        (403, lazy_gettext("You do not have permission to see this page")),
        (404, lazy_gettext("Page not found")),
        (405, lazy_gettext("Sorry, there is a problem with the request")),
        (413, lazy_gettext("What you sent is too large")),
        (500, lazy_gettext("Sorry, there is a problem with the service")),
    ):

        def handler(error, code=code, title=title):
            detail = ERROR_DETAILS.get(code)
            return render_template(
                "errors/error.html", code=code, title=str(title), detail=str(detail or "")
            ), code

        app.register_error_handler(code, handler)

    from flask_wtf.csrf import CSRFError

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return (
            render_template(
                "errors/error.html",
                code=400,
                title=gettext("Your form could not be sent"),
                detail=gettext(
                    "The page had been open too long or came from somewhere else. "
                    "Go back, reload the page and try again. Nothing was saved."
                ),
            ),
            400,
        )


def _register_sqlite_pragmas(app: Flask) -> None:
    """SQLite ignores foreign keys unless told; WAL lets the scheduler and the web app share it."""
    from sqlalchemy import event

    from webapp.extensions import db

    with app.app_context():
        engine = db.engine
        if engine.dialect.name != "sqlite":
            return

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=5000")
            cursor.close()
