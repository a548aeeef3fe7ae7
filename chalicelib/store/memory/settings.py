"""The in-memory twin of chalicelib/store/settings.py."""

from __future__ import annotations

from chalicelib.domain.entities import SettingsDocument
from chalicelib.domain.errors import Conflict
from chalicelib.store import keys
from chalicelib.store.memory import Tables, copied


class MemorySettings:
    def __init__(self, tables: Tables) -> None:
        self.tables = tables
        self.items: dict[str, SettingsDocument] = tables.table("settings")
        self.mail_counts: dict[str, int] = tables.table("mail-quota")

    def _get(self, name: str) -> SettingsDocument | None:
        with self.tables.lock:
            return copied(self.items.get(name))

    def chat_settings(self) -> SettingsDocument | None:
        return self._get(keys.CHAT_SETTINGS)

    def save_chat_settings(
        self, document: str, *, version: int, expected_version: int | None, updated_at: int, updated_by: str | None
    ) -> SettingsDocument:
        saved = SettingsDocument(keys.CHAT_SETTINGS, document, updated_at, updated_by, version)
        conflict = "the settings were changed by someone else; reload and try again"
        return save_versioned(self.tables, saved, expected_version, conflict)

    def consent_text(self, version: int) -> SettingsDocument | None:
        return self._get(keys.consent_setting(version))

    def save_consent_text(
        self, version: int, document: str, *, updated_at: int, updated_by: str | None
    ) -> SettingsDocument:
        saved = SettingsDocument(keys.consent_setting(version), document, updated_at, updated_by, version)
        with self.tables.lock:
            self.items[saved.name] = copied(saved)
        return saved

    def count_mail(self, address_key: str, window_start: int, limit: int, expires_at: int) -> bool:
        name = keys.mail_quota_setting(address_key, window_start)
        with self.tables.lock:
            if self.mail_counts.get(name, 0) >= limit:
                return False
            self.mail_counts[name] = self.mail_counts.get(name, 0) + 1
        return True

    def uncount_mail(self, address_key: str, window_start: int) -> None:
        name = keys.mail_quota_setting(address_key, window_start)
        with self.tables.lock:
            if self.mail_counts.get(name, 0) > 0:
                self.mail_counts[name] -= 1


def save_versioned(
    tables: Tables, saved: SettingsDocument, expected_version: int | None, conflict: str
) -> SettingsDocument:
    """The twin of store/settings_items.save_versioned: stored only over `expected_version` (None:
    only if nothing is stored), else Conflict; shared by the chat and the routing settings."""
    items = tables.table("settings")
    with tables.lock:
        stored = items.get(saved.name)
        if (stored.version if stored is not None else None) != expected_version:
            raise Conflict(conflict)
        items[saved.name] = copied(saved)
    return copied(saved)
