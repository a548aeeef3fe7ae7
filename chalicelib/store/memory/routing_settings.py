"""In-memory twin of chalicelib/store/routing_settings.py."""

from __future__ import annotations

from chalicelib.domain.entities import SettingsDocument
from chalicelib.domain.errors import Conflict
from chalicelib.store import keys
from chalicelib.store.memory import Tables, copied


class MemoryRoutingSettings:
    def __init__(self, tables: Tables) -> None:
        self._tables = tables
        self._items: dict[str, SettingsDocument] = tables.table("settings")

    def get(self) -> SettingsDocument | None:
        with self._tables.lock:
            return copied(self._items.get(keys.ROUTING_SETTINGS))

    def get_with_chat_settings(self) -> tuple[SettingsDocument | None, SettingsDocument | None]:
        with self._tables.lock:
            return copied(self._items.get(keys.CHAT_SETTINGS)), copied(self._items.get(keys.ROUTING_SETTINGS))

    def save(
        self, document: str, *, version: int, expected_version: int | None, updated_at: int, updated_by: str | None
    ) -> SettingsDocument:
        saved = SettingsDocument(keys.ROUTING_SETTINGS, document, updated_at, updated_by, version)
        with self._tables.lock:
            stored = self._items.get(keys.ROUTING_SETTINGS)
            stored_version = stored.version if stored is not None else None
            if stored_version != expected_version:
                raise Conflict("the routing settings were changed by someone else; reload and try again")
            self._items[keys.ROUTING_SETTINGS] = copied(saved)
        return copied(saved)
