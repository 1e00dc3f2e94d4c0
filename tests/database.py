"""The test run's database, chosen before anything imports the app's configuration.

``config.Test`` reads ``TEST_DATABASE_URL`` when it is imported. When the variable is unset (the
SQLite pass), this module points it at a new SQLite file in a temporary directory of its own, so
two test runs on one machine never share a database. The variable is set in ``os.environ``, so the
processes a test starts (schedulers, CLI commands) inherit it and reach the same database.

``tests/conftest.py`` imports this module first and calls ``remove()`` when the run ends.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

_TEMPORARY_DIR: Path | None = None

if not os.environ.get("TEST_DATABASE_URL"):
    _TEMPORARY_DIR = Path(tempfile.mkdtemp(prefix="case-review-test-"))
    os.environ["TEST_DATABASE_URL"] = f"sqlite:///{_TEMPORARY_DIR / 'test.sqlite3'}"

TEST_DATABASE_URL = os.environ["TEST_DATABASE_URL"]


def remove() -> None:
    """Delete the temporary SQLite database (and its journal), if this run made one."""
    if _TEMPORARY_DIR is not None:
        shutil.rmtree(_TEMPORARY_DIR, ignore_errors=True)
