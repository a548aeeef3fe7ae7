"""The packaged CloudFormation templates, built once per run by `make package` (no AWS credentials)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest
from infra_support import CONSOLE_ORIGINS, ROOT, STAGES, expand_sam


def _package(stage: str) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        # Prove that packaging needs no account: no credentials, no endpoint, no profile.
        if (not k.startswith("AWS_") or k in ("AWS_DEFAULT_REGION", "AWS_REGION")) and k != "CONSOLE_ORIGIN"
    }
    # prod is packaged as a second deploy phase packages it: with the console's origin for CORS.
    if CONSOLE_ORIGINS.get(stage):
        env["CONSOLE_ORIGIN"] = CONSOLE_ORIGINS[stage]
    if (ROOT / ".venv" / ".installed").exists():
        command = ["make", "-s", "package", f"STAGE={stage}"]  # the path CI takes (make test installed .venv)
    else:
        command = [sys.executable, "-m", "infra.aws.deploy", "package", "--stage", stage]  # the same target's body
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="session")
def packaged() -> dict[str, dict[str, Any]]:
    """stage → the packaged SAM template (build/<stage>/sam.json)."""
    templates = {}
    for stage in STAGES:
        _package(stage)
        templates[stage] = json.loads((ROOT / "build" / stage / "sam.json").read_text())
    return templates


@pytest.fixture(scope="session")
def expanded(packaged: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """stage → the packaged template after the SAM transform, as CloudFormation will see it."""
    return {stage: expand_sam(template) for stage, template in packaged.items()}


@pytest.fixture(scope="session")
def app_facts() -> dict[str, Any]:
    """Tables from the models and functions of app.py, computed in a subprocess (see app_facts.py)."""
    env = {k: v for k, v in os.environ.items() if k != "TABLE_PREFIX"}
    result = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "infra" / "app_facts.py")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)
