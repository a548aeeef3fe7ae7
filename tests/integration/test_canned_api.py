"""Canned responses through the handlers under moto: shared and personal, insertion, CSV, limits of input."""

from __future__ import annotations


def test_shared_and_personal_responses_inserted_counted_and_exported(h):
    agent, agent_conn = h.agent_online("agent1@example.com", name="김상담")
    admin = h.staff_token("admin@example.com", "admins")
    chat = h.start_chat("홍길동")
    body = {"title": "인사", "shortcut": "hi", "text": "{{customer.name}}님, {{agent.displayName}}입니다. {{today}}"}
    status, shared = h.rest("POST", "/admin/canned-responses", body, token=admin)
    assert status == 201, shared
    status, refused = h.rest("POST", "/admin/canned-responses", body, token=agent)
    assert status == 403
    status, taken = h.rest("POST", "/admin/canned-responses", {**body, "shortcut": "HI"}, token=admin)
    assert status == 409 and taken["field"] == "shortcut"
    status, bad = h.rest("POST", "/canned-responses", {**body, "text": "{{customer.nmae}}"}, token=agent)
    assert status == 400 and bad["field"] == "text" and "customer.nmae" in bad["message"]
    status, mine = h.rest("POST", "/canned-responses", {**body, "title": "내 인사"}, token=agent)
    assert status == 201 and mine["scope"] == "personal"

    status, listed = h.rest("GET", "/canned-responses", token=agent)
    assert [r["responseId"] for r in listed["shared"]] == [shared["responseId"]]
    assert [r["responseId"] for r in listed["personal"]] == [mine["responseId"]]

    status, used = h.rest("POST", f"/canned-responses/{shared['responseId']}/use",
                          {"conversationId": chat["conversationId"]}, token=agent)
    assert status == 200 and used["text"].startswith("홍길동님, 김상담입니다. ") and used["usageCount"] == 1
    assert "{{" not in used["text"]
    status, admin_list = h.rest("GET", "/admin/canned-responses", token=admin)
    assert admin_list["responses"][0]["usageCount"] == 1

    status, csv_text = h.rest("GET", "/admin/canned-responses/export", token=admin)
    assert status == 200 and csv_text.startswith("\ufeff") and "{{customer.name}}" in csv_text
    status, result = h.rest("POST", "/admin/canned-responses/import",
                            {"csv": csv_text + '"bye","작별","","안녕히 가세요"\r\n'}, token=admin)
    assert status == 200 and result == {"created": 1, "updated": 0, "unchanged": 1}
    status, refused_file = h.rest("POST", "/admin/canned-responses/import", {"csv": "제목\r\nx\r\n"}, token=admin)
    assert status == 400 and refused_file["errors"]
    status, listed = h.rest("GET", "/admin/canned-responses", token=admin)
    ids = [r["responseId"] for r in listed["responses"]]
    status, order = h.rest("PUT", "/admin/canned-responses/order", {"ids": ids[::-1]}, token=admin)
    assert status == 200 and [r["responseId"] for r in order["responses"]] == ids[::-1]
    status, edited = h.rest("PUT", f"/canned-responses/{mine['responseId']}", {"category": "인사말"}, token=agent)
    assert status == 200 and edited["category"] == "인사말"
    status, gone = h.rest("DELETE", f"/canned-responses/{mine['responseId']}", token=agent)
    assert status == 200
    status, missing = h.rest("DELETE", f"/canned-responses/{mine['responseId']}", token=agent)
    assert status == 404

