"""A real SMTP server for the tests (aiosmtpd), recording what it accepts, able to refuse."""

from __future__ import annotations

import email
import socket
import threading
from email.message import Message

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RecordingHandler:
    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.reply: str | None = None  # e.g. "451 4.3.0 try later" or "550 5.1.1 no such user"
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        if self.reply:
            return self.reply
        with self._lock:
            self.messages.append(email.message_from_bytes(envelope.content))
        return "250 Message accepted"


class SmtpServer:
    """Start, stop and restart on the same port, to play a mail server that goes away."""

    def __init__(self) -> None:
        self.port = free_port()
        self.handler = RecordingHandler()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self) -> list[Message]:
        return self.handler.messages

    def message_ids(self) -> list[str]:
        return [m["Message-ID"] for m in self.messages]

    def texts(self) -> list[str]:
        """Every message flattened: headers, all parts and attachments, decoded."""
        out = []
        for message in self.messages:
            parts = [str(message.get(h, "")) for h in ("Subject", "From", "To")]
            for part in message.walk():
                payload = part.get_payload(decode=True)
                if payload:
                    parts.append(payload.decode(part.get_content_charset() or "utf-8", "replace"))
            out.append("\n".join(parts))
        return out
