"""Benchmark: every page's latency at demo size and at scale, against the sign-in page as the floor.

Run with ``make bench`` or ``.venv/bin/python bench/pages.py`` (``--quick`` for a run under three
minutes, ``--help`` for options).

For each size (the demo data alone, and the demo data plus ``flask demo scale --cases N``), a fresh
PostgreSQL database of its own gets its schema from the migrations and its rows from the same code
the commands run; a gunicorn of its own serves it with two workers in the ``bench`` configuration,
whose only difference is an ``X-SQL-Statements`` response header. The demo accounts sign in
through the sign-in form, and each page is fetched under load for half a second, unmeasured (both
workers warm). Then, round after round, 20 concurrent clients fetch each page for a
fixed time at one size and then at the other (which size goes first alternates by round), so that
load from other processes on a shared machine falls on both sizes and every page alike. Per page: p50,
p95 and p99 latency, requests per second, SQL statements per request, p95 as a multiple of the
sign-in page's p95 in the same run, and at scale its growth over the demo size.

Targets (issue "Pages flat at scale"): at scale every page's p95 within 3x the floor's (the
learning dashboard and its CSV within 5x) and within 1.5x its own p95 at demo size. Then the
memory: each gunicorn worker's resident memory after the load (< 250 MB), and the peak of the
scheduler's jobs run once over the scaled data (< 200 MB).

The load comes from threads of this process, on the same machine as the server and the database:
on a small shared machine the figures are comparable within one run, not across machines.
Progress goes to stderr, the report to stdout.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import platform
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, Python puts bench/ first on sys.path, where the repository's packages are not.
if sys.path and Path(sys.path[0]).resolve() == ROOT / "bench":
    sys.path[0] = str(ROOT)

import pyotp  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from bench.harness import (  # noqa: E402
    Gunicorn,
    build_schema,
    ensure_postgresql_database,
    make_app,
    progress,
    server_version,
    settle,
)
from config import Bench  # noqa: E402
from webapp.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, demo_email  # noqa: E402
from webapp.extensions import db  # noqa: E402

POSTGRESQL_URL = os.environ.get(
    "BENCH_POSTGRESQL_URL", "postgresql://postgres@127.0.0.1:5432/case_review_bench"
)
PORT = int(os.environ.get("BENCH_PORT", "5501"))
CASES = 100_000
QUICK_CASES = 10_000
CLIENTS = 20
SECONDS = 6.0
QUICK_SECONDS = 1.5
ROUNDS = 3
QUICK_ROUNDS = 2
WARM_SECONDS = 0.5
TARGET_FLOOR = 3.0
TARGET_FLOOR_DASHBOARD = 5.0
TARGET_GROWTH = 1.5
TARGET_WORKER_MB = 250.0
TARGET_SCHEDULER_MB = 200.0


# --- The pages ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PageSpec:
    label: str
    account: str | None  # a demo account's key; None: not signed in
    path: Callable[[], str]  # called in an app context on the loaded database
    floor_target: float = TARGET_FLOOR


def _one(query) -> int:
    return db.session.execute(query).scalar_one()


def _user(key: str) -> int:
    from webapp.models import User

    return _one(select(User.id).where(User.email == demo_email(key)))


def _busiest_case() -> str:
    """The demo Practice Manager's case with the most reviews."""
    from webapp.models import Case, Review

    query = (
        select(Case.id)
        .join(Review, Review.case_id == Case.id, isouter=True)
        .where(Case.practice_manager_id == _user("pm.north"))
        .group_by(Case.id)
        .order_by(func.count(Review.id).desc(), Case.id)
        .limit(1)
    )
    return f"/cases/{_one(query)}"


def _busiest_review() -> str:
    """The North Wales review with the most tasks."""
    from webapp.models import Case, OperationalArea, Review, Task

    query = (
        select(Review.id)
        .join(Case, Review.case_id == Case.id)
        .join(OperationalArea, Case.area_id == OperationalArea.id)
        .join(Task, Task.review_id == Review.id)
        .where(OperationalArea.name == "North Wales")
        .group_by(Review.id)
        .order_by(func.count(Task.id).desc(), Review.id)
        .limit(1)
    )
    return f"/reviews/{_one(query)}"


def _deep_cases_page() -> str:
    """Page 500 of every case (or the last page when there are fewer), as its Next link from page
    499 reaches it: a keyset page starting after the last case of page 499."""
    from flask import current_app

    from webapp.models import Case

    per_page = current_app.config["LIST_PER_PAGE"]
    page = min(500, -(-_one(select(func.count()).select_from(Case)) // per_page))
    if page <= 1:
        return "/cases"
    last_before = (
        select(Case.id)
        .order_by(Case.created_at.desc(), Case.id.desc())
        .offset((page - 1) * per_page - 1)
        .limit(1)
    )
    return f"/cases?page={page}&after={_one(last_before)}"


def _dashboard_csv() -> str:
    from webapp.formatting import today_in_london
    from webapp.learning import dashboard
    from webapp.learning.routes.dashboard import default_period

    figures = dashboard.figures(*default_period(today_in_london()), today_in_london())
    return f"/learning/dashboard/{figures[0].key}.csv"


def fixed(path: str) -> Callable[[], str]:
    return lambda: path


FLOOR = PageSpec("Sign-in page (floor)", None, fixed("/sign-in"))
PAGES = (
    PageSpec("My tasks (Practice Manager)", "pm.north", fixed("/tasks")),
    PageSpec("My tasks (Area Head, pools)", "ahoo.north", fixed("/tasks")),
    PageSpec("My tasks (Chief Executive, pools)", "ce", fixed("/tasks")),
    PageSpec("Team tasks (Deputy CE)", "dce", fixed("/tasks/team")),
    PageSpec("Cases, page 1", "ce", fixed("/cases")),
    PageSpec("Cases, page 500", "ce", _deep_cases_page),
    PageSpec("Case search by name fragment", "ce", fixed("/cases?" + urlencode({"q": "owri Spec"}))),
    PageSpec("Case page", "pm.north", _busiest_case),
    PageSpec("Review page", "ahoo.north", _busiest_review),
    PageSpec("Incidents", "ahoo.north", fixed("/incidents")),
    PageSpec("Notifications", "ce", fixed("/notifications")),
    PageSpec("Learning dashboard", "pdt", fixed("/learning/dashboard"), TARGET_FLOOR_DASHBOARD),
    PageSpec("Learning dashboard CSV", "pdt", _dashboard_csv, TARGET_FLOOR_DASHBOARD),
    PageSpec("Audit trail", "admin", fixed("/admin/audit")),
)


# --- Signing in and fetching --------------------------------------------------------------------


def _request(
    port: int, method: str, path: str, *, cookie: str | None = None, body: str | None = None
) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"User-Agent": "bench/pages"}
    if cookie:
        headers["Cookie"] = cookie
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        payload = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, payload
    finally:
        connection.close()


def _session_cookie(headers: dict[str, str]) -> str | None:
    found = re.search(r"(session=[^;]+)", headers.get("set-cookie", ""))
    return found.group(1) if found else None


def sign_in(port: int, account: str) -> str:
    """Sign a demo account in through the sign-in form; returns its session cookie.

    Every step of signing in lives here, so that a second factor can be added in one place."""
    cookie = _post_form(port, "/sign-in", {"email": demo_email(account), "password": DEMO_PASSWORD}, None)
    if cookie.location.startswith("/sign-in/code"):
        # The demo CE, DCE and administrator have the demo second factor (README, Security).
        code = pyotp.TOTP(DEMO_TOTP_SECRET).now()
        cookie = _post_form(port, "/sign-in/code", {"code": code}, cookie.value)
    return cookie.value


@dataclass
class _Signed:
    value: str
    location: str


def _post_form(port: int, path: str, form: dict[str, str], cookie: str | None) -> _Signed:
    """GET the form (for its CSRF token), POST it, expect a redirect; the session cookie after."""
    status, headers, body = _request(port, "GET", path, cookie=cookie)
    token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', body)
    cookie = _session_cookie(headers) or cookie
    if token:
        form = {**form, "csrf_token": token.group(1).decode()}
    status, headers, _ = _request(port, "POST", path, cookie=cookie, body=urlencode(form))
    if status != 302:
        raise RuntimeError(f"signing in ({path}) answered {status}")
    return _Signed(_session_cookie(headers) or cookie or "", headers.get("location", ""))


@dataclass
class Sample:
    seconds: float
    statements: int
    bytes: int


@dataclass
class PageResult:
    spec: PageSpec
    path: str
    samples: list[Sample] = field(default_factory=list)
    elapsed: float = 0.0

    def percentile(self, q: int) -> float:
        latencies = sorted(s.seconds for s in self.samples)
        return latencies[min(len(latencies) - 1, int(len(latencies) * q / 100))] * 1000

    @property
    def per_second(self) -> float:
        return len(self.samples) / self.elapsed if self.elapsed else 0.0

    @property
    def statements(self) -> float:
        return statistics.median(s.statements for s in self.samples)

    @property
    def size_kb(self) -> float:
        return statistics.median(s.bytes for s in self.samples) / 1024


def drive(
    port: int, path: str, cookie: str | None, clients: int, seconds: float
) -> tuple[list[Sample], float]:
    """``clients`` threads fetching ``path`` for ``seconds``; every answer must be a 200."""
    samples: list[Sample] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def client() -> None:
        mine: list[Sample] = []
        while time.perf_counter() < stop_at:
            started = time.perf_counter()
            status, headers, body = _request(port, "GET", path, cookie=cookie)
            elapsed = time.perf_counter() - started
            if status != 200:
                errors.append(f"GET {path}: {status}")
                break
            mine.append(Sample(elapsed, int(headers.get("x-sql-statements", -1)), len(body)))
        with lock:
            samples.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise RuntimeError(errors[0])
    return samples, elapsed


# --- A run at one size --------------------------------------------------------------------------


@dataclass
class SizeResult:
    name: str
    cases: int
    tasks: int
    load_seconds: float
    floor: PageResult
    pages: list[PageResult]
    worker_mb: list[float]
    scheduler_mb: float | None = None
    version: str = ""


def load(url: str, cases: int) -> tuple[int, int, float, str]:
    """A fresh database: the migrations, the demo data, then ``cases`` scaled cases (0 for none)."""
    from webapp import demo
    from webapp.demo_scale import scale
    from webapp.formatting import today_in_london
    from webapp.models import Case, Task

    ensure_postgresql_database(url)
    app = make_app("pages", url, Bench)
    with app.app_context():
        started = time.perf_counter()
        build_schema()
        demo.seed()
        if cases:
            scale(cases, today=today_in_london())
        seconds = time.perf_counter() - started
        settle()
        counts = (_one(select(func.count()).select_from(Case)), _one(select(func.count()).select_from(Task)))
        version = server_version()
        db.session.remove()
        db.engine.dispose()
    return *counts, seconds, version


def page_paths(url: str) -> dict[str, str]:
    app = make_app("pages", url, Bench)
    with app.app_context():
        paths = {spec.label: spec.path() for spec in (FLOOR, *PAGES)}
        db.session.remove()
        db.engine.dispose()
    return paths


# Runs the jobs in a fresh interpreter, then prints that process's own peak (VmHWM, which exec
# starts afresh). Not the child's ru_maxrss: Linux carries the parent's resident size at the fork
# over into it, so a benchmark holding 190 MB would report at least that for any job it starts.
_JOBS_PEAK = """
import runpy, sys
sys.argv = ["flask", "jobs", "run-once"]
try:
    runpy.run_module("flask", run_name="__main__")
except SystemExit:
    pass
status = open("/proc/self/status").read()
print("VmHWM", int(status.split("VmHWM:")[1].split()[0]))
"""


def scheduler_peak_mb(url: str) -> float:
    """Peak resident memory of the scheduler's jobs, each run once over this database."""
    env = dict(os.environ, DATABASE_URL=url, FLASK_CONFIG="bench", FLASK_APP="wsgi.py", MAIL_PORT="9")
    result = subprocess.run(  # noqa: S603 - our interpreter, our app
        [sys.executable, "-c", _JOBS_PEAK], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    peaks = [line.split()[1] for line in result.stdout.splitlines() if line.startswith("VmHWM ")]
    if not peaks:
        raise RuntimeError(f"the jobs did not report their memory: {result.stderr[-500:]}")
    return int(peaks[-1]) / 1024


def size_url(options: argparse.Namespace, name: str) -> str:
    """Each size has a database of its own (``<name>_demo``, ``<name>_scale``), so both can be served
    at once and measured in turns."""
    parts = urlsplit(options.postgresql_url)
    return parts._replace(path=f"{parts.path}_{name}").geturl()


@dataclass
class Served:
    """One size loaded, served by its own gunicorn, its accounts signed in."""

    name: str
    cases: int
    url: str
    port: int
    case_count: int = 0
    task_count: int = 0
    load_seconds: float = 0.0
    version: str = ""
    server: Gunicorn | None = None
    paths: dict[str, str] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)
    results: dict[str, PageResult] = field(default_factory=dict)

    def start(self) -> None:
        progress(f"{self.name}: loading a fresh database ({self.cases:,} scaled cases)")
        self.case_count, self.task_count, self.load_seconds, self.version = load(self.url, self.cases)
        counts = f"{self.case_count:,} cases, {self.task_count:,} tasks"
        progress(f"{self.name}: {counts} loaded in {self.load_seconds:.0f}s")
        self.paths = page_paths(self.url)
        self.server = Gunicorn(url=self.url, port=self.port, workers=2)
        # Each account once: a second-factor code is accepted once, so a second sign-in of the same
        # account within its 30-second step would be refused.
        accounts = dict.fromkeys(spec.account for spec in PAGES if spec.account)
        self.cookies = {account: sign_in(self.port, account) for account in accounts}
        self.results = {spec.label: PageResult(spec, self.paths[spec.label]) for spec in (FLOOR, *PAGES)}
        # Warm up, not measured: each page under the same load for a moment, so that both workers
        # have compiled its templates and their database connections have prepared its statements
        # before the first round (one request each left the first round's figures a cold start's).
        for spec in (FLOOR, *PAGES):
            status, _, _ = _request(
                self.port, "GET", self.paths[spec.label], cookie=self.cookies.get(spec.account)
            )
            if status != 200:
                raise RuntimeError(f"{spec.label}: GET {self.paths[spec.label]} answered {status}")
            drive(self.port, self.paths[spec.label], self.cookies.get(spec.account), CLIENTS, WARM_SECONDS)

    def measure(self, spec: PageSpec, options: argparse.Namespace) -> PageResult:
        path = self.paths[spec.label]
        samples, elapsed = drive(
            self.port, path, self.cookies.get(spec.account), options.clients, options.seconds
        )
        result = self.results[spec.label]
        result.samples.extend(samples)
        result.elapsed += elapsed
        return PageResult(spec, path, samples, elapsed)

    def stop(self) -> list[float]:
        """The workers' resident memory, then gunicorn stopped."""
        if self.server is None:
            return []
        worker_mb = self.server.worker_rss_mb()
        self.server.stop()
        self.server = None
        return worker_mb

    def result(self, worker_mb: list[float], scheduler_mb: float | None) -> SizeResult:
        return SizeResult(
            name=self.name,
            cases=self.case_count,
            tasks=self.task_count,
            load_seconds=self.load_seconds,
            floor=self.results[FLOOR.label],
            pages=[self.results[spec.label] for spec in PAGES],
            worker_mb=worker_mb,
            scheduler_mb=scheduler_mb,
            version=self.version,
        )


def bench_sizes(options: argparse.Namespace) -> tuple[SizeResult, SizeResult]:
    """Both sizes served at once and measured in turns: each round takes every page at both sizes,
    one after the other (which size goes first alternates by round), so that load from other
    processes on a shared machine slows both sizes and every page alike instead of skewing a ratio."""
    small = Served("demo", 0, size_url(options, "demo"), options.port)
    large = Served("scale", options.cases, size_url(options, "scale"), options.port + 1)
    worker_mb: dict[str, list[float]] = {}
    try:
        small.start()
        large.start()
        for round_ in range(options.rounds):
            for spec in (FLOOR, *PAGES):
                order = (small, large) if round_ % 2 == 0 else (large, small)
                figures = []
                for served in order:
                    measured = served.measure(spec, options)
                    figures.append(f"{served.name} {measured.percentile(95):,.0f}")
                progress(f"round {round_ + 1}: {spec.label}: p95 ms {', '.join(figures)}")
    finally:
        worker_mb = {served.name: served.stop() for served in (small, large)}
    scheduler_mb = scheduler_peak_mb(large.url)
    return small.result(worker_mb["demo"], None), large.result(worker_mb["scale"], scheduler_mb)


# --- Report -------------------------------------------------------------------------------------


def report(small: SizeResult, large: SizeResult, options: argparse.Namespace) -> bool:
    load = " -> ".join(f"{a:.1f}" for a in options.load_averages)
    print(
        f"Python {platform.python_version()}, {large.version}; gunicorn 2 sync workers; {options.clients} "
        f"concurrent clients, {options.seconds:g} s per page x {options.rounds} round(s)"
    )
    print(f"{os.cpu_count()} CPUs (shared); 1-minute load average at start and end: {load}")
    for size in (small, large):
        print(
            f"  {size.name}: {size.cases:,} cases, {size.tasks:,} tasks (loaded in {size.load_seconds:.0f}s)"
        )
    print()
    met = True
    header = (
        f"{'page':38}{'size':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'req/s':>8}{'SQL/req':>9}"
        f"{'KB':>7}{'x floor':>9}{'growth':>8}  target"
    )
    print(header)
    print("-" * len(header))
    for size in (small, large):
        floor = size.floor.percentile(95)
        rows = [size.floor, *size.pages]
        for row in rows:
            p95 = row.percentile(95)
            ratio = p95 / floor
            growth = ""
            verdict = ""
            if size is large and row is not size.floor:
                before = next(r for r in small.pages if r.spec.label == row.spec.label).percentile(95)
                g = p95 / before
                growth = f"{g:.1f}x"
                ok = ratio <= row.spec.floor_target and g <= TARGET_GROWTH
                met &= ok
                verdict = (
                    f"{'met' if ok else 'MISSED'} (<= {row.spec.floor_target:g}x, <= {TARGET_GROWTH:g}x)"
                )
            print(
                f"{row.spec.label:38}{size.name:>7}{row.percentile(50):>9,.0f}{p95:>9,.0f}"
                f"{row.percentile(99):>9,.0f}{row.per_second:>8,.0f}{row.statements:>9.0f}{row.size_kb:>7.0f}"
                f"{ratio:>8.1f}x{growth:>8}  {verdict}"
            )
        print()
    worker = max(large.worker_mb, default=0.0)
    ok = worker < TARGET_WORKER_MB
    met &= ok
    workers = ", ".join(f"{mb:.0f}" for mb in large.worker_mb)
    print(
        f"gunicorn workers' resident memory after the load: {workers} MB: "
        f"{'met' if ok else 'MISSED'} (< {TARGET_WORKER_MB:g} MB)"
    )
    if large.scheduler_mb is not None:
        ok = large.scheduler_mb < TARGET_SCHEDULER_MB
        met &= ok
        print(
            f"scheduler jobs run once over {large.tasks:,} tasks, peak resident memory: "
            f"{large.scheduler_mb:.0f} MB: {'met' if ok else 'MISSED'} (< {TARGET_SCHEDULER_MB:g} MB)"
        )
    print(f"\nTargets: {'all met' if met else 'some missed'}")
    return met


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, help=f"scaled cases (default {CASES:,})")
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"{QUICK_CASES:,} cases, {QUICK_SECONDS:g} s a page, {QUICK_ROUNDS} rounds",
    )
    parser.add_argument("--seconds", type=float, help=f"seconds per page per round (default {SECONDS:g})")
    parser.add_argument("--rounds", type=int, help=f"rounds over every page (default {ROUNDS})")
    parser.add_argument("--clients", type=int, default=CLIENTS, help="concurrent clients")
    parser.add_argument(
        "--port",
        type=int,
        default=PORT,
        help="gunicorn's port on 127.0.0.1 (the demo size; the scale size the next)",
    )
    parser.add_argument(
        "--postgresql-url",
        default=POSTGRESQL_URL,
        help="names the two databases, <name>_demo and <name>_scale, emptied and refilled (with 'bench')",
    )
    options = parser.parse_args(argv)
    options.cases = options.cases or (QUICK_CASES if options.quick else CASES)
    options.seconds = options.seconds or (QUICK_SECONDS if options.quick else SECONDS)
    options.rounds = options.rounds or (QUICK_ROUNDS if options.quick else ROUNDS)
    return options


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_args(argv)
    # Stopped with SIGTERM, still stop gunicorn (the finally clauses run on SystemExit).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started = time.perf_counter()
    options.load_averages = [os.getloadavg()[0]]
    small, large = bench_sizes(options)
    options.load_averages.append(os.getloadavg()[0])
    progress(f"done in {time.perf_counter() - started:.0f}s")
    with contextlib.suppress(BrokenPipeError):
        met = report(small, large, options)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
