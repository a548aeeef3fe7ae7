"""What one wallboard update costs (issue #24): DynamoDB requests and units of one run of the wallboard
function (services/wallboard.push_updates), and the pushes it makes.

    .venv/bin/python -m bench.wallboard [--quick]

Seeded (uncounted): agents online / on break / offline, six chats waiting (one queue), today's report
counters, and V admin connections subscribed through the real `wallboard.subscribe` action. Then, per
size: one run where every viewer is due (the snapshot read once, a conditional write and a push per
viewer), and one more at once, where every viewer is inside its second (a pending mark each, one
delayed catch-up message, no snapshot read, no push). The chat path is bench/dynamo_per_message.py:
its figures do not change (no message signals the wallboard).
"""

from __future__ import annotations

import time
from typing import Any

from bench._support import METER, moto_harness, quick, seed, seed_conversation

SIZES = ((20, 1), (20, 5), (200, 5))  # (agents, viewers)
QUICK_SIZES = ((20, 1), (20, 5))


def _seed(agents: int) -> None:
    from chalicelib.domain.entities import Agent
    from chalicelib.domain.metrics import HOUR_MS, Scope, ScopeKind
    from chalicelib.store.report_models import ReportCounterModel
    from chalicelib.store.reports import _keys

    now = int(time.time() * 1000)
    statuses = ("online", "break", "offline")
    seed(Agent(f"agent{i}@example.com", display_name=f"상담원{i}", status=statuses[i % 3], active_chats=i % 3)
         for i in range(agents))
    seed(
        seed_conversation(f"w{i:04d}", now - 60_000 * i, f"고객{i}", state="waiting", queued_key=f"{now - i:013d}#w{i}")
        for i in range(6)
    )
    hour = now // HOUR_MS
    with METER.pause():
        for h in range(hour - 3, hour + 1):
            ReportCounterModel(*_keys(Scope(ScopeKind.ALL, "all", h)), revision=1, chats_in=10, answered=8,
                               abandoned=1, first_response_sum_ms=8 * 30_000, first_response_count=8,
                               satisfied=5, dissatisfied=1).save()


def measure(agents: int, viewers: int) -> dict[str, Any]:
    from chalicelib.bootstrap import clock, store, use
    from chalicelib.services import wallboard

    with moto_harness() as h:
        _seed(agents)
        token = h.staff_token("admin@example.com", "admins")
        connections = []
        for _ in range(viewers):
            connection = h.connected(token)
            h.send(connection, {"action": "wallboard.subscribe"})
            connections.append(connection)
        from chalicelib.services.wallboard_view import snapshot

        shown = snapshot()
        assert shown["queue"]["waiting"] == 6 and shown["today"]["chatsIn"] == 40, (shown["queue"], shown["today"])
        later = clock() + 5_000  # every viewer's second has passed
        with use(clock=lambda: later):
            with METER.window() as due:
                outcomes = wallboard.push_updates(catch_up=False)
            assert outcomes.get("push") == viewers, outcomes
            with METER.window() as throttled:
                marked = wallboard.push_updates(catch_up=False)
            assert marked.get("mark_pending") == viewers, marked
        assert len(store().wallboard.viewers()) == viewers
        return {
            "agents": agents,
            "viewers": viewers,
            "due": {"requests": due.requests, "read_units": round(due.read_units, 1),
                    "write_units": round(due.write_units, 1), "pushes": outcomes["push"],
                    "operations": due.operations()},
            "throttled": {"requests": throttled.requests, "read_units": round(throttled.read_units, 1),
                          "write_units": round(throttled.write_units, 1), "pushes": 0,
                          "catch_up_messages": 1 if marked.get("scheduled") else 0},
        }


def main() -> dict[str, Any]:
    results = [measure(a, v) for a, v in (QUICK_SIZES if quick() else SIZES)]
    for r in results:
        d, t = r["due"], r["throttled"]
        print(
            f"{r['agents']:>4} agents, {r['viewers']} viewers: due {d['requests']} requests, {d['read_units']} RCU, "
            f"{d['write_units']} WCU, {d['pushes']} pushes {d['operations']}; throttled {t['requests']} requests, "
            f"{t['write_units']} WCU, {t['catch_up_messages']} catch-up message",
            flush=True,
        )
    sizes = " · ".join(f"{r['agents']}a/{r['viewers']}v" for r in results)
    joined = lambda part, key: " · ".join(str(r[part][key]) for r in results)  # noqa: E731
    summary = {
        f"due: requests @{sizes}": joined("due", "requests"),
        f"due: RCU @{sizes}": joined("due", "read_units"),
        f"due: WCU @{sizes}": joined("due", "write_units"),
        f"due: pushes @{sizes}": joined("due", "pushes"),
        f"throttled: requests @{sizes}": joined("throttled", "requests"),
        f"throttled: catch-up messages @{sizes}": joined("throttled", "catch_up_messages"),
    }
    return {"sizes": results, "summary": summary}


if __name__ == "__main__":
    print(main())
