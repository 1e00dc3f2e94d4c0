"""Where each page's time goes in SQL: every statement a page sends, its time, and the plans of the
slowest. Run after ``bench/pages.py --keep`` or on any database holding demo + scale data:

    .venv/bin/python bench/explain.py [--top 3] [--postgresql-url URL]

Each page of bench/pages.py is fetched once (after one warm-up fetch) through the app in this
process, signed in as its demo account; the statements it sent are timed, and the ``--top``
slowest reading statements over all pages are explained with ``EXPLAIN (ANALYZE, BUFFERS)``.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if sys.path and Path(sys.path[0]).resolve() == ROOT / "bench":
    sys.path[0] = str(ROOT)

import pyotp  # noqa: E402
from sqlalchemy import event  # noqa: E402

from bench.harness import make_app  # noqa: E402
from bench.pages import FLOOR, PAGES, POSTGRESQL_URL  # noqa: E402
from config import Bench  # noqa: E402
from webapp.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, demo_email  # noqa: E402
from webapp.extensions import db  # noqa: E402
from webapp.transactions import is_read  # noqa: E402


@dataclass
class Statement:
    page: str
    sql: str
    parameters: object
    seconds: float


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=3, help="slowest statements to explain")
    parser.add_argument("--postgresql-url", default=POSTGRESQL_URL)
    parser.add_argument("--verbose", action="store_true", help="list every statement of every page")
    parser.add_argument(
        "--planning",
        action="store_true",
        help="each read's planning and execution time, the most planned first (a statement the "
        "database plans anew on every view can cost more to plan than to run)",
    )
    options = parser.parse_args(argv)
    app = make_app("explain", options.postgresql_url, Bench)
    app.config["WTF_CSRF_ENABLED"] = False  # signing in through the test client
    seen: list[Statement] = []
    current = {"page": "", "started": 0.0}

    with app.app_context():
        engine = db.engine

        @event.listens_for(engine, "before_cursor_execute")
        def before(_conn, _cursor, statement, parameters, _context, _many) -> None:
            current["started"] = time.perf_counter()

        @event.listens_for(engine, "after_cursor_execute")
        def after(_conn, _cursor, statement, parameters, _context, _many) -> None:
            if current["page"]:
                elapsed = time.perf_counter() - current["started"]
                seen.append(Statement(current["page"], statement, parameters, elapsed))

        paths = {spec.label: spec.path() for spec in (FLOOR, *PAGES)}
        db.session.remove()

    clients = {}
    for spec in PAGES:
        if spec.account not in clients:
            client = app.test_client()
            email = demo_email(spec.account)
            response = client.post("/sign-in", data={"email": email, "password": DEMO_PASSWORD})
            if response.headers.get("Location", "").startswith("/sign-in/code"):
                # The demo CE, DCE and administrator give their second factor.
                client.post("/sign-in/code", data={"code": pyotp.TOTP(DEMO_TOTP_SECRET).now()})
            clients[spec.account] = client
        client = clients[spec.account]
        client.get(paths[spec.label])  # warm-up
        current["page"] = spec.label
        started = time.perf_counter()
        response = client.get(paths[spec.label])
        total = time.perf_counter() - started
        current["page"] = ""
        mine = [s for s in seen if s.page == spec.label]
        print(
            f"{spec.label:38} {response.status_code} {total * 1000:7.1f} ms, {len(mine):3} statements, "
            f"{sum(s.seconds for s in mine) * 1000:7.1f} ms in SQL"
        )
        if options.verbose:
            for s in mine:
                print(f"    {s.seconds * 1000:7.1f} ms  {' '.join(s.sql.split())[:150]}")
    print()
    with app.app_context(), db.engine.connect() as connection:
        # Reads only: EXPLAIN ANALYZE runs the statement (an audit INSERT would be written again).
        reads = [s for s in seen if is_read(s.sql)]
        if options.planning:
            print_planning(connection, reads)
        for statement in sorted(reads, key=lambda s: s.seconds, reverse=True)[: options.top]:
            print(f"--- {statement.page}: {statement.seconds * 1000:.1f} ms")
            print(statement.sql)
            rows = connection.exec_driver_sql(
                f"EXPLAIN (ANALYZE, BUFFERS) {statement.sql}", statement.parameters
            )
            for row in rows:
                print("    " + row[0])
            print()
    return 0


def print_planning(connection, reads: list[Statement]) -> None:
    timed = []
    for statement in reads:
        rows = connection.exec_driver_sql(
            f"EXPLAIN (ANALYZE, SUMMARY, FORMAT JSON) {statement.sql}", statement.parameters
        )
        summary = rows.scalar_one()[0]
        timed.append((summary["Planning Time"], summary["Execution Time"], statement))
    print(f"{'page':38} {'planning':>9} {'execution':>10}  statement")
    for planning, execution, statement in sorted(timed, key=lambda t: t[0], reverse=True):
        sql = " ".join(statement.sql.split())[:90]
        print(f"{statement.page:38} {planning:6.2f} ms {execution:7.2f} ms  {sql}")
    print()


if __name__ == "__main__":
    sys.exit(main())
