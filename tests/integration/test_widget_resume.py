"""What the widget needs to resume a conversation with its stored customer token (after a reload)."""

from __future__ import annotations


def test_customer_view_of_own_chat_has_queue_position_while_waiting(h):
    h.agent_online("agent1@example.com")
    h.rest("PUT", "/settings", token=h.staff_token("admin@example.com", group="admins"), body={"maxChatsPerAgent": 1})
    first, second, third = h.start_chat("A"), h.start_chat("B"), h.start_chat("C")
    assert (first["state"], second["position"], third["position"]) == ("active", 1, 2)

    status, view = h.rest("GET", f"/chats/{third['conversationId']}", token=third["token"])
    assert status == 200
    assert (view["state"], view["position"]) == ("waiting", 2)
    assert "customer" not in view and "counsel" not in view  # still the customer's limited view

    status, view = h.rest("GET", f"/chats/{first['conversationId']}", token=first["token"])
    assert (view["state"], "position" in view) == ("active", False)

    h.rest("POST", f"/chats/{second['conversationId']}/end", token=second["token"])
    assert h.rest("GET", f"/chats/{third['conversationId']}", token=third["token"])[1]["position"] == 1
    status, other = h.rest("GET", f"/chats/{second['conversationId']}", token=third["token"])
    assert status == 403 and other["code"] == "forbidden"


def test_customer_view_carries_the_rating_request_text_until_rated(h):
    agent, _ = h.agent_online("agent1@example.com")
    chat = h.start_chat("A")
    path = f"/chats/{chat['conversationId']}"
    assert "ratingRequestText" not in h.rest("GET", path, token=chat["token"])[1]
    h.rest("POST", f"{path}/rating-request", token=agent)
    view = h.rest("GET", path, token=chat["token"])[1]
    assert view["ratingRequestText"] and view["ratingRequestedAt"]
    assert h.rest("POST", f"{path}/rating", {"rating": "satisfied"}, token=chat["token"])[0] == 200
    assert "ratingRequestText" not in h.rest("GET", path, token=chat["token"])[1]
