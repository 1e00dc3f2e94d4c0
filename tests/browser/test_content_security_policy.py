"""The Content Security Policy as Chromium enforces it: the GOV.UK template's inline script runs
with its nonce, an injected inline script does not, and no other site can frame the pages.

These tests provoke violations on purpose, so they use their own browser context rather than the
``page`` fixture (which fails a test on any CSP violation)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from tests.browser.conftest import AXE_JS


@contextmanager
def tab(browser, live_server) -> Iterator[tuple[object, list[str]]]:
    context = browser.new_context(base_url=live_server)
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    try:
        yield page, console
    finally:
        context.close()


def test_the_nonced_inline_script_runs_and_an_injected_one_is_refused(browser, live_server):
    with tab(browser, live_server) as (page, console):
        page.goto("/sign-in")
        assert "js-enabled" in page.evaluate("() => document.body.className")
        assert not any("Content Security Policy" in text for text in console)
        page.evaluate(
            """() => {
                const script = document.createElement("script");
                script.textContent = "window.injected = true";
                document.body.appendChild(script);
            }"""
        )
        assert page.evaluate("() => window.injected === undefined")
        assert any("Content Security Policy" in text for text in console)


def test_another_site_cannot_frame_the_pages(browser, live_server):
    with tab(browser, live_server) as (page, _console):
        with page.expect_console_message(lambda message: "frame-ancestors" in message.text):
            page.set_content(f'<iframe src="{live_server}/sign-in" title="framed"></iframe>')
        frame = page.frames[-1]
        assert frame.evaluate("() => document.querySelector('form') === null")


def test_axe_is_injected_through_the_devtools_protocol_despite_the_policy(browser, live_server):
    with tab(browser, live_server) as (page, _console):
        page.goto("/sign-in")
        page.evaluate(AXE_JS.read_text())
        assert page.evaluate("() => typeof window.axe === 'object'")
