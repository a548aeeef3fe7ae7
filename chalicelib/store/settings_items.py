"""What the settings namespaces share (the chat settings and the routing settings): a settings
document saved with an optimistic version check. Not a store namespace of its own."""

from __future__ import annotations

from pynamodb.exceptions import PutError

from chalicelib.domain.entities import SettingsDocument
from chalicelib.domain.errors import Conflict
from chalicelib.store.convert import to_entity
from chalicelib.store.dynamo import is_condition_failure
from chalicelib.store.models import SettingsModel


def save_versioned(
    name: str,
    document: str,
    *,
    version: int,
    expected_version: int | None,
    updated_at: int,
    updated_by: str | None,
    conflict: str,
) -> SettingsDocument:
    """A settings document written only over `expected_version` (None: only if none is stored);
    otherwise Conflict with the message `conflict`. The chat and the routing settings share it."""
    item = SettingsModel(name, document=document, updated_at=updated_at, updated_by=updated_by, version=version)
    condition = (
        SettingsModel.name.does_not_exist() if expected_version is None else SettingsModel.version == expected_version
    )
    try:
        item.save(condition=condition)
    except PutError as exc:
        if is_condition_failure(exc):
            raise Conflict(conflict) from exc
        raise
    return to_entity(item, SettingsDocument)
