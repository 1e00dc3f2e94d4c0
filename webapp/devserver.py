"""``make run``: the web server and its companion processes, stopped together by Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

PROCESSES: list[tuple[str, list[str]]] = [
    ("web", [sys.executable, "-m", "flask", "run", "--host", "127.0.0.1", "--port", "5000"]),
]


def main() -> int:
    env = {
        **os.environ,
        "FLASK_APP": "wsgi.py",
        "FLASK_CONFIG": os.environ.get("FLASK_CONFIG", "development"),
    }
    children = [(name, subprocess.Popen(cmd, env=env)) for name, cmd in PROCESSES]  # noqa: S603 - fixed argv
    print("Serving on http://127.0.0.1:5000/ – press Ctrl-C to stop.", flush=True)
    try:
        while True:
            for name, child in children:
                if child.poll() is not None:
                    print(f"{name} stopped (exit {child.returncode}); stopping the rest.", flush=True)
                    return child.returncode or 1
            time.sleep(0.5)
    except KeyboardInterrupt:
        return 0
    finally:
        for _name, child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for _name, child in children:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()


if __name__ == "__main__":
    sys.exit(main())
