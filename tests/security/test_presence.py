"""The scheduled presence sweep and the counter reconciliation command."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from faults import Faults, injected

from chalicelib.bootstrap import store
from chalicelib.domain.entities import Conversation
from chalicelib.domain.model import NEW_CONNECTION_GRACE_MS, now_ms
from chalicelib.ops import reconcile
from chalicelib.services import presence

MINUTE = 60_000


@pytest.fixture(autouse=True)
def offline_after(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGENT_OFFLINE_AFTER_SECONDS", "300")


def _conv(conversation_id: str) -> Conversation:
    return store().conversations.get(conversation_id)


def test_the_sweep_is_scheduled_and_thin(h) -> None:
    import app as app_module

    sources = [s for s in h.app.event_sources if getattr(s, "name", "") == "presence_sweep"]
    assert len(sources) == 1 and "rate(2 minutes)" in sources[0].schedule_expression.to_string()
    event = {"version": "0", "id": str(uuid.uuid4()), "detail-type": "Scheduled Event", "source": "aws.events",
             "account": "123456789012", "time": "2026-11-25T06:00:00Z", "region": "us-east-1",
             "resources": ["arn:aws:events:us-east-1:123456789012:rule/presence"], "detail": {}}
    assert app_module.presence_sweep(event, None) == {"connectionsRemoved": 0, "agentsSetOffline": [],
                                                       "agentsChecked": 0, "chatsReassigned": 0,
                                                       "idleWarnings": 0, "idleClosed": 0}


def test_gone_connections_are_removed_and_live_ones_kept(h) -> None:
    token, first_tab = h.agent_online("agent1@example.com")
    second_tab = h.connected(token)
    chat = h.start_chat()
    customer_gone = h.connected(chat["token"])
    customer_live = h.connected(chat["token"])
    with injected(Faults()) as faults:
        faults.gone |= {first_tab, customer_gone}
        result = presence.sweep(now_ms() + NEW_CONNECTION_GRACE_MS)
    assert result["connectionsRemoved"] == 2
    assert store().agents.get("agent1@example.com").connection_ids == {second_tab}
    conv = _conv(chat["conversationId"])
    assert conv.customer_connections == {customer_live}
    assert conv.agent_connections == {second_tab}
    assert store().connections.get(first_tab) is None and store().connections.get(customer_gone) is None
    assert store().agents.get("agent1@example.com").status == "online", "a live tab remains"
    assert reconcile.check() == []


def test_an_agent_without_a_connection_goes_offline_after_the_configured_time(h) -> None:
    _, tab = h.agent_online("agent1@example.com")
    unanswered = h.start_chat("미응답")
    answered = h.start_chat("응답")
    h.send(tab, {"action": "message.send", "conversationId": answered["conversationId"],
                 "clientMessageId": "a-1", "text": "안녕하세요"})
    t0 = now_ms() + NEW_CONNECTION_GRACE_MS  # past the new-connection grace
    with injected(Faults()) as faults:
        faults.gone.add(tab)  # the laptop lid closed: no $disconnect ever came
        first = presence.sweep(t0)
        assert first["connectionsRemoved"] == 1 and first["agentsSetOffline"] == []
        assert presence.sweep(t0 + 5 * MINUTE - 1)["agentsSetOffline"] == []
        assert store().agents.get("agent1@example.com").status == "online"
        assert presence.sweep(t0 + 5 * MINUTE)["agentsSetOffline"] == ["agent1@example.com"]
    agent = store().agents.get("agent1@example.com")
    assert agent.status == "offline" and agent.disconnected_since is None
    # The unanswered chat is back in the queue; the answered one stays with the agent.
    assert _conv(unanswered["conversationId"]).state == "waiting"
    assert _conv(answered["conversationId"]).agent_id == "agent1@example.com"
    assert reconcile.check() == []
    # Another agent coming online takes the returned chat.
    h.agent_online("agent2@example.com")
    assert _conv(unanswered["conversationId"]).agent_id == "agent2@example.com"
    assert reconcile.check() == []


def test_an_agent_who_reconnects_in_time_stays_online(h) -> None:
    token, tab = h.agent_online("agent1@example.com")
    chat = h.start_chat()
    t0 = now_ms() + NEW_CONNECTION_GRACE_MS  # past the new-connection grace
    with injected(Faults()) as faults:
        faults.gone.add(tab)
        presence.sweep(t0)
    assert store().agents.get("agent1@example.com").disconnected_since == t0
    h.connected(token)  # back within the five minutes
    assert presence.sweep(t0 + 10 * MINUTE)["agentsSetOffline"] == []
    agent = store().agents.get("agent1@example.com")
    assert agent.status == "online" and agent.disconnected_since is None
    assert _conv(chat["conversationId"]).state == "active"


def test_an_agent_on_break_without_a_connection_also_goes_offline(h) -> None:
    _, tab = h.agent_online("agent1@example.com")
    h.send(tab, {"action": "status.set", "status": "break"})
    t0 = now_ms() + NEW_CONNECTION_GRACE_MS  # past the new-connection grace
    with injected(Faults()) as faults:
        faults.gone.add(tab)
        presence.sweep(t0)
        presence.sweep(t0 + 5 * MINUTE)
    assert store().agents.get("agent1@example.com").status == "offline"


def test_a_connection_still_connecting_is_left_alone(h) -> None:
    _, tab = h.agent_online("agent1@example.com")
    with injected(Faults()) as faults:
        faults.gone.add(tab)  # the management API does not know it until $connect has returned
        assert presence.sweep(now_ms())["connectionsRemoved"] == 0
    assert store().agents.get("agent1@example.com").connection_ids == {tab}


def test_reconcile_finds_and_fixes_a_drifted_counter(h, capsys: Any) -> None:
    h.agent_online("agent1@example.com")
    h.start_chat()
    assert reconcile.check() == []
    assert store().agents.repair_active_chats("agent1@example.com", 1, 3)  # the counter drifts to 3
    report = reconcile.main([])
    assert report["ok"] is False
    assert report["mismatches"] == [{"agent_id": "agent1@example.com", "recorded": 3, "actual": 1,
                                     "ended_but_live": [], "fixed": False}]
    assert reconcile.main(["--fix"])["mismatches"][0]["fixed"] is True
    assert reconcile.main([]) == {"ok": True, "mismatches": []}
    assert store().agents.get("agent1@example.com").active_chats == 1
    json.dumps(report)  # the command prints it as JSON
