"""A development SMTP server that keeps every message as an .eml file in ``instance/mail/``.

``make run`` starts it when ``MAIL_SERVER`` is not set (the default configuration sends to
127.0.0.1:8025), and administrators read the caught messages at /admin/mail. Run it alone with
``python -m webapp.mailcatcher``. It relays nothing: development mail never reaches a real inbox.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import os
import signal
import sys
import tempfile
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

from aiosmtpd.controller import Controller

from config import INSTANCE_DIR

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8025
DEFAULT_DIRECTORY = INSTANCE_DIR / "mail"


# The addresses of this machine: a MAIL_SERVER naming one of them is the local catcher in development.
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def catcher_port(environ) -> int:
    """The catcher listens on MAIL_PORT (default 8025), where the app sends (config.py)."""
    return int(environ.get("MAIL_PORT", DEFAULT_PORT))


def catcher_serves(environ) -> bool:
    """Is the local catcher the mail server in this environment? ``MAIL_CATCHER`` (1 or 0) decides
    when set; otherwise yes when ``MAIL_SERVER`` is unset or names this machine."""
    flag = environ.get("MAIL_CATCHER")
    if flag is not None:
        return flag.strip().lower() in {"1", "true", "yes", "on"}
    return environ.get("MAIL_SERVER", DEFAULT_HOST).strip().lower() in LOCAL_HOSTS


def catcher_in_use(app) -> bool:
    """Does this app's mail go to the catcher? ``MAIL_CATCHER`` in the config decides if set;
    otherwise the environment does (``catcher_serves``)."""
    flag = app.config.get("MAIL_CATCHER")
    if flag is not None:
        return bool(flag)
    return catcher_serves(os.environ)


def mail_directory(app) -> Path:
    configured = app.config.get("MAIL_CATCHER_DIRECTORY")
    return Path(configured) if configured else Path(app.instance_path) / "mail"


class CatchingHandler:
    """aiosmtpd handler: accept every message and write it to ``directory``, one file each."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    async def handle_DATA(self, server, session, envelope) -> str:
        # The envelope says who the message was really for (Bcc recipients are in no header).
        envelope_headers = (
            f"X-MailFrom: {envelope.mail_from}\r\nX-RcptTo: {', '.join(envelope.rcpt_tos)}\r\n"
        ).encode()
        store_message(self.directory, envelope_headers + envelope.original_content)
        return "250 Message accepted for delivery"


def store_message(directory: Path, raw: bytes) -> Path:
    """Write one message atomically: readers never see half a file. Names sort by arrival time."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = directory / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
    fd, temporary = tempfile.mkstemp(dir=directory, prefix=".incoming-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(raw)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


@dataclass(frozen=True)
class CaughtMessage:
    filename: str
    date: datetime | None
    to: str
    subject: str
    message_id: str
    text: str
    language: str  # its Content-Language ("en" or "cy"); "en" for one without


def list_messages(directory: Path = DEFAULT_DIRECTORY, *, limit: int | None = None) -> list[CaughtMessage]:
    """Caught messages, newest first."""
    directory = Path(directory)
    if not directory.is_dir():
        return []
    paths = sorted(directory.glob("*.eml"), reverse=True)
    return [read_message(path) for path in paths[:limit]]


def count_messages(directory: Path = DEFAULT_DIRECTORY) -> int:
    directory = Path(directory)
    return sum(1 for _ in directory.glob("*.eml")) if directory.is_dir() else 0


def read_message(path: Path) -> CaughtMessage:
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    return CaughtMessage(
        filename=path.name,
        date=_date(message, path),
        to=str(message.get("To") or message.get("X-RcptTo") or ""),
        subject=str(message.get("Subject") or ""),
        message_id=str(message.get("Message-ID") or ""),
        text=_plain_text(message),
        language="cy" if str(message.get("Content-Language") or "").strip() == "cy" else "en",
    )


def _date(message, path: Path) -> datetime | None:
    try:
        sent = parsedate_to_datetime(str(message["Date"])) if message["Date"] else None
    except (TypeError, ValueError):
        sent = None
    if sent is None or sent.tzinfo is None:
        return datetime.fromtimestamp(path.stat().st_mtime, UTC)
    return sent.astimezone(UTC)


def _plain_text(message) -> str:
    body = message.get_body(preferencelist=("plain",))
    if body is None:
        return ""
    try:
        text = body.get_content()
    except (LookupError, ValueError):  # an unknown charset or a broken encoding
        text = body.get_payload(decode=True).decode("utf-8", errors="replace")
    return text.replace("\r\n", "\n")  # as sent over SMTP


def start(
    directory: Path = DEFAULT_DIRECTORY, *, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT
) -> Controller:
    """Start the catcher on its own thread; call ``.stop()`` on the result to stop it."""
    controller = Controller(CatchingHandler(directory), hostname=host, port=port, enable_SMTPUTF8=True)
    controller.start()
    return controller


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m webapp.mailcatcher", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=DEFAULT_HOST)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--directory", type=Path, default=DEFAULT_DIRECTORY)
    args = parser.parse_args(argv)

    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    controller = start(args.directory, host=args.host, port=args.port)
    print(f"Catching mail on {args.host}:{args.port} into {args.directory} – Ctrl-C to stop.", flush=True)
    try:
        while not stop.wait(0.5):
            pass
    finally:
        controller.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
