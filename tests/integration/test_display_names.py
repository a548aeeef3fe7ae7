"""Issue 17 #7: customers see a staff member's display name (or their widget's default), never the
e-mail address the staff member signs in with: in every push and every REST answer a customer token gets."""

from __future__ import annotations

import json
from typing import Any

from chalicelib.bootstrap import store

AGENT = "agent1@example.com"
ADMIN = "admin@example.com"


class CustomerView:
    """Everything one customer receives: REST answers to the customer's token and pushes to the widget."""

    def __init__(self, h: Any) -> None:
        self.h = h
        self.seen: list[Any] = []
        self.chat = h.start_chat()
        self.seen.append(self.chat)
        self.cid = self.chat["conversationId"]
        self.conn = h.connected(self.chat["token"])
        self.transcript: list[dict[str, Any]] = []

    def rest(self, method: str, path: str, body: Any = None) -> Any:
        status, answer = self.h.rest(method, path, body, token=self.chat["token"])
        assert status in (200, 201), answer
        self.seen.append(answer)
        return answer

    def send(self, frame: dict[str, Any]) -> None:
        self.h.send(self.conn, frame)

    def frames(self) -> list[dict[str, Any]]:
        frames = self.h.frames(self.conn)
        self.seen.extend(frames)
        return frames

    def everything(self) -> str:
        self.frames()
        return json.dumps(self.seen, ensure_ascii=False)


def _whole_chat(h: Any, agent_token: str, agent_conn: str) -> CustomerView:
    """A chat through every step a customer takes part in: start, messages both ways, sync, resume,
    rating request and rating, end by the customer."""
    customer = CustomerView(h)
    cid = customer.cid
    customer.send({"action": "message.send", "conversationId": cid, "clientMessageId": "c1", "text": "안녕하세요"})
    h.send(agent_conn, {"action": "message.send", "conversationId": cid, "clientMessageId": "a1", "text": "네 고객님"})
    customer.send({"action": "typing", "conversationId": cid, "isTyping": True})
    h.send(agent_conn, {"action": "typing", "conversationId": cid, "isTyping": True})
    customer.send({"action": "messages.sync", "conversationId": cid, "afterSeq": 0})
    customer.rest("GET", f"/chats/{cid}")
    customer.rest("GET", f"/chats/{cid}/messages")
    status, _ = h.rest("POST", f"/chats/{cid}/rating-request", token=agent_token)
    assert status == 200
    customer.rest("GET", f"/chats/{cid}")  # the widget resuming after a reload
    customer.rest("POST", f"/chats/{cid}/rating", {"rating": "satisfied", "comment": "감사합니다"})
    customer.rest("POST", f"/chats/{cid}/end")
    customer.transcript = customer.rest("GET", f"/chats/{cid}/messages")["messages"]
    return customer


def _agent_messages(customer: CustomerView) -> list[dict[str, Any]]:
    return customer.transcript


def test_an_agent_without_a_display_name_is_never_shown_by_e_mail(h) -> None:
    token, agent_conn = h.agent_online(AGENT)
    customer = _whole_chat(h, token, agent_conn)
    everything = customer.everything()
    assert AGENT not in everything
    assert "@" not in everything  # nor any other address (the customer gave none)
    messages = _agent_messages(customer)
    joined = next(m for m in messages if m["systemCode"] == "agent_joined")
    assert joined["text"] == "상담원이 상담을 시작했습니다."
    reply = next(m for m in messages if m["role"] == "agent")
    assert reply["senderName"] is None  # the widget shows its default, 상담원 / Agent
    assert customer.chat["agentName"] is None


def test_a_display_name_is_what_customers_see(h) -> None:
    token, agent_conn = h.agent_online(AGENT, name="김상담")
    customer = _whole_chat(h, token, agent_conn)
    everything = customer.everything()
    assert AGENT not in everything
    messages = _agent_messages(customer)
    joined = next(m for m in messages if m["systemCode"] == "agent_joined")
    assert joined["text"] == "상담원 김상담님이 상담을 시작했습니다."
    assert next(m for m in messages if m["role"] == "agent")["senderName"] == "김상담"
    assert customer.chat["agentName"] == "김상담"
    status, me = h.rest("GET", "/me", token=token)
    assert status == 200 and me["displayName"] == "김상담" and me["email"] == AGENT

    # Removed, it stays removed, though the token was issued with the name and is used again.
    status, me = h.rest("PUT", "/me/profile", {"displayName": None}, token=token)
    assert status == 200 and me["displayName"] is None
    h.connected(token)
    assert h.rest("GET", "/me", token=token)[1]["displayName"] is None
    assert CustomerView(h).chat["agentName"] is None


def test_an_e_mail_stored_as_the_name_before_display_names_is_not_shown(h) -> None:
    """Agent items written by the old code held the e-mail as display_name."""
    token, agent_conn = h.agent_online(AGENT)
    store().agents.set_display_name(AGENT, AGENT)
    customer = _whole_chat(h, token, agent_conn)
    assert AGENT not in customer.everything()


def test_messages_stored_with_the_e_mail_before_display_names_do_not_show_it(h) -> None:
    """The old code stored the e-mail as the agent's sender name and in the join line."""
    _, agent_conn = h.agent_online(AGENT)
    customer = CustomerView(h)
    reply = {"action": "message.send", "conversationId": customer.cid, "clientMessageId": "a1", "text": "네"}
    h.send(agent_conn, reply)
    old = []
    for message in store().messages.transcript(customer.cid):
        if message.sender_role == "agent":
            message.sender_name = AGENT
        elif message.system_code == "agent_joined":
            message.text = f"상담원 {AGENT}님이 상담을 시작했습니다."
        old.append(message)
    store().bulk.save_all(old)  # as the old code stored them
    messages = customer.rest("GET", f"/chats/{customer.cid}/messages")["messages"]
    customer.send({"action": "messages.sync", "conversationId": customer.cid, "afterSeq": 0})
    assert AGENT not in customer.everything()
    assert messages[0]["text"] == "상담원이 상담을 시작했습니다."
    assert [m["senderName"] for m in messages if m["role"] == "agent"] == [None]


def test_an_agent_renames_themselves_and_open_chats_follow(h) -> None:
    token, agent_conn = h.agent_online(AGENT)
    customer = CustomerView(h)
    cid = customer.cid
    h.frames(agent_conn)
    status, me = h.rest("PUT", "/me/profile", {"displayName": "  박상담  "}, token=token)
    assert status == 200, me
    assert me["displayName"] == "박상담"
    [pushed] = h.frames_of_type(agent_conn, "agent.status")  # the console header of every tab
    assert pushed["displayName"] == "박상담"
    h.send(agent_conn, {"action": "message.send", "conversationId": cid, "clientMessageId": "a1", "text": "안녕하세요"})
    [new] = [f for f in customer.frames() if f["type"] == "message.new" and f["message"]["role"] == "agent"]
    assert new["message"]["senderName"] == "박상담"
    assert customer.rest("GET", f"/chats/{cid}")["agentName"] == "박상담"
    # the directory has it too: the next sign-in's token carries it
    user = h.cognito.admin_get_user(UserPoolId=h.pool_id, Username=AGENT)
    assert {"Name": "name", "Value": "박상담"} in user["UserAttributes"]

    status, error = h.rest("PUT", "/me/profile", {"displayName": "me@example.com"}, token=token)
    assert (status, error["code"]) == (400, "invalid_field") and "displayName" in error["message"]
    status, error = h.rest("PUT", "/me/profile", {"displayName": "x" * 101}, token=token)
    assert (status, error["code"]) == (400, "too_long")
    status, error = h.rest("PUT", "/me/profile", {}, token=token)
    assert status == 400
    assert h.rest("GET", "/me", token=token)[1]["displayName"] == "박상담"  # refused changes changed nothing

    status, me = h.rest("PUT", "/me/profile", {"displayName": None}, token=token)
    assert status == 200 and me["displayName"] is None
    h.send(agent_conn, {"action": "message.send", "conversationId": cid, "clientMessageId": "a2", "text": "네"})
    [new] = [f for f in customer.frames() if f["type"] == "message.new" and f["message"]["role"] == "agent"]
    assert new["message"]["senderName"] is None
    assert AGENT not in customer.everything()


def test_customers_cannot_set_a_display_name(h) -> None:
    h.agent_online(AGENT)
    customer = CustomerView(h)
    status, _ = h.rest("PUT", "/me/profile", {"displayName": "해커"}, token=customer.chat["token"])
    assert status in (401, 403)


def test_the_admin_sets_display_names_on_invite_and_later(h) -> None:
    admin = h.staff_token(ADMIN, "admins")
    invite = {"email": "new@example.com", "displayName": "최상담"}
    status, invited = h.rest("POST", "/admin/agents", invite, token=admin)
    assert status == 201 and invited["displayName"] == "최상담"
    status, error = h.rest(
        "POST", "/admin/agents", {"email": "other@example.com", "displayName": "other@example.com"}, token=admin
    )
    assert status == 400 and "displayName" in error["message"]

    token, _ = h.agent_online(AGENT)
    path = f"/admin/agents/{AGENT}/display-name"
    status, account = h.rest("PUT", path, {"displayName": "정상담"}, token=admin)
    assert status == 200 and account["displayName"] == "정상담"
    listed = {a["agentId"]: a for a in h.rest("GET", "/admin/agents", token=admin)[1]["accounts"]}
    assert listed[AGENT]["displayName"] == "정상담" and listed["new@example.com"]["displayName"] == "최상담"
    assert h.rest("GET", "/me", token=token)[1]["displayName"] == "정상담"

    status, error = h.rest("PUT", path, {"displayName": "a@b.kr"}, token=admin)
    assert (status, error["code"]) == (400, "invalid_field")
    status, _ = h.rest("PUT", path, {"displayName": "정상담"}, token=token)  # an agent is not an admin
    assert status == 403
    assert h.rest("GET", "/me", token=token)[1]["displayName"] == "정상담"

    status, account = h.rest("PUT", path, {"displayName": None}, token=admin)
    assert status == 200 and account["displayName"] is None
    customer = CustomerView(h)
    assert customer.chat["agentName"] is None
    assert AGENT not in customer.everything()
