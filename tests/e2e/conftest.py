"""End-to-end tests: `python -m infra.local` as a subprocess, driven with real clients."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "e2e: starts the local stack (python -m infra.local) as a subprocess")
