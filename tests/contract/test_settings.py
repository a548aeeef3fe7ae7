"""Settings: the chat settings written with an optimistic version check; consent texts kept per version."""

from __future__ import annotations

import pytest

from chalicelib.domain.entities import SettingsDocument
from chalicelib.domain.errors import Conflict


def _save(store, document: str, version: int, expected: int | None) -> SettingsDocument:
    return store.settings.save_chat_settings(
        document, version=version, expected_version=expected, updated_at=100 + version, updated_by="admin"
    )


def test_no_settings_until_saved(store):
    assert store.settings.chat_settings() is None


def test_saved_settings_read_back(store):
    saved = _save(store, '{"greeting": "안녕하세요"}', 1, None)
    assert store.settings.chat_settings() == saved
    assert (saved.document, saved.version) == ('{"greeting": "안녕하세요"}', 1)
    assert (saved.updated_at, saved.updated_by) == (101, "admin")


def test_a_first_save_is_refused_when_settings_exist(store):
    _save(store, "{}", 1, None)
    with pytest.raises(Conflict):
        _save(store, '{"a": 1}', 1, None)
    assert store.settings.chat_settings().document == "{}"


def test_a_save_over_another_version_is_refused(store):
    _save(store, "{}", 1, None)
    _save(store, '{"a": 2}', 2, 1)
    with pytest.raises(Conflict):
        _save(store, '{"a": 3}', 2, 1)  # read at version 1: someone saved 2 meanwhile
    assert store.settings.chat_settings().version == 2


def test_consent_texts_are_kept_per_version(store):
    assert store.settings.consent_text(2) is None
    saved = store.settings.save_consent_text(2, '{"ko": "동의"}', updated_at=5, updated_by="admin")
    assert store.settings.consent_text(2) == saved and saved.version == 2
    assert store.settings.consent_text(3) is None
    assert store.settings.chat_settings() is None  # a consent text is not the chat settings
