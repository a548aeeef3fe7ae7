"""Canned responses on both stores: per-scope listing in order, unique shortcuts, the limit, usage."""

from __future__ import annotations

import pytest

from chalicelib.domain.canned import CannedResponse, CannedScope
from chalicelib.domain.entities import CannedEntry
from chalicelib.domain.errors import Conflict, LimitReached, NotFound

SHARED, PERSONAL = CannedScope.SHARED, CannedScope.PERSONAL


def _entry(response_id: str, shortcut: str, *, scope=SHARED, owner=None, position=0, at=1000) -> CannedEntry:
    response = CannedResponse(response_id, scope, owner, f"제목 {response_id}", shortcut, f"본문 {response_id}",
                              None, position)
    return CannedEntry(response, created_at=at, updated_at=at, updated_by="admin@example.com")


def test_responses_list_per_scope_in_order_and_read_back(store):
    store.canned.create(_entry("R2", "b", position=2), 10)
    store.canned.create(_entry("R1", "a", position=1, at=2000), 10)
    store.canned.create(_entry("P1", "a", scope=PERSONAL, owner="alice"), 10)  # the same shortcut elsewhere
    assert [e.response.response_id for e in store.canned.of_scope(SHARED, None)] == ["R1", "R2"]
    assert [e.response.response_id for e in store.canned.of_scope(PERSONAL, "alice")] == ["P1"]
    assert store.canned.of_scope(PERSONAL, "bob") == []
    assert store.canned.get(SHARED, None, "R1") == _entry("R1", "a", position=1, at=2000)
    assert (store.canned.count(SHARED, None), store.canned.count(PERSONAL, "bob")) == (2, 0)
    with pytest.raises(NotFound):
        store.canned.get(PERSONAL, "bob", "P1")


def test_a_shortcut_is_unique_per_scope_whatever_its_case_and_follows_an_edit(store):
    first = _entry("R1", "Hello")
    store.canned.create(first, 10)
    with pytest.raises(Conflict):
        store.canned.create(_entry("R2", "hello"), 10)
    store.canned.create(_entry("R2", "bye"), 10)
    second = store.canned.get(SHARED, None, "R2")
    with pytest.raises(Conflict):
        store.canned.update(second, _entry("R2", "HELLO").response, 3000, "admin@example.com")
    moved = store.canned.update(first, _entry("R1", "hi", position=5).response, 3000, "other@example.com")
    assert (moved.response.shortcut, moved.response.position, moved.updated_at, moved.updated_by) == (
        "hi", 5, 3000, "other@example.com"
    )
    store.canned.create(_entry("R3", "hello"), 10)  # the old shortcut is free again
    same = store.canned.update(moved, _entry("R1", "HI").response, 3001, "x")  # its own, in another case
    assert same.response.shortcut == "HI"
    store.canned.delete(store.canned.get(SHARED, None, "R3"))
    store.canned.create(_entry("R4", "hello"), 10)  # freed by the delete
    with pytest.raises(NotFound):
        store.canned.delete(_entry("R3", "hello"))
    with pytest.raises(NotFound):
        store.canned.update(_entry("R3", "zzz"), _entry("R3", "zzz").response, 1, "x")


def test_the_limit_counts_creates_and_deletes(store):
    for n in range(3):
        store.canned.create(_entry(f"P{n}", f"s{n}", scope=PERSONAL, owner="alice"), 3)
    with pytest.raises(LimitReached):
        store.canned.create(_entry("P9", "s9", scope=PERSONAL, owner="alice"), 3)
    assert store.canned.count(PERSONAL, "alice") == 3
    store.canned.delete(store.canned.get(PERSONAL, "alice", "P0"))
    store.canned.create(_entry("P9", "s9", scope=PERSONAL, owner="alice"), 3)
    assert sorted(e.response.response_id for e in store.canned.of_scope(PERSONAL, "alice")) == ["P1", "P2", "P9"]


def test_positions_and_usage(store):
    for n in range(3):
        store.canned.create(_entry(f"R{n}", f"s{n}", position=n), 10)
    store.canned.set_positions(SHARED, None, {"R2": 0, "R0": 2, "gone": 1})
    assert [e.response.response_id for e in store.canned.of_scope(SHARED, None)] == ["R2", "R1", "R0"]
    assert store.canned.record_use(SHARED, None, "R1", 5000) == 1
    assert store.canned.record_use(SHARED, None, "R1", 6000) == 2
    used = store.canned.get(SHARED, None, "R1")
    assert (used.usage_count, used.last_used_at) == (2, 6000)
    with pytest.raises(NotFound):
        store.canned.record_use(SHARED, None, "gone", 1)
