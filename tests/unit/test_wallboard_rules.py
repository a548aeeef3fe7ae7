"""The wallboard's throttle (issue #24): at most one snapshot per viewer per second, and the last change
always reaches the viewer by a catch-up 1-2 s later; which conversation changes matter at all."""

from __future__ import annotations

import heapq
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.domain.entities import Conversation
from chalicelib.domain.wallboard import (
    THROTTLE_MS,
    Decision,
    ViewerMark,
    conversation_change_matters,
    throttle_decision,
    trailing_delay_seconds,
)

T = 1_780_000_000_000
V = "c1="


@pytest.mark.parametrize(
    ("pushed", "pending", "catch_up", "changed", "expected"),
    [
        (None, None, False, True, Decision.PUSH),  # never pushed
        (T - THROTTLE_MS, None, False, True, Decision.PUSH),  # the window has just passed
        (T - 999, None, False, True, Decision.MARK_PENDING),  # inside it: mark, schedule a catch-up
        (T - 999, T - 500, False, True, Decision.COVERED),  # a catch-up is on its way already
        (T - THROTTLE_MS, T - 500, True, False, Decision.PUSH),  # the catch-up, due
        (T - 200, T - 100, True, False, Decision.RESCHEDULE),  # the catch-up came early: another
        (T - 5000, None, True, False, Decision.NOTHING),  # a push since carried everything
        (T - 200, None, True, False, Decision.NOTHING),
        # A batch with a catch-up and a change: the change counts for every viewer.
        (T - 5000, None, True, True, Decision.PUSH),
        (T - 200, None, True, True, Decision.MARK_PENDING),
        (T - 200, T - 100, True, True, Decision.RESCHEDULE),
    ],
)
def test_throttle_decision(
    pushed: int | None, pending: int | None, catch_up: bool, changed: bool, expected: Decision
) -> None:
    decision = throttle_decision(T, ViewerMark(V, pushed, pending), catch_up=catch_up, changed=changed)
    assert decision is expected


@pytest.mark.parametrize(
    ("pushed", "now", "seconds"),
    [(None, T, 1), (T, T, 1), (T - 999, T, 1), (T - 1, T, 1), (T + 1500, T, 3), (T - 5000, T, 1)],
)
def test_trailing_delay_is_whole_seconds_until_the_window_has_passed(
    pushed: int | None, now: int, seconds: int
) -> None:
    assert trailing_delay_seconds(now, pushed) == seconds


def _run(changes: list[int], skew_ms: int, batch_ms: int) -> list[int]:
    """One viewer, change signals at the given times (ms); a scheduled catch-up arrives `delay` seconds
    later (minus a clock skew between functions). The signals arriving within `batch_ms` of the first
    waiting one make one run (an SQS batch: it may mix changes and catch-ups). The conditional writes
    are modelled exactly: a run decides on the marks as they are. Returns the push times."""
    mark = ViewerMark(V)
    pushes: list[int] = []
    events = [(at, 0, False) for at in changes]  # (time, order, catch_up)
    heapq.heapify(events)
    order = 1
    while events:
        batch = [heapq.heappop(events)]
        while events and events[0][0] <= batch[0][0] + batch_ms:
            batch.append(heapq.heappop(events))
        now = batch[-1][0]
        kinds = {catch_up for _, _, catch_up in batch}
        decision = throttle_decision(now, mark, catch_up=True in kinds, changed=False in kinds)
        if decision is Decision.PUSH:
            mark, _ = replace(mark, pushed_at=now, pending_at=None), pushes.append(now)
        elif decision in (Decision.MARK_PENDING, Decision.RESCHEDULE):
            if decision is Decision.MARK_PENDING:
                mark = replace(mark, pending_at=now)
            at = now + trailing_delay_seconds(now, mark.pushed_at) * 1000 - skew_ms
            heapq.heappush(events, (at, order, True))
            order += 1
    return pushes


@settings(max_examples=300, deadline=None)
@given(
    gaps=st.lists(st.integers(min_value=0, max_value=2500), min_size=1, max_size=40),
    skew=st.integers(min_value=0, max_value=50),
    batch=st.integers(min_value=0, max_value=400),
)
def test_at_most_one_push_a_second_and_the_last_change_arrives_within_two_seconds(
    gaps: list[int], skew: int, batch: int
) -> None:
    changes, at = [], T
    for gap in gaps:
        at += gap
        changes.append(at)
    pushes = _run(changes, skew, batch)
    assert all(b - a >= THROTTLE_MS for a, b in zip(pushes, pushes[1:], strict=False)), pushes
    last = changes[-1]
    after = [p for p in pushes if p >= last]
    assert after, f"the last change at {last} never reached the viewer: {pushes}"
    assert after[0] - last <= 2 * THROTTLE_MS + batch


def _chat(**fields: object) -> Conversation:
    base = Conversation("c1", "waiting", "u1", T, 1, T, queued_key="k")
    return replace(base, **fields)


def test_only_changes_the_wallboard_shows_matter() -> None:
    waiting = _chat()
    assert conversation_change_matters(None, waiting)  # a chat came in
    assigned = replace(waiting, state="active", agent_id="a1", queued_key=None)
    assert conversation_change_matters(waiting, assigned)
    answered = replace(assigned, first_response_at=T + 5)
    assert conversation_change_matters(assigned, answered)
    # A message (last_seq, activity), a read receipt, timers, customer details: nothing to show.
    chatting = replace(answered, last_seq=9, last_message_at=T + 9, customer_active_at=T + 9, customer_name="홍길동")
    assert not conversation_change_matters(answered, chatting)
    assert conversation_change_matters(chatting, replace(chatting, state="ended", ended_at=T + 60))
    assert conversation_change_matters(chatting, replace(chatting, rating="satisfied"))
