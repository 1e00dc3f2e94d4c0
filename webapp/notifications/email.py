"""Builds the email for a notification: generic words, a sign-in link, a stable Message-ID.

Every email (subject, text and HTML parts, calendar invitation) is written in its recipient's
language, whoever caused it and whether a request or the relay job builds it."""

from __future__ import annotations

import base64
from datetime import timedelta
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr, formatdate, parseaddr
from urllib.parse import quote

from flask import current_app, render_template

from webapp.i18n import current_language, in_language_of, language_of
from webapp.i18n import gettext as _
from webapp.models import Notification, User
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
    modern policy Flask-Mail's Message uses, which held the relay under 150 emails/s), in the
    recipient's language."""
    with in_language_of(notification.user):
        return _build_message(notification)


def _build_message(notification: Notification) -> MIMEMultipart:
    kind = KINDS[notification.kind]
    counts = carried_kinds(notification)
    several = sum(counts.values()) > 1
    link = sign_in_link(notification, carries_others=several)
    words = {
        "line": summary_subject(counts) + "." if several else str(kind.line),
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
    message["Subject"] = summary_subject(counts) if several else str(kind.subject)
    message["Content-Language"] = current_language()  # RFC 3282: the recipient's, as written
    message["From"] = sender()
    message["To"] = notification.user.email
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = message_id(notification)
    return message


def sender() -> str:
    default = current_app.config["MAIL_DEFAULT_SENDER"]
    return formataddr(default) if isinstance(default, tuple) else default


def calendar_invitation(notification: Notification, link: str) -> str:
    """An iCalendar invitation with the time and a link: no names, no case data; its words in the
    language of the moment (the recipient's), tagged with it (RFC 5545's LANGUAGE parameter)."""
    from icalendar import Calendar, Event

    language = {"LANGUAGE": current_language()}
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
    event.add("summary", _("Support meeting"), parameters=language)
    event.add("description", _("Sign in to see the details: %(link)s", link=link), parameters=language)
    event.add("url", link)
    calendar.add_component(event)
    return calendar.to_ical().decode("utf-8")


# Where the sign-in link goes in a part rendered once per kind (only characters no template or
# escaping changes, and none a link contains).
_LINK_MARK = "LINKMARK0000000000LINKMARK"


class WireWriter:
    """The email for a notification as the bytes SMTP sends, built fast for a relay run.

    ``build_message`` with the email package costs most of a relay's time (header folding, MIME
    generation). Here each kind's two parts are rendered once per writer (with a mark where the link
    goes) and each kind's fixed headers are folded once by the email package; per message only the
    link, the recipient, the date and the Message-ID are put in, and the parts base64-encoded. The
    result is the same MIME structure ``build_message`` gives (multipart/alternative, text and
    HTML in UTF-8, base64). An email carrying notifications combined into it (its words list them), a
    meeting notification (with its invitation) or an address that is not plain ASCII goes through
    ``build_message``."""

    def __init__(self, policy) -> None:
        self.policy = policy
        self.sender = sender()
        self.sender_address = parseaddr(self.sender)[1]
        self._kinds: dict[tuple[str, str], tuple[bytes, str, str]] = {}

    def message_bytes(self, notification: Notification, *, carries_others: bool = False) -> bytes:
        address = notification.user.email
        if carries_others or notification.meeting_starts_at is not None or not address.isascii():
            return build_message(notification).as_bytes(policy=self.policy)
        head, text, html = self._kind(notification.kind, notification.user)
        link = sign_in_link(notification)
        boundary = f"=_notification_{notification.id}_="
        crlf = "\r\n"
        parts = []
        for subtype, body in (
            ("plain", text.replace(_LINK_MARK, link)),
            ("html", html.replace(_LINK_MARK, link)),
        ):
            # Text in MIME has CRLF line ends (as the email package writes them).
            canonical = body.replace("\r\n", "\n").replace("\n", crlf).encode("utf-8")
            encoded = base64.encodebytes(canonical).decode("ascii").replace("\n", crlf)
            parts.append(
                f"--{boundary}{crlf}"
                f'Content-Type: text/{subtype}; charset="utf-8"{crlf}'
                f"MIME-Version: 1.0{crlf}"
                f"Content-Transfer-Encoding: base64{crlf}{crlf}"
                f"{encoded}"
            )
        envelope = (
            f'Content-Type: multipart/alternative; boundary="{boundary}"{crlf}MIME-Version: 1.0{crlf}'
        ).encode("ascii")
        varying = (
            f"To: {address}{crlf}Date: {formatdate(localtime=False)}{crlf}"
            f"Message-ID: {message_id(notification)}{crlf}{crlf}"
        ).encode("ascii")
        closing = ("".join(parts) + f"--{boundary}--{crlf}").encode("ascii")
        return envelope + head + varying + closing

    def _kind(self, kind_name: str, recipient: User) -> tuple[bytes, str, str]:
        """A kind's Subject and From headers (folded and encoded by the email package) and its two
        parts, each rendered once per language, in the recipient's."""
        key = (kind_name, language_of(recipient))
        if key not in self._kinds:
            kind = KINDS[kind_name]
            with in_language_of(recipient):
                headers = Message()
                headers["Subject"] = str(kind.subject)
                headers["Content-Language"] = language_of(recipient)
                headers["From"] = self.sender
                head = headers.as_bytes(policy=self.policy).split(b"\r\n\r\n", 1)[0] + b"\r\n"
                line = str(kind.line)
                text = render_template("email/notification.txt", line=line, link=_LINK_MARK)
                html = render_template("email/notification.html", line=line, link=_LINK_MARK)
            self._kinds[key] = (head, text, html)
        return self._kinds[key]
