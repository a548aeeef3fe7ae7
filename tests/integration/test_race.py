"""Assignment under concurrency: the maximum holds, the queue is FIFO, ending drains it in order."""

from __future__ import annotations

import os
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from chalicelib.bootstrap import store

AGENTS = 20
MAX_CHATS = 3
CHATS = int(os.environ.get("RACE_CHATS", "200"))  # smaller values only for local iteration


@pytest.mark.timeout(1500)  # moto deep-copies whole tables per transaction: slow here, O(1) on DynamoDB
def test_200_concurrent_starts_against_20_agents(h):
    agents = [f"agent{i:02d}@example.com" for i in range(AGENTS)]
    tokens = {a: h.agent_online(a)[0] for a in agents}
    availability = h.rest("GET", "/widget/availability")[1]
    body = {"consent": True, "consentVersion": availability["consent"]["version"]}

    def start(i: int) -> tuple[int, dict]:
        return h.rest("POST", "/chats", {**body, "customerName": f"고객{i:03d}"})

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(start, range(CHATS)))

    assert all(status == 201 for status, _ in results), [r for r in results if r[0] != 201][:3]
    conversations = [store().conversations.get(chat["conversationId"]) for _, chat in results]
    active = [c for c in conversations if c.state == "active"]
    waiting = [c for c in conversations if c.state == "waiting"]
    assert len(active) == AGENTS * MAX_CHATS
    assert len(waiting) == CHATS - AGENTS * MAX_CHATS

    per_agent = Counter(c.agent_id for c in active)
    assert set(per_agent) == set(agents)
    assert max(per_agent.values()) == MAX_CHATS
    for agent_id in agents:
        # The stored counter reconciles with the chats actually assigned.
        assert store().agents.get(agent_id).active_chats == per_agent[agent_id] == MAX_CHATS

    queue = store().queues.waiting()
    assert [c.conversation_id for c in queue] == [
        c.conversation_id for c in sorted(waiting, key=lambda c: c.queued_key)
    ]
    positions = [store().queues.queue_position(c) for c in queue]
    assert positions == list(range(1, len(waiting) + 1))

    # Ending chats one at a time hands the freed seat to the oldest waiting chat each time.
    expected_order = [c.conversation_id for c in queue]
    assigned_order: list[str] = []
    live = sorted(active, key=lambda c: (c.inbound_at, c.conversation_id))
    while live:
        conv = live.pop(0)
        status, _ = h.rest("POST", f"/chats/{conv.conversation_id}/end", token=tokens[conv.agent_id])
        assert status == 200
        fresh = [c for c in store().queues.live_of(conv.agent_id) if c.assigned_at]
        newly = [c for c in fresh if c.conversation_id in expected_order and c.conversation_id not in assigned_order]
        assert len(newly) <= 1
        for c in newly:
            assigned_order.append(c.conversation_id)
            live.append(c)
        assert store().agents.get(conv.agent_id).active_chats <= MAX_CHATS
    assert assigned_order == expected_order
    assert store().queues.queue_length() == 0
    assert all(store().agents.get(a).active_chats == 0 for a in agents)
