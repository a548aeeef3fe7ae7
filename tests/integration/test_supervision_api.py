"""Supervision (issue #24) through the handlers under moto: a supervisor lists the live chats,
watches one (its pushes both ways), whispers (the agent hears it, the customer never: push, sync,
REST), stays read-only, takes the chat over (the customer sees the agent change); and a take-over
racing the agent's end: one wins, the other gets 409."""

from __future__ import annotations

import json
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from chalicelib.store.connection_models import ConnectionModel
from chalicelib.store.models import AgentModel, ConversationModel

SUPERVISOR = "supervisor1@example.com"
SUPERVISOR_NAME = "최감독"
WHISPER = "환불 규정 3조를 안내해 주세요"


def _send(h: Any, connection_id: str, conversation_id: str, text: str) -> None:
    h.send(connection_id, {"action": "message.send", "conversationId": conversation_id,
                           "clientMessageId": uuid.uuid4().hex, "text": text})


def _supervisor(h: Any, status: str = "break") -> tuple[str, str]:
    token = h.staff_token(SUPERVISOR, "supervisors", name=SUPERVISOR_NAME)
    tab = h.connected(token)
    h.send(tab, {"action": "status.set", "status": status})  # on break: the queue offers it nothing
    h.frames(tab)
    return token, tab


CHAT_TOKENS: dict[str, str] = {}


def _live_chat(h: Any) -> tuple[str, str, str, str]:
    agent_token, agent_tab = h.agent_online("agent1@example.com", name="김상담")
    chat = h.start_chat("고객가")
    cid = chat["conversationId"]
    CHAT_TOKENS[cid] = chat["token"]
    customer = h.connected(chat["token"])
    _send(h, agent_tab, cid, "무엇을 도와드릴까요?")
    h.frames(agent_tab)
    h.frames(customer)
    return agent_token, agent_tab, cid, customer


def test_supervisor_watches_whispers_and_takes_over(h) -> None:
    agent_token, agent_tab, cid, customer = _live_chat(h)
    token, tab = _supervisor(h)

    status, listing = h.rest("GET", "/supervision/chats", token=token)
    assert status == 200, listing
    row = next(c for c in listing["chats"] if c["conversationId"] == cid)
    assert (row["state"], row["agentId"], row["agentName"]) == ("active", "agent1@example.com", "김상담")
    assert row["waitingMs"] >= 0 and listing["counts"] == {"waiting": 0, "active": 1}
    assert h.rest("GET", "/supervision/chats", token=agent_token)[0] == 403

    h.send(tab, {"action": "chat.watch", "conversationId": cid})
    watching = h.frames_of_type(tab, "chat.watching")
    assert watching and watching[-1]["conversation"]["agentId"] == "agent1@example.com"
    assert [m["text"] for m in watching[-1]["messages"] if m["kind"] == "text"] == ["무엇을 도와드릴까요?"]
    assert ConversationModel.get(cid).watcher_connections == {tab}
    assert ConnectionModel.get(tab).watching == cid

    # Both ways, as they happen.
    _send(h, customer, cid, "환불하고 싶어요")
    _send(h, agent_tab, cid, "주문 번호를 알려 주세요")
    texts = [f["message"]["text"] for f in h.frames_of_type(tab, "message.new")]
    assert texts == ["환불하고 싶어요", "주문 번호를 알려 주세요"]

    # Read-only: no message, no typing, no record edits, no end.
    _send(h, tab, cid, "감독자가 끼어듭니다")
    assert h.frames_of_type(tab, "error")[-1]["code"] == "forbidden"
    assert h.rest("PUT", f"/chats/{cid}/customer", {"name": "바꿈"}, token=token)[0] == 403
    assert h.rest("POST", f"/chats/{cid}/end", {}, token=token)[0] == 403

    # The whisper: the agent's tab and the watcher (once), never the customer.
    status, note = h.rest("POST", f"/chats/{cid}/notes", {"text": WHISPER}, token=token)
    assert status == 201 and note["whisper"] is True and note["kind"] == "note", note
    heard = h.frames_of_type(agent_tab, "message.new")
    assert [f["message"]["text"] for f in heard] == ["환불하고 싶어요", WHISPER]
    assert heard[-1]["message"]["whisper"] is True
    assert [f["message"]["seq"] for f in h.frames_of_type(tab, "message.new")] == [note["seq"]]
    # The agent's own note is a plain note.
    status, own = h.rest("POST", f"/chats/{cid}/notes", {"text": "확인"}, token=agent_token)
    assert status == 201 and "whisper" not in own

    customer_frames = h.frames(customer)
    blob = json.dumps(customer_frames, ensure_ascii=False)
    assert WHISPER not in blob and SUPERVISOR not in blob and "watch" not in blob and "whisper" not in blob
    h.send(customer, {"action": "messages.sync", "conversationId": cid, "afterSeq": 0})
    batch = h.frames_of_type(customer, "messages.batch")[-1]
    assert all(m["kind"] != "note" for m in batch["messages"]) and batch["throughSeq"] == batch["lastSeq"]
    chat_token = CHAT_TOKENS[cid]
    for path in (f"/chats/{cid}", f"/chats/{cid}/messages"):
        status, body = h.rest("GET", path, token=chat_token, query={"afterSeq": "0"} if "messages" in path else None)
        text = json.dumps(body, ensure_ascii=False)
        assert status == 200 and WHISPER not in text and "watch" not in text and SUPERVISOR not in text, body

    # Take over: a transfer to the supervisor; the customer sees the agent change, nothing more.
    status, view = h.rest("POST", f"/chats/{cid}/takeover", {}, token=token)
    assert status == 200, view
    assert (view["agentId"], view["agentName"], view["transferCount"]) == (SUPERVISOR, SUPERVISOR_NAME, 1)
    assert view["agentOpenedAt"] is not None  # on screen: no accept window
    assert view["transfers"][-1]["by"] == SUPERVISOR
    moved = h.frames(customer)
    assert [f["agentName"] for f in moved if f["type"] == "chat.transferred"] == [SUPERVISOR_NAME]
    assert [f["message"]["systemCode"] for f in moved if f["type"] == "message.new"] == ["agent_changed"]
    assert h.frames_of_type(agent_tab, "chat.unassigned")[-1]["reason"] == "transferred"
    assert AgentModel.get(SUPERVISOR).active_chats == 1 and AgentModel.get("agent1@example.com").active_chats == 0
    status, again = h.rest("POST", f"/chats/{cid}/takeover", {}, token=token)
    assert (status, again["code"]) == (400, "transfer_to_self")
    h.frames(tab)
    _send(h, tab, cid, "제가 이어서 도와드리겠습니다")
    assert not h.frames_of_type(tab, "error")
    assert [f["message"]["senderName"] for f in h.frames_of_type(customer, "message.new")] == [SUPERVISOR_NAME]

    # Closing the tab leaves the chat's watchers.
    h.disconnect(tab)
    assert not (ConversationModel.get(cid).watcher_connections or set())


def test_watch_refusals_and_leaving(h) -> None:
    agent_token, agent_tab, cid, customer = _live_chat(h)
    token, tab = _supervisor(h)
    h.send(agent_tab, {"action": "chat.watch", "conversationId": cid})
    assert h.frames_of_type(agent_tab, "error")[-1]["code"] == "forbidden"  # agents never watch
    h.send(customer, {"action": "chat.watch", "conversationId": cid})
    assert h.frames_of_type(customer, "error")[-1]["code"] == "forbidden"
    assert h.rest("POST", f"/chats/{cid}/takeover", {}, token=agent_token)[0] == 403
    h.send(tab, {"action": "chat.watch", "conversationId": "01NOSUCHCHAT"})
    assert h.frames_of_type(tab, "error")[-1]["code"] == "not_found"
    status, error = h.rest("POST", f"/chats/{cid}/takeover", {"agentId": "x"}, token=token)
    assert (status, error["code"], error["field"]) == (400, "invalid_field", "agentId")
    assert ConversationModel.get(cid).watcher_connections is None  # refusals stored nothing

    h.send(tab, {"action": "chat.watch", "conversationId": cid})
    h.send(tab, {"action": "chat.unwatch", "conversationId": cid})
    assert h.frames_of_type(tab, "chat.unwatched")
    _send(h, customer, cid, "아무도 안 보나요")
    assert not h.frames_of_type(tab, "message.new")
    assert not (ConversationModel.get(cid).watcher_connections or set())

    # Closing a watching tab (not the chat's agent's) leaves the chat's watchers: $disconnect reads
    # the connection's `watching`.
    second = h.connected(token)
    h.send(second, {"action": "chat.watch", "conversationId": cid})
    assert ConversationModel.get(cid).watcher_connections == {second}
    h.disconnect(second)
    assert not (ConversationModel.get(cid).watcher_connections or set())

    # An ended chat is read in history, not watched; offline, no take-over.
    assert h.rest("POST", f"/chats/{cid}/end", {}, token=agent_token)[0] == 200
    h.send(tab, {"action": "chat.watch", "conversationId": cid})
    assert h.frames_of_type(tab, "error")[-1]["code"] == "conversation_ended"
    other = h.start_chat("고객나")
    h.send(tab, {"action": "status.set", "status": "offline"})
    status, error = h.rest("POST", f"/chats/{other['conversationId']}/takeover", {}, token=token)
    assert (status, error["code"]) == (409, "agent_unavailable")



def test_take_over_racing_the_agents_end_one_wins(h, request_per_thread) -> None:
    agent_token, _ = h.agent_online("agent1@example.com")
    token, _ = _supervisor(h)
    AgentModel(SUPERVISOR).update(actions=[AgentModel.max_chats.set(10)])
    chats = [h.start_chat()["conversationId"] for _ in range(3)]

    def attempt(job: tuple[str, str]) -> tuple[str, str, int]:
        cid, what = job
        path = f"/chats/{cid}/end" if what == "end" else f"/chats/{cid}/takeover"
        status, body = h.rest("POST", path, {}, token=agent_token if what == "end" else token)
        assert status not in (400, 403), body
        return cid, what, status

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(attempt, [(cid, what) for cid in chats for what in ("end", "takeover")]))
    for cid in chats:
        counts = Counter(status for c, _, status in results if c == cid)
        assert counts == Counter({200: 1, 409: 1}), (cid, results)
        conv = ConversationModel.get(cid, consistent_read=True)
        assert (conv.state == "ended") == (conv.transfers is None), cid
    taken = sum(1 for cid in chats if ConversationModel.get(cid, consistent_read=True).state == "active")
    assert AgentModel.get(SUPERVISOR, consistent_read=True).active_chats == taken
    assert AgentModel.get("agent1@example.com", consistent_read=True).active_chats == 0


def test_a_long_transcript_is_cut_to_one_push_and_the_rest_read_after(h) -> None:
    agent_token, agent_tab, cid, customer = _live_chat(h)
    token, tab = _supervisor(h)
    for n in range(24):
        _send(h, customer if n % 2 else agent_tab, cid, f"{n:02d}" + "가" * 1998)  # ~6 KB each in UTF-8
    h.send(tab, {"action": "chat.watch", "conversationId": cid})
    frames = h.frames_of_type(tab, "chat.watching")
    assert frames, "no chat.watching"
    watching = frames[-1]
    assert len(json.dumps(watching, ensure_ascii=False).encode("utf-8")) < 128 * 1024  # API Gateway's limit
    seqs = [m["seq"] for m in watching["messages"]]
    assert seqs == list(range(1, len(seqs) + 1)) and 5 < len(seqs) < watching["lastSeq"]
    assert watching["hasMore"] is True and watching["throughSeq"] == seqs[-1]
    status, rest = h.rest("GET", f"/chats/{cid}/messages", token=token, query={"afterSeq": str(seqs[-1])})
    assert status == 200 and rest["messages"][-1]["seq"] == watching["lastSeq"], rest
