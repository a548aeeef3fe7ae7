"""Browser tests: Playwright driving Debian's Chromium against the local stack (python -m infra.local).

One stack and one browser per test module (`stack`, `browser`); every test gets fresh contexts
from `new_page`. Screenshots: browser_support.screenshot → tests/artifacts/.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))
from e2e_support import local_stack  # noqa: E402
from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

# Without the background-networking flags Chromium keeps dialling Google on a closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(autouse=True)
def patient_expect() -> Iterator[None]:
    """The machine is shared (two test workers, each with its stack and browser): every wait gets
    15 s, Playwright's default of 5 s restored after."""
    expect.set_options(timeout=15_000)
    yield
    expect.set_options(timeout=5_000)


@pytest.fixture(scope="module")
def stack() -> Iterator[dict[str, Any]]:
    with local_stack() as running:
        yield running


# Module scope, not session: while Playwright's sync API is open, the main thread counts as
# running an event loop, so a later module's asyncio.run() (the e2e tests) would fail.
@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def new_page(browser: Browser) -> Iterator[Callable[..., Page]]:
    """new_page(**context_options) → a page in its own context (own storage: a separate user)."""
    contexts = []

    def make(**options: Any) -> Page:
        context = browser.new_context(**{"locale": "ko-KR", **options})
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
