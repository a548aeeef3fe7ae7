"""DynamoDB requests and capacity units per chat message, against the number of open conversations.

    .venv/bin/python -m bench.dynamo_per_message [--quick]

At each size, N open conversations (agents, their console connections, customers' connections,
conversations and a few messages each, in the shapes the handlers store) are batch-written into
moto; then a probe agent signs in through moto Cognito, goes online over the WebSocket handler,
two customers start chats through the REST handler and connect, and messages go both ways
through the real `$default` handler. Every DynamoDB request those handler invocations make is
counted at the botocore level (bench/_dynamo_meter.py), with capacity units computed from item
sizes by DynamoDB's rules (moto reports a constant instead; its figure is kept as `moto_units`).

Baseline: what a Scan-based fan-out (AWS's simple-websockets-chat-app `sendmessage`: Scan the
connections table, post to what it finds) costs on the same connections table, paginated until
the whole table is read. It stores no message; ours does, and still reads less.
"""

from __future__ import annotations

import json
import math
import os
import uuid
from collections import Counter
from typing import Any

from bench._support import (
    METER,
    load_harness,
    mean,
    moto_harness,
    quick,
    ratio,
    reset_rate_window,
    seed,
    seed_conversation,
    timed,
)

SIZES = (10, 100, 1_000, 10_000)
QUICK_SIZES = (10, 100)
MESSAGES_PER_DIRECTION = 20
# moto copies every table a transaction touches (its rollback backup): at 10,000 open chats each
# message takes seconds on moto. The counts do not vary from message to message, so fewer do.
MESSAGES_AT_LARGEST = 5
QUICK_MESSAGES = 5
PROBE_CHATS = 2
WINDOW_START_MESSAGES = 3
# Messages are sent back to back here; the product's rate limit (30 frames / 10 s) would refuse
# some, and its 10 s windows would start at random points of the series. One long window with a
# high limit measures the steady state; the first frame of a window is measured on its own.
RATE_LIMIT_ENVIRONMENT = {"WS_RATE_LIMIT": str(10**9), "WS_RATE_WINDOW_SECONDS": "86400"}
TEXT = "안녕하세요, 주문한 상품 배송이 언제쯤 도착하는지 확인 부탁드립니다. 주문번호는 메일로 보냈어요."


def _seed_open_conversations(count: int, max_chats: int) -> dict[str, Any]:
    """N live chats, each assigned to a busy online agent, with both sides connected."""
    from ulid import ULID

    from chalicelib.domain import model as rules
    from chalicelib.domain.entities import Agent, Connection, Message

    now = rules.now_ms()
    entities: list[Any] = []
    agent_count = math.ceil(count / max_chats)
    connections = 0
    for a in range(agent_count):
        agent_id = f"seed-agent-{a:05d}"
        console = f"seedA{a:07d}="
        live = min(max_chats, count - a * max_chats)
        entities.append(
            Agent(
                agent_id,
                display_name=f"상담원 {a}",
                email=f"{agent_id}@example.com",
                role="agent",
                status="online",
                status_changed_at=now,
                active_chats=live,
                max_chats=live,  # full: new chats go to the probe agent
                last_assigned_at=now,
                chat_permission=True,
                connection_ids={console},
            )
        )
        entities.append(Connection(console, role="agent", user_id=agent_id, connected_at=now))
        connections += 1
    for i in range(count):
        conversation_id = str(ULID())
        agent_id, console = f"seed-agent-{i // max_chats:05d}", f"seedA{i // max_chats:07d}="
        customer = f"seedC{i:07d}="
        inbound = now - (count - i) * 1000
        entities.append(
            seed_conversation(
                conversation_id,
                inbound,
                "고객",
                state="active",
                agent_id=agent_id,
                agent_name=f"상담원 {i // max_chats}",
                assigned_at=inbound + 500,
                first_response_at=inbound + 900,
                last_seq=2,
                last_message_at=inbound + 900,
                customer_connections={customer},
                agent_connections={console},
            )
        )
        entities.append(
            Connection(
                customer, role="customer", user_id=f"cust-{i}", connected_at=now, conversation_id=conversation_id
            )
        )
        connections += 1
        for seq, role in ((1, "customer"), (2, "agent")):
            entities.append(
                Message(
                    conversation_id,
                    seq,
                    sender_role=role,
                    sender_id=agent_id if role == "agent" else f"cust-{i}",
                    sender_name="고객" if role == "customer" else f"상담원 {i // max_chats}",
                    text=TEXT,
                    client_message_id=uuid.uuid4().hex,
                    created_at=inbound + 100 * seq,
                )
            )
    return {"items": seed(entities), "connections": connections}


def _progress(text: str) -> None:
    import resource
    import sys

    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"  [{text}; peak RSS {rss} MB]", file=sys.stderr, flush=True)


def _scan_fanout(client: Any, table: str, principals: list[str]) -> list[str]:
    """The Scan-based baseline: read the whole connections table to find a chat's connections."""
    found: list[str] = []
    params: dict[str, Any] = {
        "TableName": table,
        "ProjectionExpression": "connection_id",
        "FilterExpression": "principal IN (:a, :b)",
        "ExpressionAttributeValues": {":a": {"S": principals[0]}, ":b": {"S": principals[1]}},
    }
    while True:
        page = client.scan(**params)
        found.extend(item["connection_id"]["S"] for item in page.get("Items", []))
        if "LastEvaluatedKey" not in page:
            return found
        params["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _direction_figures(windows: list[Any]) -> dict[str, Any]:
    requests = [w.requests for w in windows]
    units = [w.read_units + w.write_units for w in windows]
    pushes = [w.other.get("apigatewaymanagementapi.PostToConnection", 0) for w in windows]
    return {
        "messages": len(windows),
        "requests_mean": mean(requests),
        "requests_max": max(requests),
        "read_units_mean": mean([w.read_units for w in windows]),
        "write_units_mean": mean([w.write_units for w in windows]),
        "capacity_units_mean": mean(units),
        "moto_reported_units_mean": mean([w.moto_units for w in windows]),
        "pushes_mean": mean(pushes),
        "operations": windows[-1].operations(),
        "operations_all_messages": dict(sum((Counter(w.operations()) for w in windows), Counter())),
        "units_by_operation": windows[-1].units_by_operation(),
        "control_plane_calls": sum(sum(w.control.values()) for w in windows),
    }


def _read_figures(windows: list[Any]) -> dict[str, Any]:
    """A `read` frame's requests; `receipt_writes` are the conversation writes (the rate-limit count on
    the connections table is every frame's, as for a message)."""

    def receipt_writes(w: Any) -> int:
        return sum(n for op, n in w.operations().items() if op.startswith("UpdateItem") and "conversations" in op)

    return {
        "requests_mean": mean([w.requests for w in windows]),
        "receipt_writes_max": max(receipt_writes(w) for w in windows),
        "operations": windows[-1].operations(),
    }


def measure_size(open_conversations: int, messages: int) -> dict[str, Any]:
    from chalicelib.config import table_name
    from chalicelib.services.settings import load_settings
    from chalicelib.store import keys

    with moto_harness() as h:
        max_chats = load_settings().max_chats_per_agent
        seeded, seed_seconds = timed(lambda: _seed_open_conversations(open_conversations, max_chats))
        _progress(f"{open_conversations}: seeded {seeded['items']} items in {seed_seconds:.1f} s")

        agent_token, agent_conn = h.agent_online("bench-agent@example.com")
        probes, chat_open = [], []
        for n in range(PROBE_CHATS):
            with METER.window() as opening:
                chat, open_seconds = timed(lambda n=n: h.start_chat(name=f"고객{n}"))
                customer_conn = h.connected(chat["token"])
            assert chat["state"] == "active", chat  # the probe agent took it: every seeded agent is full
            chat_open.append((opening, open_seconds))
            _progress(f"{open_conversations}: chat {n} opened in {open_seconds:.1f} s")
            probes.append((chat["conversationId"], customer_conn))
        h.frames(agent_conn)

        def send(sender: str, receiver: str, conversation_id: str) -> None:
            client_id = uuid.uuid4().hex
            frame = {"action": "message.send", "conversationId": conversation_id, "clientMessageId": client_id}
            h.send(sender, {**frame, "text": TEXT})
            acks = h.frames_of_type(sender, "message.ack")
            delivered = [f for f in h.frames_of_type(receiver, "message.new") if f["message"]["text"] == TEXT]
            assert acks and acks[-1]["clientMessageId"] == client_id, "the sender got no ack"
            assert delivered, "the other side got no message.new"

        for conversation_id, customer_conn in probes:  # warm: first use of each client and table
            send(customer_conn, agent_conn, conversation_id)
            send(agent_conn, customer_conn, conversation_id)

        to_agent, to_customer = [], []
        for i in range(messages):
            conversation_id, customer_conn = probes[i % len(probes)]
            with METER.window() as w:
                send(customer_conn, agent_conn, conversation_id)
            to_agent.append(w)
            with METER.window() as w:
                send(agent_conn, customer_conn, conversation_id)
            to_customer.append(w)

        # The first frame of a connection's rate-limit window costs one more UpdateItem (the
        # same-window increment is refused, then the window is reset: limits.py). Measured apart,
        # by moving the sender's stored window into the past (uncounted) before each message.
        to_agent_new_window, to_customer_new_window = [], []
        for i in range(WINDOW_START_MESSAGES):
            conversation_id, customer_conn = probes[i % len(probes)]
            reset_rate_window(customer_conn)
            with METER.window() as w:
                send(customer_conn, agent_conn, conversation_id)
            to_agent_new_window.append(w)
            reset_rate_window(agent_conn)
            with METER.window() as w:
                send(agent_conn, customer_conn, conversation_id)
            to_customer_new_window.append(w)

        # A canned response (issue #22): inserting it is its own REST call (counted, filled); the
        # message the agent then sends is a plain message and must cost what one costs.
        status, canned = h.rest(
            "POST",
            "/canned-responses",
            {"title": "인사", "shortcut": "hi", "text": "{{customer.name}}님, " + TEXT},
            token=agent_token,
        )
        assert status == 201, canned
        canned_use, canned_sent = [], []
        for i in range(messages):
            conversation_id, customer_conn = probes[i % len(probes)]
            with METER.window() as w:
                status, filled = h.rest(
                    "POST",
                    f"/canned-responses/{canned['responseId']}/use",
                    {"conversationId": conversation_id},
                    token=agent_token,
                )
            assert status == 200, filled
            canned_use.append(w)
            with METER.window() as w:
                client_id = uuid.uuid4().hex
                h.send(
                    agent_conn,
                    {
                        "action": "message.send",
                        "conversationId": conversation_id,
                        "clientMessageId": client_id,
                        "text": filled["text"],
                    },
                )
                assert h.frames_of_type(agent_conn, "message.ack")[-1]["clientMessageId"] == client_id
            canned_sent.append(w)

        # Read receipts (issue #22): the agent's `read` of everything (written: the receipt's one
        # UpdateItem), then at once another after a new message (inside the 2 s window: deferred, no write).
        reads_written, reads_deferred = [], []
        for conversation_id, customer_conn in probes:
            read = {"action": "read", "conversationId": conversation_id, "seq": 10**9}
            with METER.window() as w:
                h.send(agent_conn, read)
            assert h.frames_of_type(agent_conn, "read.ack")[-1]["outcome"] == "written"
            reads_written.append(w)
            send(customer_conn, agent_conn, conversation_id)
            with METER.window() as w:
                h.send(agent_conn, read)
            assert h.frames_of_type(agent_conn, "read.ack")[-1]["outcome"] == "deferred"
            reads_deferred.append(w)

        _progress(f"{open_conversations}: {messages} messages each way measured")
        import boto3

        scan_client = boto3.client("dynamodb", region_name=load_harness().REGION)
        baseline = []
        for conversation_id, _customer in probes:
            with METER.window() as w:
                found = _scan_fanout(
                    scan_client,
                    table_name("connections"),
                    [keys.chat_principal(conversation_id), keys.agent_principal("bench-agent@example.com")],
                )
            assert len(found) == 2, found
            baseline.append(w)

    opening, _ = chat_open[-1]
    return {
        "open_conversations": open_conversations,
        "connections_in_table": seeded["connections"] + 1 + PROBE_CHATS,
        "seeded_items": seeded["items"],
        "seed_seconds": round(seed_seconds, 2),
        "customer_to_agent": _direction_figures(to_agent),
        "agent_to_customer": _direction_figures(to_customer),
        "customer_to_agent_window_start": _direction_figures(to_agent_new_window),
        "agent_to_customer_window_start": _direction_figures(to_customer_new_window),
        # Not per message, but it grows: every assignment reads all online agents and tells each one
        # the queue length (queue.changed), even when the new chat never waited.
        "chat_open": {
            "requests": opening.requests,
            "read_units": opening.read_units,
            "write_units": opening.write_units,
            "pushes": opening.other.get("apigatewaymanagementapi.PostToConnection", 0),
            "seconds_on_moto": round(chat_open[-1][1], 2),
        },
        "canned_use": {
            "requests_mean": mean([w.requests for w in canned_use]),
            "operations": canned_use[-1].operations(),
        },
        "canned_message": _direction_figures(canned_sent),
        "read_written": _read_figures(reads_written),
        "read_deferred": _read_figures(reads_deferred),
        "scan_baseline": {
            "requests_mean": mean([w.requests for w in baseline]),
            "read_units_mean": mean([w.read_units for w in baseline]),
            "items_read_mean": mean([w.items_read for w in baseline]),
        },
    }


def _short(n: int) -> str:
    return f"{n // 1000}k" if n >= 1000 and n % 1000 == 0 else str(n)


def main() -> dict[str, Any]:
    os.environ.update(RATE_LIMIT_ENVIRONMENT)
    sizes = QUICK_SIZES if quick() else SIZES
    messages = QUICK_MESSAGES if quick() else MESSAGES_PER_DIRECTION
    runs = []
    for size in sizes:
        run = measure_size(size, messages if size <= 1_000 else min(messages, MESSAGES_AT_LARGEST))
        runs.append(run)
        c2a, a2c, base = run["customer_to_agent"], run["agent_to_customer"], run["scan_baseline"]
        print(
            f"{size:>6} open chats: customer→agent {c2a['requests_mean']} req, {c2a['capacity_units_mean']} CU; "
            f"agent→customer {a2c['requests_mean']} req, {a2c['capacity_units_mean']} CU; "
            f"scan baseline {base['requests_mean']} req, {base['read_units_mean']} RCU "
            f"(seeded {run['seeded_items']} items in {run['seed_seconds']} s)",
            flush=True,
        )

    def series(direction: str, figure: str) -> list[float]:
        return [r[direction][figure] for r in runs]

    at = "@" + "·".join(_short(r["open_conversations"]) for r in runs)
    summary: dict[str, Any] = {}
    aims: dict[str, str] = {}
    for direction, label in (("customer_to_agent", "to agent:"), ("agent_to_customer", "to customer:")):
        summary[f"{label} requests/msg {at}"] = series(direction, "requests_mean")
        aims[f"{label} requests/msg {at}"] = "≤ 3"
        summary[f"{label} capacity units/msg {at}"] = series(direction, "capacity_units_mean")
        summary[f"{label} requests/msg, new 10 s window {at}"] = series(f"{direction}_window_start", "requests_mean")
        summary[f"{label} largest/smallest (requests, CU)"] = [
            ratio(series(direction, "requests_mean")),
            ratio(series(direction, "capacity_units_mean")),
        ]
        aims[f"{label} largest/smallest (requests, CU)"] = "≤ 1.05"
    summary[f"message with a canned response: requests/msg {at}"] = [r["canned_message"]["requests_mean"] for r in runs]
    aims[f"message with a canned response: requests/msg {at}"] = "= to customer"
    summary[f"canned insert (POST …/use): requests {at}"] = [r["canned_use"]["requests_mean"] for r in runs]
    summary[f"read: requests {at}"] = [r["read_written"]["requests_mean"] for r in runs]
    summary[f"read: receipt writes (written · deferred) {at}"] = [
        f"{r['read_written']['receipt_writes_max']}·{r['read_deferred']['receipt_writes_max']}" for r in runs
    ]
    aims[f"read: receipt writes (written · deferred) {at}"] = "≤ 1 · 0"
    summary[f"scan baseline RCU/msg {at}"] = series("scan_baseline", "read_units_mean")
    summary["scan baseline largest/smallest"] = ratio(series("scan_baseline", "read_units_mean"))
    aims["scan baseline largest/smallest"] = "grows"
    summary[f"chat open: requests {at}"] = [r["chat_open"]["requests"] for r in runs]
    summary[f"chat open: pushes {at}"] = [r["chat_open"]["pushes"] for r in runs]
    return {
        "summary": summary,
        "aims": aims,
        "sizes": runs,
        "capacity_note": "capacity units computed from item sizes by DynamoDB's rules (moto reports constants)",
    }


if __name__ == "__main__":
    print(json.dumps(main(), ensure_ascii=False, indent=2))
