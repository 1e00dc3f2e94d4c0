"""The outbox: notifications are rows written in the transaction that causes them.

Nothing here sends anything; jobs/relay.py does. An email carries a generic line and a link to sign
in; the detail (which may name a case) is shown only in the app, to the signed-in recipient.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from flask_babel import LazyString
from flask_login import current_user
from sqlalchemy import func, select, update

from webapp import audit
from webapp.extensions import db, rows_matched
from webapp.i18n import in_language_of, language_of
from webapp.models import Notification, NotificationStatus, User, utcnow
from webapp.notifications.combining import first_attempt
from webapp.notifications.kinds import KINDS
from webapp.paging import Cursor, KeysetPagination, paginate_keyset
from webapp.records import unit_of_work
from webapp.scope import one_or_404


def notify(
    user: User,
    kind: str,
    *,
    link_path: str,
    detail: str | LazyString,
    dedupe_key: str,
    meeting_starts_at: datetime | None = None,
    meeting_uid: str | None = None,
) -> Notification | None:
    """Add a notification to the current transaction; the caller commits it with its cause.

    ``detail`` is written in the recipient's language: pass a lazy string (``lazy_gettext``), which
    is rendered here for each person. Returns None for a deactivated user: they can no longer sign in
    to act on it.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    if not link_path.startswith("/"):
        raise ValueError("link_path must be a path on this site")
    if not user.active:
        return None
    now = utcnow()
    notification = Notification(
        user_id=user.id,
        kind=kind,
        dedupe_key=dedupe_key,
        detail=in_their_language(user, detail),
        language=language_of(user),
        link_path=link_path,
        meeting_starts_at=meeting_starts_at,
        meeting_uid=meeting_uid,
        status=NotificationStatus.PENDING,
        attempts=0,
        next_attempt_at=first_attempt(user, kind, now),
    )
    db.session.add(notification)
    return notification


def in_their_language(user: User, text: str | LazyString) -> str:
    with in_language_of(user):
        return str(text)


def notify_all(
    users: Iterable[User], kind: str, *, link_path: str, detail: str | LazyString, key: str
) -> int:
    """One notification per distinct active user; ``key`` is extended with each user's id."""
    sent = 0
    for user in {u.id: u for u in users}.values():
        if notify(user, kind, link_path=link_path, detail=detail, dedupe_key=f"{key}:user:{user.id}"):
            sent += 1
    return sent


def for_user(user: User, *, page: int, cursor: Cursor, per_page: int) -> KeysetPagination:
    """A page of the person's notifications, newest first (``ix_notifications_user_created``), found
    from the neighbouring page's first or last row however far back it is."""
    return paginate_keyset(
        select(Notification).where(Notification.user_id == user.id),
        entity=Notification,
        order=(Notification.created_at, Notification.id),
        cursor=cursor,
        page=page,
        per_page=per_page,
    )


def unread_for(user: User, *, limit: int) -> list[Notification]:
    """The person's newest unread notifications (the home page's "New for you")."""
    return list(
        db.session.execute(
            select(Notification)
            .where(Notification.unread_of(user.id))
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(limit)
        ).scalars()
    )


def unread_count(user: User) -> int:
    return db.session.execute(
        select(func.count()).select_from(Notification).where(Notification.unread_of(user.id))
    ).scalar_one()


def get_notification_or_404(notification_id: int) -> Notification:
    """The current user's own notification; anyone else's answers 404."""
    return one_or_404(
        Notification, Notification.id == notification_id, Notification.user_id == current_user.id
    )


def open_notification(notification_id: int) -> Notification:
    """The current user's own notification, marked read; 404 for anyone else's."""
    notification = get_notification_or_404(notification_id)
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.commit()
    return notification


def failed(page: int, per_page: int):
    query = (
        select(Notification)
        .where(Notification.status == NotificationStatus.FAILED)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


@unit_of_work()
def retry(notification_id: int) -> bool:
    """Put a failed notification back in the queue, with a fresh set of attempts."""
    retried = rows_matched(
        update(Notification)
        .where(Notification.id == notification_id, Notification.status == NotificationStatus.FAILED)
        .values(status=NotificationStatus.PENDING, attempts=0, next_attempt_at=utcnow(), last_error=None)
    )
    if retried != 1:
        return False
    audit.record("notification.retried", record_id=notification_id)
    return True
