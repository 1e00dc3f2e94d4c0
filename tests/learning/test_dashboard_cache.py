"""The dashboard reads a snapshot of its figures: worked out once, refreshed by a job, cleared by change."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import delete, func, select

from jobs.dashboard import run as refresh
from tests.learning.test_dashboard import statements_for
from webapp.demo_learning import seed_closed_reviews
from webapp.extensions import db
from webapp.learning import dashboard_cache
from webapp.models import DashboardSnapshot, LearningPoint, LearningTag, TagKind

URL = "/learning/dashboard?from_date=1&from_date=1&from_date=2000&to_date=1&to_date=1&to_date=2100"


def snapshots() -> int:
    return db.session.execute(select(func.count()).select_from(DashboardSnapshot)).scalar_one()


def outcomes_first_cell(page) -> str:
    return page.html.find(id="outcomes-table").select("tbody tr")[0].find("td").get_text(strip=True)


def worked_out_now(client) -> str:
    """The figure as a view that finds no snapshot works it out."""
    db.session.execute(delete(DashboardSnapshot))
    db.session.commit()
    return outcomes_first_cell(client.get(URL))


def test_a_second_view_reads_the_snapshot_and_says_how_fresh_it_is(world, signed_in):
    client = signed_in(world["ce"])
    seed_closed_reviews(10, rng=random.Random(1))
    db.session.commit()
    computing = statements_for(client.client, URL)
    assert snapshots() == 1
    cached = statements_for(client.client, URL)
    # The user, roles, the snapshot, the unread count, and the areas the page offers as a filter.
    assert cached <= 6 < computing, "a cached view reads the snapshot, not the figures"
    page = client.get(URL)
    assert outcomes_first_cell(page) == worked_out_now(client)
    assert "Figures worked out on" in page.html.find(id="figures-freshness").get_text()


def test_a_change_to_the_learning_data_clears_the_snapshots(world, signed_in):
    client = signed_in(world["ce"])
    seed_closed_reviews(10, rng=random.Random(1))
    db.session.commit()
    before = outcomes_first_cell(client.get(URL))
    assert snapshots() == 1
    # Rows written in bulk (INSERT statements through the session) clear them...
    seed_closed_reviews(5, rng=random.Random(2))
    db.session.commit()
    assert snapshots() == 0
    after = outcomes_first_cell(client.get(URL))
    assert after != before and after == worked_out_now(client)
    # ... and so do changes flushed from loaded rows.
    tag = (
        db.session.execute(select(LearningTag).where(LearningTag.kind == TagKind.RISK_FACTOR))
        .scalars()
        .first()
    )
    tag.active = not tag.active
    db.session.commit()
    assert snapshots() == 0


def test_a_snapshot_older_than_its_age_limit_is_worked_out_again(world, signed_in):
    client = signed_in(world["ce"])
    client.get(URL)
    [snapshot] = db.session.execute(select(DashboardSnapshot)).scalars().all()
    snapshot.computed_at = snapshot.computed_at - dashboard_cache.MAX_AGE + timedelta(seconds=30)
    db.session.commit()
    assert statements_for(client.client, URL) <= 6, "young enough: read"
    snapshot.computed_at = snapshot.computed_at - timedelta(seconds=60)
    db.session.commit()
    assert statements_for(client.client, URL) > 5, "too old: worked out again"


def test_the_job_works_the_default_period_out_ahead(world, signed_in):
    seed_closed_reviews(4, rng=random.Random(4))
    db.session.commit()
    counts = refresh()
    assert counts["figures"] > 0 and snapshots() == 1
    client = signed_in(world["pdt"])
    assert statements_for(client.client, "/learning/dashboard") <= 6
    page = client.get("/learning/dashboard")
    assert "Figures worked out on" in page.text()


def test_tracing_a_learning_point_clears_the_snapshots(world, signed_in):
    """The learning points by theme are kept in the snapshot too: tagging a point or linking an action
    (rows of the link tables) clears it, so the next view counts the change."""
    client = signed_in(world["ce"])
    seed_closed_reviews(3, rng=random.Random(5))
    db.session.commit()
    client.get(URL)
    assert snapshots() == 1
    point = db.session.execute(select(LearningPoint).order_by(LearningPoint.id).limit(1)).scalar_one()
    point.tags = [
        *point.tags,
        db.session.execute(select(LearningTag).where(LearningTag.name == "Crisp analysis")).scalar_one(),
    ]
    db.session.commit()
    assert snapshots() == 0
    rows = client.get(URL).html.find(id="points_by_theme-table").select("tbody tr")
    counted = {tr.find("th").get_text(strip=True): tr.find("td").get_text(strip=True) for tr in rows}
    assert int(counted["Crisp analysis (practice theme)"]) >= 1
