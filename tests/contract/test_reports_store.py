"""The report counters store, on both stores: a record applied once, a period's items, the backfill's rewrites."""

from __future__ import annotations

from chalicelib.domain.metrics import HOUR_MS, Scope, ScopeKind
from chalicelib.store.facade import Store

HOUR = 1_764_000_000_000 // HOUR_MS
ALL = Scope(ScopeKind.ALL, "", HOUR)
AGENT = Scope(ScopeKind.AGENT, "a1@example.com", HOUR)


def test_a_record_is_applied_once(store: Store) -> None:
    changes = {ALL: {"chats_in": 1, "wait_sum_ms": 30_000}, AGENT: {"chats_in": 1}}
    assert store.reports.apply("event-1", changes, 0) is True
    assert store.reports.apply("event-1", changes, 0) is False  # redelivered: its marker exists
    assert store.reports.apply("event-2", {ALL: {"chats_in": 1, "answered": 1}}, 0) is True
    assert store.reports.apply("event-3", {ALL: {"answered": -1}}, 0) is True
    (item,) = store.reports.counters(ScopeKind.ALL, HOUR, HOUR)
    assert item.scope == ALL
    assert item.values == {"chats_in": 2, "wait_sum_ms": 30_000}
    assert item.revision == 3
    (agent,) = store.reports.counters(ScopeKind.AGENT, HOUR - 5, HOUR + 5)
    assert (agent.scope, agent.values) == (AGENT, {"chats_in": 1})


def test_counters_of_a_period_across_months(store: Store) -> None:
    # The last hour of one UTC month and the first of the next: two partitions, one answer.
    first_of_month = 1_764_547_200_000 // HOUR_MS  # 2025-12-01T00:00Z
    for i, hour in enumerate((first_of_month - 1, first_of_month, first_of_month + 30)):
        store.reports.apply(f"e{i}", {Scope(ScopeKind.ALL, "", hour): {"chats_in": 1}}, 0)
    hours = [i.scope.hour for i in store.reports.counters(ScopeKind.ALL, first_of_month - 1, first_of_month)]
    assert hours == [first_of_month - 1, first_of_month]
    assert store.reports.counters(ScopeKind.TEAM, first_of_month - 1, first_of_month) == []


def test_rebuild_is_conditional_on_the_revision_read(store: Store) -> None:
    store.reports.apply("e1", {ALL: {"chats_in": 1}}, 0)
    (item,) = store.reports.counters(ScopeKind.ALL, HOUR, HOUR)
    store.reports.apply("e2", {ALL: {"chats_in": 1}}, 0)  # the stream moved on meanwhile
    assert store.reports.rebuild(ALL, {"chats_in": 5}, item.revision) is False
    (now,) = store.reports.counters(ScopeKind.ALL, HOUR, HOUR)
    assert now.values == {"chats_in": 2}
    assert store.reports.rebuild(ALL, {"chats_in": 5}, now.revision) is True
    assert store.reports.counters(ScopeKind.ALL, HOUR, HOUR)[0].values == {"chats_in": 5}
    assert store.reports.rebuild(AGENT, {"chats_in": 1}, None) is True  # a new item
    assert store.reports.rebuild(AGENT, {"chats_in": 1}, None) is False  # it exists now
    (agent,) = store.reports.counters(ScopeKind.AGENT, HOUR, HOUR)
    assert store.reports.rebuild(AGENT, {}, agent.revision) is True  # nothing left: deleted
    assert store.reports.counters(ScopeKind.AGENT, HOUR, HOUR) == []
