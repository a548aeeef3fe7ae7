"""Settings items: the chat settings (one JSON document, written with an optimistic version
check) and the consent text of every version a chat may have agreed to."""

from __future__ import annotations

from datetime import UTC, datetime

from pynamodb.exceptions import DoesNotExist, UpdateError

from chalicelib.domain.entities import SettingsDocument
from chalicelib.store import keys
from chalicelib.store.convert import to_entity
from chalicelib.store.dynamo import is_condition_failure
from chalicelib.store.models import SettingsModel
from chalicelib.store.settings_items import save_versioned


def _get(name: str) -> SettingsDocument | None:
    try:
        return to_entity(SettingsModel.get(name, consistent_read=True), SettingsDocument)
    except DoesNotExist:
        return None


def chat_settings() -> SettingsDocument | None:
    """The chat settings as last saved (None: never saved, the defaults apply)."""
    return _get(keys.CHAT_SETTINGS)


def save_chat_settings(
    document: str, *, version: int, expected_version: int | None, updated_at: int, updated_by: str | None
) -> SettingsDocument:
    """Optimistic write: refused (Conflict) if the stored version is not `expected_version`
    (None: if any settings are stored at all)."""
    return save_versioned(
        keys.CHAT_SETTINGS,
        document,
        version=version,
        expected_version=expected_version,
        updated_at=updated_at,
        updated_by=updated_by,
        conflict="the settings were changed by someone else; reload and try again",
    )


def consent_text(version: int) -> SettingsDocument | None:
    """The consent document of an earlier consent version (None: not kept)."""
    return _get(keys.consent_setting(version))


def save_consent_text(version: int, document: str, *, updated_at: int, updated_by: str | None) -> SettingsDocument:
    """Keep consent version `version`'s text. Written once per version, by the settings write that
    won that version; a repeat writes the same text again."""
    item = SettingsModel(
        keys.consent_setting(version), document=document, updated_at=updated_at, updated_by=updated_by, version=version
    )
    item.save()
    return to_entity(item, SettingsDocument)


def count_mail(address_key: str, window_start: int, limit: int, expires_at: int) -> bool:
    """Count one transcript mail to an address in the hour starting `window_start`: one conditional
    UpdateItem (ADD). False, with nothing written, when `limit` mails are counted already."""
    item = SettingsModel(keys.mail_quota_setting(address_key, window_start))
    try:
        item.update(
            actions=[
                SettingsModel.mail_count.add(1),
                SettingsModel.document.set(SettingsModel.document | ""),
                SettingsModel.expires_at.set(datetime.fromtimestamp(expires_at, UTC)),
            ],
            condition=SettingsModel.mail_count.does_not_exist() | (SettingsModel.mail_count < limit),
        )
    except UpdateError as exc:
        if is_condition_failure(exc):
            return False
        raise
    return True


def uncount_mail(address_key: str, window_start: int) -> None:
    """Give back one count of `count_mail` (a request counted, then refused by the once-per-chat
    condition): one conditional UpdateItem, nothing when nothing is counted."""
    item = SettingsModel(keys.mail_quota_setting(address_key, window_start))
    try:
        item.update(actions=[SettingsModel.mail_count.add(-1)], condition=SettingsModel.mail_count > 0)
    except UpdateError as exc:
        if not is_condition_failure(exc):
            raise
