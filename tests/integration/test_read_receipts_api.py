"""Read receipts through the WebSocket handler under moto: pushed to the other side, one write per window."""

from __future__ import annotations

from chalicelib.store.models import ConversationModel


def test_a_read_is_stored_once_per_window_and_pushed_to_the_other_side(h):
    agent_token, agent_conn = h.agent_online("agent1@example.com")
    chat = h.start_chat("홍길동")
    conversation_id = chat["conversationId"]
    customer_conn = h.connected(chat["token"])
    h.send(customer_conn, {"action": "message.send", "conversationId": conversation_id, "clientMessageId": "c-1",
                           "text": "안녕하세요"})
    h.frames(agent_conn)
    h.frames(customer_conn)

    h.send(agent_conn, {"action": "read", "conversationId": conversation_id, "seq": 2})
    (ack,) = h.frames_of_type(agent_conn, "read.ack")
    assert (ack["seq"], ack["outcome"]) == (2, "written")
    assert h.frames_of_type(customer_conn, "read") == [
        {"type": "read", "conversationId": conversation_id, "side": "agent", "seq": 2}
    ]
    stored = ConversationModel.get(conversation_id)
    assert stored.agent_read.seq == 2 and stored.customer_read is None

    h.send(customer_conn, {"action": "read", "conversationId": conversation_id, "seq": 2})
    assert h.frames_of_type(customer_conn, "read.ack")[0]["outcome"] == "written"
    assert h.frames_of_type(agent_conn, "read")[0]["side"] == "customer"
    h.send(customer_conn, {"action": "read", "conversationId": conversation_id, "seq": 1})
    assert h.frames_of_type(customer_conn, "read.ack")[0]["outcome"] == "already_read"

    h.send(agent_conn, {"action": "read", "conversationId": conversation_id, "seq": "two"})
    (error,) = h.frames_of_type(agent_conn, "error")
    assert error["code"] == "invalid_field" and error["action"] == "read"
    status, view = h.rest("GET", f"/chats/{conversation_id}", token=chat["token"])
    assert view["reads"] == {"customer": 2, "agent": 2}
