"""Read receipts (issue 22): at most one write per 2 s per side, never backwards, the last read kept."""

from __future__ import annotations

import heapq

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.domain.errors import InvalidField
from chalicelib.domain.model import ConversationAccess, ConversationState, Principal, Role
from chalicelib.domain.read_receipts import (
    READ_WRITE_INTERVAL_MS,
    ReadDecision,
    ReadOutcome,
    ReadSide,
    StoredRead,
    after_lost_race,
    decide_read_write,
    parse_read_seq,
    read_side_of,
)

T = 1_780_000_000_000
W, A, D = ReadOutcome.WRITE, ReadOutcome.ALREADY_READ, ReadOutcome.DEFERRED


@pytest.mark.parametrize(
    ("requested", "stored", "now", "last_seq", "expected"),
    [
        # never written: the first read writes
        (3, StoredRead(), T, None, ReadDecision(W, 3)),
        # older or equal: nothing, however long ago the last write was
        (3, StoredRead(5, T - 60_000), T, None, ReadDecision(A, 3)),
        (5, StoredRead(5, T - 60_000), T, None, ReadDecision(A, 5)),
        # newer, window passed (exactly 2 s counts as passed)
        (6, StoredRead(5, T - 2000), T, None, ReadDecision(W, 6, written_at_most=T - 2000)),
        (6, StoredRead(5, T - 9000), T, None, ReadDecision(W, 6, written_at_most=T - 2000)),
        # newer, inside the window: deferred, resend when it ends
        (6, StoredRead(5, T - 500), T, None, ReadDecision(D, 6, retry_after_ms=1500)),
        (6, StoredRead(5, T - 1999), T, None, ReadDecision(D, 6, retry_after_ms=1)),
        (6, StoredRead(5, T), T, None, ReadDecision(D, 6, retry_after_ms=2000)),
        # clamped to the chat's last seq
        (99, StoredRead(5, T - 9000), T, 8, ReadDecision(W, 8, written_at_most=T - 2000)),
        (99, StoredRead(8, T - 9000), T, 8, ReadDecision(A, 8)),
        # this host's clock behind the stored time: write on the seq condition alone
        (6, StoredRead(5, T + 700), T, None, ReadDecision(W, 6)),
    ],
)
def test_decisions(requested, stored, now, last_seq, expected):
    assert decide_read_write(requested, stored, now_ms=now, last_seq=last_seq) == expected
    assert expected.needs_write is (expected.outcome is W)


def test_a_lost_race_is_deferred_for_a_window():
    assert after_lost_race(ReadDecision(W, 7)) == ReadDecision(D, 7, retry_after_ms=READ_WRITE_INTERVAL_MS)


CONV = ConversationAccess("c1", ConversationState.ACTIVE, "alice")


@pytest.mark.parametrize(
    ("principal", "side"),
    [
        (Principal(Role.CUSTOMER, "cust-1", conversation_id="c1"), ReadSide.CUSTOMER),
        (Principal(Role.CUSTOMER, "cust-2", conversation_id="c2"), None),
        (Principal(Role.AGENT, "alice"), ReadSide.AGENT),
        (Principal(Role.AGENT, "bob"), None),
        (Principal(Role.ADMIN, "root"), None),  # looking in is not the agent reading
        (Principal(Role.ADMIN, "alice"), ReadSide.AGENT),  # an admin the chat is assigned to
    ],
)
def test_whose_receipt_a_read_moves(principal, side):
    assert read_side_of(principal, CONV) is side


@pytest.mark.parametrize("body", [{}, {"seq": -1}, {"seq": "x"}, {"seq": 1.5}, {"seq": True}, {"seq": 2**53}])
def test_bad_read_bodies(body):
    with pytest.raises(InvalidField) as caught:
        parse_read_seq(body)
    assert caught.value.field == "seq"


def test_good_read_bodies():
    assert parse_read_seq({"seq": 0}) == 0
    assert parse_read_seq({"seq": "42"}) == 42


def simulate(reads: list[tuple[int, int]], last_seq: int) -> tuple[StoredRead, list[tuple[int, int]]]:
    """A client sending `read`s (at ms, seq) and following the resend rule, against one stored receipt.

    Returns the final receipt and every write (at, seq).
    """
    stored = StoredRead()
    writes: list[tuple[int, int]] = []
    events = [(at, 0, seq) for at, seq in reads]  # 0: the user read; 1: the resend timer fired
    heapq.heapify(events)
    pending: int | None = None  # the highest seq not acknowledged
    timer_at: int | None = None
    while events:
        now, kind, seq = heapq.heappop(events)
        if kind == 1:
            if now != timer_at or pending is None:
                continue
            seq, timer_at = pending, None
        else:
            pending = seq if pending is None else max(pending, seq)
            if timer_at is not None:
                continue  # a resend is due anyway; it carries the highest seq
            seq = pending
        decision = decide_read_write(seq, stored, now_ms=now, last_seq=last_seq)
        if decision.needs_write:
            assert decision.written_at_most is None or (stored.written_at or 0) <= decision.written_at_most
            assert stored.seq < decision.seq
            stored = StoredRead(decision.seq, now)
            writes.append((now, decision.seq))
        if decision.outcome is ReadOutcome.DEFERRED:
            timer_at = now + decision.retry_after_ms
            heapq.heappush(events, (timer_at, 1, 0))
        else:
            pending = None  # acknowledged: written, or already known
    return stored, writes


@given(
    st.lists(st.tuples(st.integers(0, 20_000), st.integers(0, 60)), min_size=1, max_size=40),
    st.integers(0, 50),
)
def test_a_reading_client_costs_one_write_per_window_and_its_last_read_lands(reads, last_seq):
    stored, writes = simulate(reads, last_seq)
    for (earlier, seq_a), (later, seq_b) in zip(writes, writes[1:], strict=False):
        assert later - earlier >= READ_WRITE_INTERVAL_MS  # at most one write per 2 s
        assert seq_b > seq_a  # never backwards
    assert stored.seq == min(max(seq for _, seq in reads), last_seq)  # the final read is never lost
    if writes:
        assert writes[-1][0] <= max(at for at, _ in reads) + READ_WRITE_INTERVAL_MS  # at most 2 s late


def test_reading_a_message_a_second_for_ten_seconds_costs_five_or_six_writes():
    _, writes = simulate([(T + i * 1000, i + 1) for i in range(10)], last_seq=10)
    assert [seq for _, seq in writes][-1] == 10
    assert 5 <= len(writes) <= 6
