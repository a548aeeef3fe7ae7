"""Each report metric's definition, table-driven (chalicelib/domain/metrics.py, docs/reports.md)."""

from __future__ import annotations

import itertools
import random
from dataclasses import replace

import pytest

from chalicelib.domain import metrics
from chalicelib.domain.entities import Conversation, Transfer
from chalicelib.domain.metrics import HOUR_MS, Scope, ScopeKind

T0 = 1_764_000_000_000  # an instant; its hour is the bucket
S = 1000


def chat(**fields: object) -> Conversation:
    base = Conversation("c1", "waiting", "cust", T0, 1, T0)
    return replace(base, **fields)  # type: ignore[arg-type]


ENDED_ANSWERED = dict(
    state="ended",
    agent_id="a1",
    first_assigned_at=T0 + 30 * S,
    assigned_at=T0 + 30 * S,
    first_response_at=T0 + 50 * S,
    ended_at=T0 + 600 * S,
    ended_by="agent",
)


@pytest.mark.parametrize(
    ("fields", "answered", "unanswered", "abandoned", "idle"),
    [
        ({}, False, False, False, False),  # waiting: neither yet
        ({"state": "active", "agent_id": "a1", "assigned_at": T0 + S}, False, False, False, False),
        ({"state": "active", "agent_id": "a1", "first_response_at": T0 + 9 * S}, True, False, False, False),
        (ENDED_ANSWERED, True, False, False, False),
        ({"state": "ended", "ended_by": "customer", "ended_at": T0 + 60 * S}, False, True, True, False),
        # left while an agent had it, unanswered: unanswered, not abandoned in the queue
        ({"state": "ended", "ended_by": "customer", "agent_id": "a1", "ended_at": T0 + S}, False, True, False, False),
        ({"state": "ended", "ended_by": "system", "end_reason": "closed"}, False, True, False, False),
        ({**ENDED_ANSWERED, "ended_by": "system", "end_reason": "idle"}, True, False, False, True),
        ({"state": "ended", "ended_by": "system", "end_reason": "idle", "agent_id": "a1"}, False, True, False, True),
        ({"state": "ended", "ended_by": "agent", "first_response_at": T0, "agent_id": "a1"}, True, False, False, False),
    ],
)
def test_answered_unanswered_abandoned_idle(
    fields: dict, answered: bool, unanswered: bool, abandoned: bool, idle: bool
) -> None:
    conv = chat(**fields)
    assert metrics.is_answered(conv) is answered
    assert metrics.is_unanswered(conv) is unanswered
    assert metrics.is_abandoned(conv) is abandoned
    assert metrics.is_ended_by_idle(conv) is idle


HOP = Transfer("a1", "a1", "a2", None, T0 + 100 * S)


@pytest.mark.parametrize(
    ("fields", "first_response", "wait", "handle"),
    [
        ({}, None, None, None),
        (ENDED_ANSWERED, 50 * S, 30 * S, 570 * S),
        # before first_assigned_at existed: the assignment, if the chat never moved
        ({**ENDED_ANSWERED, "first_assigned_at": None}, 50 * S, 30 * S, 570 * S),
        ({**ENDED_ANSWERED, "first_assigned_at": None, "transfers": [HOP]}, 50 * S, None, None),
        # a transfer keeps the first assignment
        ({**ENDED_ANSWERED, "assigned_at": T0 + 100 * S, "transfers": [HOP]}, 50 * S, 30 * S, 570 * S),
        # ended unanswered: no handle time
        ({**ENDED_ANSWERED, "first_response_at": None}, None, 30 * S, None),
        # live: wait and first response, no handle time yet
        ({**ENDED_ANSWERED, "state": "active", "ended_at": None}, 50 * S, 30 * S, None),
        # a clock skew never makes a negative duration
        ({**ENDED_ANSWERED, "first_response_at": T0 - 5}, 0, 30 * S, 570 * S),
    ],
)
def test_durations(fields: dict, first_response: int | None, wait: int | None, handle: int | None) -> None:
    conv = chat(**fields)
    assert metrics.first_response_ms(conv) == first_response
    assert metrics.wait_ms(conv) == wait
    assert metrics.handle_ms(conv) == handle


@pytest.mark.parametrize(
    ("rating", "satisfied", "dissatisfied"),
    [(None, 0, 0), ("satisfied", 1, 0), ("dissatisfied", 0, 1), ("bogus", 0, 0)],
)
def test_ratings(rating: str | None, satisfied: int, dissatisfied: int) -> None:
    counts = metrics.chat_counts(chat(**{**ENDED_ANSWERED, "rating": rating}))
    assert (counts.get("satisfied", 0), counts.get("dissatisfied", 0)) == (satisfied, dissatisfied)


@pytest.mark.parametrize(
    ("duration_ms", "bucket"),
    [(0, 0), (4_999, 0), (5_000, 1), (59_999, 5), (60_000, 6), (7_199_999, 14), (7_200_000, 15), (10**9, 15)],
)
def test_histogram_buckets(duration_ms: int, bucket: int) -> None:
    assert metrics.histogram_bucket(duration_ms) == bucket


@pytest.mark.parametrize(
    ("counts", "q", "expected"),
    [
        ([0] * 16, 0.5, None),
        ([10] + [0] * 15, 0.5, 2.5),  # all under 5 s: linear in [0, 5)
        ([0, 0, 0, 0, 0, 4] + [0] * 10, 0.5, 52.5),  # [45, 60): half of the bucket
        ([5, 5] + [0] * 14, 0.9, 9.0),
        ([0] * 15 + [3], 0.5, 7200.0),  # the open last bucket: its lower edge
    ],
)
def test_histogram_quantile(counts: list[int], q: float, expected: float | None) -> None:
    assert metrics.histogram_quantile(counts, q) == expected


def test_scopes_all_team_and_agents() -> None:
    conv = chat(**{**ENDED_ANSWERED, "team_id": "t1", "agent_id": "a2", "transfers": [HOP]})
    hour = T0 // HOUR_MS
    result = metrics.contributions(conv)
    assert set(result) == {
        Scope(ScopeKind.ALL, "", hour),
        Scope(ScopeKind.TEAM, "t1", hour),
        Scope(ScopeKind.AGENT, "a2", hour),
        Scope(ScopeKind.AGENT, "a1", hour),
    }
    assert result[Scope(ScopeKind.ALL, "", hour)]["transferred"] == 1
    assert result[Scope(ScopeKind.AGENT, "a1", hour)] == {"transferred": 1}  # the agent who handed it on
    assert "transferred" not in result[Scope(ScopeKind.AGENT, "a2", hour)]
    assert metrics.contributions(chat())[Scope(ScopeKind.TEAM, metrics.NO_TEAM, hour)] == {"chats_in": 1}


def lifecycle() -> list[Conversation]:
    """One chat's stored versions: in, assigned, answered, transferred, ended, rated."""
    c0 = chat(team_id="t1")
    c1 = replace(c0, state="active", agent_id="a1", assigned_at=T0 + 30 * S, first_assigned_at=T0 + 30 * S)
    c2 = replace(c1, first_response_at=T0 + 50 * S, last_seq=3)
    c3 = replace(c2, agent_id="a2", assigned_at=T0 + 100 * S, transfers=[HOP])
    c4 = replace(c3, state="ended", ended_at=T0 + 600 * S, ended_by="customer")
    c5 = replace(c4, rating="satisfied")
    return [c0, c1, c2, c3, c4, c5]


def test_deltas_telescope_to_the_final_item_in_any_order() -> None:
    versions = lifecycle()
    deltas = [metrics.delta(old, new) for old, new in zip([None, *versions], versions, strict=False)]
    final = metrics.total([metrics.contributions(versions[-1])])
    assert metrics.total(deltas) == final
    for order in itertools.islice(itertools.permutations(deltas), 0, 720, 37):
        assert metrics.total(order) == final
    random.Random(7).shuffle(deltas)
    assert metrics.total(deltas) == final


def test_a_change_no_metric_reads_moves_nothing() -> None:
    conv = lifecycle()[2]
    assert metrics.delta(conv, replace(conv, last_seq=9, customer_active_at=T0 + 99)) == {}
    # the transfer moves the chat from a1's scope to a2's and counts a1's hand-off
    old, new = lifecycle()[2], lifecycle()[3]
    change = metrics.delta(old, new)
    hour = T0 // HOUR_MS
    assert change[Scope(ScopeKind.AGENT, "a1", hour)]["chats_in"] == -1
    assert change[Scope(ScopeKind.AGENT, "a1", hour)]["transferred"] == 1
    assert change[Scope(ScopeKind.AGENT, "a2", hour)]["chats_in"] == 1
    assert change[Scope(ScopeKind.ALL, "", hour)] == {"transferred": 1}
