"""The ticket list's filters (chalicelib/domain/ticket_list.py): parsed from a query string, matched."""

from __future__ import annotations

import pytest

from chalicelib.domain.entities import Ticket
from chalicelib.domain.errors import InvalidField
from chalicelib.domain.ticket_list import MAX_TIME_MS, TicketFilter, parse_ticket_filter


def test_every_filter_is_optional_and_empty_means_absent() -> None:
    assert parse_ticket_filter({}) == TicketFilter()
    assert parse_ticket_filter({"status": "", "channel": "", "assigneeId": ""}) == TicketFilter()
    parsed = parse_ticket_filter({"status": "on_hold", "channel": "chat", "assigneeId": "a@example.com",
                                  "from": "10", "to": "20"})
    assert parsed == TicketFilter("on_hold", "a@example.com", "chat", 10, 20)
    assert parse_ticket_filter({"from": "5"}).to_ms == MAX_TIME_MS


@pytest.mark.parametrize(
    "params, field",
    [({"status": "done"}, "status"), ({"channel": "mail"}, "channel"), ({"from": "x"}, "from"),
     ({"from": "2", "to": "1"}, "from"), ({"to": "-1"}, "to"), ({"assigneeId": "a b"}, "assigneeId")],
)
def test_bad_values_name_their_parameter(params: dict, field: str) -> None:
    with pytest.raises(InvalidField) as refused:
        parse_ticket_filter(params)
    assert refused.value.field == field


def test_matches_every_filter_and_both_ends_of_the_period() -> None:
    ticket = Ticket("T1", "chat", 100, "배송", "t", "c", status="in_progress", assignee_id="a")
    assert TicketFilter(status="in_progress", assignee_id="a", channel="chat", from_ms=100, to_ms=100).matches(ticket)
    assert not TicketFilter(status="open").matches(ticket)
    assert not TicketFilter(assignee_id="b").matches(ticket)
    assert not TicketFilter(channel="inquiry").matches(ticket)
    assert not TicketFilter(from_ms=101).matches(ticket)
