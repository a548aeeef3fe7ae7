"""Report metrics (issue #24) as pure functions of one conversation, and the counter deltas of a change.

Every metric is a function of the conversation item alone (no message, no clock), counted in the
UTC hour the chat came in (`inbound_at`), per scope: every chat (`all`), the chat's team and the
chat's agent (the last one it had). So the stream function's delta for a record is
`contributions(new) - contributions(old)`, and the sum of the deltas of every record of one chat,
in any order, telescopes to `contributions(final item)`: what the backfill computes from the table.
That is why the stream-built numbers and the backfill agree, and why only exactly-once application
of each record (the store's applied-marker) is needed, not ordering. docs/reports.md defines each
metric for readers.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from chalicelib.domain.entities import Conversation
from chalicelib.domain.model import ConversationState, Rating, Role

HOUR_MS = 3_600_000
IDLE_END_REASON = "idle"  # chalicelib/services/live_timers.py ends an idle chat with it
NO_TEAM = "-"  # the team scope of a chat without a team

# Upper edges (seconds, exclusive) of the duration histograms; the last bucket is "at least 7200 s".
# Fixed forever: changing them makes stored histograms unreadable (docs/reports.md).
HISTOGRAM_EDGES_S: tuple[int, ...] = (5, 10, 20, 30, 45, 60, 90, 120, 180, 300, 600, 900, 1800, 3600, 7200)
HISTOGRAM_BUCKETS = len(HISTOGRAM_EDGES_S) + 1


class ScopeKind(StrEnum):
    ALL = "all"
    TEAM = "team"
    AGENT = "agent"


@dataclass(frozen=True, order=True)
class Scope:
    """One counter item: a scope (all chats, one team, one agent) in one UTC hour (epoch hours)."""

    kind: ScopeKind
    key: str  # "" for all, the team id (NO_TEAM), the agent id
    hour: int


# --- the metric definitions (each table-tested in tests/unit/test_metrics.py) -------------------


def inbound_hour(conv: Conversation) -> int:
    """The chat's bucket: the UTC hour (epoch ms // 3,600,000) it came in. Never changes for a chat."""
    return conv.inbound_at // HOUR_MS


def is_answered(conv: Conversation) -> bool:
    """처리: an agent wrote in the chat (it has a first response)."""
    return conv.first_response_at is not None


def is_unanswered(conv: Conversation) -> bool:
    """미처리: ended without any agent's answer (a live chat is neither answered nor unanswered yet)."""
    return conv.state == ConversationState.ENDED.value and not is_answered(conv)


def is_abandoned(conv: Conversation) -> bool:
    """Abandoned in the queue: the customer ended it while it waited (no agent at the end) and no
    agent had answered. An unanswered chat the customer left while an agent had it is unanswered only."""
    return is_unanswered(conv) and conv.ended_by == Role.CUSTOMER.value and conv.agent_id is None


def transfer_count(conv: Conversation) -> int:
    """Transfers: the hops the chat made (to an agent or to a team's queue)."""
    return len(conv.transfers or [])


def is_ended_by_idle(conv: Conversation) -> bool:
    """Ended by the idle auto-close (the customer went quiet), not by a person."""
    return conv.state == ConversationState.ENDED.value and conv.end_reason == IDLE_END_REASON


def first_assignment_at(conv: Conversation) -> int | None:
    """When an agent first got the chat; for a chat stored before `first_assigned_at` existed, its
    assignment when it never moved (after a transfer the first assignment is not known)."""
    if conv.first_assigned_at is not None:
        return conv.first_assigned_at
    return conv.assigned_at if not conv.transfers else None


def _span(start: int | None, end: int | None) -> int | None:
    return max(0, end - start) if start is not None and end is not None else None


def first_response_ms(conv: Conversation) -> int | None:
    """First response time: from the chat coming in to the first agent message (answered chats)."""
    return _span(conv.inbound_at, conv.first_response_at)


def wait_ms(conv: Conversation) -> int | None:
    """Wait time: from the chat coming in to its first assignment (chats an agent got)."""
    return _span(conv.inbound_at, first_assignment_at(conv))


def handle_ms(conv: Conversation) -> int | None:
    """Handle time: from the first assignment to the end, for ended chats an agent answered."""
    if conv.state != ConversationState.ENDED.value or not is_answered(conv):
        return None
    return _span(first_assignment_at(conv), conv.ended_at)


def rating_of(conv: Conversation) -> str | None:
    """satisfied / dissatisfied, as the customer rated it."""
    return conv.rating if conv.rating in (Rating.SATISFIED.value, Rating.DISSATISFIED.value) else None


# --- counter fields -----------------------------------------------------------------------------

COUNT_FIELDS: tuple[str, ...] = (
    "chats_in",
    "answered",
    "unanswered",
    "abandoned",
    "transferred",
    "ended_idle",
    "satisfied",
    "dissatisfied",
)
DURATIONS: tuple[str, ...] = ("first_response", "wait", "handle")


def histogram_field(duration: str, bucket: int) -> str:
    return f"{duration}_h{bucket:02d}"


def duration_fields(duration: str) -> tuple[str, ...]:
    return (
        f"{duration}_sum_ms",
        f"{duration}_count",
        *(histogram_field(duration, b) for b in range(HISTOGRAM_BUCKETS)),
    )


# Every counter a report item may carry (the store's model has one number attribute per field).
ALL_FIELDS: tuple[str, ...] = (*COUNT_FIELDS, *(f for d in DURATIONS for f in duration_fields(d)))


def histogram_bucket(duration_ms: int) -> int:
    """The histogram bucket of a duration: the first whose upper edge is above it."""
    return bisect.bisect_right(HISTOGRAM_EDGES_S, duration_ms // 1000)


def _duration_counts(duration: str, value_ms: int | None) -> dict[str, int]:
    if value_ms is None:
        return {}
    return {
        f"{duration}_sum_ms": value_ms,
        f"{duration}_count": 1,
        histogram_field(duration, histogram_bucket(value_ms)): 1,
    }


def chat_counts(conv: Conversation) -> dict[str, int]:
    """What one chat adds to each counter of its scopes (nonzero fields only). Transfers are counted
    here for the all and team scopes; the agent scope counts the hops each agent handed on."""
    counts = {
        "chats_in": 1,
        "answered": int(is_answered(conv)),
        "unanswered": int(is_unanswered(conv)),
        "abandoned": int(is_abandoned(conv)),
        "transferred": transfer_count(conv),
        "ended_idle": int(is_ended_by_idle(conv)),
        "satisfied": int(rating_of(conv) == Rating.SATISFIED.value),
        "dissatisfied": int(rating_of(conv) == Rating.DISSATISFIED.value),
        **_duration_counts("first_response", first_response_ms(conv)),
        **_duration_counts("wait", wait_ms(conv)),
        **_duration_counts("handle", handle_ms(conv)),
    }
    return {name: value for name, value in counts.items() if value}


Counters = dict[Scope, dict[str, int]]


def _add(into: Counters, scope: Scope, counts: Mapping[str, int], sign: int = 1) -> None:
    fields = into.setdefault(scope, {})
    for name, value in counts.items():
        fields[name] = fields.get(name, 0) + sign * value


def contributions(conv: Conversation | None) -> Counters:
    """Everything one chat (as stored now) adds to the counters; empty for no item."""
    if conv is None:
        return {}
    hour, counts = inbound_hour(conv), chat_counts(conv)
    result: Counters = {}
    _add(result, Scope(ScopeKind.ALL, "", hour), counts)
    _add(result, Scope(ScopeKind.TEAM, conv.team_id or NO_TEAM, hour), counts)
    if conv.agent_id:
        own = {name: value for name, value in counts.items() if name != "transferred"}
        _add(result, Scope(ScopeKind.AGENT, conv.agent_id, hour), own)
    for hop in conv.transfers or []:
        if hop.from_agent_id:  # the agent who handed the chat on
            _add(result, Scope(ScopeKind.AGENT, hop.from_agent_id, hour), {"transferred": 1})
    return result


def delta(old: Conversation | None, new: Conversation | None) -> Counters:
    """The counter changes of one stored change (old and new image), zero fields and scopes dropped."""
    result: Counters = {}
    for scope, counts in contributions(new).items():
        _add(result, scope, counts)
    for scope, counts in contributions(old).items():
        _add(result, scope, counts, -1)
    return {
        scope: nonzero
        for scope, fields in sorted(result.items())
        if (nonzero := {name: value for name, value in fields.items() if value})
    }


def total(changes: Iterable[Counters]) -> Counters:
    """The sum of several deltas (what the counters hold after they are applied)."""
    result: Counters = {}
    for change in changes:
        for scope, counts in change.items():
            _add(result, scope, counts)
    return {scope: {k: v for k, v in fields.items() if v} for scope, fields in result.items() if any(fields.values())}


# --- reading: medians and p90 from a histogram --------------------------------------------------


def histogram_quantile(counts: list[int], q: float) -> float | None:
    """The q-quantile (seconds) read from bucket counts: linear within the bucket that holds the
    rank; the open last bucket answers its lower edge (at least that). None without samples."""
    n = sum(counts)
    if n == 0:
        return None
    rank = q * n
    seen = 0
    for bucket, count in enumerate(counts):
        if count and seen + count >= rank:
            lower = HISTOGRAM_EDGES_S[bucket - 1] if bucket else 0
            if bucket >= len(HISTOGRAM_EDGES_S):
                return float(lower)
            upper = HISTOGRAM_EDGES_S[bucket]
            return lower + (upper - lower) * max(0.0, rank - seen) / count
        seen += count
    return float(HISTOGRAM_EDGES_S[-1])


@dataclass
class CounterItem:
    """One stored counter item: its scope and hour, the counters it holds, and how many writes it took."""

    scope: Scope
    values: dict[str, int]
    revision: int = 0
