"""Command-line tools: ``flask users …``, ``flask areas …``, ``flask demo seed``, ``flask audit verify``,
``flask rules …``."""

from __future__ import annotations

import sys

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from webapp.i18n import LANGUAGES
from webapp.models import Role

users_cli = AppGroup("users", help="Manage user accounts.")
areas_cli = AppGroup("areas", help="Manage operational areas.")
demo_cli = AppGroup("demo", help="Demonstration data.")
audit_cli = AppGroup("audit", help="The audit trail.")


def _read_password() -> str:
    stream = sys.stdin
    if stream.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return stream.readline().rstrip("\r\n")


@users_cli.command("create")
@click.option("--email", required=True, help="Sign-in email address (unique, any case).")
@click.option("--name", required=True, help="Full name.")
@click.option(
    "--role",
    "roles",
    required=True,
    multiple=True,
    type=click.Choice([role.value for role in Role]),
    help="A role; repeat for several.",
)
@click.option("--area", default=None, help="Operational area name (must exist).")
@click.option("--manager", default=None, help="Line manager's email address (must exist).")
@click.option(
    "--language",
    type=click.Choice(list(LANGUAGES)),
    default="en",
    show_default=True,
    help="The language the person reads the service, emails and notifications in (cy: Welsh).",
)
def create_user_command(
    email: str, name: str, roles: tuple[str, ...], area: str | None, manager: str | None, language: str
):
    """Create a user. The password is read from standard input."""
    from webapp.admin import services
    from webapp.auth.passwords import password_problem, personal_words

    area_row = None
    if area is not None:
        area_row = services.area_by_name(area)
        if area_row is None:
            raise click.UsageError(
                f"No operational area named {area!r}. Create it with 'flask areas create'."
            )
    manager_row = None
    if manager is not None:
        manager_row = services.user_by_email(manager)
        if manager_row is None:
            raise click.UsageError("No user with the --manager email address.")
    password = _read_password()
    problem = password_problem(password, personal_words(email, name))
    if problem:
        raise click.UsageError(problem)
    try:
        user = services.create_user(
            email=email,
            name=name,
            roles={Role(r) for r in roles},
            area_id=area_row.id if area_row else None,
            line_manager_id=manager_row.id if manager_row else None,
            password=password,
            language=language,
            actor_label="cli",
        )
    except services.DuplicateEmail:
        raise click.UsageError("A user with this email address already exists.") from None
    click.echo(f"Created user {user.id}.")


@areas_cli.command("create")
@click.argument("name")
def create_area_command(name: str):
    """Create an operational area."""
    from webapp.admin import services

    if not name.strip() or len(name.strip()) > 100:
        raise click.UsageError("The area name must be 1 to 100 characters.")
    try:
        area = services.create_area(name, actor_label="cli")
    except services.DuplicateArea:
        raise click.UsageError(f"An area named {name!r} already exists.") from None
    click.echo(f"Created area {area.id}.")


@demo_cli.command("seed")
def seed_command():
    """Load demonstration data into an empty database and print the demo sign-ins."""
    from webapp import demo

    if current_app.config["ENVIRONMENT"] == "production":
        # Demo accounts share a published password: they must never exist in a live service.
        raise click.UsageError("Demo data cannot be loaded in production (FLASK_CONFIG=production).")
    if not demo.seed():
        click.echo("The database already has data: demo data not loaded.")
    demo.print_sign_ins(click.echo)


@demo_cli.command("totp")
@click.argument("email")
def totp_command(email: str):
    """Print the current second-factor code of a demo account (development only)."""
    from flask import current_app

    from webapp import demo

    # By configuration, not app.debug: the flask command sets that from FLASK_DEBUG.
    if current_app.config["ENVIRONMENT"] not in ("development", "test"):
        raise click.UsageError("flask demo totp works only in development.")
    code = demo.current_totp(email)
    if code is None:
        raise click.UsageError("That is not a demo account with the demo second factor.")
    click.echo(code)


@demo_cli.command("scale")
@click.option(
    "--cases", default=100_000, show_default=True, type=click.IntRange(min=40), help="Cases to add."
)
def scale_command(cases: int):
    """Add a large fictional workload (cases, reviews, tasks) to try the service at scale.

    Loads the demo data first if the database is empty."""
    import time

    from webapp import demo
    from webapp.demo_scale import scale
    from webapp.formatting import today_in_london

    started = time.perf_counter()
    if demo.seed():
        click.echo("Demo data loaded.")
    counts = scale(cases, today=today_in_london())
    click.echo(
        f"Added {counts.cases:,} cases, {counts.reviews:,} reviews, {counts.tasks:,} tasks, "
        f"{counts.users:,} people, {counts.notifications:,} notifications and {counts.audit_events:,} "
        f"audit events in {time.perf_counter() - started:.0f}s."
    )


@audit_cli.command("verify")
def verify_command():
    """Check the audit trail's hash chain; exit 1 naming the first event that does not fit."""
    from webapp.audit_chain import audit_key, verify
    from webapp.extensions import db

    result = verify(db.session(), audit_key())
    if result.intact:
        # The newest event has no successor to vouch for it: keep this line with each backup, so
        # that removing events from the end can be seen too.
        checked, last = result.checked, result.last_id
        click.echo(f"Audit trail intact: {checked} events checked, the last is event {last}.")
        return
    click.echo(f"Audit trail BROKEN at event {result.broken_id}: {result.problem}.", err=True)
    click.echo(f"{result.checked} events before it are intact.", err=True)
    sys.exit(1)


def register_cli(app: Flask) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(areas_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(audit_cli)
    from rules.cli import rules as rules_cli

    app.cli.add_command(rules_cli)
    from jobs.cli import register as register_jobs_cli

    register_jobs_cli(app)


__all__ = ["register_cli"]
