"""Admin view API under moto (Cognito, DynamoDB, the management API): settings, accounts, presence."""

from __future__ import annotations

import json
import urllib.parse
from typing import Any

import pytest
from moto.apigatewaymanagementapi.models import apigatewaymanagementapi_backends
from moto.core import DEFAULT_ACCOUNT_ID

from chalicelib import bootstrap
from chalicelib.services.settings import consent_texts, load_settings
from chalicelib.store.models import AgentModel, ConversationModel

ADMIN = "admin@example.com"


def _admin(h: Any) -> str:
    return h.staff_token(ADMIN, "admins")


def _settings(h: Any) -> dict[str, Any]:
    status, body = h.rest("GET", "/settings", token=_admin(h))
    assert status == 200
    return body


def _put(h: Any, body: Any, token: str | None = None) -> tuple[int, Any]:
    return h.rest("PUT", "/settings", body, token=token or _admin(h))


def _path(agent_id: str) -> str:
    return urllib.parse.quote(agent_id, safe="")


def _group_members(h: Any, group: str) -> set[str]:
    users = h.cognito.list_users_in_group(UserPoolId=h.pool_id, GroupName=group)["Users"]
    return {u["Username"] for u in users}


def _closed(connection_id: str) -> bool:
    backend = apigatewaymanagementapi_backends[DEFAULT_ACCOUNT_ID]["us-east-1"]
    return urllib.parse.quote(connection_id, safe="") not in backend.connections


# --- settings: every field, bad input, callers -------------------------------------------------


SETTING_CHANGES = {
    "chatEnabled": False,
    "consentText": "새 동의 문구\n두 번째 줄",
    "absenceMessage": "지금은 부재중입니다 (테스트).",
    "greeting": "반갑습니다!",
    "ratingRequestText": "평가해 주세요.",
    "maxChatsPerAgent": 7,
    "securityService": True,
    "agentsMayExport": True,
    "autoMaskPii": True,
}


@pytest.mark.parametrize(("name", "value"), list(SETTING_CHANGES.items()))
def test_each_setting_is_saved_and_read_back(h, name, value):
    before = _settings(h)
    status, after = _put(h, {name: value})
    assert status == 200, after
    assert after[name] == (value.strip() if isinstance(value, str) else value)
    assert after["version"] == before["version"] + 1
    assert _settings(h)[name] == after[name]


def test_a_save_from_an_older_version_is_refused_and_changes_nothing(h):
    read = _settings(h)
    status, newer = _put(h, {"greeting": "다른 관리자의 인사", "version": read["version"]})
    assert status == 200 and newer["version"] == read["version"] + 1
    status, error = _put(h, {"greeting": "오래된 화면의 인사", "version": read["version"]})
    assert status == 409 and error["code"] == "conflict", error
    assert _settings(h) == newer


BAD_SETTINGS = [
    {"chatEnabled": "yes"},
    {"consentText": ""},
    {"consentText": "x" * 5001},
    {"absenceMessage": 3},
    {"absenceMessage": "a\x07b"},
    {"greeting": "x" * 1001},
    {"ratingRequestText": None},
    {"maxChatsPerAgent": 0},
    {"maxChatsPerAgent": 51},
    {"maxChatsPerAgent": "many"},
    {"maxChatsPerAgent": True},
    {"securityService": 1},
    {"agentsMayExport": "true"},
    {"autoMaskPii": None},
    {"inquiryTypes": []},
    {"inquiryTypes": ["a", "a"]},
    {"inquiryTypes": "일반 문의"},
    {"processingTypes": [""]},
    {"processingTypes": ["x" * 101]},
    {"inquiryTypes": ["a"], "inquiryTypeCatalog": [{"name": "a"}]},
    {"inquiryTypeCatalog": [{"id": "t-00000000", "name": "a"}]},
    {"inquiryTypeCatalog": [{"name": "a", "retired": True}]},
    {"inquiryTypeCatalog": [{"name": "a", "colour": "red"}]},
    {"processingTypeCatalog": ["a"]},
    {"unknownSetting": 1},
    {"greeting": "좋은 인사", "maxChatsPerAgent": -1},  # one bad field: nothing of the request is stored
    {"greeting": "좋은 인사", "version": "latest"},
]


@pytest.mark.parametrize("body", BAD_SETTINGS)
def test_bad_settings_are_refused_and_change_nothing(h, body):
    before = _settings(h)
    status, error = _put(h, body)
    assert status == 400, error
    assert error["code"] in ("invalid_field", "too_long")
    assert _settings(h) == before


def test_bad_json_and_non_admin_callers_are_refused(h):
    before = _settings(h)
    assert h.rest("PUT", "/settings", "{not json", token=_admin(h))[0] == 400
    assert h.rest("PUT", "/settings", "[1]", token=_admin(h))[0] == 400
    agent = h.staff_token("agent1@example.com")
    status, error = _put(h, {"greeting": "x"}, token=agent)
    assert status == 403 and error["code"] == "forbidden"
    status, error = h.rest("PUT", "/settings", {"greeting": "x"})
    assert status == 401 and error["code"] == "unauthorized"
    assert _settings(h) == before


def test_customer_token_cannot_change_settings(h):
    h.agent_online("agent1@example.com")
    chat = h.start_chat()
    status, error = _put(h, {"greeting": "hacked"}, token=chat["token"])
    assert status == 403 and error["code"] == "forbidden"
    assert _settings(h)["greeting"] != "hacked"


def test_new_consent_text_gets_a_new_version_and_old_chats_keep_theirs(h):
    h.agent_online("agent1@example.com")
    first = h.start_chat("A")
    old_version = _settings(h)["consentVersion"]
    status, after = _put(h, {"consentText": "개정된 동의 문구"})
    assert status == 200 and after["consentVersion"] == old_version + 1
    assert ConversationModel.get(first["conversationId"]).consent_version == old_version
    status, availability = h.rest("GET", "/widget/availability")
    assert availability["consent"]["version"] == old_version + 1
    assert availability["consent"]["text"] == "개정된 동의 문구"
    status, error = h.rest("POST", "/chats", {"consent": True, "consentVersion": old_version})
    assert status == 409  # a widget showing the old text must show the new one first
    _, same = _put(h, {"consentText": "개정된 동의 문구"})
    assert same["consentVersion"] == old_version + 1  # the same text is not a new version


def test_customer_texts_have_korean_and_english_versions(h):
    """Consent, greeting, absence message, rating request and type names, each in ko and en (3.1.2)."""
    defaults = _settings(h)
    assert defaults["greetingEn"].startswith("Hello") and defaults["consentTextEn"]
    _, public = h.rest("GET", "/widget/availability")
    assert public["consent"]["texts"] == {"ko": defaults["consentText"], "en": defaults["consentTextEn"]}
    assert public["texts"]["absenceMessage"] == {"ko": defaults["absenceMessage"], "en": defaults["absenceMessageEn"]}
    assert public["texts"]["greeting"]["en"] == defaults["greetingEn"]
    assert public["inquiryTypeNames"][0] == {"name": "일반 문의", "ko": "일반 문의", "en": "General"}

    # Only the English consent text changes: a new consent version all the same.
    version = defaults["consentVersion"]
    status, after = _put(h, {"consentTextEn": "We collect your name and email.", "greetingEn": "", "version": 999})
    assert status == 409  # not the current version: refused, nothing changed
    status, after = _put(h, {"consentTextEn": "We collect your name and email.", "greetingEn": ""})
    assert status == 200 and after["consentVersion"] == version + 1 and after["greetingEn"] == ""
    _, public = h.rest("GET", "/widget/availability")
    assert public["consent"]["texts"]["en"] == "We collect your name and email."
    assert public["texts"]["greeting"] == {"ko": defaults["greeting"], "en": ""}  # no English: the widget falls back
    _, same = _put(h, {"consentTextEn": "We collect your name and email."})
    assert same["consentVersion"] == version + 1
    assert _put(h, {"greetingEn": "x" * 1001})[0] == 400
    assert _put(h, {"greetingEn": 5})[0] == 400
    assert _settings(h)["greetingEn"] == ""

    # A new chat gets the greeting in both languages; a rating request carries both texts.
    h.agent_online("agent1@example.com")
    chat = h.start_chat("A")
    assert chat["greetings"] == {"ko": defaults["greeting"], "en": ""}

    # English type names: edited in the catalogue; records keep the Korean name.
    catalog = _settings(h)["inquiryTypeCatalog"]
    catalog[0]["nameEn"] = "Questions"
    status, after = _put(h, {"inquiryTypeCatalog": catalog})
    assert status == 200 and after["inquiryTypeCatalog"][0]["nameEn"] == "Questions"
    assert after["inquiryTypes"][0] == "일반 문의"
    _, public = h.rest("GET", "/widget/availability")
    assert public["inquiryTypeNames"][0] == {"name": "일반 문의", "ko": "일반 문의", "en": "Questions"}


def test_settings_stored_before_english_versions_stay_readable(h):
    """A settings document without English texts (written before them) loads with none, never the defaults."""
    old = {
        "chat_enabled": True,
        "consent_version": 4,
        "consent_text": "옛 동의 문구",
        "greeting": "옛 인사말",
        "absence_message": "옛 부재 안내",
        "rating_request_text": "옛 평가 요청",
        "inquiry_types": ["문의"],
        "processing_types": ["완료"],
    }
    settings_store = bootstrap.store().settings
    settings_store.save_chat_settings(
        json.dumps(old, ensure_ascii=False), version=7, expected_version=None, updated_at=1, updated_by="x"
    )
    settings_store.save_consent_text(3, "세 번째 동의 문구", updated_at=1, updated_by="x")
    settings = _settings(h)
    assert (settings["greeting"], settings["greetingEn"], settings["consentTextEn"]) == ("옛 인사말", "", "")
    assert settings["inquiryTypeCatalog"][0]["nameEn"] == ""
    _, public = h.rest("GET", "/widget/availability")
    assert public["consent"] == {"version": 4, "text": "옛 동의 문구", "texts": {"ko": "옛 동의 문구", "en": ""}}
    assert consent_texts(3, load_settings()) == {"ko": "세 번째 동의 문구", "en": ""}
    status, after = _put(h, {"consentTextEn": "Old consent, in English"})
    assert status == 200 and after["consentVersion"] == 5 and after["version"] == 8
    assert consent_texts(5, load_settings()) == {"ko": "옛 동의 문구", "en": "Old consent, in English"}
    assert consent_texts(4, load_settings()) is None  # never saved as a version of its own before


def test_absence_message_and_chat_switch_reach_the_widget_at_its_next_check(h):
    _put(h, {"absenceMessage": "점심시간입니다.", "chatEnabled": False})
    _, availability = h.rest("GET", "/widget/availability")
    assert availability["absenceMessage"] == "점심시간입니다."
    assert availability["enabled"] is False and availability["agentsOnline"] is False


def test_a_settings_change_is_pushed_to_open_consoles(h):
    _, online = h.agent_online("agent1@example.com")
    offline = h.connected(h.staff_token("agent2@example.com"))
    h.frames(online), h.frames(offline)
    _, after = _put(h, {"greeting": "새 인사말"})
    for connection in (online, offline):
        pushed = h.frames_of_type(connection, "settings.changed")
        assert len(pushed) == 1
        assert pushed[0]["settings"]["greeting"] == "새 인사말"
        assert pushed[0]["settings"]["version"] == after["version"]


def test_a_save_that_changes_nothing_writes_and_pushes_nothing(h):
    _, online = h.agent_online("agent1@example.com")
    _, current = _put(h, {"greeting": "새 인사말"})
    h.frames(online)
    stored = bootstrap.store().settings.chat_settings()
    for body in ({}, {"greeting": "새 인사말"}, {"greeting": "새 인사말", "version": current["version"]}):
        status, same = _put(h, body)
        assert status == 200 and same == current, body
    assert bootstrap.store().settings.chat_settings().updated_at == stored.updated_at
    assert h.frames_of_type(online, "settings.changed") == []
    status, changed = _put(h, {"greeting": "또 다른 인사말", "version": current["version"]})
    assert status == 200 and changed["version"] == current["version"] + 1
    assert len(h.frames_of_type(online, "settings.changed")) == 1


def test_lowered_default_maximum_keeps_chats_and_raised_one_assigns_at_once(h):
    _put(h, {"maxChatsPerAgent": 1})
    h.agent_online("agent1@example.com")
    first, second = h.start_chat("A"), h.start_chat("B")
    assert first["state"] == "active" and second["state"] == "waiting"
    _put(h, {"maxChatsPerAgent": 2})
    assert ConversationModel.get(second["conversationId"]).state == "active"


# --- inquiry and processing types: add, rename, reorder, retire ----------------------------------


def test_types_keep_ids_through_rename_reorder_and_retire(h):
    catalog = _settings(h)["inquiryTypeCatalog"]
    first, second = catalog[0], catalog[1]
    body = [
        {"id": second["id"], "name": second["name"]},
        {"id": first["id"], "name": "일반 상담"},
        {"name": "신규 유형"},
        *[{"id": t["id"], "name": t["name"], "retired": True} for t in catalog[2:3]],
        *[{"id": t["id"], "name": t["name"]} for t in catalog[3:]],
    ]
    status, after = _put(h, {"inquiryTypeCatalog": body})
    assert status == 200, after
    new_catalog = after["inquiryTypeCatalog"]
    assert [t["id"] for t in new_catalog[:2]] == [second["id"], first["id"]]
    assert new_catalog[1] == {
        "id": first["id"],
        "name": "일반 상담",
        "nameEn": first["nameEn"],  # not sent: kept
        "retired": False,
        "formerNames": [first["name"]],
    }
    assert new_catalog[2]["name"] == "신규 유형" and new_catalog[2]["id"].startswith("t-")
    assert new_catalog[3]["retired"] is True
    assert after["inquiryTypes"] == [second["name"], "일반 상담", "신규 유형"] + [t["name"] for t in catalog[3:]]
    _, availability = h.rest("GET", "/widget/availability")
    assert availability["inquiryTypes"] == after["inquiryTypes"]
    # Leaving a type out of the catalogue retires it; it is never deleted.
    _, shorter = _put(h, {"inquiryTypeCatalog": [{"id": t["id"], "name": t["name"]} for t in new_catalog[:2]]})
    assert [t["id"] for t in shorter["inquiryTypeCatalog"]] == [t["id"] for t in new_catalog]
    assert shorter["inquiryTypes"] == [second["name"], "일반 상담"]


def test_names_form_keeps_ids_and_brings_retired_types_back(h):
    catalog = _settings(h)["processingTypeCatalog"]
    names = [t["name"] for t in catalog]
    _, after = _put(h, {"processingTypes": [names[1], "새 처리"]})
    by_name = {t["name"]: t for t in after["processingTypeCatalog"]}
    assert by_name[names[1]]["id"] == catalog[1]["id"] and not by_name[names[1]]["retired"]
    assert by_name[names[0]]["retired"] is True
    assert after["processingTypes"] == [names[1], "새 처리"]
    _, again = _put(h, {"processingTypes": [names[0], names[1]]})
    assert {t["name"]: t["id"] for t in again["processingTypeCatalog"]}[names[0]] == catalog[0]["id"]
    # Names are unique across the catalogue, retired ones included: rename or bring back instead.
    retired = next(t for t in again["processingTypeCatalog"] if t["retired"])
    status, error = _put(h, {"processingTypeCatalog": [*again["processingTypeCatalog"], {"name": retired["name"]}]})
    assert status == 400 and "duplicate" in error["message"]


def test_a_retired_or_renamed_type_does_not_break_an_old_chat(h):
    token, _ = h.agent_online("agent1@example.com")
    chat = h.start_chat()
    conversation_id = chat["conversationId"]
    old = _settings(h)["processingTypes"][0]
    inquiry = _settings(h)["inquiryTypes"][0]
    status, _ = h.rest(
        "PUT", f"/chats/{conversation_id}/counsel", {"processingType": old, "inquiryType": inquiry}, token=token
    )
    assert status == 200
    catalog = _settings(h)["processingTypeCatalog"]
    renamed = [{"id": catalog[0]["id"], "name": "이름 바뀜", "retired": True}] + [
        {"id": t["id"], "name": t["name"]} for t in catalog[1:]
    ]
    assert _put(h, {"processingTypeCatalog": renamed})[0] == 200
    # The chat keeps the name it was saved with and may be saved again with it.
    status, view = h.rest(
        "PUT", f"/chats/{conversation_id}/counsel", {"processingType": old, "note": "메모"}, token=token
    )
    assert status == 200 and view["counsel"]["processingType"] == old
    # A chat without it cannot pick the retired name.
    other = h.start_chat("B")
    status, _ = h.rest("PUT", f"/chats/{other['conversationId']}/counsel", {"processingType": old}, token=token)
    assert status in (400, 403)


# --- accounts --------------------------------------------------------------------------------------


def test_list_accounts_shows_roles_permission_and_presence(h):
    admin = _admin(h)
    h.agent_online("agent1@example.com")
    h.staff_token("nogroup@example.com", group=None)
    status, body = h.rest("GET", "/admin/agents", token=admin)
    assert status == 200
    by_id = {a["agentId"]: a for a in body["accounts"]}
    assert by_id[ADMIN]["role"] == "admin"
    assert by_id["agent1@example.com"]["role"] == "agent"
    assert by_id["agent1@example.com"]["status"] == "online"
    assert by_id["agent1@example.com"]["chatPermission"] is True
    assert by_id["agent1@example.com"]["maxChats"] == body["defaultMaxChats"]
    assert by_id["nogroup@example.com"]["role"] is None
    assert [a["role"] for a in body["accounts"]][0] == "admin"


def test_invite_creates_a_cognito_user_who_must_choose_a_password(h):
    status, body = h.rest(
        "POST",
        "/admin/agents",
        {"email": "New.Agent@Example.com", "displayName": "신입 상담원", "maxChats": 2, "chatPermission": True},
        token=_admin(h),
    )
    assert status == 201, body
    assert body["agentId"] == "new.agent@example.com"
    assert body["role"] == "agent" and body["accountStatus"] == "FORCE_CHANGE_PASSWORD"
    assert body["maxChats"] == 2 and body["maxChatsOverride"] == 2 and body["status"] == "offline"
    assert "new.agent@example.com" in _group_members(h, "agents")
    auth = h.cognito.initiate_auth(
        ClientId=h.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "new.agent@example.com", "PASSWORD": body["temporaryPassword"]},
    )
    assert auth["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    done = h.cognito.respond_to_auth_challenge(
        ClientId=h.client_id,
        ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=auth["Session"],
        ChallengeResponses={"USERNAME": "new.agent@example.com", "NEW_PASSWORD": "Brand-New-Passw0rd!"},
    )
    token = done["AuthenticationResult"]["IdToken"]
    status, me = h.rest("GET", "/me", token=token)
    assert status == 200 and me["maxChats"] == 2 and me["chatPermission"] is True


def test_invite_an_admin_and_duplicate_and_bad_invites(h):
    admin = _admin(h)
    status, body = h.rest("POST", "/admin/agents", {"email": "boss@example.com", "role": "admin"}, token=admin)
    assert status == 201 and body["role"] == "admin"
    assert "boss@example.com" in _group_members(h, "admins")
    status, error = h.rest("POST", "/admin/agents", {"email": "BOSS@example.com"}, token=admin)
    assert status == 409 and error["code"] == "conflict"
    users_before = len(h.cognito.list_users(UserPoolId=h.pool_id)["Users"])
    for bad in [
        {},
        {"email": "not-an-email"},
        {"email": "a@example.com", "role": "owner"},
        {"email": "a@example.com", "maxChats": 0},
        {"email": "a@example.com", "chatPermission": "yes"},
        {"email": "a@example.com", "displayName": "x" * 101},
        {"email": "a@example.com", "password": "mine"},
    ]:
        status, error = h.rest("POST", "/admin/agents", bad, token=admin)
        assert status == 400, (bad, error)
    assert len(h.cognito.list_users(UserPoolId=h.pool_id)["Users"]) == users_before
    assert AgentModel.count() == 0 or all(a.agent_id != "a@example.com" for a in AgentModel.scan())


def test_every_admin_route_refuses_agents_customers_and_anonymous(h):
    agent = h.staff_token("agent1@example.com")
    target = _path("agent1@example.com")
    h.agent_online("agent2@example.com")
    customer = h.start_chat()["token"]
    routes = [
        ("GET", "/admin/agents", None),
        ("POST", "/admin/agents", {"email": "x@example.com"}),
        ("PUT", f"/admin/agents/{target}/chat-permission", {"chatPermission": False}),
        ("PUT", f"/admin/agents/{target}/max-chats", {"maxChats": 1}),
        ("PUT", f"/admin/agents/{target}/role", {"role": "admin"}),
        ("POST", f"/admin/agents/{target}/disable", None),
        ("POST", f"/admin/agents/{target}/enable", None),
        ("GET", "/admin/presence", None),
    ]
    for method, path, body in routes:
        for token, expected in ((agent, 403), (customer, 403), (None, 401)):
            status, _ = h.rest(method, path, body, token=token)
            assert status == expected, (method, path, token and token[:10], status)
    assert "agent1@example.com" not in _group_members(h, "admins")
    assert h.cognito.admin_get_user(UserPoolId=h.pool_id, Username="agent1@example.com")["Enabled"] is True
    assert "x@example.com" not in {u["Username"] for u in h.cognito.list_users(UserPoolId=h.pool_id)["Users"]}


def test_unknown_users_and_bad_bodies_on_account_actions(h):
    admin = _admin(h)
    h.staff_token("agent1@example.com")
    for method, suffix, body in [
        ("PUT", "chat-permission", {"chatPermission": False}),
        ("PUT", "max-chats", {"maxChats": 2}),
        ("PUT", "role", {"role": "admin"}),
        ("POST", "disable", None),
        ("POST", "enable", None),
    ]:
        status, error = h.rest(method, f"/admin/agents/{_path('ghost@example.com')}/{suffix}", body, token=admin)
        assert status == 404 and error["code"] == "not_found", suffix
    target = f"/admin/agents/{_path('agent1@example.com')}"
    for suffix, body in [
        ("chat-permission", {}),
        ("chat-permission", {"chatPermission": "no"}),
        ("chat-permission", {"chatPermission": False, "extra": 1}),
        ("max-chats", {}),
        ("max-chats", {"maxChats": 0}),
        ("max-chats", {"maxChats": 51}),
        ("max-chats", {"maxChats": "3"}),
        ("role", {"role": "owner"}),
        ("role", {}),
    ]:
        status, error = h.rest("PUT", f"{target}/{suffix}", body, token=admin)
        assert status == 400, (suffix, body, error)
    status, accounts = h.rest("GET", "/admin/agents", token=admin)
    agent1 = next(a for a in accounts["accounts"] if a["agentId"] == "agent1@example.com")
    assert agent1["chatPermission"] is True and agent1["maxChatsOverride"] is None and agent1["role"] == "agent"


def test_removing_chat_permission_returns_unanswered_chats_and_hides_the_agent(h):
    admin = _admin(h)
    _, connection = h.agent_online("agent1@example.com")
    chat = h.start_chat()
    assert chat["state"] == "active"
    h.frames(connection)
    status, view = h.rest(
        "PUT", f"/admin/agents/{_path('agent1@example.com')}/chat-permission", {"chatPermission": False}, token=admin
    )
    assert status == 200 and view["chatPermission"] is False
    assert ConversationModel.get(chat["conversationId"]).state == "waiting"
    pushed = h.frames(connection)
    assert any(f["type"] == "chat.unassigned" for f in pushed)
    assert [f for f in pushed if f["type"] == "agent.status"][-1]["chatPermission"] is False
    assert h.rest("GET", "/widget/availability")[1]["agentsOnline"] is False
    # Granting it back: the waiting chat is assigned at once.
    status, view = h.rest(
        "PUT", f"/admin/agents/{_path('agent1@example.com')}/chat-permission", {"chatPermission": True}, token=admin
    )
    assert status == 200 and view["chatPermission"] is True
    assert ConversationModel.get(chat["conversationId"]).state == "active"
    assert h.rest("GET", "/widget/availability")[1]["agentsOnline"] is True


def test_per_agent_maximum_overrides_the_default(h):
    admin = _admin(h)
    target = f"/admin/agents/{_path('agent1@example.com')}/max-chats"
    h.agent_online("agent1@example.com")
    status, view = h.rest("PUT", target, {"maxChats": 1}, token=admin)
    assert status == 200 and view["maxChats"] == 1 and view["maxChatsOverride"] == 1
    first, second = h.start_chat("A"), h.start_chat("B")
    assert (first["state"], second["state"]) == ("active", "waiting")
    status, view = h.rest("PUT", target, {"maxChats": 2}, token=admin)
    assert ConversationModel.get(second["conversationId"]).state == "active"  # raised: assigned at once
    status, view = h.rest("PUT", target, {"maxChats": None}, token=admin)
    assert view["maxChatsOverride"] is None and view["maxChats"] == _settings(h)["maxChatsPerAgent"]


def test_make_admin_and_back_and_never_yourself(h):
    admin = _admin(h)
    h.staff_token("agent1@example.com")
    target = f"/admin/agents/{_path('agent1@example.com')}/role"
    status, view = h.rest("PUT", target, {"role": "admin"}, token=admin)
    assert status == 200 and view["role"] == "admin"
    assert "agent1@example.com" in _group_members(h, "admins")
    assert "agent1@example.com" not in _group_members(h, "agents")
    status, view = h.rest("PUT", target, {"role": "agent"}, token=admin)
    assert view["role"] == "agent" and "agent1@example.com" not in _group_members(h, "admins")
    status, error = h.rest("PUT", f"/admin/agents/{_path(ADMIN)}/role", {"role": "agent"}, token=admin)
    assert status == 409 and ADMIN in _group_members(h, "admins")


def test_disable_closes_connections_returns_chats_and_refuses_the_old_token(h):
    admin = _admin(h)
    token, connection = h.agent_online("agent1@example.com")
    second_tab = h.connected(token)
    chat, answered = h.start_chat(), h.start_chat("B")
    assert chat["state"] == answered["state"] == "active"
    reply = {"action": "message.send", "conversationId": answered["conversationId"], "clientMessageId": "a1"}
    h.send(connection, {**reply, "text": "안녕하세요"})
    assert ConversationModel.get(answered["conversationId"]).first_response_at
    status, view = h.rest("POST", f"/admin/agents/{_path('agent1@example.com')}/disable", token=admin)
    assert status == 200, view
    assert view["enabled"] is False and view["status"] == "offline"
    # Every live chat goes back, answered or not: nobody else could answer it.
    for conversation in (chat, answered):
        stored = ConversationModel.get(conversation["conversationId"])
        assert stored.state == "waiting" and stored.agent_id is None, conversation
    assert AgentModel.get("agent1@example.com").active_chats == 0
    assert _closed(connection) and _closed(second_tab)
    assert not AgentModel.get("agent1@example.com").connection_ids
    # The ID token is still signed and unexpired, but the account is refused everywhere.
    assert h.rest("GET", "/me", token=token)[0] == 403
    assert h.connect(token)[1]["statusCode"] == 403
    with pytest.raises(h.cognito.exceptions.NotAuthorizedException):
        h.cognito.initiate_auth(
            ClientId=h.client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "agent1@example.com", "PASSWORD": "whatever-Passw0rd!"},
        )
    presence = h.rest("GET", "/admin/presence", token=admin)[1]
    assert "agent1@example.com" not in {a["agentId"] for a in presence["agents"]}
    assert presence["queue"]["waiting"] == 2
    # Enabling lets them back in; they start offline.
    status, view = h.rest("POST", f"/admin/agents/{_path('agent1@example.com')}/enable", token=admin)
    assert status == 200 and view["enabled"] is True
    assert h.rest("GET", "/me", token=token)[0] == 200
    assert h.connect(token)[1]["statusCode"] == 200


def test_an_admin_cannot_disable_themselves(h):
    admin = _admin(h)
    status, error = h.rest("POST", f"/admin/agents/{_path(ADMIN)}/disable", token=admin)
    assert status == 409
    assert h.cognito.admin_get_user(UserPoolId=h.pool_id, Username=ADMIN)["Enabled"] is True


def test_presence_counts_statuses_chats_and_queue(h):
    admin = _admin(h)
    _put(h, {"maxChatsPerAgent": 1})
    h.agent_online("agent1@example.com")
    _, on_break = h.agent_online("agent2@example.com")
    h.send(on_break, {"action": "status.set", "status": "break"})
    h.staff_token("agent3@example.com")
    h.rest("GET", "/me", token=h.staff_token("agent3@example.com"))  # signed in once: offline
    h.start_chat("A"), h.start_chat("B"), h.start_chat("C")
    status, body = h.rest("GET", "/admin/presence", token=admin)
    assert status == 200
    assert body["counts"] == {"online": 1, "break": 1, "offline": 1}
    assert body["queue"] == {"waiting": 2, "teams": {}, "teamNames": {}}
    assert body["activeChats"] == 1
    by_id = {a["agentId"]: a for a in body["agents"]}
    assert by_id["agent1@example.com"]["activeChats"] == 1 and by_id["agent1@example.com"]["maxChats"] == 1
    assert by_id["agent2@example.com"]["status"] == "break" and by_id["agent2@example.com"]["connections"] == 1
    assert [a["status"] for a in body["agents"]] == ["online", "break", "offline"]


def test_a_disabled_account_is_refused_by_every_blueprint(h):
    admin = _admin(h)
    token = h.staff_token("agent1@example.com")
    assert h.rest("GET", "/me", token=token)[0] == 200
    assert h.rest("POST", f"/admin/agents/{_path('agent1@example.com')}/disable", token=admin)[0] == 200
    for method, path in [
        ("GET", "/me"),
        ("GET", "/settings"),
        ("GET", "/history"),
        ("GET", "/exports"),
        ("GET", "/masking/audit"),
        ("POST", "/chats/01J00000000000000000000000/messages/1/masks"),
    ]:
        body = {"spans": [{"start": 0, "end": 1}]} if method == "POST" else None
        status, error = h.rest(method, path, body, token=token)
        assert (status, error["code"], error["message"]) == (403, "forbidden", "this account is disabled"), path
