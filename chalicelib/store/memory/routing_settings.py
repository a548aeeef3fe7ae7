"""In-memory twin of chalicelib/store/routing_settings.py."""

from __future__ import annotations

from chalicelib.domain.entities import SettingsDocument
from chalicelib.store import keys
from chalicelib.store.memory import Tables, copied
from chalicelib.store.memory.settings import save_versioned


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
        conflict = "the routing settings were changed by someone else; reload and try again"
        return save_versioned(self._tables, saved, expected_version, conflict)
