"""Start and stop the local stack for a test module; small HTTP, Cognito and WebSocket helpers."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import boto3

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def local_stack(
    app_module: str | None = None, extra_env: dict[str, str] | None = None
) -> Iterator[dict[str, Any]]:
    """Run the stack on a free port until the block ends; yield its /_local/status plus `process`."""
    port = free_port()
    # The stack must not inherit test harness AWS settings (moto decorators, endpoints, prefixes).
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "COGNITO_", "TABLE_PREFIX"))}
    env.update({"PORT": str(port), "PYTHONUNBUFFERED": "1", **(extra_env or {})})
    command = [sys.executable, "-m", "infra.local"]
    if app_module:
        command += ["--app", app_module]
        env["PYTHONPATH"] = os.pathsep.join([str(HERE), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    log_file = open(HERE / f".stack-{port}.log", "w+")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    status: dict[str, Any] | None = None
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if process.poll() is not None:
                break
            try:
                with urllib.request.urlopen(f"{base}/_local/status", timeout=1) as response:
                    status = json.loads(response.read())
                    break
            except OSError:
                time.sleep(0.1)
        if status is None:
            log_file.seek(0)
            raise AssertionError("local stack did not start:\n" + log_file.read())
        yield {**status, "base": base, "port": port, "process": process, "log": log_file}
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log_file.close()
        (HERE / f".stack-{port}.log").unlink(missing_ok=True)


def stack_log(stack: dict[str, Any]) -> str:
    stack["log"].flush()
    stack["log"].seek(0)
    return stack["log"].read()


def http(
    method: str, url: str, body: Any = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        url, data=data, method=method, headers={"Content-Type": "application/json"}
    )
    for key, value in (headers or {}).items():
        request.add_header(key, value)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            raw = response.read()
            return response.status, dict(response.headers), json.loads(raw) if raw else None
    except urllib.error.HTTPError as error:
        raw = error.read()
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = raw.decode()
        return error.code, dict(error.headers), parsed


def aws_client(stack: dict[str, Any], service: str, **kwargs: Any) -> Any:
    return boto3.client(
        service,
        region_name=stack["region"],
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        **{"endpoint_url": stack["awsEndpoint"], **kwargs},
    )


def sign_in(stack: dict[str, Any], username: str) -> str:
    """Cognito USER_PASSWORD_AUTH against moto, as the console does; returns the ID token."""
    password = next(u["password"] for u in stack["demoUsers"] if u["username"] == username)
    auth = aws_client(stack, "cognito-idp").initiate_auth(
        ClientId=stack["clientId"],
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password},
    )
    return auth["AuthenticationResult"]["IdToken"]


async def next_frame(ws: Any, frame_type: str | None = None, key: str = "type", timeout: float = 10) -> dict:
    """The next JSON frame (whose `key` equals frame_type, if given), skipping others."""
    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(), timeout=timeout))
        if frame_type is None or frame.get(key) == frame_type:
            return frame


def session_processes(session_id: int) -> list[int]:
    """Pids still alive in a session (the stack runs in its own session): its whole process tree."""
    alive = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # After ")": state, ppid, pgrp, session, …; zombies are already gone.
        if int(fields[3]) == session_id and fields[0] != "Z":
            alive.append(int(entry.name))
    return alive
