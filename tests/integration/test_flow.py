"""The whole S-1…S-7 flow through the handlers: agent online, customer chat, messages, end."""

from __future__ import annotations


def test_customer_and_agent_chat_end_to_end(h):
    token, agent_conn = h.agent_online("agent1@example.com")
    status_frames = h.frames_of_type(agent_conn, "agent.status")
    assert status_frames[-1]["status"] == "online"

    chat = h.start_chat()
    assert chat["state"] == "active"
    assert chat["position"] == 0
    assigned = h.frames_of_type(agent_conn, "chat.assigned")
    assert assigned[0]["conversation"]["conversationId"] == chat["conversationId"]

    customer_conn = h.connected(chat["token"])
    h.send(
        customer_conn,
        {
            "action": "message.send",
            "conversationId": chat["conversationId"],
            "clientMessageId": "c1",
            "text": "안녕하세요 😀",
        },
    )
    ack = h.frames_of_type(customer_conn, "message.ack")[0]
    assert ack["message"]["text"] == "안녕하세요 😀"
    new = h.frames_of_type(agent_conn, "message.new")
    assert [f["message"]["text"] for f in new][-1] == "안녕하세요 😀"

    h.send(
        agent_conn,
        {
            "action": "message.send",
            "conversationId": chat["conversationId"],
            "clientMessageId": "a1",
            "text": "네, 무엇을 도와드릴까요?",
        },
    )
    got = h.frames_of_type(customer_conn, "message.new")
    assert got[-1]["message"]["role"] == "agent"

    status, ended = h.rest("POST", f"/chats/{chat['conversationId']}/end", token=token)
    assert status == 200, ended
    assert ended["state"] == "ended"
    assert h.frames_of_type(customer_conn, "chat.ended")
