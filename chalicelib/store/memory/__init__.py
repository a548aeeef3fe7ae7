"""The in-memory twin of the DynamoDB store: same functions, same preconditions, no network.

Each aggregate's functions live in a class of its own module here, over one `Tables` of dicts
guarded by one lock (a transaction is a block under the lock: check every precondition, then
apply). Entities are copied in and out, as a database would. tests/contract runs one suite
against this and against moto, so the two cannot drift; the fast test tier runs the services on it.
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
    import importlib

    tables = Tables()
    aggregates = {}
    for name in Store.__dataclass_fields__:
        module = importlib.import_module(f"chalicelib.store.memory.{name}")
        aggregates[name] = getattr(module, f"Memory{name.title().replace('_', '')}")(tables)
    return Store(**aggregates)
