"""Transfer through the handlers under moto: REST and WebSocket, and racing transfers and ends of one
chat (threads, as test_race.py): exactly one wins, the others get 409, the counters stay true."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from chalicelib.store.models import AgentModel, ConversationModel


def test_transfer_over_rest_and_websocket(h) -> None:
    first, first_tab = h.agent_online("agent1@example.com", name="김상담")
    chat = h.start_chat()
    customer = h.connected(chat["token"])
    second, second_tab = h.agent_online("agent2@example.com", name="이상담")
    cid = chat["conversationId"]
    status, error = h.rest("POST", f"/chats/{cid}/transfer", {"agentId": "agent1@example.com"}, token=first)
    assert (status, error["code"]) == (400, "transfer_to_self")
    status, error = h.rest("POST", f"/chats/{cid}/transfer", {"agentId": "x", "teamId": "y"}, token=first)
    assert (status, error["code"]) == (400, "invalid_field")
    status, error = h.rest("POST", f"/chats/{cid}/transfer", {"agentId": "agent2@example.com"}, token=second)
    assert (status, error["code"]) == (403, "forbidden")
    assert ConversationModel.get(cid).transfers is None  # refusals changed nothing

    status, view = h.rest("POST", f"/chats/{cid}/transfer", {"agentId": "agent2@example.com", "note": "VIP"},
                          token=first)
    assert (status, view["agentId"], view["agentName"], view["transferCount"]) == (200, "agent2@example.com",
                                                                                 "이상담", 1)
    moved = h.frames_of_type(customer, "chat.transferred")
    assert moved[-1]["agentName"] == "이상담"
    assert h.frames_of_type(second_tab, "chat.assigned")[-1]["transfer"]["note"] == "VIP"
    assert h.frames_of_type(first_tab, "chat.unassigned")[-1]["reason"] == "transferred"

    # Back over the WebSocket; the second agent is the one who may now.
    h.send(second_tab, {"action": "chat.transfer", "conversationId": cid, "agentId": "agent1@example.com"})
    ack = h.frames_of_type(second_tab, "chat.transfer.ack")
    assert ack and ack[-1]["conversation"]["agentId"] == "agent1@example.com"
    status, detail = h.rest("GET", f"/chats/{cid}", token=first)
    assert [hop["toAgentId"] for hop in detail["transfers"]] == ["agent2@example.com", "agent1@example.com"]
    h.send(second_tab, {"action": "chat.transfer", "conversationId": cid, "agentId": "agent1@example.com"})
    errors = h.frames_of_type(second_tab, "error")
    assert errors[-1]["code"] == "conflict"  # moved away from this agent meanwhile



def test_racing_transfers_and_an_end_one_wins(h, request_per_thread) -> None:
    agents = ["agent1@example.com", "agent2@example.com", "agent3@example.com"]
    tokens = {a: h.agent_online(a)[0] for a in agents}
    chats = []
    for _ in range(4):
        chat = h.start_chat()
        chats.append(chat["conversationId"])
    owners = {cid: ConversationModel.get(cid).agent_id for cid in chats}

    def attempt(job: tuple[str, str]) -> tuple[str, str, int]:
        cid, what = job
        owner = owners[cid]
        others = [a for a in agents if a != owner]
        token = tokens[owner]
        if what == "end":
            status, body = h.rest("POST", f"/chats/{cid}/end", token=token)
        else:
            target = others[int(what[-1])]
            status, body = h.rest("POST", f"/chats/{cid}/transfer", {"agentId": target}, token=token)
        assert status != 400, body
        return cid, what, status

    jobs = [(cid, what) for cid in chats for what in ("to0", "to1", "end")]
    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(attempt, jobs))

    by_chat: dict[str, Counter] = {cid: Counter() for cid in chats}
    for cid, _, status in results:
        by_chat[cid][status] += 1
    for cid, counts in by_chat.items():
        assert counts == Counter({200: 1, 409: 2}), (cid, counts, results)
        conv = ConversationModel.get(cid, consistent_read=True)
        assert len(conv.transfers or []) <= 1
        assert (conv.state == "ended") == (conv.transfers is None)
    live = Counter(
        c.agent_id for c in (ConversationModel.get(cid, consistent_read=True) for cid in chats) if c.state == "active"
    )
    for agent_id in agents:
        assert AgentModel.get(agent_id, consistent_read=True).active_chats == live[agent_id]
