"""LOCAL_PROFILE: the stack writes where its time went, per phase, and answers DynamoDB in process."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest
from e2e_support import http, local_stack

pytestmark = pytest.mark.e2e


def _wait_for(path: Path, seconds: float = 15) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if path.exists() and path.stat().st_size:
            return path.read_text(encoding="utf-8")
        time.sleep(0.1)
    raise AssertionError(f"{path} was not written")


def test_profile_phases_and_the_call_meter(tmp_path: Path) -> None:
    out = tmp_path / "profile.txt"
    with local_stack(extra_env={"LOCAL_PROFILE": str(out)}) as stack:
        assert stack["dynamodbInProcess"] is True
        stack["process"].send_signal(signal.SIGUSR1)  # phase 1: start-up
        setup = _wait_for(out.with_name("profile.txt.phase1.calls"))
        # Provisioning created the tables through botocore: metered like any AWS call.
        assert "AWS call dynamodb.CreateTable" in setup
        for _ in range(3):
            status, _, body = http("GET", f"{stack['api']}/widget/availability")
            assert status == 200, body
        stack["process"].send_signal(signal.SIGUSR1)  # phase 2: three REST requests
        requests = _wait_for(out.with_name("profile.txt.phase2.calls"))
        assert "CreateTable" not in requests
        invocations = next(line for line in requests.splitlines() if line.startswith("handler invocation"))
        assert int(invocations.split()[2]) == 3
        # Answered in process: moto's DynamoDB work is metered inside the request lock.
        assert "moto DynamoDB work in the lock" in requests
        assert "== handlers (lambda_*)" in _wait_for(out.with_name("profile.txt.phase2"))
    # On shutdown: the last phase.
    assert "wall" in _wait_for(out)
    assert "wall" in _wait_for(out.with_name("profile.txt.calls"))


def test_dynamodb_over_http_when_asked() -> None:
    with local_stack(extra_env={"LOCAL_DYNAMODB_OVER_HTTP": "1"}) as stack:
        assert stack["dynamodbInProcess"] is False
        status, _, body = http("GET", f"{stack['api']}/widget/availability")
        assert status == 200, body
