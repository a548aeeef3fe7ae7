"""Issue #21 through the handlers under moto: routing settings, `chat.open`, and the scheduled
sweep's idle auto-close and accept window (the clock moved with bootstrap.use)."""

from __future__ import annotations

import uuid

from chalicelib import bootstrap
from chalicelib.domain.model import now_ms

MINUTE = 60_000
EVENT = {
    "version": "0",
    "id": str(uuid.uuid4()),
    "detail-type": "Scheduled Event",
    "source": "aws.events",
    "account": "123456789012",
    "time": "2026-11-25T06:00:00Z",
    "region": "us-east-1",
    "resources": ["arn:aws:events:us-east-1:123456789012:rule/presence"],
    "detail": {},
}


def _sweep_at(offset_ms: int) -> dict:
    import app as app_module

    at = now_ms() + offset_ms
    with bootstrap.use(clock=lambda: at):
        return app_module.presence_sweep(EVENT, None)


def test_routing_settings_through_rest(h) -> None:
    admin = h.staff_token("admin@example.com", "admins")
    agent = h.staff_token("agent1@example.com")
    status, body = h.rest("GET", "/settings/routing", token=agent)
    assert status == 200
    assert (body["acceptWindowSeconds"], body["idleWarningMinutes"], body["idleCloseMinutes"]) == (60, 10, 5)
    assert (body["version"], body["hours"], body["teams"]) == (0, None, [])
    for bad in ({"idleWarningMinutes": "ten"}, {"idleCloseMinutes": 1441}, {"acceptWindow": 5}):
        status, error = h.rest("PUT", "/settings/routing", bad, token=admin)
        assert (status, error["code"]) == (400, "invalid_field"), bad
    assert h.rest("PUT", "/settings/routing", {"idleWarningMinutes": 3}, token=agent)[0] == 403
    status, saved = h.rest("PUT", "/settings/routing", {"idleWarningMinutes": 3, "version": 0}, token=admin)
    assert (status, saved["idleWarningMinutes"], saved["version"]) == (200, 3, 1)
    status, stale = h.rest("PUT", "/settings/routing", {"idleWarningMinutes": 4, "version": 0}, token=admin)
    assert (status, stale["code"]) == (409, "conflict")
    assert h.rest("GET", "/settings/routing", token=agent)[1]["idleWarningMinutes"] == 3


def test_an_idle_customer_is_warned_then_the_chat_closes(h) -> None:
    token, tab = h.agent_online("agent1@example.com")
    chat = h.start_chat()
    customer = h.connected(chat["token"])
    h.send(tab, {"action": "chat.open", "conversationId": chat["conversationId"]})
    opened = h.frames_of_type(tab, "chat.opened")
    assert opened and opened[-1]["agentOpenedAt"]

    assert _sweep_at(9 * MINUTE)["idleWarnings"] == 0
    assert _sweep_at(11 * MINUTE)["idleWarnings"] == 1
    warnings = [f for f in h.frames_of_type(customer, "message.new") if f["message"]["systemCode"] == "idle_warning"]
    assert len(warnings) == 1
    result = _sweep_at(17 * MINUTE)
    assert (result["idleClosed"], result["idleWarnings"]) == (1, 0)
    ended = h.frames_of_type(customer, "chat.ended")
    assert (ended[-1]["endedBy"], ended[-1]["endReason"]) == ("system", "idle")
    status, view = h.rest("GET", f"/chats/{chat['conversationId']}", token=token)
    assert (status, view["state"], view["endedBy"], view["endReason"]) == (200, "ended", "system", "idle")
    status, me = h.rest("GET", "/me", token=token)
    assert me["activeChats"] == 0
    status, history = h.rest("GET", "/history", token=token)
    row = next(r for r in history["items"] if r["conversationId"] == chat["conversationId"])
    assert (status, row["endedBy"], row["endReason"]) == (200, "system", "idle")
    assert _sweep_at(30 * MINUTE)["idleClosed"] == 0  # ended chats are off the index


def test_a_missed_chat_moves_to_the_next_agent(h) -> None:
    first, first_tab = h.agent_online("agent1@example.com")
    chat = h.start_chat()
    second, second_tab = h.agent_online("agent2@example.com")
    status, view = h.rest("GET", f"/chats/{chat['conversationId']}", token=first)
    assert (status, view["agentId"]) == (200, "agent1@example.com")
    assert _sweep_at(61_000)["chatsReassigned"] == 1
    assert h.frames_of_type(first_tab, "chat.missed")[-1]["conversationId"] == chat["conversationId"]
    assert h.rest("GET", "/me", token=first)[1]["status"] == "break"
    status, view = h.rest("GET", f"/chats/{chat['conversationId']}", token=second)
    assert (status, view["agentId"], view["state"]) == (200, "agent2@example.com", "active")
    assert h.frames_of_type(second_tab, "chat.assigned")
    # The second agent opens it over REST: the window stops for good.
    assert h.rest("POST", f"/chats/{chat['conversationId']}/open", token=second)[0] == 200
    assert _sweep_at(5 * MINUTE)["chatsReassigned"] == 0
