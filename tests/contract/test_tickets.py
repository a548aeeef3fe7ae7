"""Tickets: created once, read back whole, listed newest first a page at a time."""

from __future__ import annotations

import pytest

from chalicelib.domain.entities import Ticket
from chalicelib.domain.errors import Conflict, NotFound


def _ticket(ticket_id: str, created_at: int, channel: str = "chat", **fields) -> Ticket:
    values = {"inquiry_type": "배송", "title": "제목 " + ticket_id, "content": "내용", **fields}
    return Ticket(ticket_id=ticket_id, channel=channel, created_at=created_at, **values)


def test_a_ticket_reads_back_as_created(store):
    ticket = _ticket(
        "T1",
        1_700_000_000_000,
        conversation_id="c1",
        created_by="agent@example.com",
        requester_name="홍길동",
        requester_email="hong@example.com",
    )
    store.tickets.create(ticket)
    assert store.tickets.get("T1") == ticket


def test_a_ticket_id_is_created_once(store):
    store.tickets.create(_ticket("T1", 1))
    with pytest.raises(Conflict):
        store.tickets.create(_ticket("T1", 2, title="other"))
    assert store.tickets.get("T1").created_at == 1


def test_an_unknown_ticket_is_not_found(store):
    with pytest.raises(NotFound):
        store.tickets.get("nope")


def test_tickets_list_newest_first_in_pages(store):
    for n in range(5):
        store.tickets.create(_ticket(f"T{n}", 1000 + n, channel="chat" if n % 2 else "inquiry"))
    first = store.tickets.newest(None, 2, None)
    assert [t.ticket_id for t in first.items] == ["T4", "T3"]
    assert first.next_key is not None
    second = store.tickets.newest(None, 2, first.next_key)
    assert [t.ticket_id for t in second.items] == ["T2", "T1"]
    last = store.tickets.newest(None, 2, second.next_key)
    assert [t.ticket_id for t in last.items] == ["T0"] and last.next_key is None
    assert [t.ticket_id for t in store.tickets.newest("chat", 10, None).items] == ["T3", "T1"]
    assert [t.ticket_id for t in store.tickets.newest("inquiry", 10, None).items] == ["T4", "T2", "T0"]


# --- the workflow and the filtered list (issue #22) ------------------------------------------

from chalicelib.domain.errors import StaleVersion  # noqa: E402
from chalicelib.domain.model import Principal, Role  # noqa: E402
from chalicelib.domain.ticket_list import TicketFilter  # noqa: E402
from chalicelib.domain.tickets import (  # noqa: E402
    TicketChange,
    TicketStatus,
    TicketWorkflowState,
    apply_ticket_change,
)

ALICE = Principal(role=Role.AGENT, user_id="alice@example.com")


def _change(store, ticket_id: str, seen: int, now: int, **change) -> Ticket:
    ticket = store.tickets.get(ticket_id)
    state = TicketWorkflowState(ticket_id, TicketStatus(ticket.status), ticket.assignee_id, ticket.version)
    result = apply_ticket_change(state, TicketChange(seen, **change), actor=ALICE, now_ms=now)
    return store.tickets.apply_change(ticket, result)


def test_a_change_is_stored_with_its_history_once_per_version(store):
    store.tickets.create(_ticket("T1", 1000))
    worked = _change(store, "T1", 0, 2000, status=TicketStatus.IN_PROGRESS, comment="확인 중")
    assert (worked.status, worked.assignee_id, worked.version, worked.updated_at) == (
        "in_progress", ALICE.user_id, 1, 2000
    )
    assert store.tickets.get("T1") == worked
    entries = store.tickets.history("T1")
    assert [(e.version, e.field.value, e.from_value, e.to_value) for e in entries] == [
        (1, "status", "open", "in_progress"),
        (1, "assignee", None, ALICE.user_id),
        (1, "comment", None, "확인 중"),
    ]
    # A change computed from version 0 after another agent stored version 1: refused, nothing written.
    stale_state = TicketWorkflowState("T1", TicketStatus.OPEN, None, 0)
    stale = apply_ticket_change(stale_state, TicketChange(0, status=TicketStatus.ON_HOLD), actor=ALICE, now_ms=3000)
    with pytest.raises(StaleVersion) as refused:
        store.tickets.apply_change(store.tickets.get("T1"), stale)
    assert refused.value.current_version == 1
    assert store.tickets.get("T1").status == "in_progress" and len(store.tickets.history("T1")) == 3
    solved = _change(store, "T1", 1, 4000, status=TicketStatus.SOLVED)
    assert solved.version == 2 and [e.version for e in store.tickets.history("T1")][-1] == 2
    assert store.tickets.history("nope") == []


def test_the_list_filters_by_status_assignee_channel_and_period_in_pages(store):
    for n in range(6):
        store.tickets.create(_ticket(f"T{n}", 1000 + n, channel="chat" if n % 2 else "inquiry"))
    for n in (1, 2, 3):
        _change(store, f"T{n}", 0, 5000 + n, status=TicketStatus.IN_PROGRESS)

    def ids(query: TicketFilter, limit: int = 10) -> list[str]:
        return [t.ticket_id for t in store.tickets.search(query, limit, None).items]

    assert ids(TicketFilter()) == ["T5", "T4", "T3", "T2", "T1", "T0"]
    assert ids(TicketFilter(status="in_progress")) == ["T3", "T2", "T1"]
    assert ids(TicketFilter(status="open")) == ["T5", "T4", "T0"]
    assert ids(TicketFilter(assignee_id=ALICE.user_id)) == ["T3", "T2", "T1"]
    assert ids(TicketFilter(assignee_id=ALICE.user_id, channel="chat")) == ["T3", "T1"]
    assert ids(TicketFilter(status="in_progress", channel="inquiry")) == ["T2"]
    assert ids(TicketFilter(assignee_id=ALICE.user_id, status="solved")) == []
    assert ids(TicketFilter(channel="chat", from_ms=1002, to_ms=1004)) == ["T3"]
    assert ids(TicketFilter(from_ms=1001, to_ms=1002)) == ["T2", "T1"]
    first = store.tickets.search(TicketFilter(status="in_progress"), 2, None)
    assert [t.ticket_id for t in first.items] == ["T3", "T2"] and first.next_key is not None
    rest = store.tickets.search(TicketFilter(status="in_progress"), 2, first.next_key)
    assert [t.ticket_id for t in rest.items] == ["T1"] and rest.next_key is None
