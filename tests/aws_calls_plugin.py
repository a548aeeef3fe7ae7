"""pytest plugin: record each Lambda function's AWS calls for the whole run (infra/local/aws_calls.py).

Handlers run in-process (tests/integration, tests/security) are recorded into RECORDED; the local
stack the e2e tests start appends to the file LIVECHAT_AWS_CALL_LOG names (it inherits the
variable). tests/infra/test_iam_covers_code.py, moved to the end of the run, checks them all
against the packaged policies.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest

from infra.local.aws_calls import CallRecorder

RECORDED: list[dict[str, str]] = []
CHECK = "test_iam_covers_code.py::test_every_recorded_call_is_allowed"
_LOG = Path(tempfile.mkdtemp(prefix="aws-calls-")) / "local-stack.jsonl"


def pytest_configure(config: pytest.Config) -> None:
    os.environ["LIVECHAT_AWS_CALL_LOG"] = str(_LOG)
    CallRecorder(RECORDED.append).install_on_new_apps()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # The check reads what every other test recorded: it runs last.
    items.sort(key=lambda item: CHECK in item.nodeid)


def recorded_calls() -> list[dict[str, Any]]:
    calls = list(RECORDED)
    if _LOG.exists():
        calls += [json.loads(line) for line in _LOG.read_text(encoding="utf-8").splitlines() if line.strip()]
    return calls
