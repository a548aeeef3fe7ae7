"""Working tickets on the in-memory store: status, assignee, comments, versions, the filtered list."""

from __future__ import annotations

import pytest

from chalicelib.domain.errors import Conflict, DomainError, Forbidden, InvalidField, StaleVersion, TooLong
from chalicelib.domain.model import Principal, Role
from chalicelib.services import intake, records, ticket_workflow
from tests.services.conftest import World

INQUIRY = {"consent": True, "name": "김고객", "email": "kim@example.com", "inquiryType": "배송", "title": "t",
           "content": "내용"}
START = {"consent": True, "consentVersion": 1, "customerName": "홍길동"}
ADMIN = Principal(role=Role.ADMIN, user_id="admin@example.com")


def test_two_agents_work_a_ticket_to_solved_and_the_slower_one_gets_the_current_state(world: World) -> None:
    alice, bob = world.agent("alice@example.com"), world.agent("bob@example.com")
    ticket_id = records.leave_inquiry(INQUIRY)["ticketId"]
    seen = records.ticket_detail(alice, ticket_id)
    assert (seen["status"], seen["version"], seen["statusLabels"]) == ("open", 0, {"ko": "접수", "en": "Open"})
    started = ticket_workflow.change_ticket(alice, ticket_id, {"version": 0, "status": "in_progress"})
    assert (started["status"], started["assigneeId"], started["version"]) == ("in_progress", alice.user_id, 1)
    with pytest.raises(StaleVersion) as lost:  # bob opened it at version 0 too
        ticket_workflow.change_ticket(bob, ticket_id, {"version": 0, "status": "on_hold", "comment": "보류"})
    body = lost.value.to_body()
    assert body["code"] == "conflict" and body["currentVersion"] == 1
    assert body["current"]["status"] == "in_progress" and body["current"]["assigneeId"] == alice.user_id
    handed = ticket_workflow.change_ticket(bob, ticket_id, {"version": 1, "assigneeId": bob.user_id,
                                                            "comment": "제가 맡겠습니다"})
    solved = ticket_workflow.change_ticket(bob, ticket_id, {"version": handed["version"], "status": "solved"})
    assert (solved["status"], solved["statusLabels"]["ko"], solved["version"]) == ("solved", "완료", 3)
    history = records.ticket_detail(alice, ticket_id)["history"]
    assert [(h["field"], h["from"], h["to"], h["actorId"]) for h in history] == [
        ("status", "open", "in_progress", alice.user_id),
        ("assignee", None, alice.user_id, alice.user_id),
        ("assignee", alice.user_id, bob.user_id, bob.user_id),
        ("comment", None, "제가 맡겠습니다", bob.user_id),
        ("status", "in_progress", "solved", bob.user_id),
    ]
    same = ticket_workflow.change_ticket(bob, ticket_id, {"version": 3, "status": "solved"})  # no change
    assert same["version"] == 3 and len(same["history"]) == 5


def test_bad_changes_are_refused_and_change_nothing(world: World) -> None:
    alice = world.agent("alice@example.com")
    world.agent("gone@example.com")
    world.store.agents.set_disabled("gone@example.com", True, world.clock())
    ticket_id = records.leave_inquiry(INQUIRY)["ticketId"]
    bad_bodies = [
        ({}, InvalidField),
        ({"version": 0}, InvalidField),  # nothing to change
        ({"version": "x", "status": "solved"}, InvalidField),
        ({"version": 0, "status": "done"}, InvalidField),
        ({"version": 0, "status": "solved", "title": "x"}, InvalidField),
        ({"version": 0, "comment": "  "}, InvalidField),
        ({"version": 0, "comment": "가" * 2001}, TooLong),
        ({"version": 0, "assigneeId": "nobody@example.com"}, InvalidField),
        ({"version": 0, "assigneeId": "gone@example.com"}, InvalidField),
        ({"version": 0, "assigneeId": ""}, InvalidField),
        ({"version": 5, "status": "solved"}, Conflict),
    ]
    for body, error in bad_bodies:
        with pytest.raises(error):
            ticket_workflow.change_ticket(alice, ticket_id, body)
    ticket_workflow.change_ticket(alice, ticket_id, {"version": 0, "status": "solved"})
    with pytest.raises(InvalidField):  # solved → on_hold is not a transition
        ticket_workflow.change_ticket(alice, ticket_id, {"version": 1, "status": "on_hold"})
    detail = records.ticket_detail(alice, ticket_id)
    assert (detail["status"], detail["version"], len(detail["history"])) == ("solved", 1, 2)
    customer = Principal(role=Role.CUSTOMER, user_id="c", conversation_id="x")
    with pytest.raises(Forbidden):
        ticket_workflow.change_ticket(customer, ticket_id, {"version": 1, "status": "in_progress"})


def test_a_ticket_of_another_agents_live_chat_is_not_theirs_to_work(world: World) -> None:
    owner = world.agent("alice@example.com")
    chat = intake.start_chat(START)
    made = records.create_ticket_from_chat(owner, chat["conversationId"], INQUIRY)
    other = world.agent("bob@example.com")
    with pytest.raises(Forbidden):
        ticket_workflow.change_ticket(other, made["ticketId"], {"version": 0, "status": "in_progress"})
    by_admin = ticket_workflow.change_ticket(ADMIN, made["ticketId"], {"version": 0, "comment": "관리자 확인"})
    assert by_admin["version"] == 1


def test_the_list_filters_and_pages(world: World) -> None:
    alice, bob = world.agent("alice@example.com"), world.agent("bob@example.com")
    ids = [records.leave_inquiry(INQUIRY)["ticketId"] for _ in range(4)]
    ticket_workflow.change_ticket(alice, ids[0], {"version": 0, "status": "in_progress"})
    ticket_workflow.change_ticket(bob, ids[1], {"version": 0, "status": "in_progress"})
    ticket_workflow.change_ticket(bob, ids[2], {"version": 0, "status": "on_hold", "assigneeId": bob.user_id})

    def listed(**params: str) -> list[str]:
        return [t["ticketId"] for t in records.list_tickets(alice, params)["tickets"]]

    assert listed() == ids[::-1]
    assert listed(status="in_progress") == [ids[1], ids[0]]
    assert listed(assigneeId=bob.user_id) == [ids[2], ids[1]]
    assert listed(assigneeId=bob.user_id, status="on_hold") == [ids[2]]
    assert listed(status="open", channel="inquiry") == [ids[3]]
    assert listed(channel="chat") == []
    created = records.ticket_detail(alice, ids[1])["createdAt"]
    assert listed(**{"from": str(created), "to": str(created)}) == [ids[1]]
    page = records.list_tickets(alice, {"status": "in_progress", "limit": "1"})
    rest = records.list_tickets(alice, {"status": "in_progress", "limit": "1", "cursor": page["nextCursor"]})
    assert [t["ticketId"] for t in rest["tickets"]] == [ids[0]]
    for params in ({"status": "closed"}, {"channel": "email"}, {"from": "9", "to": "1"}, {"limit": "0"},
                   {"assigneeId": "a b"}, {"sort": "asc"}, {"cursor": "garbage"}):
        with pytest.raises(DomainError) as refused:
            records.list_tickets(alice, params)
        assert refused.value.http_status == 400, params


def test_a_stored_change_is_pushed_to_every_staff_tab_after_the_write_and_a_refused_one_is_not(world: World) -> None:
    alice = world.agent("alice@example.com", tab="tab-alice")
    world.agent("bob@example.com", online=False, tab="tab-bob")  # offline consoles still show tickets
    ticket_id = records.leave_inquiry(INQUIRY)["ticketId"]
    world.pusher.take("tab-alice"), world.pusher.take("tab-bob")
    ticket_workflow.change_ticket(alice, ticket_id, {"version": 0, "status": "in_progress"})
    for tab in ("tab-alice", "tab-bob"):
        [frame] = [f for f in world.pusher.take(tab) if f["type"] == "ticket.updated"]
        assert frame["ticket"] == {
            "ticketId": ticket_id, "version": 1, "status": "in_progress", "assigneeId": alice.user_id,
            "updatedAt": frame["ticket"]["updatedAt"], "updatedBy": alice.user_id,
        }
        assert "requesterName" not in frame["ticket"]  # workflow fields only: nothing personal
    # What the push announces is already stored: a read now answers the pushed version.
    assert records.ticket_detail(alice, ticket_id)["version"] == 1
    with pytest.raises(StaleVersion):
        ticket_workflow.change_ticket(alice, ticket_id, {"version": 0, "status": "on_hold"})
    ticket_workflow.change_ticket(alice, ticket_id, {"version": 1, "status": "in_progress"})  # no change
    assert "ticket.updated" not in world.pusher.types("tab-alice") + world.pusher.types("tab-bob")
