"""The daily audit trail check: the same walk as ``flask audit verify``; administrators are told
through the outbox when the chain is broken. The notification says only that the check failed:
the event's id is in the log and in ``flask audit verify``'s output."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from webapp.audit_chain import audit_key, verify
from webapp.extensions import db
from webapp.formatting import format_date, london
from webapp.i18n import LazyString
from webapp.i18n import lazy_gettext as _l
from webapp.models import Role, User, UserRole, utcnow
from webapp.notifications.services import notify_all

log = logging.getLogger(__name__)


def run(now: datetime | None = None) -> dict[str, int]:
    result = verify(db.session(), audit_key())
    db.session.rollback()  # end the read transaction before writing
    if result.intact:
        log.info("audit trail intact: %s events checked", result.checked)
        return {"checked": result.checked, "broken": 0, "alerted": 0}
    log.error("audit trail broken at event %s: %s", result.broken_id, result.problem)
    administrators = db.session.execute(
        select(User).join(UserRole).where(UserRole.role == Role.ADMINISTRATOR, User.active.is_(True))
    ).scalars()
    day = london(now or utcnow()).date()
    today = day.isoformat()
    alerted = notify_all(
        administrators,
        "audit_trail_broken",
        link_path="/admin/audit",
        # Each administrator's in their language; the problem is the check's own technical words.
        detail=_l(
            "The audit trail check on %(day)s found event %(event_id)s out of place: %(problem)s. "
            "Run 'flask audit verify' and investigate.",
            day=LazyString(format_date, day),
            event_id=result.broken_id,
            problem=result.problem,
        ),
        key=f"audit_check:{today}",
    )
    try:
        db.session.commit()
    except IntegrityError:  # today's alert already went out (the job ran twice)
        db.session.rollback()
        alerted = 0
    return {"checked": result.checked, "broken": 1, "alerted": alerted}
