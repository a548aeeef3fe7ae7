"""pytest plugin: record each Lambda function's AWS calls for the whole run (infra/local/aws_calls.py).

Every call is appended as a JSON line to the file LIVECHAT_AWS_CALL_LOG names: handlers run
in-process (tests/integration, tests/security) by this plugin, the local stacks the e2e and browser
tests start by their own hook (they inherit the variable). tests/infra/test_iam_covers_code.py
checks them all against the packaged policies, last:
- in a plain run, the check is moved to the end of the run;
- in a parallel run (pytest-xdist), the workers share one log (the variable is set before they
  start) and skip the check; `make test` runs tests/infra, the check included, after the workers.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from pathlib import Path
from typing import Any

import pytest

from infra.local.aws_calls import CallRecorder

CHECK = "test_iam_covers_code.py::test_every_recorded_call_is_allowed"
_lock = threading.Lock()


def _log() -> Path:
    return Path(os.environ["LIVECHAT_AWS_CALL_LOG"])


def _append(entry: dict[str, str]) -> None:
    with _lock, _log().open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry) + "\n")


def pytest_configure(config: pytest.Config) -> None:
    if not os.environ.get("LIVECHAT_AWS_CALL_LOG"):
        os.environ["LIVECHAT_AWS_CALL_LOG"] = str(Path(tempfile.mkdtemp(prefix="aws-calls-")) / "calls.jsonl")
    CallRecorder(_append).install_on_new_apps()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # The check reads what every other test recorded: it runs last.
    items.sort(key=lambda item: CHECK in item.nodeid)
    for item in items:
        if CHECK in item.nodeid and os.environ.get("PYTEST_XDIST_WORKER"):
            item.add_marker(pytest.mark.skip(reason="a parallel run checks the calls after every worker is done"))


def recorded_calls() -> list[dict[str, Any]]:
    log = _log()
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines() if line.strip()]
