"""The moto harness of tests/integration (real Cognito tokens, WebSocket events, pushes read back),
shared with the security tests: loaded from its file, so there is one harness, not a copy."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

_HARNESS_FILE = Path(__file__).resolve().parents[1] / "integration" / "conftest.py"


def _load_harness():  # noqa: ANN202 - a module
    name = "integration_harness"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, _HARNESS_FILE)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


harness = _load_harness()
Harness = harness.Harness
aws = harness.aws
h = harness.h
