"""The assignment race of test_race.py with two teams sharing agents: concurrent starts of both
inquiry types; no agent over capacity (counted across their teams), each team's queue FIFO, the
counters true, and ending chats drains each queue in order."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from chalicelib.store.models import AgentModel, ConversationModel

MAX_CHATS = 2
BILLING = ["a0@example.com", "a1@example.com", "shared0@example.com", "shared1@example.com"]
GENERAL = ["b0@example.com", "shared0@example.com", "shared1@example.com"]
CHATS = 40



@pytest.mark.timeout(900)
def test_two_teams_sharing_agents_under_concurrent_starts(h, request_per_thread) -> None:
    admin = h.staff_token("admin@example.com", "admins")
    agents = sorted(set(BILLING) | set(GENERAL))
    tokens = {a: h.agent_online(a)[0] for a in agents}
    catalog = h.rest("GET", "/settings", token=admin)[1]["inquiryTypeCatalog"]
    billing_type = next(t["id"] for t in catalog if t["name"] == "주문/결제")
    teams = [
        {
            "id": "billing",
            "name": "결제",
            "memberAgentIds": BILLING,
            "inquiryTypes": [billing_type],
            "maxChatsPerAgent": MAX_CHATS,
        },
        {"id": "general", "name": "일반", "memberAgentIds": GENERAL, "inquiryTypes": [], "maxChatsPerAgent": MAX_CHATS},
    ]
    assert h.rest("PUT", "/settings/routing", {"teams": teams}, token=admin)[0] == 200
    version = h.rest("GET", "/widget/availability")[1]["consent"]["version"]

    def start(i: int) -> tuple[int, dict]:
        kind = "주문/결제" if i % 2 else "배송"
        return h.rest(
            "POST",
            "/chats",
            {"consent": True, "consentVersion": version, "customerName": f"고객{i:03d}", "inquiryType": kind},
        )

    with ThreadPoolExecutor(max_workers=12) as pool:
        results = list(pool.map(start, range(CHATS)))
    assert all(status == 201 for status, _ in results), [r for r in results if r[0] != 201][:3]
    chats = [ConversationModel.get(c["conversationId"], consistent_read=True) for _, c in results]
    active = [c for c in chats if c.state == "active"]
    per_agent = Counter(c.agent_id for c in active)
    assert len(active) == len(agents) * MAX_CHATS  # every seat taken: 40 chats for 10 seats
    for agent_id in agents:
        assert per_agent[agent_id] == MAX_CHATS == AgentModel.get(agent_id, consistent_read=True).active_chats
    for chat in active:
        members = BILLING if chat.team_id == "billing" else GENERAL
        assert chat.agent_id in members, (chat.team_id, chat.agent_id)

    queue = h.rest("GET", "/queue", token=tokens[agents[0]])[1]["chats"]
    for team in ("billing", "general"):
        waiting = [c for c in queue if c["teamId"] == team]
        assert [c["position"] for c in waiting] == list(range(1, len(waiting) + 1))
        assert [c["inboundAt"] for c in waiting] == sorted(c["inboundAt"] for c in waiting)
        # FIFO within the team: no waiting chat came in before a chat of its team that was served
        # (give or take the moment between a start reading the clock and its item being stored).
        served = [c.inbound_at for c in active if c.team_id == team]
        assert not waiting or max(served) <= min(c["inboundAt"] for c in waiting) + 1_000

    # Ending chats one at a time: each freed seat takes the head of one of the agent's teams' queues.
    live = sorted(active, key=lambda c: c.inbound_key)
    for conv in live[:6]:
        before = {c["conversationId"]: c for c in h.rest("GET", "/queue", token=tokens[agents[0]])[1]["chats"]}
        assert h.rest("POST", f"/chats/{conv.conversation_id}/end", token=tokens[conv.agent_id])[0] == 200
        after = {c["conversationId"] for c in h.rest("GET", "/queue", token=tokens[agents[0]])[1]["chats"]}
        taken = [before[c] for c in set(before) - after]
        assert len(taken) <= 1 and all(t["position"] == 1 for t in taken)
        assert AgentModel.get(conv.agent_id, consistent_read=True).active_chats <= MAX_CHATS
