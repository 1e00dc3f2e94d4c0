"""The whole schedule, in one place: which job runs when, and why.

Every trigger is a cron trigger (or a combination of them), so the fire times follow the clock and
do not depend on when the scheduler started: a new leader after a failover keeps the same rhythm,
and tests check the schedule with ``trigger.get_next_fire_time(None, now)`` from a fixed ``now``.

Order matters only through time: the sweep and the support job write notifications to the outbox
in the same transaction as the change that causes them, and the relay sends what is in the outbox.
Because the relay runs every few seconds, whatever any other job writes leaves within one relay
cycle, whichever job fires first at a shared instant. The digest runs half an hour after the morning
support run and after many sweeps, so it reports the state those jobs have just brought up to date.

Wall-clock jobs (support, digest) are in Europe/London, so they keep their local time across the
clock changes; the others are in UTC, where "every n minutes" has no gaps or repeats.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.combining import OrTrigger
from apscheduler.triggers.cron import CronTrigger

LONDON = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class ScheduledJob:
    name: str  # a key of jobs.JOBS
    trigger: BaseTrigger
    purpose: str  # one line, for `flask scheduler show`


SCHEDULE: tuple[ScheduledJob, ...] = (
    # Every 5 s: an incident must reach the AHoO "within one relay cycle", and small frequent
    # batches keep each SMTP session short.
    ScheduledJob(
        "relay",
        CronTrigger(second="*/5", timezone=UTC),
        "outbox relay: sends pending notifications",
    ),
    # Every 2 minutes: deadlines are days long, but a reminder should not trail its due moment by
    # much, and the sweep reads only what is due (an indexed query), so running it often is cheap.
    ScheduledJob(
        "sweep",
        CronTrigger(minute="*/2", timezone=UTC),
        "deadline sweep: reminders and the escalation ladder",
    ),
    # Daily at 07:00, so prompts are waiting when people start work (and before the digest), and
    # also every hour: a PM may arrange a meeting for this afternoon or tomorrow morning, and a
    # daily run alone would prompt for it only the next morning, after the meeting. The hourly run
    # is at :15 so that it does not coincide with the 07:00 run; one trigger, so never two at once.
    ScheduledJob(
        "support",
        OrTrigger(
            [
                CronTrigger(hour=7, minute=0, timezone=LONDON),
                CronTrigger(minute=15, timezone=LONDON),
            ]
        ),
        "support-meeting prompts and escalation of meetings not recorded as held",
    ),
    # Weekday mornings (nobody reads a work digest on a Saturday) at 07:30 London time, winter and
    # summer: after the 07:00 support run and the overnight sweeps, so it reports their results.
    ScheduledJob(
        "digest",
        CronTrigger(day_of_week="mon-fri", hour=7, minute=30, timezone=LONDON),
        "weekday digest to each AHoO of open reviews and overdue tasks",
    ),
    # Hourly at :20 (off the sweep's even minutes and the dashboard's): acknowledgement of a learning
    # briefing is days long and its ladder moves by the day, so an hour late is nothing; hourly rather
    # than daily so a run missed while no scheduler led is made up within the hour. Reads only the
    # recipients due (an indexed date), like the sweep.
    ScheduledJob(
        "briefing_reminders",
        CronTrigger(minute=20, timezone=UTC),
        "learning briefings: reminders and escalation for briefings not acknowledged",
    ),
    # Every 5 minutes (at :01, :06, ... so it does not coincide with the sweep's even minutes): the
    # dashboard's figures are a snapshot, cleared whenever the learning data changes; this keeps the
    # overdue counts, which change with every task closed, at most a few minutes old.
    ScheduledJob(
        "dashboard",
        CronTrigger(minute="1-59/5", timezone=UTC),
        "learning dashboard: works out the last 12 months' figures ahead",
    ),
    # Daily at 02:30 London time, when nobody is working: it reads and hashes the whole audit trail
    # (bench/audit_verify.py: a minute or two per million events). Tampering is found within a day;
    # `flask audit verify` checks on demand. Every day, weekends included: an intruder does not
    # keep office hours.
    ScheduledJob(
        "audit_check",
        CronTrigger(hour=2, minute=30, timezone=LONDON),
        "audit trail check: alerts administrators if the hash chain is broken",
    ),
)

# Every job: a run missed while the process was busy or suspended still happens (late beats never
# for a reminder), a backlog of missed runs collapses into one (coalesce), and a job never overlaps
# itself (one instance), so a slow relay does not start a second relay. Jobs live in memory: runs
# missed while no scheduler was running are not replayed; the next leader starts at the next fire
# time, which the frequent jobs reach within minutes and which the jobs' own guards make safe.
JOB_DEFAULTS = {
    "coalesce": True,
    "max_instances": 1,
    "misfire_grace_time": 6 * 60 * 60,
}


def next_fire_times(now: datetime) -> dict[str, datetime]:
    """The next time each job fires at or after ``now`` (an aware datetime), in UTC."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return {job.name: job.trigger.get_next_fire_time(None, now).astimezone(UTC) for job in SCHEDULE}


def fire_times(name: str, start: datetime, count: int) -> list[datetime]:
    """The first ``count`` fire times of one job from ``start``, in UTC (for tests and operators)."""
    trigger = next(job.trigger for job in SCHEDULE if job.name == name)
    times: list[datetime] = []
    previous = None
    now = start
    while len(times) < count:
        fire = trigger.get_next_fire_time(previous, now)
        times.append(fire.astimezone(UTC))
        previous, now = fire, fire
    return times
