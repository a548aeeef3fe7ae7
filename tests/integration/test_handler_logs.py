"""Through the real handlers: JSON logs with ids and no message text; EMF metrics for messages and assignments."""

from __future__ import annotations

import json
from typing import Any

SECRET_TEXT = "제 번호는 010-9876-5432 이고 이름은 김비밀입니다"


def _lines(out: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def test_logs_and_metrics_of_a_chat(h, capsys) -> None:
    _, agent_conn = h.agent_online("agent1@example.com")
    chat = h.start_chat(name="김비밀")
    customer_conn = h.connected(chat["token"])
    capsys.readouterr()
    h.send(
        customer_conn,
        {
            "action": "message.send",
            "conversationId": chat["conversationId"],
            "clientMessageId": "c1",
            "text": SECRET_TEXT,
        },
    )
    out = capsys.readouterr().out
    assert "김비밀" not in out and "9876" not in out and "agent1@example.com" not in out
    lines = _lines(out)
    invocation = next(line for line in lines if line.get("event") == "invocation")
    assert invocation["kind"] == "websocket" and invocation["route"] == "$default"
    assert invocation["connection_id"] == customer_conn and invocation["request_id"]
    assert invocation["conversation_id"] == chat["conversationId"]  # bound by the service, logged by the middleware
    assert any(line.get("Messages") == 1 for line in lines)


def test_assignment_metrics_and_rest_routes(h, capsys) -> None:
    h.agent_online("agent2@example.com")
    capsys.readouterr()
    h.start_chat()
    lines = _lines(capsys.readouterr().out)
    assert any(line.get("Assignments") == 1 for line in lines)
    assert any("QueueWait" in line and line["QueueWait"] >= 0 for line in lines)
    routes = {line.get("route") for line in lines if line.get("kind") == "http"}
    assert "POST /chats" in routes


def test_a_refused_frame_is_logged_without_counting_an_error(h, capsys) -> None:
    _, agent_conn = h.agent_online("agent1@example.com")
    capsys.readouterr()
    h.send(agent_conn, {"action": "no.such.action"})
    lines = _lines(capsys.readouterr().out)
    assert any(line.get("event") == "request.refused" for line in lines)
    assert not any("Errors" in line for line in lines)
