"""Helpers for browser tests (imported by name: tests/browser is on sys.path under pytest)."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def screenshot(page: Page, name: str) -> Path:
    """Save a PNG of the page under tests/artifacts/ and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
