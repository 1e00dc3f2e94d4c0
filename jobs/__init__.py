"""Background jobs and the scheduler process that runs them.

Every job is a function ``run(now: datetime | None = None) -> dict[str, int]`` that must be called
inside a Flask app context, takes no objects (only reloads rows by id), is safe to run twice and
concurrently, and returns counts of what it did (for logs and `flask jobs run-once`).
"""

# name -> "module:function". The scheduler's timings live in jobs/schedule.py.
# Order matters for `flask jobs run-once`: the jobs that write notifications run before the relay,
# so one command sends what it produced.
JOBS: dict[str, str] = {
    "sweep": "jobs.sweep:run",
    "briefing_reminders": "jobs.briefing_reminders:run",
    "support": "jobs.support:run",
    "digest": "jobs.digest:run",
    "audit_check": "jobs.audit_check:run",
    "relay": "jobs.relay:run",
    "dashboard": "jobs.dashboard:run",
}
