"""Benchmark: how long `flask audit verify` (and the daily audit_check job) takes per stored event.

Run with ``.venv/bin/python bench/audit_verify.py [--events N] [--database-url URL]``. The default
store is a SQLite file under /tmp; give a PostgreSQL URL of a database of your own to measure
PostgreSQL (its public schema is dropped and rebuilt by the real migrations: never point it at
data you keep). N chained events are bulk-inserted (their hashes computed here, as the app does),
then the whole chain is verified, streamed, and the time reported. Sealing through the app's commit
path is also timed for a few hundred single-event commits. Progress to stderr, figures to stdout.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if sys.path and Path(sys.path[0]).resolve() == ROOT / "bench":
    sys.path[0] = str(ROOT)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.gettempdir()}/case-review-bench-audit.sqlite3"
    os.environ["FLASK_CONFIG"] = "test"
    os.environ["TEST_DATABASE_URL"] = url
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)

    import flask_migrate
    from sqlalchemy import text

    from webapp import audit, create_app
    from webapp.audit_chain import GENESIS_HASH, audit_key, chain_hash, verify
    from webapp.extensions import db

    app = create_app("test")
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        flask_migrate.upgrade()
        key = audit_key()
        start = datetime(2026, 1, 1, tzinfo=UTC)
        previous = GENESIS_HASH
        batch: list[dict] = []
        print(f"inserting {args.events:,} events into {db.engine.dialect.name}", file=sys.stderr)
        insert = text(
            "INSERT INTO audit_events (id, occurred_at, event_type, actor_id, actor_label, record_type,"
            " record_id, case_id, changed_fields, previous_hash, chain_hash) VALUES (:id, :occurred_at,"
            " :event_type, NULL, :actor_label, :record_type, :record_id, :case_id, :changed, :previous_hash,"
            " :chain_hash)"
        )
        for number in range(1, args.events + 1):
            fields = {
                "id": number,
                "occurred_at": start + timedelta(seconds=number),
                "event_type": "case.viewed",
                "actor_id": None,
                "actor_label": "bench",
                "record_type": "case",
                "record_id": number % 5000,
                "case_id": number % 5000,
                "changed_fields": [],
            }
            digest = chain_hash(key, fields, previous)
            stored_at = fields["occurred_at"]
            if db.engine.dialect.name == "sqlite":
                stored_at = stored_at.replace(tzinfo=None)  # as UTCDateTime stores it there
            batch.append(
                fields
                | {
                    "occurred_at": stored_at,
                    "changed": "[]",
                    "previous_hash": previous,
                    "chain_hash": digest,
                }
            )
            previous = digest
            if len(batch) == 10_000 or number == args.events:
                with db.engine.begin() as connection:
                    connection.execute(insert, batch)
                batch = []
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                sequence = "pg_get_serial_sequence('audit_events', 'id')"
                connection.execute(text(f"SELECT setval({sequence}, :n)"), {"n": args.events})

        began = time.perf_counter()
        result = verify(db.session, key)
        seconds = time.perf_counter() - began
        db.session.rollback()
        assert result.intact and result.checked == args.events, result
        print(f"{db.engine.dialect.name}: verified {result.checked:,} events in {seconds:.2f} s")
        per_million = seconds / result.checked * 1e6
        print(f"  {result.checked / seconds:,.0f} events/s; about {per_million:.0f} s per million events")

        commits = 300
        began = time.perf_counter()
        with app.test_request_context():
            for number in range(commits):
                audit.record("case.viewed", record_id=number, case_id=number, actor_label="bench")
                db.session.commit()
        seconds = time.perf_counter() - began
        print(f"  sealing: {commits / seconds:,.0f} single-event commits/s (one thread)")
        assert verify(db.session, key).intact
        db.session.rollback()


if __name__ == "__main__":
    main()
