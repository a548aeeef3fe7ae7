"""Chat settings: defaults, validation of changes, consent text versions.

Customer-facing texts have a Korean and an English version (chalicelib/domain/customer_texts.py):
the Korean one keeps its old name (`greeting`, `consentText`, …), the English one is `…En`.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from chalicelib import bootstrap
from chalicelib.domain import attachments, type_catalog
from chalicelib.domain.customer_texts import (
    DEFAULT_TYPE_NAMES_EN,
    DEFAULTS,
    bilingual,
    consent_document,
    parse_consent_document,
    without_english,
)
from chalicelib.domain.entities import SettingsDocument
from chalicelib.domain.errors import Conflict, InvalidField
from chalicelib.domain.model import Principal
from chalicelib.domain.type_catalog import TypeEntry
from chalicelib.domain.validation import bool_field, int_field, text_field

_store = bootstrap.store


@dataclass
class ChatSettings:
    chat_enabled: bool = True
    consent_version: int = 1
    consent_text: str = DEFAULTS["consent_text"]["ko"]
    absence_message: str = DEFAULTS["absence_message"]["ko"]
    greeting: str = DEFAULTS["greeting"]["ko"]
    rating_request_text: str = DEFAULTS["rating_request_text"]["ko"]
    # The English versions ("" = none: the widget shows the Korean text, marked as Korean).
    consent_text_en: str = DEFAULTS["consent_text"]["en"]
    absence_message_en: str = DEFAULTS["absence_message"]["en"]
    greeting_en: str = DEFAULTS["greeting"]["en"]
    rating_request_text_en: str = DEFAULTS["rating_request_text"]["en"]
    max_chats_per_agent: int = 3
    inquiry_types: list[str] = field(
        default_factory=lambda: ["일반 문의", "주문/결제", "배송", "환불/교환", "계정", "기타"]
    )
    processing_types: list[str] = field(
        default_factory=lambda: ["상담 완료", "추가 확인 필요", "담당 부서 이관", "단순 문의"]
    )
    security_service: bool = False
    agents_may_export: bool = False
    auto_mask_pii: bool = False  # mask detected personal data in customer messages (with security_service)
    attachment_max_mb: int = attachments.DEFAULT_MAX_MB  # at most attachments.HARD_MAX_MB
    attachment_types: list[str] = field(default_factory=lambda: list(attachments.DEFAULT_TYPES))
    # The catalogues behind inquiry_types / processing_types (ids, order, retired, former names);
    # the two name lists are always the catalogues' types in use, in order.
    inquiry_type_catalog: list[dict[str, Any]] = field(default_factory=list)
    processing_type_catalog: list[dict[str, Any]] = field(default_factory=list)
    version: int = 0

    def __post_init__(self) -> None:
        if not self.inquiry_type_catalog:
            self.inquiry_type_catalog = [
                e.to_document() for e in type_catalog.catalog_from_names(self.inquiry_types, DEFAULT_TYPE_NAMES_EN)
            ]
        if not self.processing_type_catalog:
            self.processing_type_catalog = [
                e.to_document() for e in type_catalog.catalog_from_names(self.processing_types, DEFAULT_TYPE_NAMES_EN)
            ]

    def attachment_limits(self) -> attachments.AttachmentLimits:
        return attachments.AttachmentLimits(self.attachment_max_mb * attachments.MIB, tuple(self.attachment_types))

    def catalog(self, attr: str) -> list[TypeEntry]:
        return [TypeEntry.from_document(d) for d in getattr(self, attr)]

    def texts(self, attr: str) -> dict[str, str]:
        """{ko, en} of a customer-facing text."""
        return bilingual(getattr(self, attr), getattr(self, f"{attr}_en"))

    def type_names(self, attr: str) -> list[dict[str, str]]:
        """The types in use as {name (what a record keeps), ko, en} for the widget's choices."""
        return [{"name": e.name, **bilingual(e.name, e.name_en)} for e in self.catalog(attr) if not e.retired]

    def public(self) -> dict[str, Any]:
        """What the widget may read, without signing in. The Korean texts keep their old places; the
        widget shows the customer's language from `texts` (and `inquiryTypeNames`)."""
        return {
            "enabled": self.chat_enabled,
            "consent": {
                "version": self.consent_version,
                "text": self.consent_text,
                "texts": self.texts("consent_text"),
            },
            "absenceMessage": self.absence_message,
            "greeting": self.greeting,
            "texts": {"absenceMessage": self.texts("absence_message"), "greeting": self.texts("greeting")},
            "inquiryTypes": list(self.inquiry_types),
            "inquiryTypeNames": self.type_names("inquiry_type_catalog"),
            "attachments": self.attachment_limits().to_api(),
        }

    def to_api(self) -> dict[str, Any]:
        return {
            "chatEnabled": self.chat_enabled,
            "consentVersion": self.consent_version,
            "consentText": self.consent_text,
            "absenceMessage": self.absence_message,
            "greeting": self.greeting,
            "ratingRequestText": self.rating_request_text,
            "consentTextEn": self.consent_text_en,
            "absenceMessageEn": self.absence_message_en,
            "greetingEn": self.greeting_en,
            "ratingRequestTextEn": self.rating_request_text_en,
            "maxChatsPerAgent": self.max_chats_per_agent,
            "inquiryTypes": list(self.inquiry_types),
            "processingTypes": list(self.processing_types),
            "securityService": self.security_service,
            "agentsMayExport": self.agents_may_export,
            "autoMaskPii": self.auto_mask_pii,
            "attachmentMaxMb": self.attachment_max_mb,
            "attachmentTypes": list(self.attachment_types),
            "inquiryTypeCatalog": [e.to_api() for e in self.catalog("inquiry_type_catalog")],
            "processingTypeCatalog": [e.to_api() for e in self.catalog("processing_type_catalog")],
            "version": self.version,
        }


def load_settings() -> ChatSettings:
    return settings_from_item(_store().settings.chat_settings())


def settings_from_item(item: SettingsDocument | None) -> ChatSettings:
    """The chat settings of a stored item (None: never saved, the defaults)."""
    if item is None:
        return ChatSettings()
    values = without_english(json.loads(item.document))  # stored before English versions: none
    known = {k: v for k, v in values.items() if k in ChatSettings.__dataclass_fields__ and k != "version"}
    return ChatSettings(**known, version=item.version)


def _english(body: dict[str, Any], name: str, max_chars: int) -> str:
    return text_field(body, name, max_chars=max_chars, required=False, allow_newlines=True) or ""


_FIELDS = {
    "chatEnabled": ("chat_enabled", lambda b, n: bool_field(b, n)),
    "consentText": ("consent_text", lambda b, n: text_field(b, n, max_chars=5000, allow_newlines=True)),
    "absenceMessage": ("absence_message", lambda b, n: text_field(b, n, max_chars=1000, allow_newlines=True)),
    "greeting": ("greeting", lambda b, n: text_field(b, n, max_chars=1000, allow_newlines=True)),
    "ratingRequestText": ("rating_request_text", lambda b, n: text_field(b, n, max_chars=500, allow_newlines=True)),
    # English versions: "" (or null) removes one; the widget then shows the Korean text.
    "consentTextEn": ("consent_text_en", lambda b, n: _english(b, n, 5000)),
    "absenceMessageEn": ("absence_message_en", lambda b, n: _english(b, n, 1000)),
    "greetingEn": ("greeting_en", lambda b, n: _english(b, n, 1000)),
    "ratingRequestTextEn": ("rating_request_text_en", lambda b, n: _english(b, n, 500)),
    "maxChatsPerAgent": ("max_chats_per_agent", lambda b, n: int_field(b, n, minimum=1, maximum=50)),
    "securityService": ("security_service", lambda b, n: bool_field(b, n)),
    "agentsMayExport": ("agents_may_export", lambda b, n: bool_field(b, n)),
    "autoMaskPii": ("auto_mask_pii", lambda b, n: bool_field(b, n)),
    "attachmentMaxMb": (
        "attachment_max_mb",
        lambda b, n: int_field(b, n, minimum=1, maximum=attachments.HARD_MAX_MB),
    ),
    "attachmentTypes": ("attachment_types", lambda b, n: attachments.type_names(b.get(n), n)),
}


# (names form, catalogue form, catalogue attribute, names attribute)
_TYPE_FIELDS = {
    "inquiryTypes": ("inquiryTypeCatalog", "inquiry_type_catalog", "inquiry_types", False),
    "inquiryTypeCatalog": ("inquiryTypes", "inquiry_type_catalog", "inquiry_types", True),
    "processingTypes": ("processingTypeCatalog", "processing_type_catalog", "processing_types", False),
    "processingTypeCatalog": ("processingTypes", "processing_type_catalog", "processing_types", True),
}


def _type_changes(body: dict[str, Any], before: ChatSettings) -> dict[str, Any]:
    """Add, rename, reorder, retire types: either by the list of names in use or by the full catalogue."""
    changes: dict[str, Any] = {}
    for name, (other, catalog_attr, names_attr, full) in _TYPE_FIELDS.items():
        if name not in body:
            continue
        if other in body:
            raise InvalidField(f"send either '{name}' or '{other}', not both", field=name)
        merge = type_catalog.merge_catalog if full else type_catalog.merge_names
        catalog = merge(before.catalog(catalog_attr), body[name], name)
        changes[catalog_attr] = [e.to_document() for e in catalog]
        changes[names_attr] = type_catalog.active_names(catalog)
    return changes


def update_settings(body: dict[str, Any], actor: Principal) -> tuple[ChatSettings, ChatSettings]:
    """Validate every given field first, then save with an optimistic version check.

    Returns (before, after); the same object twice when the body changes nothing. A new consent
    text gets a new version; the old text is kept per version so each chat's
    agreed version stays readable (store.settings.consent_text).
    """
    unknown = sorted(set(body) - set(_FIELDS) - set(_TYPE_FIELDS) - {"version"})
    if unknown:
        raise InvalidField(f"unknown setting(s): {', '.join(unknown)}", field=unknown[0])
    changes = {attr: parse(body, name) for name, (attr, parse) in _FIELDS.items() if name in body}
    read_version = int_field(body, "version", minimum=0, maximum=2**53) if "version" in body else None
    before = load_settings()
    if read_version is not None and read_version != before.version:
        # The form was filled from an older version: saving it would undo someone else's change.
        raise Conflict(f"the settings changed since version {read_version} (now {before.version}); reload them")
    changes.update(_type_changes(body, before))
    after = ChatSettings(**{**asdict(before), **changes})
    if after == before:
        return before, before  # nothing changes: no write, no new version, nobody to tell
    if (after.consent_text, after.consent_text_en) != (before.consent_text, before.consent_text_en):
        # Either language's text is what a customer agrees to: a change in either is a new version.
        after.consent_version = before.consent_version + 1
    after.version = before.version + 1
    now = bootstrap.clock()
    document = {k: v for k, v in asdict(after).items() if k != "version"}
    _store().settings.save_chat_settings(
        json.dumps(document, ensure_ascii=False),
        version=after.version,
        expected_version=before.version if before.version else None,
        updated_at=now,
        updated_by=actor.user_id,
    )
    if after.consent_version != before.consent_version:
        _save_consent_version(after.consent_version, after.texts("consent_text"), actor, now)
    return before, after


def _save_consent_version(version: int, texts: dict[str, str], actor: Principal, now: int) -> None:
    document = consent_document(texts["ko"], texts["en"])
    _store().settings.save_consent_text(version, document, updated_at=now, updated_by=actor.user_id)


def consent_texts(version: int, settings: ChatSettings) -> dict[str, str] | None:
    """{ko, en} of the consent text a chat agreed to (None for a version never issued)."""
    if version == settings.consent_version:
        return settings.texts("consent_text")
    item = _store().settings.consent_text(version)
    if item is not None:
        return parse_consent_document(item.document)
    return ChatSettings().texts("consent_text") if version == 1 else None
