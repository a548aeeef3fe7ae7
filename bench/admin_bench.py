"""Admin view figures: AWS requests and time per admin action, for a pool of N staff users.

    .venv/bin/python bench/admin_bench.py [N]      (default N=200; 20 with --quick or BENCH_QUICK=1)

moto runs in-process, so times measure our code plus moto's, not AWS latency; the request
counts (per service and operation) are what an AWS deployment would make. Prints figures only.
"""

from __future__ import annotations

import collections
import os
import sys
import time
from pathlib import Path
from typing import Any

# Runnable as a script too (bench/admin_bench.py): the repository root makes `bench` importable.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import boto3  # noqa: E402
from botocore.client import BaseClient  # noqa: E402
from moto import mock_aws  # noqa: E402

# Before chalicelib: importing bench._support sets the benches' AWS environment (moto, bench- tables).
from bench._support import quick  # noqa: E402
from chalicelib.config import get_config  # noqa: E402
from chalicelib.domain.model import AgentStatus, Principal, Role  # noqa: E402

CALLS: collections.Counter[str] = collections.Counter()
FIGURES: dict[str, dict[str, Any]] = {}
DEFAULT_AGENTS = 200
QUICK_AGENTS = 20
_original = BaseClient._make_api_call


def _counting(self: BaseClient, operation: str, params: dict[str, Any]) -> Any:
    CALLS[f"{self.meta.service_model.service_name}:{operation}"] += 1
    return _original(self, operation, params)


BaseClient._make_api_call = _counting  # type: ignore[method-assign]


def measure(label: str, action: Any) -> Any:
    CALLS.clear()
    start = time.perf_counter()
    result = action()
    elapsed = (time.perf_counter() - start) * 1000
    calls = ", ".join(f"{name} ×{count}" for name, count in sorted(CALLS.items()))
    print(f"{label}: {elapsed:.0f} ms; {sum(CALLS.values())} AWS requests ({calls})")
    FIGURES[label] = {"ms": round(elapsed, 1), "aws_requests": sum(CALLS.values()), "calls": dict(CALLS)}
    return result


def main(n: int | None = None) -> dict[str, Any]:
    """Figures per admin action for a pool of n staff users (default from the command line)."""
    if n is None:
        n = QUICK_AGENTS if quick() else DEFAULT_AGENTS
    FIGURES.clear()
    with mock_aws():
        from chalicelib.bootstrap import store
        from chalicelib.services import accounts, intake, settings
        from chalicelib.store.schema import create_tables
        from chalicelib.store.tables import ALL_MODELS

        create_tables(boto3.client("dynamodb"), ALL_MODELS)
        cognito = boto3.client("cognito-idp")
        pool = cognito.create_user_pool(PoolName="bench")["UserPool"]["Id"]
        for group in ("agents", "admins"):
            cognito.create_group(UserPoolId=pool, GroupName=group)
        os.environ["COGNITO_USER_POOL_ID"] = pool
        get_config.cache_clear()
        admin = Principal(Role.ADMIN, "admin@example.com", email="admin@example.com")
        cognito.admin_create_user(UserPoolId=pool, Username=admin.user_id, MessageAction="SUPPRESS")
        cognito.admin_add_user_to_group(UserPoolId=pool, Username=admin.user_id, GroupName="admins")
        statuses = list(AgentStatus)
        for i in range(n):
            username = f"agent{i:04d}@example.com"
            cognito.admin_create_user(UserPoolId=pool, Username=username, MessageAction="SUPPRESS")
            cognito.admin_add_user_to_group(UserPoolId=pool, Username=username, GroupName="agents")
            principal = Principal(Role.AGENT, username, email=username)
            agent = store().agents.ensure(principal)
            store().agents.set_status(agent, statuses[i % 3], 0)
            store().agents.add_connection(username, f"conn-{i}=")
        print(f"pool: {n} agents + 1 admin (a third each online / break / offline, one open tab each)")
        body = measure("GET /admin/agents (list_accounts)", lambda: accounts.list_accounts(admin))
        print(f"  → {len(body['accounts'])} accounts")
        body = measure("GET /admin/presence", lambda: accounts.presence(admin))
        print(f"  → counts {body['counts']}, queue {body['queue']}")
        invited = measure(
            "POST /admin/agents (invite)", lambda: accounts.invite(admin, {"email": "new@example.com"})
        )
        target = invited["agentId"]
        measure(
            "PUT chat-permission false",
            lambda: accounts.set_chat_permission(admin, target, {"chatPermission": False}),
        )
        measure("PUT max-chats 5", lambda: accounts.set_max_chats(admin, target, {"maxChats": 5}))
        measure("PUT role admin", lambda: accounts.set_role(admin, target, {"role": "admin"}))
        measure("POST disable", lambda: accounts.disable(admin, target))

        def save_and_announce() -> None:
            _, after = settings.update_settings({"greeting": "안녕하세요!"}, admin)
            accounts.announce_settings(after)

        measure(f"PUT /settings + settings.changed to {n} open tabs", save_and_announce)
        measure("availability (the widget's check)", intake.availability)
    summary = {f"aws_requests: {label}": figures["aws_requests"] for label, figures in FIGURES.items()}
    return {"summary": {"staff_users": n, **summary}, "actions": dict(FIGURES)}


if __name__ == "__main__":
    counts = [a for a in sys.argv[1:] if a.isdigit()]
    main(int(counts[0]) if counts else None)
