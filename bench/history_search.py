"""History search (S-7): items read and capacity per page of 50 results, against stored chats.

    .venv/bin/python -m bench.history_search [--quick]

At each size, N ended chats spread evenly over the last 365 days (20 agents, one in five chats
unanswered) are batch-written into moto (BatchWriteItem, 25 items a request; the seeding time
is printed). Then an admin signed in through moto Cognito calls `GET /history` through the real
REST handler: the first page of the default search (last 30 days, newest first), the next page
through its cursor, a filtered search (status=unhandled) and one agent's history (agentId).
Every DynamoDB request is counted at the botocore level; capacity is computed from the sizes
of the items each Query read (before its filter), by DynamoDB's rules (bench/_dynamo_meter.py).
A page that finds fewer matches than it asks for reads the whole period, so on the smallest
table the filtered figures are lower: the aim is that they stop growing with the table.
"""

from __future__ import annotations

import json
import random
from typing import Any

from bench._support import METER, mean, moto_harness, quick, ratio, seed, seed_conversation, timed

SIZES = (1_000, 10_000, 100_000)
QUICK_SIZES = (500, 2_000)
AGENTS = 20
DAY_MS = 24 * 3600 * 1000
PAGE = 50


def _seed_chats(count: int, now: int) -> int:
    from ulid import ULID

    rng = random.Random(count)  # noqa: S311 - test data
    step = 365 * DAY_MS // count

    def chats() -> Any:
        for i in range(count):
            inbound = now - 365 * DAY_MS + i * step + rng.randrange(step)
            conversation_id = str(ULID.from_timestamp(inbound / 1000))
            agent = f"seed-agent-{rng.randrange(AGENTS):02d}"
            answered = rng.random() >= 0.2
            yield seed_conversation(
                conversation_id,
                inbound,
                f"고객{i}",
                state="ended",
                agent_id=agent if answered else None,
                agent_name=f"상담원 {agent[-2:]}" if answered else None,
                assigned_at=inbound + 2_000 if answered else None,
                first_response_at=inbound + 30_000 if answered else None,
                ended_at=inbound + 600_000,
                ended_by="agent" if answered else "customer",
                last_seq=rng.randrange(4, 40),
                last_message_at=inbound + 590_000,
                customer_email=f"customer{i}@example.com",
                processing_type="상담 완료" if answered else None,
                rating=rng.choice(["satisfied", "dissatisfied", None]),
            )

    return seed(chats())


def _page(h: Any, token: str, query: dict[str, str]) -> tuple[dict[str, Any], dict[str, Any]]:
    with METER.window() as w:
        status, body = h.rest("GET", "/history", token=token, query=query)
    assert status == 200, body
    figures = {
        "results": len(body["items"]),
        "requests": w.requests,
        "items_read": w.items_read,
        "read_units": w.read_units,
        "operations": w.operations(),
    }
    return figures, body


def measure_size(stored: int) -> dict[str, Any]:
    from chalicelib.domain import model as rules

    with moto_harness() as h:
        now = rules.now_ms()
        seeded, seed_seconds = timed(lambda: _seed_chats(stored, now))
        token = h.staff_token("admin@example.com", "admins")
        base = {"limit": str(PAGE), "to": str(now)}
        _page(h, token, base)  # warm: first use of the REST app and the table
        first, body = _page(h, token, base)
        second, _ = _page(h, token, {**base, "cursor": body["nextCursor"]}) if body["nextCursor"] else ({}, None)
        unhandled, _ = _page(h, token, {**base, "status": "unhandled"})
        by_agent, _ = _page(h, token, {**base, "agentId": "seed-agent-07"})
    return {
        "stored_chats": seeded,
        "seed_seconds": round(seed_seconds, 1),
        "seed_items_per_second": round(seeded / seed_seconds),
        "first_page": first,
        "next_page": second,
        "filtered_unhandled": unhandled,
        "one_agent": by_agent,
    }


def main() -> dict[str, Any]:
    sizes = QUICK_SIZES if quick() else SIZES
    runs = []
    for size in sizes:
        run = measure_size(size)
        runs.append(run)
        print(
            f"{size:>7} stored chats (seeded in {run['seed_seconds']} s): "
            + "; ".join(
                f"{name} {run[name]['results']} results, {run[name]['requests']} req, "
                f"{run[name]['items_read']} items read, {run[name]['read_units']} RCU"
                for name in ("first_page", "next_page", "filtered_unhandled", "one_agent")
                if run[name]
            ),
            flush=True,
        )
    at = "@" + "·".join(f"{r['stored_chats'] // 1000}k" if r["stored_chats"] >= 1000 else str(r["stored_chats"])
                        for r in runs)
    summary: dict[str, Any] = {}
    aims: dict[str, str] = {}
    for name in ("first_page", "next_page", "filtered_unhandled", "one_agent"):
        measured = [r for r in runs if r[name]]
        if not measured:
            continue
        label = name.replace("_", " ")
        summary[f"{label}: items read/page {at}"] = [r[name]["items_read"] for r in measured]
        summary[f"{label}: RCU/page {at}"] = [r[name]["read_units"] for r in measured]
        summary[f"{label}: RCU largest/smallest"] = ratio([r[name]["read_units"] for r in measured])
        aims[f"{label}: RCU largest/smallest"] = "flat"
    summary["seed items/s (BatchWriteItem on moto)"] = mean([r["seed_items_per_second"] for r in runs])
    return {"summary": summary, "aims": aims, "sizes": runs, "page_size": PAGE}


if __name__ == "__main__":
    print(json.dumps(main(), ensure_ascii=False, indent=2))
