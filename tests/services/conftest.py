"""Use cases on the in-memory store: no moto, no network, a clock the test moves.

Frames the services push are recorded per connection by `RecordingPusher`, so a test reads
what each tab would have received.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

import pytest

from chalicelib import bootstrap, observability
from chalicelib.domain.model import AgentStatus, Principal, Role
from chalicelib.store.memory import memory_store

T0 = 1_764_000_000_000


class RecordingPusher:
    def __init__(self) -> None:
        self.frames: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.gone: set[str] = set()
        self.closed: list[str] = []

    def send(self, connection_ids: Iterable[str], frame: dict[str, Any]) -> list[str]:
        gone = []
        for connection_id in sorted(connection_ids):
            if connection_id in self.gone:
                gone.append(connection_id)
            else:
                self.frames[connection_id].append(frame)
        return gone

    def close(self, connection_id: str) -> None:
        self.closed.append(connection_id)

    def is_gone(self, connection_id: str) -> bool:
        return connection_id in self.gone

    def types(self, connection_id: str) -> list[str]:
        return [f["type"] for f in self.frames[connection_id]]

    def take(self, connection_id: str) -> list[dict[str, Any]]:
        frames, self.frames[connection_id] = self.frames[connection_id], []
        return frames


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> int:
        self.now += 1  # every reading is later than the one before, as on a real clock
        return self.now


class World:
    """The adapters of one test, and shortcuts to act as its people."""

    def __init__(self, adapters: bootstrap.Adapters) -> None:
        self.store = adapters.store
        self.pusher: RecordingPusher = adapters.pusher
        self.clock: Clock = adapters.clock  # type: ignore[assignment]

    def agent(self, user_id: str = "agent1@example.com", *, online: bool = True, tab: str | None = None) -> Principal:
        from chalicelib.services import agent_status

        principal = Principal(role=Role.AGENT, user_id=user_id, email=user_id, display_name="김상담")
        self.store.agents.ensure(principal)
        if tab:
            self.store.connections.put(tab, principal, self.clock())
            self.store.agents.add_connection(user_id, tab)
        if online:
            agent_status.set_status(principal, {"status": AgentStatus.ONLINE.value})
        return principal


@pytest.fixture
def world() -> Iterator[World]:
    # bound(): the ids the services annotate stay in this test, as they stay in one invocation.
    with (
        observability.bound(),
        bootstrap.use(store=memory_store(), pusher=RecordingPusher(), clock=Clock()) as adapters,
    ):
        yield World(adapters)
