"""Builds the email for a notification: generic words, a sign-in link, a stable Message-ID."""

from __future__ import annotations

from datetime import timedelta
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr, formatdate
from urllib.parse import quote

from flask import current_app, render_template

from webapp.models import Notification
from webapp.notifications.combining import carried_kinds, summary_lines, summary_subject
from webapp.notifications.kinds import KINDS

MEETING_LENGTH = timedelta(hours=1)


def message_id(notification: Notification) -> str:
    """Stable per notification, so a receiver can drop a copy resent after a relay crash."""
    host = current_app.config.get("MESSAGE_ID_DOMAIN", "case-review.invalid")
    return f"<notification-{notification.id}@{host}>"


def sign_in_link(notification: Notification, *, carries_others: bool = False) -> str:
    """To the notification itself; for an email carrying several, to the home page, which lists
    the person's new notifications and open tasks."""
    base = current_app.config["BASE_URL"].rstrip("/")
    target = "/home" if carries_others else f"/notifications/{notification.id}"
    return f"{base}/sign-in?next={quote(target, safe='/')}"


def build_message(notification: Notification) -> MIMEMultipart:
    """The email as a MIME message (compat32 policy: several times faster to serialise than the
    modern policy Flask-Mail's Message uses, which held the relay under 150 emails/s)."""
    kind = KINDS[notification.kind]
    counts = carried_kinds(notification)
    several = sum(counts.values()) > 1
    link = sign_in_link(notification, carries_others=several)
    words = {
        "line": summary_subject(counts) + "." if several else kind.line,
        "items": summary_lines(counts) if several else [],
        "link": link,
    }
    body = MIMEMultipart("alternative")
    body.attach(MIMEText(render_template("email/notification.txt", **words), "plain", "utf-8"))
    body.attach(MIMEText(render_template("email/notification.html", **words), "html", "utf-8"))
    if notification.meeting_starts_at is not None:
        message = MIMEMultipart("mixed")
        message.attach(body)
        invitation = MIMEText(calendar_invitation(notification, link), "calendar", "utf-8")
        invitation.set_param("method", "REQUEST")
        invitation.add_header("Content-Disposition", "attachment", filename="invitation.ics")
        message.attach(invitation)
    else:
        message = body
    message["Subject"] = summary_subject(counts) if several else kind.subject
    message["From"] = sender()
    message["To"] = notification.user.email
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = message_id(notification)
    return message


def sender() -> str:
    default = current_app.config["MAIL_DEFAULT_SENDER"]
    return formataddr(default) if isinstance(default, tuple) else default


def calendar_invitation(notification: Notification, link: str) -> str:
    """An iCalendar invitation with the time and a link: no names, no case data."""
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//Case review manager//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "REQUEST")
    event = Event()
    event.add("uid", notification.meeting_uid or f"notification-{notification.id}@case-review.invalid")
    event.add("dtstamp", notification.created_at)
    starts_at = notification.meeting_starts_at
    if starts_at is None:
        raise ValueError("only a meeting notification carries an invitation")
    event.add("dtstart", starts_at)
    event.add("dtend", starts_at + MEETING_LENGTH)
    event.add("summary", "Support meeting")
    event.add("description", f"Sign in to see the details: {link}")
    event.add("url", link)
    calendar.add_component(event)
    return calendar.to_ical().decode("utf-8")
