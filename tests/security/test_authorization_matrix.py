"""Who may do what: every REST route and WebSocket action × six callers, allow or deny per cell.

The world: chat A (customer A, assigned to agent 1, answered) and chat B (customer B, assigned to
agent 2, answered); an admin; and someone with no token. Each row names the callers that are
allowed on chat A; every other caller must be refused (401 without a token, else 401/403, or an
`error` frame `forbidden`/`unauthorized` on the WebSocket). An allowed call must succeed (2xx, no
error frame): a 400/404/409 in an allowed cell means the row's request is wrong, not a pass.

Routes and actions are discovered from the app (`app.app.routes`, `app.ACTIONS`), so a new route
without a row fails `test_every_route_and_action_has_a_row` with the row to add.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import boto3
import pytest
from moto import mock_aws

from chalicelib.config import get_config
from chalicelib.export import files
from chalicelib.store.models import ALL_MODELS
from chalicelib.store.schema import create_tables

ANON, CUSTOMER, OTHER_CUSTOMER, AGENT, OTHER_AGENT, ADMIN = (
    "anonymous",
    "this chat's customer",
    "another chat's customer",
    "assigned agent",
    "another agent",
    "admin",
)
CALLERS = (ANON, CUSTOMER, OTHER_CUSTOMER, AGENT, OTHER_AGENT, ADMIN)
EVERYONE = frozenset(CALLERS)
CONNECTED = EVERYONE - {ANON}
STAFF = frozenset({AGENT, OTHER_AGENT, ADMIN})
CHAT_PARTIES = frozenset({CUSTOMER, AGENT, ADMIN})  # the chat's own customer, its agent, admins
CHAT_STAFF = frozenset({AGENT, ADMIN})
DENIED_CODES = {"forbidden", "unauthorized"}


@dataclass
class World:
    h: Any
    chat_a: str
    chat_b: str
    ticket_id: str
    tokens: dict[str, str | None]
    connections: dict[str, str]
    consent_version: int
    mask_id: str = ""
    export_id: str = ""

    @property
    def params(self) -> dict[str, str]:
        # seq 2 of chat A is the agent's answer (seq 1 is the "agent joined" line); it carries one mask.
        return {"conversation_id": self.chat_a, "ticket_id": self.ticket_id, "seq": "2", "mask_id": self.mask_id,
                "export_id": self.export_id, "agent_id": "agent2@example.com"}


@dataclass(frozen=True)
class Row:
    """One route or action. `body`/`query` may be callables of the world.

    `fresh`: each allowed call gets a new world (the call changes it).
    """

    name: str  # "GET /chats/{conversation_id}" or "ws message.send" or "ws $connect"
    allow: frozenset[str]
    body: Any = None
    query: Any = None
    fresh: bool = False
    params: dict[str, str] = field(default_factory=dict)

    def value(self, attribute: Any, world: World) -> Any:
        return attribute(world) if callable(attribute) else attribute


def _message(world: World) -> dict[str, Any]:
    return {"conversationId": world.chat_a, "clientMessageId": uuid.uuid4().hex, "text": "안녕하세요"}


MATRIX: list[Row] = [
    # --- REST: public (the widget before a chat exists)
    Row("GET /widget/availability", EVERYONE),
    Row("POST /chats", EVERYONE, body=lambda w: {"consent": True, "consentVersion": w.consent_version}, fresh=True),
    Row(
        "POST /inquiries",
        EVERYONE,
        body={"consent": True, "name": "김문의", "email": "ask@example.com", "inquiryType": "기타",
              "title": "문의", "content": "내용"},
    ),
    # --- REST: the chat's own customer, its agent, admins
    Row("GET /chats/{conversation_id}", CHAT_PARTIES),
    Row("GET /chats/{conversation_id}/messages", CHAT_PARTIES, query={"afterSeq": "0"}),
    Row("POST /chats/{conversation_id}/rating", frozenset({CUSTOMER}), body={"rating": "satisfied"}, fresh=True),
    Row("POST /chats/{conversation_id}/end", CHAT_PARTIES, fresh=True),
    # --- REST: staff
    Row("GET /me", STAFF),
    Row("PUT /me/status", STAFF, body={"status": "online"}),
    Row("PUT /me/profile", STAFF, body={"displayName": "상담원 가"}),
    Row("GET /agent/chats", STAFF),
    Row("GET /queue", STAFF),
    Row("GET /chats/{conversation_id}/transcript", CHAT_STAFF),
    Row("PUT /chats/{conversation_id}/customer", CHAT_STAFF, body={"name": "홍길동", "phone": "010-1234-5678"}),
    Row("PUT /chats/{conversation_id}/counsel", CHAT_STAFF, body={"inquiryType": "기타", "note": "메모"}),
    Row("POST /chats/{conversation_id}/rating-request", CHAT_STAFF),
    Row(
        "POST /chats/{conversation_id}/tickets",
        CHAT_STAFF,
        body={"inquiryType": "기타", "title": "티켓", "content": "내용"},
    ),
    Row("GET /tickets", STAFF),
    Row("GET /tickets/{ticket_id}", STAFF),
    Row("GET /history", STAFF),
    Row("GET /settings", STAFF),
    Row("PUT /settings", frozenset({ADMIN}), body={"greeting": "안녕하세요!"}, fresh=True),
    # --- REST: masking (setting securityService on)
    Row("POST /chats/{conversation_id}/messages/{seq}/masks", CHAT_STAFF, body={"spans": [{"start": 0, "end": 2}]}),
    Row("DELETE /chats/{conversation_id}/messages/{seq}/masks/{mask_id}", CHAT_STAFF, fresh=True),
    Row("GET /masking/audit", frozenset({ADMIN}), query=lambda w: {"conversationId": w.chat_a}),
    # --- REST: exports (the setting agentsMayExport off, as by default)
    Row("POST /exports", frozenset({ADMIN}), body={}),
    Row("GET /exports", frozenset({ADMIN})),
    Row("GET /exports/{export_id}", frozenset({ADMIN})),
    # --- REST: admin (accounts of agent 2)
    Row("GET /admin/agents", frozenset({ADMIN})),
    Row("POST /admin/agents", frozenset({ADMIN}), body=lambda w: {"email": f"new-{uuid.uuid4().hex[:8]}@example.com"}),
    Row("PUT /admin/agents/{agent_id}/chat-permission", frozenset({ADMIN}), body={"chatPermission": True}),
    Row("PUT /admin/agents/{agent_id}/max-chats", frozenset({ADMIN}), body={"maxChats": 5}),
    Row("PUT /admin/agents/{agent_id}/display-name", frozenset({ADMIN}), body={"displayName": "상담원 나"}),
    Row("PUT /admin/agents/{agent_id}/role", frozenset({ADMIN}), body={"role": "admin"}, fresh=True),
    Row("POST /admin/agents/{agent_id}/disable", frozenset({ADMIN}), fresh=True),
    Row("POST /admin/agents/{agent_id}/enable", frozenset({ADMIN})),
    Row("GET /admin/presence", frozenset({ADMIN})),
    # --- REST: sessions
    Row("POST /chats/{conversation_id}/session", frozenset({CUSTOMER})),
    # --- WebSocket
    Row("ws $connect", CONNECTED),
    Row("ws ping", CONNECTED, body={"action": "ping"}),
    Row("ws message.send", CHAT_PARTIES, body=lambda w: {"action": "message.send", **_message(w)}),
    Row("ws messages.sync", CHAT_PARTIES, body=lambda w: {"action": "messages.sync", "conversationId": w.chat_a,
                                                          "afterSeq": 0}),
    Row("ws typing", CHAT_PARTIES, body=lambda w: {"action": "typing", "conversationId": w.chat_a, "isTyping": True}),
    Row("ws status.set", STAFF, body={"action": "status.set", "status": "online"}),
]


# --- the world -----------------------------------------------------------------------------


def _answer(h: Any, connection_id: str, conversation_id: str) -> None:
    h.send(connection_id, {"action": "message.send", "conversationId": conversation_id,
                           "clientMessageId": uuid.uuid4().hex, "text": "무엇을 도와드릴까요?"})


def build_world(h: Any) -> World:
    agent_token, agent_conn = h.agent_online("agent1@example.com")
    chat_a = h.start_chat("고객가")
    assert chat_a["state"] == "active", chat_a
    _answer(h, agent_conn, chat_a["conversationId"])
    other_token, other_conn = h.agent_online("agent2@example.com")
    chat_b = h.start_chat("고객나")  # the agent with fewer chats takes it
    _, detail = h.rest("GET", f"/chats/{chat_b['conversationId']}", token=other_token)
    assert detail["agentId"] == "agent2@example.com", detail
    _answer(h, other_conn, chat_b["conversationId"])
    admin_token = h.staff_token("admin@example.com", "admins")
    status, ticket = h.rest(
        "POST", f"/chats/{chat_a['conversationId']}/tickets",
        {"inquiryType": "기타", "title": "기존 티켓", "content": "내용"}, token=agent_token,
    )
    assert status == 201, ticket
    status, settings = h.rest("PUT", "/settings", {"securityService": True}, token=admin_token)
    assert status == 200, settings
    status, masked = h.rest("POST", f"/chats/{chat_a['conversationId']}/messages/2/masks",
                            {"spans": [{"start": 3, "end": 5}]}, token=agent_token)
    assert status == 200, masked
    status, export = h.rest("POST", "/exports", {}, token=admin_token)
    assert status == 202, export
    tokens = {
        ANON: None,
        CUSTOMER: chat_a["token"],
        OTHER_CUSTOMER: chat_b["token"],
        AGENT: agent_token,
        OTHER_AGENT: other_token,
        ADMIN: admin_token,
    }
    connections = {
        ANON: "never-connected" + uuid.uuid4().hex[:8],
        CUSTOMER: h.connected(chat_a["token"]),
        OTHER_CUSTOMER: h.connected(chat_b["token"]),
        AGENT: agent_conn,
        OTHER_AGENT: other_conn,
        ADMIN: h.connected(admin_token),
    }
    _, availability = h.rest("GET", "/widget/availability")
    for connection_id in connections.values():
        if not connection_id.startswith("never-connected"):
            h.frames(connection_id)  # start reading after the setup's frames
    return World(h, chat_a["conversationId"], chat_b["conversationId"], ticket["ticketId"], tokens, connections,
                 availability["consent"]["version"], masked["masks"][0]["maskId"], export["exportId"])


@contextlib.contextmanager
def fresh_world(harness_class: type) -> Iterator[World]:
    with mock_aws(), pytest.MonkeyPatch.context() as env:
        create_tables(boto3.client("dynamodb", region_name="us-east-1"), ALL_MODELS)
        key_id = boto3.client("kms", region_name="us-east-1").create_key(Description="masking")["KeyMetadata"]["KeyId"]
        env.setenv("MASKING_KEY_ID", key_id)
        env.setenv("WS_RATE_LIMIT", "1000")
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="matrix-exports")
        env.setenv("EXPORTS_BUCKET", "matrix-exports")
        queue = boto3.client("sqs", region_name="us-east-1").create_queue(QueueName="matrix-exports")["QueueUrl"]
        env.setenv("EXPORT_QUEUE_URL", queue)
        get_config.cache_clear()
        files.reset_clients()
        try:
            yield build_world(harness_class())
        finally:
            get_config.cache_clear()


# --- one cell ------------------------------------------------------------------------------


def call(world: World, row: Row, caller: str) -> tuple[str, str]:
    """Run the row as the caller: ("allow" | "deny" | "unexpected", what happened)."""
    h = world.h
    kind, _, target = row.name.partition(" ")
    if kind == "ws" and target == "$connect":
        connection_id, result = h.connect(world.tokens[caller])
        status = result["statusCode"]
        if status == 200:
            h.disconnect(connection_id)
        return _classify_status(status, result.get("body")), f"$connect → {status}"
    if kind == "ws":
        connection_id = world.connections[caller]
        h.send(connection_id, row.value(row.body, world))
        errors = [f for f in h.frames(connection_id) if f.get("type") == "error"]
        if not errors:
            return "allow", "no error frame"
        codes = {e["code"] for e in errors}
        return ("deny" if codes <= DENIED_CODES else "unexpected"), f"error frames {errors}"
    path = target
    for name, value in {**world.params, **row.params}.items():
        path = path.replace("{" + name + "}", value)
    status, body = h.rest(kind, path, row.value(row.body, world), token=world.tokens[caller],
                          query=row.value(row.query, world))
    return _classify_status(status, body), f"{kind} {path} → {status} {body if status >= 400 else ''}"


def _classify_status(status: int, body: Any) -> str:
    if status < 400:
        return "allow"
    if status in (401, 403):
        return "deny"
    return "unexpected"


# --- the tests -----------------------------------------------------------------------------


def discovered_operations() -> set[str]:
    import app as app_module

    rest = {f"{method} {resource}" for resource, views in app_module.app.routes.items() for method in views}
    ws = {f"ws {action}" for action in app_module.ACTIONS}
    return rest | ws | {"ws $connect"}


def test_every_route_and_action_has_a_row() -> None:
    rows = {row.name for row in MATRIX}
    assert len(rows) == len(MATRIX), "duplicate rows"
    missing = sorted(discovered_operations() - rows)
    hint = "\n".join(
        f'    Row("{name}", <who may call it: EVERYONE | CHAT_PARTIES | CHAT_STAFF | STAFF | '
        f'frozenset({{ADMIN}}) | ...>, body=..., query=..., params={{...}}),'
        for name in missing
    )
    assert not missing, (
        "routes/actions without a row in the authorization matrix; add to MATRIX in "
        f"tests/security/test_authorization_matrix.py:\n{hint}"
    )
    stale = sorted(rows - discovered_operations())
    assert not stale, f"rows for routes/actions that no longer exist: {stale}"


@pytest.mark.parametrize("row", MATRIX, ids=lambda row: row.name)
def test_authorization_matrix_row(row: Row) -> None:
    from integration_harness import Harness  # loaded by tests/security/conftest.py

    unexpected: list[str] = []
    # A refused call changes nothing, so refusals share one world; a `fresh` row's allowed calls
    # (which change it: end a chat, rate it…) each get their own. Refusals run first, so a wrongly
    # allowed call cannot hide behind a state another one left.
    refused = [c for c in CALLERS if c not in row.allow]
    allowed = [c for c in CALLERS if c in row.allow]
    # One world for every call of a row, except a `fresh` row's allowed calls (they change it:
    # end a chat, rate it…), which each get their own, after the refusals (moto worlds do not nest).
    groups = [refused + allowed] if not row.fresh else [refused] + [[c] for c in allowed]
    for group in groups:
        with fresh_world(Harness) as world:
            for caller in group:
                outcome, detail = call(world, row, caller)
                expected = "allow" if caller in row.allow else "deny"
                if outcome != expected:
                    unexpected.append(f"{row.name} as {caller}: expected {expected}, got {outcome} ({detail})")
                elif caller == ANON and expected == "deny" and not row.name.startswith("ws ") and "→ 401" not in detail:
                    unexpected.append(f"{row.name} as {caller}: a missing token must be 401 ({detail})")
    assert not unexpected, "\n".join(unexpected)
