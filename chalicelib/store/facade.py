"""The store as one object: a namespace per aggregate, each a module of functions that take and
return domain entities (chalicelib/domain/entities.py).

`dynamo_store()` is DynamoDB through pynamodb; `chalicelib.store.memory.memory_store()` is its
in-memory twin, held to the same behaviour by tests/contract. The chat path's modules are imported
with this one (in Lambda's init phase, with the handler); the rest on first use, so a chat
handler's cold start does not load the export's or the history's code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.lazy_import import lazy_module
from chalicelib.store import agents, connections, conversations, messages, routing_settings, settings

_EAGER = {
    "agents": agents,
    "connections": connections,
    "conversations": conversations,
    "messages": messages,
    "settings": settings,  # intake, assignment and status changes read the chat settings
    "routing_settings": routing_settings,  # and the routing settings (teams, hours)
}


@dataclass(frozen=True)
class Store:
    connections: Any
    agents: Any
    conversations: Any
    messages: Any
    tickets: Any
    settings: Any
    audit: Any
    history: Any
    export_jobs: Any
    bulk: Any
    routing_settings: Any


def dynamo_store() -> Store:
    return Store(
        **{name: _EAGER.get(name) or lazy_module(f"chalicelib.store.{name}") for name in Store.__dataclass_fields__}
    )
