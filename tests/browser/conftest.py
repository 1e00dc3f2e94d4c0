"""Browser fixtures: the app on a local port, one headless Chromium, a fresh context per test, axe-core.

- ``live_server``: the session's ``app`` served by werkzeug in a background thread on 127.0.0.1 and a
  free port. It sees every row a test commits through the factories.
- ``browser``: Debian's Chromium, launched once per session (never a Playwright-downloaded one).
- ``page``: a new browser context per test, so cookies never leak between tests. Its base URL is the
  live server, so ``page.goto("/cases")`` works. A JavaScript error, a failed sub-resource (a 4xx or
  5xx stylesheet, script, font or image) or an exception inside the app fails the test.
- ``axe_check(page)``: runs axe-core (from node_modules, injected into every page of the context)
  and asserts zero violations of WCAG 2.2 A/AA and axe's best practices.

Every test under tests/browser/ carries the ``browser`` marker (registered in pytest.ini).
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

BROWSER_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BROWSER_DIR.parents[1]
AXE_JS = PROJECT_DIR / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

# WCAG 2.2 A and AA (axe tags each rule with the version that introduced it) plus axe best practice.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]

ACTION_TIMEOUT_MS = 5_000


def pytest_collection_modifyitems(config, items):
    """Mark every test in this directory as a browser test (the hook sees the whole session)."""
    for item in items:
        if BROWSER_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


class _QuietRequestHandler(WSGIRequestHandler):
    """No access-log line per request; errors are still logged."""

    def log_request(self, code="-", size="-"):
        pass


@pytest.fixture(scope="session")
def _app_errors(app):
    """Exceptions raised inside the app while it serves the browser (a 500 would hide them)."""
    from flask import got_request_exception

    errors: list[BaseException] = []

    def record(sender, exception, **extra):
        errors.append(exception)

    got_request_exception.connect(record, app)
    yield errors
    got_request_exception.disconnect(record, app)


@pytest.fixture(scope="session")
def live_server(app, _app_errors):
    """The base URL of the app, served in a background thread until the session ends."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietRequestHandler)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make browser` installs Debian's chromium")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(app, browser, live_server, _app_errors, csrf_on):
    """A page in a fresh browser context, with CSRF on as in production."""
    from playwright.sync_api import expect

    expect.set_options(timeout=ACTION_TIMEOUT_MS)
    context = browser.new_context(base_url=live_server, locale="en-GB", timezone_id="Europe/London")
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    # axe-core goes into every document as it starts (cheaper than a script tag per page check);
    # run_axe still injects it into a page that lacks it. Both go through the DevTools protocol,
    # which the page's Content Security Policy does not govern, so the policy stays fully on for
    # the app's own scripts (no bypass_csp) and the tests see what a person's browser enforces.
    context.add_init_script(path=str(AXE_JS))
    tab = context.new_page()
    problems: list[str] = []
    tab.on("pageerror", lambda error: problems.append(f"JavaScript error on {tab.url}: {error}"))

    def on_console(message):
        # Chromium reports what the Content Security Policy blocked on the console.
        if "Content Security Policy" in message.text:
            problems.append(f"CSP violation on {tab.url}: {message.text}")

    tab.on("console", on_console)

    def on_response(response):
        if response.status >= 400 and response.request.resource_type != "document":
            problems.append(f"{response.request.resource_type} {response.url} answered {response.status}")

    tab.on("response", on_response)
    del _app_errors[:]
    try:
        yield tab
    finally:
        context.close()
    errors = list(_app_errors)
    del _app_errors[:]
    assert not errors, f"the app raised while serving the browser: {errors!r}"
    assert not problems, "the browser met problems:\n" + "\n".join(problems)


def _describe(violations: list[dict], url: str) -> str:
    lines = [f"axe-core found {len(violations)} accessibility violation(s) on {url}:"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']} <{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            lines.append(f"    at {' '.join(node['target'])}")
            lines.append(f"       {node['html'][:300]}")
            if node["summary"]:
                lines.extend(f"       {line}" for line in node["summary"].splitlines())
    return "\n".join(lines)


_AXE_RUN = """
async (tags) => {
  const results = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({
      target: n.target.map(String),
      html: n.html,
      summary: n.failureSummary || "",
    })),
  }));
}
"""


def run_axe(page) -> None:
    """Inject axe-core into the loaded page and assert it finds no violation."""
    page.wait_for_load_state("load")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # Not add_script_tag: an inline script tag without the page's nonce is refused by the CSP.
        page.evaluate(AXE_JS.read_text())
    violations = page.evaluate(_AXE_RUN, AXE_TAGS)
    assert not violations, _describe(violations, page.url)


@pytest.fixture(scope="session")
def axe_check():
    """axe_check(page): zero axe-core violations on the page as it is now."""
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: `make deps-dev` installs the npm packages")
    return run_axe
