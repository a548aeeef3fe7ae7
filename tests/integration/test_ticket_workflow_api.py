"""The ticket workflow through the handlers under moto: PATCH against a version, history, the filtered list."""

from __future__ import annotations


def test_two_agents_work_a_ticket_to_solved_and_the_list_follows(h):
    alice, _ = h.agent_online("alice@example.com")
    bob, _ = h.agent_online("bob@example.com")
    inquiry = {"consent": True, "name": "김고객", "email": "kim@example.com", "inquiryType": "기타",
               "title": "배송 문의", "content": "언제 오나요"}
    status, created = h.rest("POST", "/inquiries", inquiry)
    assert status == 201
    ticket_id = created["ticketId"]
    status, other = h.rest("POST", "/inquiries", inquiry)

    status, started = h.rest("PATCH", f"/tickets/{ticket_id}", {"version": 0, "status": "in_progress"}, token=alice)
    assert status == 200 and (started["assigneeId"], started["version"]) == ("alice@example.com", 1)
    status, lost = h.rest("PATCH", f"/tickets/{ticket_id}", {"version": 0, "status": "on_hold"}, token=bob)
    assert status == 409 and lost["code"] == "conflict" and lost["currentVersion"] == 1
    assert lost["current"]["status"] == "in_progress" and len(lost["current"]["history"]) == 2
    status, bad = h.rest("PATCH", f"/tickets/{ticket_id}", {"version": 1, "status": "closed"}, token=bob)
    assert status == 400 and bad["field"] == "status"
    status, taken = h.rest("PATCH", f"/tickets/{ticket_id}",
                           {"version": 1, "assigneeId": "bob@example.com", "comment": "인계 받음"}, token=bob)
    assert status == 200 and taken["version"] == 2
    status, solved = h.rest("PATCH", f"/tickets/{ticket_id}", {"version": 2, "status": "solved"}, token=bob)
    assert status == 200 and solved["statusLabels"] == {"ko": "완료", "en": "Solved"}

    status, detail = h.rest("GET", f"/tickets/{ticket_id}", token=alice)
    assert [e["field"] for e in detail["history"]] == ["status", "assignee", "assignee", "comment", "status"]
    status, listing = h.rest("GET", "/tickets", token=alice, query={"status": "solved"})
    assert status == 200 and [t["ticketId"] for t in listing["tickets"]] == [ticket_id]
    status, listing = h.rest("GET", "/tickets", token=alice, query={"assigneeId": "bob@example.com",
                                                                    "channel": "inquiry"})
    assert [t["ticketId"] for t in listing["tickets"]] == [ticket_id]
    status, listing = h.rest("GET", "/tickets", token=alice, query={"status": "open", "limit": "1"})
    assert [t["ticketId"] for t in listing["tickets"]] == [other["ticketId"]]
    status, refused = h.rest("GET", "/tickets", token=alice, query={"status": "closed"})
    assert status == 400 and refused["field"] == "status"
    status, unknown = h.rest("PATCH", "/tickets/NOPE", {"version": 0, "status": "solved"}, token=alice)
    assert status == 404
