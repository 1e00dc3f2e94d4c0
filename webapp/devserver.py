"""``make run``: the web server and its companion processes, stopped together by Ctrl-C.

The web server listens on ``PORT`` (default 5000). When the mail server is this machine (``MAIL_SERVER``
unset or 127.0.0.1/localhost; ``MAIL_CATCHER=0`` opts out), a mail catcher is started first on
``MAIL_PORT`` (default 8025); administrators read what it caught at /admin/mail. If any process stops,
the others are stopped too.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping

from webapp.mailcatcher import DEFAULT_HOST, catcher_port, catcher_serves

DEFAULT_WEB_PORT = 5000


def web_port(environ: Mapping[str, str]) -> int:
    return int(environ.get("PORT") or DEFAULT_WEB_PORT)


def processes(environ: Mapping[str, str]) -> list[tuple[str, list[str]]]:
    """Name and argv of each child, in start order."""
    children = []
    if catcher_serves(environ):
        mail_port = str(catcher_port(environ))
        children.append(("mail", [sys.executable, "-m", "webapp.mailcatcher", "--port", mail_port]))
    web = str(web_port(environ))
    children += [
        ("web", [sys.executable, "-m", "flask", "run", "--host", "127.0.0.1", "--port", web]),
        # Its own process, never in the web server (or its reloader): see jobs/runner.py.
        ("scheduler", [sys.executable, "-m", "flask", "scheduler", "run"]),
    ]
    return children


def child_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """What the children run with: links in emails point at this server's port unless BASE_URL is
    set, and the app knows whether the catcher is its mail server (its Caught emails page)."""
    env = {
        **environ,
        "FLASK_APP": "wsgi.py",
        "FLASK_CONFIG": environ.get("FLASK_CONFIG", "development"),
    }
    env.setdefault("BASE_URL", f"http://127.0.0.1:{web_port(environ)}")
    env["MAIL_CATCHER"] = "1" if catcher_serves(environ) else "0"
    return env


def _wait_for_port(host: str, port: int, child: subprocess.Popen, timeout: float = 10.0) -> None:
    """So the first email is not sent before the catcher listens."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and child.poll() is None:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)


def main() -> int:
    env = child_environment(os.environ)
    children: list[tuple[str, subprocess.Popen]] = []
    interrupted = False
    try:
        for name, cmd in processes(os.environ):
            child = subprocess.Popen(cmd, env=env)  # noqa: S603 - fixed argv
            children.append((name, child))
            if name == "mail":
                _wait_for_port(DEFAULT_HOST, catcher_port(os.environ), child)
        print(f"Serving on http://127.0.0.1:{web_port(os.environ)}/ – press Ctrl-C to stop.", flush=True)
        if catcher_serves(os.environ):
            print(
                f"Emails are caught locally on port {catcher_port(os.environ)}: "
                "an administrator sees them at /admin/mail.",
                flush=True,
            )
        while True:
            for name, child in children:
                if child.poll() is not None:
                    print(f"{name} stopped (exit {child.returncode}); stopping the rest.", flush=True)
                    return child.returncode or 1
            time.sleep(0.5)
    except KeyboardInterrupt:
        interrupted = True
        return 0
    finally:
        _stop([child for _name, child in children], interrupted=interrupted)


def _stop(children: list[subprocess.Popen], *, interrupted: bool) -> None:
    if interrupted:
        # Ctrl-C in the terminal has already sent SIGINT to every child (they share its process
        # group); a second signal straight away would cut their clean shutdown short.
        _wait(children, 3)
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    _wait(children, 10)
    for child in children:
        if child.poll() is None:
            child.kill()
            child.wait()


def _wait(children: list[subprocess.Popen], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    for child in children:
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.wait(timeout=max(deadline - time.monotonic(), 0))


if __name__ == "__main__":
    sys.exit(main())
