"""The routing settings item: live-chat timers, business hours and teams, as one JSON document
written with an optimistic version check (services/routing_settings.py reads and validates it)."""

from __future__ import annotations

from pynamodb.exceptions import DoesNotExist

from chalicelib.domain.entities import SettingsDocument
from chalicelib.store import keys
from chalicelib.store.convert import to_entity
from chalicelib.store.models import SettingsModel
from chalicelib.store.settings_items import save_versioned


def get() -> SettingsDocument | None:
    """The document as last saved (None: never saved, the defaults apply)."""
    try:
        return to_entity(SettingsModel.get(keys.ROUTING_SETTINGS, consistent_read=True), SettingsDocument)
    except DoesNotExist:
        return None


def get_with_chat_settings() -> tuple[SettingsDocument | None, SettingsDocument | None]:
    """(chat settings, routing settings) in one BatchGetItem: what a chat start and the widget's
    availability read, for the request count of one GetItem."""
    found = {
        item.name: to_entity(item, SettingsDocument)
        for item in SettingsModel.batch_get([keys.CHAT_SETTINGS, keys.ROUTING_SETTINGS], consistent_read=True)
    }
    return found.get(keys.CHAT_SETTINGS), found.get(keys.ROUTING_SETTINGS)


def save(
    document: str, *, version: int, expected_version: int | None, updated_at: int, updated_by: str | None
) -> SettingsDocument:
    """Refused (Conflict) unless the stored version is `expected_version` (None: nothing stored yet)."""
    return save_versioned(
        keys.ROUTING_SETTINGS,
        document,
        version=version,
        expected_version=expected_version,
        updated_at=updated_at,
        updated_by=updated_by,
        conflict="the routing settings were changed by someone else; reload and try again",
    )
