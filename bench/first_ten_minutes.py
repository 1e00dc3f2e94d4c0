"""How many emails each demo account receives in the first ten minutes of `make run`.

A fresh SQLite database, migrated and seeded as `make run` does, then every job of jobs/schedule.py
run at each fire time of the next ten minutes (each given that moment as ``now``, as the scheduler
would), sending to a real SMTP server started here. Prints one line per demo account.

    .venv/bin/python -m bench.first_ten_minutes [--minutes 10]
"""

from __future__ import annotations

import argparse
import os
import tempfile
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path


def fire_times(start: datetime, end: datetime) -> list[tuple[datetime, str]]:
    """Every (time, job) the schedule fires in [start, end), in time order (JOBS order at a tie)."""
    from jobs import JOBS
    from jobs.schedule import SCHEDULE

    order = list(JOBS)
    fires = []
    for job in SCHEDULE:
        previous, now = None, start
        while (fire := job.trigger.get_next_fire_time(previous, now)) and fire < end:
            fires.append((fire, job.name))
            previous, now = fire, fire + timedelta(microseconds=1)
    return sorted(fires, key=lambda item: (item[0], order.index(item[1])))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=int, default=10)
    args = parser.parse_args()
    from tests.smtp import SmtpServer

    smtp = SmtpServer()
    smtp.start()
    folder = tempfile.mkdtemp(prefix="first-ten-minutes-")
    os.environ["DATABASE_URL"] = f"sqlite:///{Path(folder) / 'demo.sqlite3'}"
    os.environ["MAIL_SERVER"] = "127.0.0.1"
    os.environ["MAIL_PORT"] = str(smtp.port)
    import flask_migrate

    from jobs.runner import run_job
    from webapp import create_app, demo
    from webapp.models import utcnow

    app = create_app("development")
    with app.app_context():
        flask_migrate.upgrade()
        demo.seed()
        accounts = [demo.demo_email(key) for key, *_rest in demo.PEOPLE]
    start = utcnow()
    for moment, name in fire_times(start, start + timedelta(minutes=args.minutes)):
        run_job(app, name, now=moment)
    smtp.stop()
    received = Counter(message["To"] for message in smtp.messages)
    subjects: dict[str, Counter[str]] = {}
    for message in smtp.messages:
        subjects.setdefault(message["To"], Counter())[message["Subject"]] += 1
    print(f"Emails in the first {args.minutes} minutes of `make run`, per demo account:")
    for account in accounts + sorted(set(received) - set(accounts)):
        detail = "; ".join(f"{n} x {subject}" for subject, n in subjects.get(account, Counter()).items())
        print(f"{account:32} {received.get(account, 0):3}  {detail}")
    print(f"{'total':32} {sum(received.values()):3}")


if __name__ == "__main__":
    main()
