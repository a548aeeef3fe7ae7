"""Items 3-11 of the chat core: auth, presence, intake, assignment, messages, records, history, settings."""

from __future__ import annotations

import time
from urllib.parse import quote

import jwt
import pytest

from chalicelib import bootstrap
from chalicelib.bootstrap import store
from chalicelib.store.connection_models import ConnectionModel
from chalicelib.store.models import ConversationModel


def _connections() -> int:
    return sum(1 for _ in ConnectionModel.scan())  # test-only count


# --- 3. sign-in ----------------------------------------------------------------------------


def test_connect_rejects_missing_forged_and_expired_tokens(h):
    good = h.staff_token("agent1@example.com")
    header, payload, signature = good.split(".")
    tampered = ".".join([header, payload[:-4] + ("AAAA" if payload[-4:] != "AAAA" else "BBBB"), signature])
    claims = jwt.decode(good, options={"verify_signature": False})
    expired_customer = jwt.encode(
        {"iss": "livechat", "sub": "x", "conv": "c", "typ": "customer", "exp": int(time.time()) - 60},
        __import__("os").environ["CUSTOMER_TOKEN_SECRET"],
        algorithm="HS256",
    )
    wrong_secret = jwt.encode(
        {"iss": "livechat", "sub": "x", "conv": "c", "typ": "customer", "exp": int(time.time()) + 60},
        "not-the-secret",
        algorithm="HS256",
    )
    from cryptography.hazmat.primitives.asymmetric import rsa

    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    resigned = jwt.encode(claims, other_key, algorithm="RS256", headers={"kid": "dummy"})
    for token in [None, "", "garbage", tampered, expired_customer, wrong_secret, resigned]:
        _, result = h.connect(token)
        assert result["statusCode"] == 401, (token, result)
    assert _connections() == 0


def test_user_in_no_group_is_refused_and_access_token_works(h):
    _, result = h.connect(h.staff_token("nobody@example.com", group=None))
    assert result["statusCode"] == 403
    assert _connections() == 0
    access = h.staff_token("agent1@example.com", token_use="access")
    status, me = h.rest("GET", "/me", token=access)
    assert status == 200 and me["agentId"] == "agent1@example.com"


def test_customer_token_is_scoped_to_its_conversation(h):
    h.agent_online("agent1@example.com")
    first, second = h.start_chat("A"), h.start_chat("B")
    status, body = h.rest("GET", f"/chats/{second['conversationId']}/messages", token=first["token"])
    assert status == 403 and body["code"] == "forbidden"
    conn = h.connected(first["token"])
    h.send(
        conn,
        {"action": "message.send", "conversationId": second["conversationId"], "clientMessageId": "x", "text": "hi"},
    )
    assert h.frames_of_type(conn, "error")[0]["code"] == "forbidden"
    assert store().messages.by_client_id(second["conversationId"], "x") is None  # nothing stored


# --- 4. presence ---------------------------------------------------------------------------


def test_new_agent_starts_offline_and_all_tabs_see_status(h):
    token = h.staff_token("agent1@example.com")
    tab1, tab2 = h.connected(token), h.connected(token)
    assert h.rest("GET", "/me", token=token)[1]["status"] == "offline"
    h.send(tab1, {"action": "status.set", "status": "break"})
    assert h.frames_of_type(tab1, "agent.status")[-1]["status"] == "break"
    assert h.frames_of_type(tab2, "agent.status")[-1]["status"] == "break"
    assert h.rest("GET", "/me", token=token)[1]["status"] == "break"
    h.send(tab2, {"action": "status.set", "status": "sleeping"})
    assert h.frames_of_type(tab2, "error")[0]["code"] == "invalid_field"
    assert h.rest("GET", "/me", token=token)[1]["status"] == "break"


# --- 5. intake -----------------------------------------------------------------------------


def test_nobody_online_refuses_chat_and_takes_inquiry(h):
    status, availability = h.rest("GET", "/widget/availability")
    assert status == 200 and availability["agentsOnline"] is False and availability["enabled"] is True
    assert availability["consent"]["text"]
    body = {"consent": True, "consentVersion": availability["consent"]["version"]}
    status, error = h.rest("POST", "/chats", body)
    assert status == 409 and error["code"] == "conflict"
    assert sum(1 for _ in ConversationModel.scan()) == 0
    inquiry = {
        "consent": True,
        "name": "홍길동",
        "email": "hong@example.com",
        "inquiryType": availability["inquiryTypes"][0],
        "title": "환불",
        "content": "환불 문의드립니다",
    }
    status, created = h.rest("POST", "/inquiries", inquiry)
    assert status == 201
    assert bootstrap.store().tickets.get(created["ticketId"]).channel == "inquiry"
    status, error = h.rest("POST", "/inquiries", {**inquiry, "email": "not-an-email"})
    assert status == 400 and error["code"] == "invalid_field"
    status, error = h.rest("POST", "/inquiries", {**inquiry, "inquiryType": "없는 유형"})
    assert status == 400


def test_chat_needs_consent_and_current_version(h):
    h.agent_online("agent1@example.com")
    version = h.rest("GET", "/widget/availability")[1]["consent"]["version"]
    assert h.rest("POST", "/chats", {"consent": False, "consentVersion": version})[0] == 400
    assert h.rest("POST", "/chats", {"consentVersion": version})[0] == 400
    assert h.rest("POST", "/chats", {"consent": True, "consentVersion": version + 1})[0] == 409
    assert sum(1 for _ in ConversationModel.scan()) == 0
    chat = h.start_chat()
    stored = ConversationModel.get(chat["conversationId"])
    assert stored.consent_version == version and stored.consented_at > 0


# --- 6. assignment -------------------------------------------------------------------------


def test_queue_positions_and_unanswered_chats_return_on_break(h):
    token, agent_conn = h.agent_online("agent1@example.com")
    _, watcher = h.agent_online("agent4@example.com")  # online, and full from the start
    admin = h.staff_token("admin@example.com", group="admins")
    assert (
        h.rest(
            "PUT",
            f"/admin/agents/{quote('agent4@example.com')}/chat-permission",
            {"chatPermission": False},
            token=admin,
        )[0]
        == 200
    )
    h.frames(watcher)
    chats = [h.start_chat(f"c{i}") for i in range(5)]
    assert [c["state"] for c in chats] == ["active"] * 3 + ["waiting"] * 2
    assert [c["position"] for c in chats[3:]] == [1, 2]
    # Chats taken at once leave the queue as it was: online agents hear only of the two that wait.
    assert [f["waiting"] for f in h.frames_of_type(watcher, "queue.changed")] == [1, 2]
    waiting_conn = h.connected(chats[4]["token"])
    # The agent answers chat 0 only, then takes a break: chats 1 and 2 go back to the queue first.
    h.send(
        agent_conn,
        {
            "action": "message.send",
            "conversationId": chats[0]["conversationId"],
            "clientMessageId": "a1",
            "text": "안녕하세요",
        },
    )
    h.send(agent_conn, {"action": "status.set", "status": "break"})
    states = {c["conversationId"]: ConversationModel.get(c["conversationId"]).state for c in chats}
    assert [states[c["conversationId"]] for c in chats] == ["active", "waiting", "waiting", "waiting", "waiting"]
    queued = h.frames_of_type(waiting_conn, "chat.queued")
    assert queued[-1]["position"] == 4  # chats 1 and 2 are older and went back ahead of it
    unassigned = {f["conversationId"] for f in h.frames_of_type(agent_conn, "chat.unassigned")}
    assert unassigned == {chats[1]["conversationId"], chats[2]["conversationId"]}
    # A second agent comes online and takes the oldest waiting chats first.
    h.agent_online("agent2@example.com")
    assert ConversationModel.get(chats[1]["conversationId"]).agent_id == "agent2@example.com"
    assert ConversationModel.get(chats[4]["conversationId"]).state == "waiting"
    # Raising the maximum assigns at once.
    assert h.rest("PUT", "/settings", {"maxChatsPerAgent": 4}, token=admin)[0] == 200
    assert ConversationModel.get(chats[4]["conversationId"]).state == "active"
    assert h.frames_of_type(waiting_conn, "chat.started")


# --- 7. messages ---------------------------------------------------------------------------


def test_resend_returns_stored_message_and_sync_fills_gaps(h):
    token, agent_conn = h.agent_online("agent1@example.com")
    chat = h.start_chat()
    conn = h.connected(chat["token"])
    frame = {
        "action": "message.send",
        "conversationId": chat["conversationId"],
        "clientMessageId": "m-1",
        "text": "첫 메시지",
    }
    h.send(conn, frame)
    h.send(conn, frame)
    acks = h.frames_of_type(conn, "message.ack")
    assert len(acks) == 2 and acks[0]["message"]["seq"] == acks[1]["message"]["seq"]
    for i in range(3):
        h.send(agent_conn, {**frame, "clientMessageId": f"a-{i}", "text": f"답변 {i}"})
    status, page = h.rest(
        "GET", f"/chats/{chat['conversationId']}/messages", token=chat["token"], query={"afterSeq": "0"}
    )
    seqs = [m["seq"] for m in page["messages"]]
    assert seqs == list(range(1, len(seqs) + 1))
    texts = [m["text"] for m in page["messages"] if m["kind"] == "text"]
    assert texts == ["첫 메시지", "답변 0", "답변 1", "답변 2"]
    h.send(conn, {"action": "messages.sync", "conversationId": chat["conversationId"], "afterSeq": seqs[-2]})
    batch = h.frames_of_type(conn, "messages.batch")[0]
    assert [m["seq"] for m in batch["messages"]] == [seqs[-1]] and batch["lastSeq"] == seqs[-1]


def test_typing_is_pushed_not_stored(h):
    token, agent_conn = h.agent_online("agent1@example.com")
    chat = h.start_chat()
    conn = h.connected(chat["token"])
    before = ConversationModel.get(chat["conversationId"]).last_seq
    h.send(conn, {"action": "typing", "conversationId": chat["conversationId"], "isTyping": True})
    assert h.frames_of_type(agent_conn, "typing")[0]["isTyping"] is True
    assert ConversationModel.get(chat["conversationId"]).last_seq == before


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("not json", "bad_json"),
        ("[1,2]", "bad_json"),
        ({"action": "dance"}, "unknown_action"),
        ({"text": "no action"}, "unknown_action"),
        ({"action": "message.send", "clientMessageId": "x", "text": "hi"}, "invalid_field"),
        ({"action": "message.send", "conversationId": 5, "clientMessageId": "x", "text": "hi"}, "invalid_field"),
        ({"action": "message.send", "conversationId": "C", "clientMessageId": "x", "text": "a" * 2001}, "too_long"),
        ({"action": "message.send", "conversationId": "C", "clientMessageId": "x", "text": "   "}, "invalid_field"),
        ({"action": "messages.sync", "conversationId": "C", "afterSeq": -1}, "invalid_field"),
    ],
)
def test_bad_frames_get_error_frames_and_store_nothing(h, frame, code):
    h.agent_online("agent1@example.com")
    chat = h.start_chat()
    conn = h.connected(chat["token"])
    if isinstance(frame, dict) and frame.get("conversationId") == "C":
        frame = {**frame, "conversationId": chat["conversationId"]}
    before = ConversationModel.get(chat["conversationId"]).last_seq
    result = h.send(conn, frame)
    assert result["statusCode"] == 200
    errors = h.frames_of_type(conn, "error")
    assert [e["code"] for e in errors] == [code]
    assert ConversationModel.get(chat["conversationId"]).last_seq == before


def test_customer_and_counsel_info_validated_and_saved(h):
    token, agent_conn = h.agent_online("agent1@example.com")
    chat = h.start_chat()
    cid = chat["conversationId"]
    info = {"name": "김철수", "email": "kim@example.com", "phone": "010-1234-5678", "memo": "VIP"}
    status, saved = h.rest("PUT", f"/chats/{cid}/customer", info, token=token)
    assert status == 200 and saved["customer"] == info
    assert h.frames_of_type(agent_conn, "chat.updated")
    status, error = h.rest("PUT", f"/chats/{cid}/customer", {**info, "phone": "call me"}, token=token)
    assert status == 400 and ConversationModel.get(cid).customer_phone == "010-1234-5678"
    settings = h.rest("GET", "/settings", token=token)[1]
    counsel = {
        "inquiryType": settings["inquiryTypes"][1],
        "processingType": settings["processingTypes"][0],
        "note": "메모",
    }
    assert h.rest("PUT", f"/chats/{cid}/counsel", counsel, token=token)[1]["counsel"] == counsel
    assert h.rest("PUT", f"/chats/{cid}/counsel", {"processingType": "없음"}, token=token)[0] == 400
    other = h.staff_token("agent2@example.com")
    assert h.rest("PUT", f"/chats/{cid}/customer", info, token=other)[0] == 403
    assert h.rest("PUT", f"/chats/{cid}/customer", info, token=chat["token"])[0] == 403


# --- 8, 9. tickets, rating, end ------------------------------------------------------------


def test_ticket_rating_and_end(h):
    token, agent_conn = h.agent_online("agent1@example.com")
    chat = h.start_chat()
    cid = chat["conversationId"]
    conn = h.connected(chat["token"])
    h.send(conn, {"action": "message.send", "conversationId": cid, "clientMessageId": "q", "text": "배송이 늦어요"})
    inquiry_type = h.rest("GET", "/settings", token=token)[1]["inquiryTypes"][2]
    status, ticket = h.rest(
        "POST",
        f"/chats/{cid}/tickets",
        {"inquiryType": inquiry_type, "title": "배송 지연", "content": "확인 필요"},
        token=token,
    )
    assert status == 201 and ticket["channel"] == "chat"
    detail = h.rest("GET", f"/tickets/{ticket['ticketId']}", token=token)[1]
    assert "배송이 늦어요" in [m["text"] for m in detail["transcript"]]
    listed = h.rest("GET", "/tickets", token=token, query={"channel": "chat"})[1]["tickets"]
    assert [t["ticketId"] for t in listed] == [ticket["ticketId"]]
    assert h.rest("GET", "/tickets", token=token, query={"channel": "inquiry"})[1]["tickets"] == []

    assert h.rest("POST", f"/chats/{cid}/rating-request", token=token)[0] == 200
    assert h.frames_of_type(conn, "rating.requested")[0]["text"]
    assert h.rest("POST", f"/chats/{cid}/rating", {"rating": "great"}, token=chat["token"])[0] == 400
    status, _ = h.rest(
        "POST", f"/chats/{cid}/rating", {"rating": "satisfied", "comment": "친절해요"}, token=chat["token"]
    )
    assert status == 200
    assert h.frames_of_type(agent_conn, "rating.submitted")[0]["rating"] == "satisfied"
    assert h.rest("POST", f"/chats/{cid}/rating", {"rating": "dissatisfied"}, token=chat["token"])[0] == 409
    assert ConversationModel.get(cid).rating == "satisfied"

    other = h.staff_token("agent2@example.com")
    assert h.rest("POST", f"/chats/{cid}/end", token=other)[0] == 403
    status, ended = h.rest("POST", f"/chats/{cid}/end", token=token)
    assert status == 200 and ended["endedBy"] == "agent"
    assert h.frames_of_type(conn, "chat.ended")[0]["endedBy"] == "agent"
    assert h.rest("GET", "/agent/chats", token=token)[1]["chats"] == []
    h.send(conn, {"action": "message.send", "conversationId": cid, "clientMessageId": "late", "text": "또"})
    assert h.frames_of_type(conn, "error")[0]["code"] == "conversation_ended"
    # After the end, records stay editable from history, by any agent.
    assert h.rest("PUT", f"/chats/{cid}/customer", {"memo": "후속 연락"}, token=other)[0] == 200
    assert h.rest("POST", f"/chats/{cid}/end", token=token)[0] == 409


# --- 10. history ---------------------------------------------------------------------------


def test_history_filters_and_cursor_pages(h):
    token, agent_conn = h.agent_online("agent1@example.com")
    ids = []
    for i in range(7):
        chat = h.start_chat(f"Kim{i}" if i % 2 else f"Lee{i}")
        ids.append(chat["conversationId"])
        if i < 3:
            h.send(
                agent_conn,
                {
                    "action": "message.send",
                    "conversationId": chat["conversationId"],
                    "clientMessageId": f"r{i}",
                    "text": "답변",
                },
            )
        if i < 3:
            h.rest("POST", f"/chats/{chat['conversationId']}/end", token=token)
    seen, cursor = [], None
    while True:
        query = {"limit": "2", **({"cursor": cursor} if cursor else {})}
        status, page = h.rest("GET", "/history", token=token, query=query)
        assert status == 200
        seen += [row["conversationId"] for row in page["items"]]
        cursor = page["nextCursor"]
        if not cursor:
            break
    assert seen == list(reversed(ids))
    handled = h.rest("GET", "/history", token=token, query={"status": "handled"})[1]["items"]
    assert {r["conversationId"] for r in handled} == set(ids[:3])
    assert all(r["status"] == "handled" and r["firstResponseSeconds"] is not None for r in handled)
    kims = h.rest("GET", "/history", token=token, query={"userName": "kim"})[1]["items"]
    assert {r["userName"] for r in kims} == {"Kim1", "Kim3", "Kim5"}
    by_agent = h.rest("GET", "/history", token=token, query={"agentId": "agent1@example.com"})[1]["items"]
    assert len(by_agent) == 6  # three ended, which freed seats for three more; the seventh waits
    assert h.rest("GET", "/history", token=token, query={"status": "maybe"})[0] == 400
    assert h.rest("GET", "/history", token=token, query={"cursor": "!!!"})[0] == 400
    assert h.rest("GET", "/history", token=ids and None)[0] == 401


# --- 11. settings --------------------------------------------------------------------------


def test_settings_admin_only_validated_and_versioned(h):
    agent = h.staff_token("agent1@example.com")
    admin = h.staff_token("admin@example.com", group="admins")
    assert h.rest("PUT", "/settings", {"greeting": "hi"}, token=agent)[0] == 403
    before = h.rest("GET", "/settings", token=admin)[1]
    for bad in [
        {"maxChatsPerAgent": 0},
        {"chatEnabled": "yes"},
        {"inquiryTypes": []},
        {"nope": 1},
        {"inquiryTypes": ["a", "a"]},
        {"greeting": "x" * 1001},
    ]:
        status, body = h.rest("PUT", "/settings", bad, token=admin)
        assert status == 400, bad
    assert h.rest("GET", "/settings", token=admin)[1] == before
    status, after = h.rest("PUT", "/settings", {"consentText": "새 동의 문구", "absenceMessage": "부재중"}, token=admin)
    assert status == 200 and after["consentVersion"] == before["consentVersion"] + 1
    public = h.rest("GET", "/widget/availability")[1]
    assert public["consent"]["version"] == after["consentVersion"] and public["consent"]["text"] == "새 동의 문구"
    assert public["absenceMessage"] == "부재중"
    assert h.rest("PUT", "/settings", {"chatEnabled": False}, token=admin)[0] == 200
    assert h.rest("GET", "/widget/availability")[1]["enabled"] is False
