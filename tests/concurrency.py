"""Run the same job in several threads at once, each in its own app context, as parallel
scheduler processes would; return their results and fail on any error."""

from __future__ import annotations

import threading
from collections.abc import Callable


def run_concurrently(app, job: Callable[[], dict], *, times: int = 2, timeout: float = 120) -> list[dict]:
    from webapp.extensions import db

    results: list[dict] = []
    errors: list[BaseException] = []

    def one() -> None:
        try:
            with app.app_context():
                results.append(job())
                db.session.remove()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=one) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert errors == [], errors
    assert len(results) == times, "a thread did not finish in time"
    return results
