"""The served pages in Chromium: the help centre, the runtime configuration, no failed requests."""

from __future__ import annotations

from typing import Any

from browser_support import screenshot
from playwright.sync_api import Page


def test_help_centre_and_runtime_config(stack: dict[str, Any], new_page: Any) -> None:
    page: Page = new_page()
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.goto(stack["base"] + "/")
    assert page.locator("h1").inner_text() == "고객센터"
    config = page.evaluate("fetch('/config.json').then(r => r.json())")
    assert config["api"] == stack["api"]
    assert config["websocket"] == stack["websocket"]
    assert config["cognito"]["clientId"] == stack["clientId"]
    assert config["cognito"]["userPoolId"] == stack["userPoolId"]
    screenshot(page, "help-centre")
    assert failed == []
