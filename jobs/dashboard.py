"""Work the learning dashboard's default period (the last 12 months) out ahead, so its page reads a
snapshot instead of aggregating every review (webapp/learning/dashboard_cache.py)."""

from __future__ import annotations

from datetime import datetime

from webapp.formatting import london
from webapp.models import utcnow


def run(now: datetime | None = None) -> dict[str, int]:
    from webapp.learning import dashboard_cache
    from webapp.learning.routes.dashboard import default_period

    now = now or utcnow()
    today = london(now).date()
    snapshot = dashboard_cache.store(*default_period(today), today, now=now)
    return {"figures": len(snapshot.figures)}
