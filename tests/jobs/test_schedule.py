"""The schedule, checked from fixed instants: a frozen clock would not make a scheduler fire."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

import jobs
from jobs import schedule
from jobs.runner import build_scheduler
from jobs.schedule import LONDON, fire_times, next_fire_times


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def london(*args) -> datetime:
    return datetime(*args, tzinfo=LONDON)


def test_every_job_is_scheduled_and_every_scheduled_job_exists():
    assert sorted({job.name for job in schedule.SCHEDULE}) == sorted(jobs.JOBS)
    assert len({job.name for job in schedule.SCHEDULE}) == len(schedule.SCHEDULE), "one entry per job"


def test_relay_every_five_seconds():
    assert fire_times("relay", utc(2027, 1, 6, 12, 0, 1), 3) == [
        utc(2027, 1, 6, 12, 0, 5),
        utc(2027, 1, 6, 12, 0, 10),
        utc(2027, 1, 6, 12, 0, 15),
    ]


def test_sweep_every_two_minutes():
    assert fire_times("sweep", utc(2027, 1, 6, 12, 0, 30), 3) == [
        utc(2027, 1, 6, 12, 2),
        utc(2027, 1, 6, 12, 4),
        utc(2027, 1, 6, 12, 6),
    ]


def test_support_at_seven_and_hourly():
    # Winter: 07:00 London is 07:00 UTC, then every hour at :15.
    assert fire_times("support", london(2027, 1, 6, 6, 50), 3) == [
        utc(2027, 1, 6, 7, 0),
        utc(2027, 1, 6, 7, 15),
        utc(2027, 1, 6, 8, 15),
    ]
    # Summer: 07:00 London is 06:00 UTC.
    assert next_fire_times(london(2027, 6, 16, 6, 50))["support"] == utc(2027, 6, 16, 6, 0)
    # A meeting arranged in the afternoon is prompted for within the hour, not the next morning.
    assert next_fire_times(london(2027, 6, 16, 14, 20))["support"] == london(2027, 6, 16, 15, 15)


def test_support_stays_hourly_across_both_clock_changes():
    assert fire_times("support", utc(2027, 3, 28, 0, 0), 3) == [
        utc(2027, 3, 28, 0, 15),
        utc(2027, 3, 28, 1, 15),  # 02:15 BST: 01:15 local does not exist that night
        utc(2027, 3, 28, 2, 15),
    ]
    assert fire_times("support", utc(2027, 10, 31, 0, 0), 3) == [
        utc(2027, 10, 31, 0, 15),  # 01:15 BST
        utc(2027, 10, 31, 1, 15),  # 01:15 GMT, the repeated hour
        utc(2027, 10, 31, 2, 15),
    ]


def test_digest_on_weekday_mornings_in_london_time_across_the_spring_change():
    # Thursday and Friday in GMT; the clocks go forward on Sunday 28 March 2027; Monday in BST.
    assert fire_times("digest", utc(2027, 3, 25, 0, 0), 4) == [
        utc(2027, 3, 25, 7, 30),
        utc(2027, 3, 26, 7, 30),
        utc(2027, 3, 29, 6, 30),
        utc(2027, 3, 30, 6, 30),
    ]
    assert all(
        fire.astimezone(LONDON).strftime("%H:%M") == "07:30"
        for fire in fire_times("digest", utc(2027, 3, 25), 10)
    )


def test_digest_skips_the_weekend_and_follows_the_autumn_change():
    # From Saturday morning, the next digest is Monday's.
    assert next_fire_times(london(2027, 3, 27, 7, 0))["digest"] == london(2027, 3, 29, 7, 30)
    assert fire_times("digest", utc(2027, 10, 29, 0, 0), 2) == [
        utc(2027, 10, 29, 6, 30),  # Friday, BST
        utc(2027, 11, 1, 7, 30),  # Monday, GMT
    ]
    weekdays = {fire.astimezone(LONDON).isoweekday() for fire in fire_times("digest", utc(2027, 1, 1), 30)}
    assert weekdays == {1, 2, 3, 4, 5}


def test_the_audit_check_runs_daily_at_half_past_two_london_time():
    assert fire_times("audit_check", utc(2027, 7, 3), 3) == [  # BST, over a weekend
        utc(2027, 7, 3, 1, 30),
        utc(2027, 7, 4, 1, 30),
        utc(2027, 7, 5, 1, 30),
    ]


def test_next_fire_times_is_at_or_after_now():
    now = utc(2027, 1, 4, 7, 30)  # a Monday, 07:30 GMT
    times = next_fire_times(now)
    assert times == {
        "relay": now,
        "sweep": now,
        "support": utc(2027, 1, 4, 8, 15),
        "digest": now,
        "dashboard": utc(2027, 1, 4, 7, 31),
        "audit_check": utc(2027, 1, 5, 2, 30),
        "briefing_reminders": utc(2027, 1, 4, 8, 20),
    }
    with pytest.raises(ValueError):
        next_fire_times(datetime(2027, 1, 4, 7, 30))  # naive: refused


def test_the_scheduler_applies_one_instance_coalescing_and_a_long_grace(app):
    scheduler = build_scheduler(app)
    scheduler.start(paused=True)
    try:
        scheduled = {job.id: job for job in scheduler.get_jobs()}
    finally:
        scheduler.shutdown(wait=False)
    assert sorted(scheduled) == sorted(job.name for job in schedule.SCHEDULE)
    for job in scheduled.values():
        assert job.coalesce is True
        assert job.max_instances == 1
        assert job.misfire_grace_time >= 60 * 60
