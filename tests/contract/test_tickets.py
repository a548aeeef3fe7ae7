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
