"""Canned responses (상용구, issue #22): shared ones (admins manage, all staff use) and each agent's own.

The rules are chalicelib/domain/canned.py (fields, limits, who may do what), canned_text.py (filling
the variables at insertion) and canned_csv.py (CSV export, import and its plan). Here: load, apply,
store. Inserting one (`use_response`) counts the use and answers the filled text; nothing is sent:
the agent edits it in the composer and sends it as a plain message (the message path is unchanged).
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from ulid import ULID

from chalicelib.bootstrap import clock, store
from chalicelib.domain import canned as rules
from chalicelib.domain import model
from chalicelib.domain.canned import CannedResponse, CannedScope
from chalicelib.domain.canned_csv import from_csv, plan_canned_import, to_csv
from chalicelib.domain.canned_text import DEFAULT_TIME_ZONE, fill, variable_values
from chalicelib.domain.entities import CannedEntry
from chalicelib.domain.errors import Forbidden, InvalidField, NotFound
from chalicelib.domain.model import Principal, Role, check_is_staff
from chalicelib.domain.validation import id_field, only_fields
from chalicelib.services.views import access_of

MAX_REORDER_IDS = rules.MAX_SHARED_RESPONSES


def _owner(scope: CannedScope, principal: Principal) -> str | None:
    return principal.user_id if scope is CannedScope.PERSONAL else None


def _require_admin(principal: Principal) -> None:
    if principal.role is not Role.ADMIN:
        raise Forbidden("only admins manage shared canned responses")


def canned_view(entry: CannedEntry, *, with_usage: bool) -> dict[str, Any]:
    response = entry.response
    view: dict[str, Any] = {
        "responseId": response.response_id,
        "scope": response.scope.value,
        "title": response.title,
        "shortcut": response.shortcut,
        "text": response.text,
        "category": response.category,
        "position": response.position,
        "updatedAt": entry.updated_at,
    }
    if with_usage:  # shown to admins (which shared ones are used) and to each owner for their own
        view["usageCount"] = entry.usage_count
        view["lastUsedAt"] = entry.last_used_at
    return view


# --- listing -------------------------------------------------------------------------------


def usable_responses(principal: Principal) -> dict[str, Any]:
    """What the composer searches: the shared responses and the caller's own, each in its order."""
    check_is_staff(principal)
    shared = store().canned.of_scope(CannedScope.SHARED, None)
    personal = store().canned.of_scope(CannedScope.PERSONAL, principal.user_id)
    return {
        "shared": [canned_view(e, with_usage=principal.role is Role.ADMIN) for e in shared],
        "personal": [canned_view(e, with_usage=True) for e in personal],
        "limits": {
            "shared": rules.MAX_SHARED_RESPONSES,
            "personal": rules.MAX_PERSONAL_RESPONSES,
            "textChars": rules.MAX_TEXT_CHARS,
        },
    }


def shared_responses(principal: Principal) -> dict[str, Any]:
    _require_admin(principal)
    entries = store().canned.of_scope(CannedScope.SHARED, None)
    return {"responses": [canned_view(e, with_usage=True) for e in entries], "limit": rules.MAX_SHARED_RESPONSES}


# --- create, edit, delete, reorder -------------------------------------------------------------


def create_response(principal: Principal, scope: CannedScope, body: dict[str, Any]) -> dict[str, Any]:
    scope = rules.scope_for_create(principal, scope.value)
    fields = rules.parse_canned_create(body)
    owner = _owner(scope, principal)
    rules.check_canned_limit(scope, store().canned.count(scope, owner))
    existing = store().canned.of_scope(scope, owner)
    position = max((e.response.position for e in existing), default=-1) + 1  # at the end
    now = clock()
    response = rules.new_canned_response(str(ULID()), fields, scope=scope, owner_id=owner, position=position)
    entry = CannedEntry(response, created_at=now, updated_at=now, updated_by=principal.user_id)
    store().canned.create(entry, rules.limit_for(scope))
    return canned_view(entry, with_usage=True)


def _find(principal: Principal, scope: CannedScope, raw_id: str) -> CannedEntry:
    response_id = id_field({"responseId": raw_id}, "responseId")
    return store().canned.get(scope, _owner(scope, principal), response_id)


def edit_response(principal: Principal, scope: CannedScope, raw_id: str, body: dict[str, Any]) -> dict[str, Any]:
    check_is_staff(principal)
    entry = _find(principal, scope, raw_id)
    rules.check_can_manage(principal, entry.response)
    edited = rules.apply_canned_edit(entry.response, body)
    if edited == entry.response:
        return canned_view(entry, with_usage=True)
    return canned_view(store().canned.update(entry, edited, clock(), principal.user_id), with_usage=True)


def delete_response(principal: Principal, scope: CannedScope, raw_id: str) -> dict[str, Any]:
    check_is_staff(principal)
    entry = _find(principal, scope, raw_id)
    rules.check_can_manage(principal, entry.response)
    store().canned.delete(entry)
    return {"responseId": entry.response.response_id, "deleted": True}


def reorder(principal: Principal, scope: CannedScope, body: dict[str, Any]) -> dict[str, Any]:
    """`{"ids": [...]}`: every response of the scope, once each, in the new order."""
    check_is_staff(principal)
    if scope is CannedScope.SHARED:
        _require_admin(principal)
    only_fields(body, {"ids"})
    ids = body.get("ids")
    if not isinstance(ids, list) or len(ids) > MAX_REORDER_IDS:
        raise InvalidField(f"'ids' must be a list of at most {MAX_REORDER_IDS:,} response ids", field="ids")
    ids = [id_field({"ids": i}, "ids") for i in ids]
    owner = _owner(scope, principal)
    entries = store().canned.of_scope(scope, owner)
    current = {e.response.response_id: e.response.position for e in entries}
    if len(set(ids)) != len(ids) or set(ids) != set(current):
        raise InvalidField("'ids' must list every response of the scope exactly once", field="ids")
    changed = {rid: position for position, rid in enumerate(ids) if current[rid] != position}
    store().canned.set_positions(scope, owner, changed)
    entries = store().canned.of_scope(scope, owner)
    return {"responses": [canned_view(e, with_usage=True) for e in entries]}


# --- insertion -------------------------------------------------------------------------------


def use_response(principal: Principal, raw_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """Count one use of a response (the caller's own, else a shared one) and answer its text filled
    for the chat named (`conversationId`, optional): `{text, emptySpans}` for the composer."""
    check_is_staff(principal)
    only_fields(body, {"conversationId", "lang"})
    response_id = id_field({"responseId": raw_id}, "responseId")
    lang = body.get("lang") or "ko"
    if lang not in ("ko", "en"):
        raise InvalidField("'lang' must be ko or en", field="lang")
    conv = None
    if body.get("conversationId") is not None:
        conv = store().conversations.get(id_field(body, "conversationId"))
        model.check_can_see_chat(principal, access_of(conv))
    entry = _usable(principal, response_id)
    count = store().canned.record_use(entry.response.scope, entry.response.owner_id, response_id, clock())
    agent = store().agents.get(principal.user_id)
    values = variable_values(
        customer_name=conv.customer_name if conv else None,
        agent_display_name=(agent.display_name if agent else None) or principal.display_name or None,
        inquiry_type=conv.inquiry_type if conv else None,
        now_ms=clock(),
        time_zone=DEFAULT_TIME_ZONE,
        lang=lang,
    )
    filled = fill(entry.response.text, values)
    return {
        "responseId": response_id,
        "usageCount": count,
        **filled.to_view(),
        "exceedsMessageLimit": filled.exceeds_message_limit,
    }


def _usable(principal: Principal, response_id: str) -> CannedEntry:
    for scope in (CannedScope.PERSONAL, CannedScope.SHARED):
        try:
            entry = store().canned.get(scope, _owner(scope, principal), response_id)
        except NotFound:
            continue
        if rules.may_use(principal, entry.response):
            return entry
    raise NotFound("no such canned response")


# --- CSV ---------------------------------------------------------------------------------------


def export_csv(principal: Principal, scope: CannedScope, params: dict[str, Any]) -> bytes:
    check_is_staff(principal)
    if scope is CannedScope.SHARED:
        _require_admin(principal)
    lang = params.get("lang") or "ko"
    if lang not in ("ko", "en"):
        raise InvalidField("'lang' must be ko or en", field="lang")
    entries = store().canned.of_scope(scope, _owner(scope, principal))
    return to_csv([e.response for e in entries], lang=lang)


def _csv_bytes(body: dict[str, Any]) -> bytes:
    only_fields(body, {"csv", "csvBase64"})
    if isinstance(body.get("csv"), str) and "csvBase64" not in body:
        try:
            return str(body["csv"]).encode("utf-8")
        except UnicodeEncodeError as exc:
            raise InvalidField("'csv' is not valid Unicode text", field="csv") from exc
    if isinstance(body.get("csvBase64"), str) and "csv" not in body:
        try:
            return base64.b64decode(body["csvBase64"], validate=True)
        except (binascii.Error, ValueError) as exc:
            raise InvalidField("'csvBase64' is not base64", field="csvBase64") from exc
    raise InvalidField("give the file as 'csv' (text) or 'csvBase64' (its bytes, e.g. CP949)", field="csv")


def import_csv(principal: Principal, scope: CannedScope, body: dict[str, Any]) -> dict[str, Any]:
    """Every row validated first (one bad row: nothing imported, every row's errors answered); then
    new shortcuts are created at the end and known ones updated. Nothing is deleted."""
    check_is_staff(principal)
    if scope is CannedScope.SHARED:
        _require_admin(principal)
    drafts = from_csv(_csv_bytes(body))
    owner = _owner(scope, principal)
    existing = store().canned.of_scope(scope, owner)
    plan = plan_canned_import([e.response for e in existing], drafts, scope=scope)
    by_id = {e.response.response_id: e for e in existing}
    now = clock()
    position = max((e.response.position for e in existing), default=-1) + 1
    for draft in plan.creates:
        response = rules.new_canned_response(str(ULID()), draft, scope=scope, owner_id=owner, position=position)
        position += 1
        store().canned.create(
            CannedEntry(response, created_at=now, updated_at=now, updated_by=principal.user_id), rules.limit_for(scope)
        )
    for current, draft in plan.updates:
        edited = CannedResponse(
            current.response_id,
            current.scope,
            current.owner_id,
            draft.title,
            draft.shortcut,
            draft.text,
            draft.category,
            current.position,
        )
        store().canned.update(by_id[current.response_id], edited, now, principal.user_id)
    return {
        "created": len(plan.creates),
        "updated": len(plan.updates),
        "unchanged": len(drafts) - len(plan.creates) - len(plan.updates),
    }

