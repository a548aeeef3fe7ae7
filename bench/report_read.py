"""Reading a 30-day report (issue #24): DynamoDB requests, items read and read units of
`GET /reports`, at 1,000 and 100,000 chats. The point of the design: the same at both sizes.

    .venv/bin/python -m bench.report_read [--quick]

The report-counters table is seeded directly, in the shapes chalicelib/store/reports.py writes
(one item per UTC hour and scope: `all`, the team, the agent), as the stream would leave it after
N chats over 30 days (BatchWriteItem, uncounted). Each hour's chats go to one agent of one team
(the hour decides), so both sizes fill the same buckets: only the numbers in them differ. Then an
admin calls `GET /reports` through the real REST handler, grouped by day, team and agent, and
every request is counted (bench/_dynamo_meter.py). 100,000 chats are never pushed through the
handlers: the counters do not grow with them, which is what this measures.
"""

from __future__ import annotations

from typing import Any

from bench._support import METER, moto_harness, quick

SIZES = (1_000, 100_000)
QUICK_SIZES = (720, 5_000)  # from 720 chats (one an hour) every bucket is filled
DAYS = 30
AGENTS = 5
TEAMS = 2
HOUR_MS = 3_600_000


def _seed_counters(chats: int, first_hour: int) -> int:
    """The counter items N chats leave (chat i comes in at hour i % (30 × 24)), stored through the
    store's bulk path as the items the stream function would have built."""
    from chalicelib.bootstrap import store
    from chalicelib.domain.metrics import CounterItem, Scope, ScopeKind

    hours = DAYS * 24
    per_hour = [chats // hours + (1 if h < chats % hours else 0) for h in range(hours)]
    items: list[CounterItem] = []
    for offset, count in enumerate(per_hour):
        if not count:
            continue
        hour = first_hour + offset
        agent = f"seed-agent-{hour % AGENTS}"
        team = f"team-{hour % AGENTS % TEAMS}"
        answered = count - count // 5
        values = {
            "chats_in": count,
            "answered": answered,
            "unanswered": count - answered,
            "first_response_sum_ms": answered * 30_000,
            "first_response_count": answered,
            "satisfied": answered // 2,
        }
        for scope in (
            Scope(ScopeKind.ALL, "", hour),
            Scope(ScopeKind.TEAM, team, hour),
            Scope(ScopeKind.AGENT, agent, hour),
        ):
            items.append(CounterItem(scope, dict(values), revision=1))
    with METER.pause():
        return store().bulk.save_all(items)


def measure_size(chats: int) -> dict[str, Any]:
    from chalicelib.domain import model as rules

    with moto_harness() as h:
        now = rules.now_ms()
        to_ms = now - now % HOUR_MS - 1
        from_ms = to_ms - DAYS * 24 * HOUR_MS + 1
        items = _seed_counters(chats, from_ms // HOUR_MS)
        token = h.staff_token("admin@example.com", "admins")
        query = {"from": str(from_ms), "to": str(to_ms)}
        h.rest("GET", "/reports", token=token, query={**query, "groupBy": "day"})  # warm
        figures: dict[str, Any] = {"chats": chats, "counter_items": items}
        for group_by in ("day", "team", "agent"):
            with METER.window() as w:
                status, body = h.rest("GET", "/reports", token=token, query={**query, "groupBy": group_by})
            assert status == 200, body
            assert body["total"]["chatsIn"] == chats
            figures[group_by] = {
                "requests": w.requests,
                "items_read": w.items_read,
                "read_units": round(w.read_units, 1),
                "rows": len(body["rows"]),
            }
    return figures


def main() -> dict[str, Any]:
    results = [measure_size(n) for n in (QUICK_SIZES if quick() else SIZES)]
    for r in results:
        line = ", ".join(
            f"{g}: {r[g]['requests']} requests, {r[g]['items_read']} items, {r[g]['read_units']} RCU"
            for g in ("day", "team", "agent")
        )
        print(f"{r['chats']:>7,} chats ({r['counter_items']} counter items): {line}", flush=True)
    sizes = "·".join(f"{r['chats']:,}" for r in results)
    summary = {
        f"30-day report, {g}: requests · items read @{sizes} chats": [
            v for r in results for v in (r[g]["requests"], r[g]["items_read"])
        ]
        for g in ("day", "team", "agent")
    }
    return {"sizes": results, "summary": summary}


if __name__ == "__main__":
    print(main())
