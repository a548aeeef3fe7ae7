"""GET /chats/{id}/transfer-targets through the handlers under moto: what the console's 전환 dialog lists
(agents with status, load and the refusal the transfer would get; teams with their waiting count)."""

from __future__ import annotations


def test_transfer_targets_over_rest(h) -> None:
    first, _ = h.agent_online("agent1@example.com", name="김상담")
    chat = h.start_chat()
    second, _ = h.agent_online("agent2@example.com", name="이상담")
    cid = chat["conversationId"]
    status, answer = h.rest("GET", f"/chats/{cid}/transfer-targets", token=first)
    assert status == 200, answer
    lines = {agent["agentId"]: agent for agent in answer["agents"]}
    assert lines["agent1@example.com"]["refusal"] == "transfer_to_self"
    assert lines["agent2@example.com"]["refusal"] is None
    assert (lines["agent2@example.com"]["displayName"], lines["agent2@example.com"]["status"]) == ("이상담", "online")
    assert lines["agent1@example.com"]["activeChats"] == 1
    assert (answer["teams"], answer["waiting"]) == ([], 0)

    # The other agent may not list where someone else's chat could go; a customer neither.
    status, error = h.rest("GET", f"/chats/{cid}/transfer-targets", token=second)
    assert (status, error["code"]) == (403, "forbidden")
    status, error = h.rest("GET", f"/chats/{cid}/transfer-targets", token=chat["token"])
    assert status in (401, 403), error
    status, error = h.rest("GET", "/chats/nope/transfer-targets", token=first)
    assert (status, error["code"]) == (404, "not_found")

    admin = h.staff_token("admin@example.com", "admins")
    status, saved = h.rest(
        "PUT",
        "/settings/routing",
        {
            "teams": [
                {
                    "id": "general",
                    "name": "일반",
                    "memberAgentIds": ["agent1@example.com", "agent2@example.com"],
                    "inquiryTypes": [],
                }
            ]
        },
        token=admin,
    )
    assert status == 200, saved
    status, answer = h.rest("GET", f"/chats/{cid}/transfer-targets", token=admin)
    assert status == 200, answer
    assert answer["teams"] == [{"teamId": "general", "name": "일반", "waiting": 0}]
    assert {a["agentId"]: a["teamIds"] for a in answer["agents"]}["agent2@example.com"] == ["general"]
