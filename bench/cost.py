"""Cost: dollars per 1,000,000 chat messages and per agent-month, from measured request counts.

    .venv/bin/python -m bench.cost [--quick] [--write-doc]

Prices come from the table in the `## Cost model` section of docs/deploy.md (the one place they
are written down); this module parses them. The counts are measured here, through the real
handlers on moto with the same meter as bench/dynamo_per_message.py: DynamoDB requests, read and
write request units, pushes (API Gateway PostToConnection) for one message each way, one typing
frame, one ping, one chat from the widget's availability check to its end, and an agent's shift
(sign-in connection, going online, going offline, disconnecting). What cannot be measured
here (Lambda duration on AWS, log volume, the workload of a support centre) is an assumption,
listed in ASSUMPTIONS and printed in the document.

`--write-doc` rewrites the figures between the cost-figures markers in docs/deploy.md.
"""

from __future__ import annotations

import json
import re
import sys
import uuid
from pathlib import Path
from typing import Any

from bench._support import METER, moto_harness, reset_rate_window

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "deploy.md"
BEGIN, END = "<!-- cost-figures:begin -->", "<!-- cost-figures:end -->"

ASSUMPTIONS: dict[str, float] = {
    "lambda_memory_mb": 256,  # .chalice/config.json lambda_memory_size (read below when present)
    "lambda_billed_ms_per_invocation": 50,  # warm handler: a few DynamoDB calls and pushes, same region
    "log_bytes_per_invocation": 400,  # START/END/REPORT lines and one INFO line
    "message_item_bytes": 450,  # a stored message plus its resend marker (measured sizes are ~300 + ~90)
    "shifts_per_month": 22,
    "hours_per_shift": 8,
    "chats_per_agent_hour": 6,
    "messages_per_chat": 20,  # 10 each way
    "typing_frames_per_chat": 20,  # one per message typed
    "minutes_per_chat": 10,  # the customer's WebSocket connection
    "ping_interval_minutes": 4,  # frontend/shared/socket.js
    # The rate limit's first counted frame in a connection's 10 s window costs one more (refused,
    # billed) UpdateItem. Pings and typing are not counted in the table (services/limits.py); humans
    # rarely send two messages within 10 s: so one window start per message.
    "window_starts_per_message": 1.0,
}


# --- prices ----------------------------------------------------------------------------------


def load_prices(doc: Path = DOC) -> dict[str, float]:
    """`| \\`key\\` | what | price USD | per N unit |` rows of the Cost model section: USD per unit."""
    text = doc.read_text(encoding="utf-8")
    section = text.split("## Cost model", 1)[1] if "## Cost model" in text else ""
    prices: dict[str, float] = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 4 or not re.fullmatch(r"`[a-z0-9_]+`", cells[0]):
            continue
        per = re.match(r"([\d,.]+)", cells[3])
        quantity = float(per.group(1).replace(",", "")) if per else 1.0
        prices[cells[0].strip("`")] = float(cells[2].replace(",", "").lstrip("$")) / quantity
    return prices


REQUIRED_PRICES = (
    "lambda_request",
    "lambda_gb_second",
    "ws_message",
    "ws_connection_minute",
    "rest_request",
    "dynamodb_write_unit",
    "dynamodb_read_unit",
    "dynamodb_storage_gb_month",
    "logs_ingest_gb",
    "sqs_request",
    "s3_put",
    "s3_get",
)


# --- measured counts ---------------------------------------------------------------------------


def _figures(window: Any, invocations: int, rest_requests: int, ws_in: int) -> dict[str, Any]:
    return {
        "dynamodb_requests": window.requests,
        "read_units": window.read_units,
        "write_units": window.write_units,
        "pushes": window.other.get("apigatewaymanagementapi.PostToConnection", 0),
        "lambda_invocations": invocations,
        "rest_requests": rest_requests,
        "ws_messages_in": ws_in,
    }


def _difference(more: dict[str, Any], less: dict[str, Any]) -> dict[str, Any]:
    return {k: more[k] - less[k] for k in more}


def measure() -> dict[str, dict[str, Any]]:
    """Counts of each unit of work, through the real handlers on moto (10 other open chats around)."""
    import os

    from bench.dynamo_per_message import RATE_LIMIT_ENVIRONMENT, TEXT, _seed_open_conversations
    from chalicelib.services.settings import load_settings

    counts: dict[str, dict[str, Any]] = {}
    # Steady state (no frame starts a rate-limit window); the window start is measured on its own.
    os.environ.update(RATE_LIMIT_ENVIRONMENT)

    with moto_harness() as h:
        _seed_open_conversations(10, load_settings().max_chats_per_agent)
        agent_token = h.staff_token("cost-agent@example.com")

        # A warm-up shift and chat, so first-use costs (clients, table descriptions) are not counted.
        def shift_start(token: str) -> str:
            connection = h.connected(token)
            h.send(connection, {"action": "status.set", "status": "online"})
            return connection

        def one_chat(agent_conn: str, staff_token: str, window_for: dict[str, Any] | None) -> None:
            with METER.window() as opening:
                status, availability = h.rest("GET", "/widget/availability")
                body = {"consent": True, "consentVersion": availability["consent"]["version"], "customerName": "고객"}
                status, chat = h.rest("POST", "/chats", body)
                assert status == 201 and chat["state"] == "active", chat
                customer = h.connected(chat["token"])
            conversation_id = chat["conversationId"]
            # Starts the connection's rate window (counted apart, below); pings and typing start none.
            h.send(customer, {"action": "messages.sync", "conversationId": conversation_id, "afterSeq": 0})
            frame = {"action": "message.send", "conversationId": conversation_id, "text": TEXT}
            with METER.window() as to_agent:
                h.send(customer, {**frame, "clientMessageId": uuid.uuid4().hex})
            with METER.window() as to_customer:
                h.send(agent_conn, {**frame, "clientMessageId": uuid.uuid4().hex})
            assert h.frames_of_type(customer, "message.new"), "the customer got no message"
            with METER.window() as typing:
                h.send(customer, {"action": "typing", "conversationId": conversation_id, "isTyping": True})
            with METER.window() as ping:
                h.send(customer, {"action": "ping"})
            assert h.frames_of_type(customer, "pong")
            reset_rate_window(customer)  # the customer's window now lies in the past: the next message starts one
            with METER.window() as to_agent_new_window:
                h.send(customer, {**frame, "clientMessageId": uuid.uuid4().hex})
            with METER.window() as closing:
                status, _ = h.rest(
                    "PUT",
                    f"/chats/{conversation_id}/counsel",
                    {"processingType": "상담 완료", "note": "배송 일정 안내"},
                    token=staff_token,
                )
                assert status == 200
                status, _ = h.rest("POST", f"/chats/{conversation_id}/end", token=chat["token"])
                assert status == 200
                h.disconnect(customer)
            if window_for is not None:
                window_for.update(
                    chat_open=_figures(opening, invocations=3, rest_requests=2, ws_in=0),
                    message_customer_to_agent=_figures(to_agent, invocations=1, rest_requests=0, ws_in=1),
                    message_agent_to_customer=_figures(to_customer, invocations=1, rest_requests=0, ws_in=1),
                    typing=_figures(typing, invocations=1, rest_requests=0, ws_in=1),
                    ping=_figures(ping, invocations=1, rest_requests=0, ws_in=1),
                    window_start_extra=_difference(
                        _figures(to_agent_new_window, invocations=1, rest_requests=0, ws_in=1),
                        _figures(to_agent, invocations=1, rest_requests=0, ws_in=1),
                    ),
                    chat_close=_figures(closing, invocations=3, rest_requests=2, ws_in=0),
                )

        warm_token = h.staff_token("warm-agent@example.com")
        warm_conn = shift_start(warm_token)
        one_chat(warm_conn, warm_token, None)
        h.send(warm_conn, {"action": "status.set", "status": "offline"})
        h.disconnect(warm_conn)

        with METER.window() as sign_on:
            agent_conn = shift_start(agent_token)
        one_chat(agent_conn, agent_token, counts)
        with METER.window() as sign_off:
            h.send(agent_conn, {"action": "status.set", "status": "offline"})
            h.disconnect(agent_conn)
        counts["shift_start"] = _figures(sign_on, invocations=2, rest_requests=0, ws_in=1)
        counts["shift_end"] = _figures(sign_off, invocations=2, rest_requests=0, ws_in=1)
    return counts


# --- dollars -----------------------------------------------------------------------------------


def _memory_mb() -> float:
    try:
        return float(json.loads((ROOT / ".chalice" / "config.json").read_text())["lambda_memory_size"])
    except (OSError, KeyError, ValueError):
        return ASSUMPTIONS["lambda_memory_mb"]


def dollars(work: dict[str, Any], prices: dict[str, float], memory_mb: float) -> dict[str, float]:
    """USD of one unit of work, by service."""
    a = ASSUMPTIONS
    invocations = work["lambda_invocations"]
    gb_seconds = invocations * a["lambda_billed_ms_per_invocation"] / 1000 * memory_mb / 1024
    return {
        "lambda": invocations * prices["lambda_request"] + gb_seconds * prices["lambda_gb_second"],
        "api_gateway": (work["ws_messages_in"] + work["pushes"]) * prices["ws_message"]
        + work["rest_requests"] * prices["rest_request"],
        "dynamodb": work["read_units"] * prices["dynamodb_read_unit"]
        + work["write_units"] * prices["dynamodb_write_unit"],
        "cloudwatch_logs": invocations * a["log_bytes_per_invocation"] / 1e9 * prices["logs_ingest_gb"],
    }


def _scaled(parts: dict[str, float], factor: float) -> dict[str, float]:
    return {k: v * factor for k, v in parts.items()}


def _add(*parts: dict[str, float]) -> dict[str, float]:
    total: dict[str, float] = {}
    for part in parts:
        for k, v in part.items():
            total[k] = total.get(k, 0.0) + v
    return total


def compute(counts: dict[str, dict[str, Any]], prices: dict[str, float]) -> dict[str, Any]:
    missing = [k for k in REQUIRED_PRICES if k not in prices]
    if missing:
        raise KeyError(f"docs/deploy.md's Cost model table lacks prices for: {', '.join(missing)}")
    a = ASSUMPTIONS
    memory = _memory_mb()
    per = {name: dollars(work, prices, memory) for name, work in counts.items()}
    message = _add(
        _scaled(_add(per["message_customer_to_agent"], per["message_agent_to_customer"]), 0.5),
        _scaled(per["window_start_extra"], a["window_starts_per_message"]),
    )
    million = _scaled(message, 1_000_000)
    million["dynamodb_storage_per_month_kept"] = (
        1_000_000 * a["message_item_bytes"] / 1e9 * prices["dynamodb_storage_gb_month"]
    )

    shifts = a["shifts_per_month"]
    chats = shifts * a["hours_per_shift"] * a["chats_per_agent_hour"]
    agent_minutes = shifts * a["hours_per_shift"] * 60
    customer_minutes = chats * a["minutes_per_chat"]
    pings = (agent_minutes + customer_minutes) / a["ping_interval_minutes"]
    month = _add(
        _scaled(_add(per["shift_start"], per["shift_end"]), shifts),
        _scaled(_add(per["chat_open"], per["chat_close"]), chats),
        _scaled(message, chats * a["messages_per_chat"]),
        _scaled(per["typing"], chats * a["typing_frames_per_chat"]),
        _scaled(per["ping"], pings),
    )
    month["api_gateway"] += (agent_minutes + customer_minutes) * prices["ws_connection_minute"]
    month["dynamodb_storage_per_month_kept"] = (
        chats * a["messages_per_chat"] * a["message_item_bytes"] / 1e9 * prices["dynamodb_storage_gb_month"]
    )
    return {
        "per_million_messages": {k: round(v, 4) for k, v in million.items()},
        "per_million_messages_total": round(sum(v for k, v in million.items() if "storage" not in k), 2),
        "per_agent_month": {k: round(v, 4) for k, v in month.items()},
        "per_agent_month_total": round(sum(v for k, v in month.items() if "storage" not in k), 2),
        "agent_month_workload": {
            "chats": chats,
            "messages": chats * a["messages_per_chat"],
            "connection_minutes": agent_minutes + customer_minutes,
            "pings": pings,
        },
        "lambda_memory_mb": memory,
    }


# --- the document -----------------------------------------------------------------------------


def render(counts: dict[str, dict[str, Any]], cost: dict[str, Any]) -> str:
    lines = [
        "Measured per unit of work (`python -m bench.cost`, through the real handlers on moto):",
        "",
        "| Work | Lambda invocations | DynamoDB requests | Read units | Write units | Pushes |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, work in counts.items():
        lines.append(
            f"| {name.replace('_', ' ')} | {work['lambda_invocations']} | {work['dynamodb_requests']} | "
            f"{work['read_units']:g} | {work['write_units']:g} | {work['pushes']} |"
        )
    services = ("lambda", "api_gateway", "dynamodb", "cloudwatch_logs")
    lines += [
        "",
        "| Cost (USD) | Lambda | API Gateway | DynamoDB | CloudWatch Logs | Total |",
        "|---|---:|---:|---:|---:|---:|",
        "| per 1,000,000 messages | "
        + " | ".join(f"{cost['per_million_messages'][s]:.2f}" for s in services)
        + f" | **{cost['per_million_messages_total']:.2f}** |",
        "| per agent-month | "
        + " | ".join(f"{cost['per_agent_month'][s]:.2f}" for s in services)
        + f" | **{cost['per_agent_month_total']:.2f}** |",
        "",
        f"Storage on top: {cost['per_million_messages']['dynamodb_storage_per_month_kept']:.2f} USD a month for each "
        f"million messages kept. An agent-month here is {cost['agent_month_workload']['chats']:,.0f} chats, "
        f"{cost['agent_month_workload']['messages']:,.0f} messages, "
        f"{cost['agent_month_workload']['connection_minutes']:,.0f} connection minutes and "
        f"{cost['agent_month_workload']['pings']:,.0f} pings (assumptions above); Lambda at "
        f"{cost['lambda_memory_mb']:.0f} MB.",
    ]
    return "\n".join(lines)


def write_doc(block: str, doc: Path = DOC) -> None:
    text = doc.read_text(encoding="utf-8")
    if BEGIN not in text or END not in text:
        raise SystemExit(f"{doc} has no {BEGIN} … {END} block to fill")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    doc.write_text(f"{head}{BEGIN}\n{block}\n{END}{tail}", encoding="utf-8")


def main() -> dict[str, Any]:
    prices = load_prices()
    counts = measure()
    cost = compute(counts, prices)
    block = render(counts, cost)
    print(block)
    if "--write-doc" in sys.argv[1:]:
        write_doc(block)
        print(f"written to {DOC}")
    return {
        "summary": {
            "usd_per_million_messages": cost["per_million_messages_total"],
            "usd_per_agent_month": cost["per_agent_month_total"],
            "dynamodb_requests_per_message": (
                counts["message_customer_to_agent"]["dynamodb_requests"]
                + counts["message_agent_to_customer"]["dynamodb_requests"]
            )
            / 2,
            "extra requests when a frame starts a 10 s window": counts["window_start_extra"]["dynamodb_requests"],
        },
        "aims": {"dynamodb_requests_per_message": "≤ 3"},
        "counts": counts,
        "cost": cost,
        "assumptions": ASSUMPTIONS,
        "prices_usd_per_unit": prices,
    }


if __name__ == "__main__":
    print(json.dumps(main(), ensure_ascii=False, indent=2))
