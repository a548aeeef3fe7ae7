"""Wallboard viewers on both stores: subscribe, the index query, and the throttle's conditional marks
(a write conditioned on marks that changed since the read fails and changes nothing)."""

from __future__ import annotations

from chalicelib.domain.entities import Conversation
from chalicelib.domain.model import Principal, Role
from chalicelib.domain.wallboard import ViewerMark
from chalicelib.store.facade import Store

T = 1_780_000_000_000
ADMIN = Principal(role=Role.ADMIN, user_id="admin@example.com")


def test_viewers_and_their_conditional_marks(store: Store) -> None:
    store.connections.put("c1=", ADMIN, T)
    store.connections.put("c2=", ADMIN, T)  # connected, never subscribed: no viewer
    assert store.wallboard.subscribe("c1=", T) is True
    assert store.wallboard.subscribe("gone=", T) is False  # never re-creates a closed connection
    assert store.connections.get("gone=") is None
    assert store.wallboard.viewers() == [ViewerMark("c1=", T, None)]

    seen = store.wallboard.viewer("c1=")
    assert seen == ViewerMark("c1=", T, None)
    assert store.wallboard.mark_pending(seen, T + 10) is True
    assert store.wallboard.mark_pending(seen, T + 20) is False  # already marked since the read
    marked = store.wallboard.viewer("c1=")
    assert marked == ViewerMark("c1=", T, T + 10)
    assert store.wallboard.claim_push(seen, T + 1000) is False  # stale read: the pending mark moved
    assert store.wallboard.claim_push(marked, T + 1000) is True
    assert store.wallboard.viewer("c1=") == ViewerMark("c1=", T + 1000, None)
    assert store.wallboard.claim_push(marked, T + 2000) is False  # another function pushed first

    # A viewer's item written whole (the rate-limit window, a test's bulk save) stays a viewer.
    connection = store.connections.get("c1=")
    assert connection is not None
    store.bulk.save_all([connection])
    assert [v.connection_id for v in store.wallboard.viewers()] == ["c1="]
    store.connections.delete("c1=")
    assert store.wallboard.viewers() == [] and store.wallboard.viewer("c1=") is None
    assert store.wallboard.viewer("c2=") is None


def test_the_queue_summary_counts_and_finds_the_longest_wait(store: Store) -> None:
    assert store.queues.queue_summary(None) == (0, None)
    chats = [
        Conversation(f"w{i}", "waiting", f"u{i}", T + 1000 * i, 1, T, queued_key=f"{T + i:013d}#w{i}", team_id=team)
        for i, team in enumerate((None, "t1", None, "t1"))
    ]
    chats.append(Conversation("done", "ended", "u9", T - 5000, 1, T))  # ended: in no queue
    store.bulk.save_all(chats)
    assert store.queues.queue_summary(None) == (2, T)
    assert store.queues.queue_summary("t1") == (2, T + 1000)
    assert store.queues.queue_summary("t2") == (0, None)
