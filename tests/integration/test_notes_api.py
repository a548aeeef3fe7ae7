"""Internal notes through the handlers under moto: staff see them, the customer's widget never does."""

from __future__ import annotations

import json

SECRET = "내부 메모: 환불 승인 대기"


def _leaks(frames_or_body) -> bool:
    text = json.dumps(frames_or_body, ensure_ascii=False)
    return SECRET in text or '"kind": "note"' in text


def test_a_note_reaches_staff_and_never_the_customer(h):
    agent_token, agent_conn = h.agent_online("agent1@example.com", name="김상담")
    chat = h.start_chat("홍길동")
    conversation_id = chat["conversationId"]
    customer_conn = h.connected(chat["token"])
    h.send(customer_conn, {"action": "message.send", "conversationId": conversation_id, "clientMessageId": "c-1",
                           "text": "환불해 주세요"})
    h.frames(customer_conn)
    h.frames(agent_conn)

    status, note = h.rest("POST", f"/chats/{conversation_id}/notes", {"text": SECRET}, token=agent_token)
    assert status == 201, note
    assert note["kind"] == "note" and note["seq"] == 3
    assert [f["message"]["seq"] for f in h.frames_of_type(agent_conn, "message.new")] == [3]

    status, bad = h.rest("POST", f"/chats/{conversation_id}/notes", {"text": ""}, token=agent_token)
    assert status == 400 and bad["code"] == "invalid_field" and bad["field"] == "text"
    status, refused = h.rest("POST", f"/chats/{conversation_id}/notes", {"text": "x"}, token=chat["token"])
    assert status == 403

    h.send(agent_conn, {"action": "message.send", "conversationId": conversation_id, "clientMessageId": "a-1",
                        "text": "확인해 드릴게요"})
    # The customer: pushes, the WebSocket sync, the REST read, the chat itself.
    h.send(customer_conn, {"action": "messages.sync", "conversationId": conversation_id, "afterSeq": 0})
    pushed = h.frames(customer_conn)
    (batch,) = [f for f in pushed if f["type"] == "messages.batch"]
    assert [m["seq"] for m in batch["messages"]] == [1, 2, 4] and batch["throughSeq"] == 4
    assert not _leaks(pushed)
    status, rest_batch = h.rest("GET", f"/chats/{conversation_id}/messages", token=chat["token"],
                                query={"afterSeq": "2"})
    assert status == 200 and [m["seq"] for m in rest_batch["messages"]] == [4] and not _leaks(rest_batch)
    assert not _leaks(h.rest("GET", f"/chats/{conversation_id}", token=chat["token"])[1])

    # Rating asked, the end, a note after the end, the rating: nothing of a note for the customer.
    assert h.rest("POST", f"/chats/{conversation_id}/rating-request", token=agent_token)[0] == 200
    status, ended = h.rest("POST", f"/chats/{conversation_id}/end", token=chat["token"])
    assert status == 200 and not _leaks(ended)
    status, late = h.rest("POST", f"/chats/{conversation_id}/notes", {"text": SECRET + " 2"}, token=agent_token)
    assert status == 201 and late["seq"] == 6
    status, rated = h.rest("POST", f"/chats/{conversation_id}/rating", {"rating": "satisfied"}, token=chat["token"])
    assert status == 200 and not _leaks(rated)
    assert not _leaks(h.frames(customer_conn))
    status, final = h.rest("GET", f"/chats/{conversation_id}/messages", token=chat["token"], query={"afterSeq": "0"})
    assert status == 200 and not _leaks(final) and final["throughSeq"] == 6

    # Staff: the sync, the transcript and the ticket made from the chat carry both notes.
    status, staff = h.rest("GET", f"/chats/{conversation_id}/messages", token=agent_token, query={"afterSeq": "0"})
    assert [m["seq"] for m in staff["messages"] if m["kind"] == "note"] == [3, 6]
    status, transcript = h.rest("GET", f"/chats/{conversation_id}/transcript", token=agent_token)
    assert status == 200 and [m["text"] for m in transcript["messages"] if m["kind"] == "note"] == [
        SECRET, SECRET + " 2"
    ]


def test_the_export_writes_a_note_with_the_sender_role_note(h):
    from export_support import ExportRig

    rig = ExportRig(h)
    agent_token, agent_conn = h.agent_online("agent1@example.com", name="김상담")
    chat = h.start_chat("홍길동")
    conversation_id = chat["conversationId"]
    h.send(agent_conn, {"action": "message.send", "conversationId": conversation_id, "clientMessageId": "a-1",
                        "text": "안녕하세요"})
    assert h.rest("POST", f"/chats/{conversation_id}/notes", {"text": SECRET}, token=agent_token)[0] == 201
    assert h.rest("POST", f"/chats/{conversation_id}/end", token=agent_token)[0] == 200
    admin = h.staff_token("admin@example.com", group="admins")
    status, accepted = h.rest("POST", "/exports", {}, token=admin)
    assert status == 202, accepted
    rig.run_queue()
    status, job = h.rest("GET", f"/exports/{accepted['exportId']}", token=admin)
    assert job["status"] == "done"
    import urllib.parse

    key = urllib.parse.unquote(urllib.parse.urlparse(job["downloadUrl"]).path.split("/test-exports-bucket/", 1)[-1])
    rows = [list(r) for r in rig.workbook(key.lstrip("/"))["Messages"].iter_rows(min_row=2, values_only=True)]
    notes = [r for r in rows if r[5] == SECRET]
    assert len(notes) == 1 and notes[0][3] == "note" and notes[0][4] == "김상담"
