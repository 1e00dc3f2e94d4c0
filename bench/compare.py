"""Two versions of the code under the same load, taken in turns: whether a change made pages faster.

    .venv/bin/python bench/compare.py [--before REV] [--page LABEL ...] [--postgresql-url URL]

On a small shared machine the figures of ``bench/pages.py`` drift from run to run (the floor's own
p95 has moved by half between runs on the same day), so two runs, one before a change and one after,
cannot tell a change of 10% from the drift. Here both versions are served at once, each by its own
gunicorn with two workers on the same database, and every page is driven by 20 clients for a few
seconds on one and then on the other, round after round: whatever else loads the machine falls on
both alike. ``--before`` (default ``HEAD~1``) is checked out into a temporary git worktree; the
working tree is the version after.

The database must already hold the demo and scaled data: ``bench/pages.py`` leaves it in
``<name>_scale`` (``bench_scale`` by default). Prints, per page and version, the median over the rounds
of the requests per second and of the p95 latency, and the change in requests per second.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if sys.path and Path(sys.path[0]).resolve() == ROOT / "bench":
    sys.path[0] = str(ROOT)

from bench import harness  # noqa: E402
from bench.harness import Gunicorn, progress  # noqa: E402
from bench.pages import CLIENTS, PAGES, drive, page_paths, sign_in  # noqa: E402

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/bench_scale"
TOTP_STEP = 30  # seconds: pyotp's default, the demo second factor's


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="HEAD~1", help="the version before (a commit; default HEAD~1)")
    parser.add_argument(
        "--page", action="append", help="a page of bench/pages.py by its label (repeatable; default all)"
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=6, help="seconds per page, version and round")
    parser.add_argument("--port", type=int, default=8801, help="the version before; after: the next port")
    parser.add_argument("--postgresql-url", default=DEFAULT_URL, help="a database holding the scaled data")
    return parser.parse_args(argv)


def serve(root: Path, url: str, port: int) -> Gunicorn:
    """gunicorn on ``root``'s code (the harness starts it in its ROOT)."""
    harness.ROOT = root
    try:
        return Gunicorn(url=url, port=port, workers=2)
    finally:
        harness.ROOT = ROOT


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_args(argv)
    specs = [spec for spec in PAGES if not options.page or spec.label in options.page]
    if not specs:
        sys.exit(f"no page is called {options.page}; the labels are: {[spec.label for spec in PAGES]}")
    paths = page_paths(options.postgresql_url)
    with tempfile.TemporaryDirectory(prefix="compare-") as temporary:
        before_root = Path(temporary) / "before"
        subprocess.run(  # noqa: S603 - git, on this repository
            ["git", "worktree", "add", "--detach", "--quiet", str(before_root), options.before],  # noqa: S607
            cwd=ROOT,
            check=True,
        )
        servers: dict[str, Gunicorn] = {}
        try:
            servers["before"] = serve(before_root, options.postgresql_url, options.port)
            servers["after"] = serve(ROOT, options.postgresql_url, options.port + 1)
            results = measure(servers, specs, paths, options)
        finally:
            for server in servers.values():
                server.stop()
            subprocess.run(  # noqa: S603
                ["git", "worktree", "remove", "--force", str(before_root)],  # noqa: S607
                cwd=ROOT,
                check=False,
            )
    report(results, options)
    return 0


def measure(
    servers: dict[str, Gunicorn], specs: list, paths: dict[str, str], options: argparse.Namespace
) -> dict[tuple[str, str], list[tuple[float, float]]]:
    accounts = dict.fromkeys(spec.account for spec in specs if spec.account)
    cookies: dict[str, dict[str, str]] = {}
    for name, server in servers.items():
        if cookies:
            # A second-factor code is accepted once: the second version's sign-ins wait for the next.
            time.sleep(TOTP_STEP - time.time() % TOTP_STEP + 1)
        cookies[name] = {account: sign_in(server.port, account) for account in accounts}
    for spec in specs:  # warm: templates compiled, statements prepared, on both
        for name, server in servers.items():
            drive(server.port, paths[spec.label], cookies[name].get(spec.account), CLIENTS, 1)
    results: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for round_number in range(1, options.rounds + 1):
        order = list(servers.items())
        if round_number % 2 == 0:
            order.reverse()
        for spec in specs:
            for name, server in order:
                samples, elapsed = drive(
                    server.port, paths[spec.label], cookies[name].get(spec.account), CLIENTS, options.seconds
                )
                latencies = sorted(sample.seconds for sample in samples)
                p95 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.95))] * 1000
                results.setdefault((spec.label, name), []).append((len(samples) / elapsed, p95))
        progress(f"round {round_number} of {options.rounds} done")
    return results


def report(results: dict[tuple[str, str], list[tuple[float, float]]], options: argparse.Namespace) -> None:
    print(f"{options.before} (before) against the working tree (after); {CLIENTS} clients, median of rounds")
    print(f"{'page':38} {'req/s before':>12} {'after':>7} {'change':>7}   {'p95 ms before':>13} {'after':>6}")
    labels = dict.fromkeys(label for label, _ in results)
    for label in labels:
        before, after = results[(label, "before")], results[(label, "after")]
        rate_before = statistics.median(rate for rate, _ in before)
        rate_after = statistics.median(rate for rate, _ in after)
        p95_before = statistics.median(p95 for _, p95 in before)
        p95_after = statistics.median(p95 for _, p95 in after)
        change = (rate_after / rate_before - 1) * 100
        rates = f"{rate_before:12.0f} {rate_after:7.0f} {change:+6.0f}%"
        print(f"{label:38} {rates}   {p95_before:13.0f} {p95_after:6.0f}")


if __name__ == "__main__":
    sys.exit(main())
