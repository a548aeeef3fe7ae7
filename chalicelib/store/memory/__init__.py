"""The in-memory twin of the DynamoDB store: same functions, same preconditions, no network.

Each aggregate's functions live in a class of its own module here, over one `Tables` of dicts
guarded by one lock (a transaction is a block under the lock: check every precondition, then
apply). Entities are copied in and out, as a database would. tests/contract runs one suite
against this and against moto, so the two cannot drift (and mypy holds both to the signatures of
chalicelib/store/ports.py); the fast test tier runs the services on it.
"""

from __future__ import annotations

import copy
import threading
from typing import Any, TypeVar

from chalicelib.store.facade import Store

T = TypeVar("T")


class Tables:
    """Every table's items, by key. Aggregates keep what they need under their own attribute."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.items: dict[str, dict[Any, Any]] = {}

    def table(self, name: str) -> dict[Any, Any]:
        return self.items.setdefault(name, {})


def copied(value: T) -> T:
    return copy.deepcopy(value)


def memory_store() -> Store:
    # Imported here: each aggregate's module imports Tables from this one.
    from chalicelib.store.memory.agents import MemoryAgents
    from chalicelib.store.memory.attachments import MemoryAttachments
    from chalicelib.store.memory.audit import MemoryAudit
    from chalicelib.store.memory.bulk import MemoryBulk
    from chalicelib.store.memory.canned import MemoryCanned
    from chalicelib.store.memory.connections import MemoryConnections
    from chalicelib.store.memory.conversations import MemoryConversations
    from chalicelib.store.memory.export_jobs import MemoryExportJobs
    from chalicelib.store.memory.history import MemoryHistory
    from chalicelib.store.memory.lifecycle import MemoryLifecycle
    from chalicelib.store.memory.messages import MemoryMessages
    from chalicelib.store.memory.queues import MemoryQueues
    from chalicelib.store.memory.reports import MemoryReports
    from chalicelib.store.memory.routing_settings import MemoryRoutingSettings
    from chalicelib.store.memory.settings import MemorySettings
    from chalicelib.store.memory.tickets import MemoryTickets
    from chalicelib.store.memory.wallboard import MemoryWallboard

    tables = Tables()
    return Store(
        connections=MemoryConnections(tables),
        agents=MemoryAgents(tables),
        conversations=MemoryConversations(tables),
        queues=MemoryQueues(tables),
        lifecycle=MemoryLifecycle(tables),
        messages=MemoryMessages(tables),
        tickets=MemoryTickets(tables),
        canned=MemoryCanned(tables),
        settings=MemorySettings(tables),
        audit=MemoryAudit(tables),
        history=MemoryHistory(tables),
        export_jobs=MemoryExportJobs(tables),
        bulk=MemoryBulk(tables),
        routing_settings=MemoryRoutingSettings(tables),
        reports=MemoryReports(tables),
        wallboard=MemoryWallboard(tables),
        attachments=MemoryAttachments(tables),
    )
