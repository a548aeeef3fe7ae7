"""Who may do what: every REST route and WebSocket action × eight callers, allow or deny per cell.

The world: chat A (customer A, assigned to agent 1, answered, live) and chat B (customer B,
assigned to agent 2, answered); chat C (agent 1's, ended); an admin and a supervisor (issue #24:
sees every chat, watches, whispers, takes over; both on break, so the queue offers them nothing);
agent 3, disabled by the admin while signed in (their ID token still verifies); and someone with
no token. Each row's
allowed callers are read from the policy: the audience the route or action declares
(`@edge(..., Audience.X)`, `app.ACTIONS`) gives who passes the request edge, and the row narrows
that by the per-chat rule (`model.may_see_chat` and friends) where the route acts on chat A.
Every other caller must be refused (401 without a token, else 401/403, or an `error` frame
`forbidden`/`unauthorized` on the WebSocket). An allowed call must succeed (2xx, no error frame):
a 400/404/409 in an allowed cell means the row's request is wrong, not a pass.

Routes and actions are discovered from the app (`app.app.routes`, `app.ACTIONS`), so a new route
without a row fails `test_every_route_and_action_has_a_row` with the row to add.
"""

from __future__ import annotations

import contextlib
import inspect
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import boto3
import pytest
from moto import mock_aws

from chalicelib.config import get_config
from chalicelib.domain.access import ROLES_OF_AUDIENCE, Audience
from chalicelib.domain.model import Role
from chalicelib.export import files
from chalicelib.store.schema import create_tables
from chalicelib.store.tables import ALL_MODELS

ANON, CUSTOMER, OTHER_CUSTOMER, AGENT, OTHER_AGENT, SUPERVISOR, ADMIN, DISABLED = (
    "anonymous",
    "this chat's customer",
    "another chat's customer",
    "assigned agent",
    "another agent",
    "supervisor",
    "admin",
    "disabled agent",
)
CALLERS = (ANON, CUSTOMER, OTHER_CUSTOMER, AGENT, OTHER_AGENT, SUPERVISOR, ADMIN, DISABLED)
EVERYONE = frozenset(CALLERS)
# The per-chat narrowing of a row (on chat A, live): who may see it, who take part in it.
CHAT_PARTIES = frozenset({CUSTOMER, AGENT, ADMIN})  # the chat's own customer, its agent, admins
CHAT_STAFF = frozenset({AGENT, ADMIN})  # who acts on it (a watching supervisor is read-only)
CHAT_READERS = CHAT_PARTIES | {SUPERVISOR}  # who may see it: a supervisor too (model.may_see_chat)
CHAT_WATCHERS = CHAT_STAFF | {SUPERVISOR}  # staff who may see it (and whisper: a supervisor's note)
ENDED_CHAT_READERS = frozenset({AGENT, OTHER_AGENT, SUPERVISOR, ADMIN})  # ended: staff with chat permission
ADMINS = frozenset({ADMIN})
DENIED_CODES = {"forbidden", "unauthorized"}
ROLE_OF_CALLER: dict[str, Role | None] = {
    ANON: None,
    CUSTOMER: Role.CUSTOMER,
    OTHER_CUSTOMER: Role.CUSTOMER,
    AGENT: Role.AGENT,
    OTHER_AGENT: Role.AGENT,
    SUPERVISOR: Role.SUPERVISOR,
    ADMIN: Role.ADMIN,
    DISABLED: Role.AGENT,
}


def admitted_by(audience: Audience) -> frozenset[str]:
    """The callers the request edge lets through for this audience (the policy, not this test)."""
    if audience is Audience.PUBLIC:
        return EVERYONE  # no token is read
    roles = ROLES_OF_AUDIENCE[audience]
    # A disabled staff account is refused by the edge, whatever its token says.
    return frozenset(c for c, role in ROLE_OF_CALLER.items() if role in roles and c != DISABLED)


def audience_of(name: str) -> Audience:
    import app as app_module

    kind, _, target = name.partition(" ")
    if kind == "ws":
        return Audience.SIGNED_IN if target == "$connect" else app_module.ACTIONS[target][0]
    view = app_module.app.routes[target][kind].view_function
    assert hasattr(view, "audience"), f"{name} does not pass the request edge (@edge(..., Audience.X))"
    return view.audience


@dataclass
class World:
    h: Any
    chat_a: str
    chat_b: str
    ticket_id: str
    tokens: dict[str, str | None]
    connections: dict[str, str]
    consent_version: int
    chat_c: str = ""  # ended
    mask_id: str = ""
    export_id: str = ""
    shared_response: str = ""  # a shared canned response (the admin's)
    personal_responses: dict[str, str] = field(default_factory=dict)  # each staff caller's own one
    attachment_id: str = ""  # a checked image in chat A, sent by its customer

    @property
    def params(self) -> dict[str, str]:
        # seq 2 of chat A is the agent's answer (seq 1 is the "agent joined" line); it carries one mask.
        return {"conversation_id": self.chat_a, "ticket_id": self.ticket_id, "seq": "2", "mask_id": self.mask_id,
                "export_id": self.export_id, "agent_id": "agent2@example.com", "attachment_id": self.attachment_id}


@dataclass(frozen=True)
class Row:
    """One route or action (`case` tells two rows of one route apart). `body`/`query`/`params`
    values may be callables of the world.

    `narrow`: who of those the route's audience admits may make this call (the per-chat rule, or a
    setting), None when the audience alone decides. `fresh`: each allowed call gets a new world.
    """

    name: str  # "GET /chats/{conversation_id}" or "ws message.send" or "ws $connect"
    narrow: frozenset[str] | None = None
    body: Any = None
    query: Any = None
    fresh: bool = False
    params: dict[str, Any] = field(default_factory=dict)
    case: str = ""

    @property
    def allow(self) -> frozenset[str]:
        admitted = admitted_by(audience_of(self.name))
        return admitted if self.narrow is None else admitted & self.narrow

    @property
    def label(self) -> str:
        return f"{self.name} [{self.case}]" if self.case else self.name

    def value(self, attribute: Any, world: World, caller: str | None = None) -> Any:
        """A value, or a callable of the world (or of the world and the caller: each one's own item)."""
        if not callable(attribute):
            return attribute
        return attribute(world, caller) if len(inspect.signature(attribute).parameters) == 2 else attribute(world)


def _message(world: World) -> dict[str, Any]:
    return {"conversationId": world.chat_a, "clientMessageId": uuid.uuid4().hex, "text": "안녕하세요"}


def _chat_c(world: World) -> str:
    return world.chat_c


def _ended_by_its_customer(world: World, caller: str | None) -> str:
    """Chat A, ended by its customer first, in the allowed call's own (fresh) world only: the
    refusals share one world, which must not change."""
    if caller == CUSTOMER:
        status, ended = world.h.rest("POST", f"/chats/{world.chat_a}/end", {}, token=world.tokens[CUSTOMER])
        assert status == 200, ended
    return world.chat_a


def _own_response(world: World, caller: str | None) -> str:
    """The caller's own personal canned response (a caller without one names a made-up id)."""
    return world.personal_responses.get(caller or "", "01NOSUCHRESPONSE")


def _shared_response(world: World) -> str:
    return world.shared_response


CANNED = {"title": "인사", "shortcut": "new-hi", "text": "{{customer.name}}님 안녕하세요"}
CSV_IMPORT = {"csv": '"단축어","제목","분류","내용"\r\n"csv-1","가져옴","","내용"\r\n'}


MATRIX: list[Row] = [
    # --- REST: public (the widget before a chat exists)
    Row("GET /widget/availability"),
    Row("POST /chats", body=lambda w: {"consent": True, "consentVersion": w.consent_version}, fresh=True),
    Row(
        "POST /inquiries",
        body={"consent": True, "name": "김문의", "email": "ask@example.com", "inquiryType": "기타",
              "title": "문의", "content": "내용"},
    ),
    # --- REST: the chat's own customer, its agent, admins
    Row("GET /chats/{conversation_id}", CHAT_READERS),
    Row("GET /chats/{conversation_id}", ENDED_CHAT_READERS, params={"conversation_id": _chat_c}, case="ended chat"),
    Row("GET /chats/{conversation_id}/messages", CHAT_READERS, query={"afterSeq": "0"}),
    Row("GET /chats/{conversation_id}/messages", ENDED_CHAT_READERS, query={"afterSeq": "0"},
        params={"conversation_id": _chat_c}, case="ended chat"),
    Row("POST /chats/{conversation_id}/rating", frozenset({CUSTOMER}), body={"rating": "satisfied"}, fresh=True),
    # The chat's own customer only, once the chat has ended.
    Row("POST /chats/{conversation_id}/transcript-mail", frozenset({CUSTOMER}), fresh=True,
        body={"email": "customer@example.com", "lang": "ko"}, params={"conversation_id": _ended_by_its_customer}),
    Row("POST /chats/{conversation_id}/end", CHAT_PARTIES, fresh=True),
    # --- REST: staff
    Row("GET /me"),
    Row("PUT /me/status", body={"status": "online"}),
    Row("PUT /me/profile", body={"displayName": "새 이름"}),
    Row("GET /agent/chats"),
    Row("GET /queue"),
    Row("GET /chats/{conversation_id}/transcript", CHAT_WATCHERS),
    Row("GET /chats/{conversation_id}/transcript", ENDED_CHAT_READERS, params={"conversation_id": _chat_c},
        case="ended chat"),
    Row("PUT /chats/{conversation_id}/customer", CHAT_STAFF, body={"name": "홍길동", "phone": "010-1234-5678"}),
    Row("PUT /chats/{conversation_id}/counsel", CHAT_STAFF, body={"inquiryType": "기타", "note": "메모"}),
    Row("POST /chats/{conversation_id}/notes", CHAT_WATCHERS, body={"text": "내부 메모"}),  # a supervisor's: a whisper
    Row("POST /chats/{conversation_id}/attachments", CHAT_PARTIES,
        body={"name": "a.png", "size": 10, "type": "image/png"}),
    Row("GET /chats/{conversation_id}/attachments/{attachment_id}", CHAT_READERS),  # a watching supervisor too
    Row("POST /chats/{conversation_id}/notes", ENDED_CHAT_READERS, body={"text": "종료 후 메모"},
        params={"conversation_id": _chat_c}, case="ended chat"),
    Row("POST /chats/{conversation_id}/rating-request", CHAT_STAFF),
    Row(
        "POST /chats/{conversation_id}/tickets",
        CHAT_STAFF,
        body={"inquiryType": "기타", "title": "티켓", "content": "내용"},
    ),
    Row("GET /tickets"),
    Row("GET /tickets/{ticket_id}", CHAT_WATCHERS, case="made from a live chat"),
    Row("PATCH /tickets/{ticket_id}", CHAT_WATCHERS, body={"version": 0, "status": "in_progress"}, fresh=True,
        case="made from a live chat"),
    Row("GET /history"),
    Row("GET /settings"),
    Row("PUT /settings", body={"greeting": "안녕하세요!"}, fresh=True),
    # --- REST: masking (setting securityService on)
    Row("POST /chats/{conversation_id}/messages/{seq}/masks", CHAT_STAFF, body={"spans": [{"start": 0, "end": 2}]}),
    Row("DELETE /chats/{conversation_id}/messages/{seq}/masks/{mask_id}", CHAT_STAFF, fresh=True),
    Row("GET /masking/audit", query=lambda w: {"conversationId": w.chat_a}),
    # --- REST: exports (the setting agentsMayExport off, as by default)
    Row("POST /exports", ADMINS, body={}),
    Row("GET /exports", ADMINS),
    Row("GET /exports/{export_id}", ADMINS),
    # --- REST: admin (accounts of agent 2)
    Row("GET /admin/agents"),
    Row("POST /admin/agents", body=lambda w: {"email": f"new-{uuid.uuid4().hex[:8]}@example.com"}),
    Row("PUT /admin/agents/{agent_id}/chat-permission", body={"chatPermission": True}),
    Row("PUT /admin/agents/{agent_id}/max-chats", body={"maxChats": 5}),
    Row("PUT /admin/agents/{agent_id}/display-name", body={"displayName": "상담원 둘"}),
    Row("PUT /admin/agents/{agent_id}/role", body={"role": "admin"}, fresh=True),
    Row("POST /admin/agents/{agent_id}/disable", fresh=True),
    Row("POST /admin/agents/{agent_id}/enable"),
    Row("GET /admin/presence"),
    Row("GET /reports", query={"from": "2026-12-01", "to": "2026-12-02", "groupBy": "day"}),
    # --- REST: canned responses (each staff member's own; the shared ones under /admin)
    Row("GET /canned-responses"),
    Row("POST /canned-responses", body=CANNED),
    Row("PUT /canned-responses/order", body=lambda w, c: {"ids": [_own_response(w, c)]}),
    Row("GET /canned-responses/export"),
    Row("POST /canned-responses/import", body=CSV_IMPORT),
    Row("PUT /canned-responses/{response_id}", body={"title": "고친 제목"}, params={"response_id": _own_response}),
    Row("DELETE /canned-responses/{response_id}", params={"response_id": _own_response}),
    Row("POST /canned-responses/{response_id}/use", body={}, params={"response_id": _shared_response}),
    Row("GET /admin/canned-responses"),
    Row("POST /admin/canned-responses", body=CANNED),
    Row("PUT /admin/canned-responses/order", body=lambda w: {"ids": [w.shared_response]}),
    Row("GET /admin/canned-responses/export"),
    Row("POST /admin/canned-responses/import", body=CSV_IMPORT),
    Row("PUT /admin/canned-responses/{response_id}", body={"title": "고친 제목"},
        params={"response_id": _shared_response}),
    Row("DELETE /admin/canned-responses/{response_id}", params={"response_id": _shared_response}),
    # --- REST: routing (issue #21)
    Row("GET /settings/routing"),
    Row("PUT /settings/routing", body={"idleWarningMinutes": 12}),
    Row("POST /chats/{conversation_id}/open", CHAT_STAFF),
    Row("POST /chats/{conversation_id}/transfer", CHAT_STAFF, body={"agentId": "agent2@example.com"}, fresh=True),
    Row("GET /chats/{conversation_id}/transfer-targets", CHAT_STAFF),
    # --- REST: supervision (issue #24; the admin and the supervisor are on break: a take-over is allowed)
    Row("GET /supervision/chats"),
    Row("POST /chats/{conversation_id}/takeover", body={}, fresh=True),
    # --- REST: sessions
    Row("POST /chats/{conversation_id}/session", frozenset({CUSTOMER})),
    # --- WebSocket
    Row("ws $connect"),
    Row("ws ping", body={"action": "ping"}),
    Row("ws message.send", CHAT_PARTIES, body=lambda w: {"action": "message.send", **_message(w)}),
    Row("ws messages.sync", CHAT_READERS, body=lambda w: {"action": "messages.sync", "conversationId": w.chat_a,
                                                          "afterSeq": 0}),
    Row("ws messages.sync", ENDED_CHAT_READERS, case="ended chat",
        body=lambda w: {"action": "messages.sync", "conversationId": w.chat_c, "afterSeq": 0}),
    Row("ws typing", CHAT_PARTIES, body=lambda w: {"action": "typing", "conversationId": w.chat_a, "isTyping": True}),
    Row("ws read", CHAT_READERS, body=lambda w: {"action": "read", "conversationId": w.chat_a, "seq": 2}),
    Row("ws status.set", body={"action": "status.set", "status": "online"}),
    Row("ws wallboard.subscribe", body={"action": "wallboard.subscribe"}),  # Audience.WALLBOARD decides
    Row("ws chat.open", CHAT_STAFF, body=lambda w: {"action": "chat.open", "conversationId": w.chat_a}),
    Row("ws chat.transfer", CHAT_STAFF, fresh=True,
        body=lambda w: {"action": "chat.transfer", "conversationId": w.chat_a, "agentId": "agent2@example.com"}),
    Row("ws chat.watch", body=lambda w: {"action": "chat.watch", "conversationId": w.chat_a}),
    Row("ws chat.unwatch", body=lambda w: {"action": "chat.unwatch", "conversationId": w.chat_a}),
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
    supervisor_token = h.staff_token("supervisor1@example.com", "supervisors", name="최감독")
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
    # Chat C: agent 1's, answered and ended (agent 1 has room: the maximum is 3).
    chat_c = h.start_chat("고객다")
    _, detail = h.rest("GET", f"/chats/{chat_c['conversationId']}", token=agent_token)
    assert detail["agentId"] == "agent1@example.com", detail
    _answer(h, agent_conn, chat_c["conversationId"])
    status, ended = h.rest("POST", f"/chats/{chat_c['conversationId']}/end", token=agent_token)
    assert status == 200, ended
    # Agent 3 signs in and connects, then the admin disables the account: the ID token still verifies.
    disabled_token, disabled_conn = h.agent_online("agent3@example.com")
    status, disabled = h.rest("POST", "/admin/agents/agent3@example.com/disable", token=admin_token)
    assert status == 200, disabled
    tokens = {
        ANON: None,
        CUSTOMER: chat_a["token"],
        OTHER_CUSTOMER: chat_b["token"],
        AGENT: agent_token,
        OTHER_AGENT: other_token,
        SUPERVISOR: supervisor_token,
        ADMIN: admin_token,
        DISABLED: disabled_token,
    }
    connections = {
        ANON: "never-connected" + uuid.uuid4().hex[:8],
        CUSTOMER: h.connected(chat_a["token"]),
        OTHER_CUSTOMER: h.connected(chat_b["token"]),
        AGENT: agent_conn,
        OTHER_AGENT: other_conn,
        SUPERVISOR: h.connected(supervisor_token),
        ADMIN: h.connected(admin_token),
        DISABLED: disabled_conn,  # closed and forgotten by the disable
    }
    shared_body = {"title": "공용", "shortcut": "shared", "text": "안녕하세요"}
    status, shared = h.rest("POST", "/admin/canned-responses", shared_body, token=admin_token)
    assert status == 201, shared
    personal = {}
    for caller in (SUPERVISOR, ADMIN):  # present but on break: a take-over needs a seat, the queue offers none
        h.send(connections[caller], {"action": "status.set", "status": "break"})
    for caller, token in ((AGENT, agent_token), (OTHER_AGENT, other_token), (SUPERVISOR, supervisor_token),
                          (ADMIN, admin_token)):
        own_body = {"title": "내 것", "shortcut": "mine", "text": "네"}
        status, own = h.rest("POST", "/canned-responses", own_body, token=token)
        assert status == 201, own
        personal[caller] = own["responseId"]
    attachment_id = _attachment(h, chat_a["conversationId"], chat_a["token"])
    _, availability = h.rest("GET", "/widget/availability")
    for connection_id in connections.values():
        if not connection_id.startswith("never-connected"):
            h.frames(connection_id)  # start reading after the setup's frames
    return World(h, chat_a["conversationId"], chat_b["conversationId"], ticket["ticketId"], tokens, connections,
                 availability["consent"]["version"], chat_c["conversationId"], masked["masks"][0]["maskId"],
                 export["exportId"], shared["responseId"], personal, attachment_id)


def _attachment(h: Any, conversation_id: str, token: str) -> str:
    """A PNG the customer sent into chat A, uploaded with its form and checked (services/attachments.py)."""
    import io

    import requests
    from PIL import Image

    from chalicelib.services.attachments import check_uploaded

    image = io.BytesIO()
    Image.new("RGB", (8, 8)).save(image, "PNG")
    data = image.getvalue()
    body = {"name": "a.png", "size": len(data), "type": "image/png"}
    status, answer = h.rest("POST", f"/chats/{conversation_id}/attachments", body, token=token)
    assert status == 201, answer
    assert requests.post(answer["upload"]["url"], data=answer["upload"]["fields"], files={"file": data}).ok
    assert check_uploaded("matrix-attachments", answer["upload"]["fields"]["key"])["outcome"] == "stored"
    return str(answer["attachmentId"])


@contextlib.contextmanager
def fresh_world(harness_class: type) -> Iterator[World]:
    with mock_aws(), pytest.MonkeyPatch.context() as env:
        create_tables(boto3.client("dynamodb", region_name="us-east-1"), ALL_MODELS)
        key_id = boto3.client("kms", region_name="us-east-1").create_key(Description="masking")["KeyMetadata"]["KeyId"]
        env.setenv("MASKING_KEY_ID", key_id)
        env.setenv("WS_RATE_LIMIT", "1000")
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="matrix-exports")
        env.setenv("EXPORTS_BUCKET", "matrix-exports")
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="matrix-attachments")
        env.setenv("ATTACHMENTS_BUCKET", "matrix-attachments")
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
        path = path.replace("{" + name + "}", row.value(value, world, caller))
    status, body = h.rest(kind, path, row.value(row.body, world, caller), token=world.tokens[caller],
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
    assert len({row.label for row in MATRIX}) == len(MATRIX), "duplicate rows"
    missing = sorted(discovered_operations() - rows)
    hint = "\n".join(
        f'    Row("{name}", <None (the route\'s audience decides) | CHAT_PARTIES | CHAT_STAFF | ADMINS | ...>, '
        f'body=..., query=..., params={{...}}),'
        for name in missing
    )
    assert not missing, (
        "routes/actions without a row in the authorization matrix; add to MATRIX in "
        f"tests/security/test_authorization_matrix.py:\n{hint}"
    )
    stale = sorted(rows - discovered_operations())
    assert not stale, f"rows for routes/actions that no longer exist: {stale}"


def test_every_route_declares_its_audience() -> None:
    for name in sorted(discovered_operations()):
        assert isinstance(audience_of(name), Audience), name


@pytest.mark.parametrize("row", MATRIX, ids=lambda row: row.label)
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
                    unexpected.append(f"{row.label} as {caller}: expected {expected}, got {outcome} ({detail})")
                elif caller == ANON and expected == "deny" and not row.name.startswith("ws ") and "→ 401" not in detail:
                    unexpected.append(f"{row.name} as {caller}: a missing token must be 401 ({detail})")
    assert not unexpected, "\n".join(unexpected)


# --- what a listing shows of chats the caller may not see -------------------------------------


def _history_row(world: World, caller: str, conversation_id: str) -> dict[str, Any]:
    status, body = world.h.rest("GET", "/history", token=world.tokens[caller])
    assert status == 200, body
    rows = [r for r in body["items"] if r["conversationId"] == conversation_id]
    assert len(rows) == 1, body
    return rows[0]


def _ticket_row(world: World, caller: str) -> dict[str, Any]:
    status, body = world.h.rest("GET", "/tickets", token=world.tokens[caller])
    assert status == 200, body
    return next(t for t in body["tickets"] if t["ticketId"] == world.ticket_id)


def test_listings_show_personal_data_only_of_chats_the_caller_may_see() -> None:
    from integration_harness import Harness

    with fresh_world(Harness) as world:
        for caller in (AGENT, ADMIN, SUPERVISOR, OTHER_AGENT):
            may_see = caller in CHAT_WATCHERS  # chat A is live: its agent, supervisors and admins
            live = _history_row(world, caller, world.chat_a)
            assert (live["userName"] == "고객가") is may_see, (caller, live)
            assert live["email"] is None or may_see, (caller, live)
            assert live.get("restricted", False) is not may_see, (caller, live)
            ended = _history_row(world, caller, world.chat_c)  # ended: every staff member with chat permission
            assert ended["userName"] == "고객다" and "restricted" not in ended, (caller, ended)
            ticket = _ticket_row(world, caller)  # made from chat A while it is live
            assert (ticket["requesterName"] == "고객가") is may_see, (caller, ticket)
            assert (ticket["content"] == "내용") is may_see, (caller, ticket)


def test_an_agent_without_chat_permission_sees_no_ended_chat() -> None:
    from integration_harness import Harness

    with fresh_world(Harness) as world:
        h = world.h
        status, _ = h.rest("PUT", "/admin/agents/agent2@example.com/chat-permission", {"chatPermission": False},
                           token=world.tokens[ADMIN])
        assert status == 200
        status, body = h.rest("GET", f"/chats/{world.chat_c}/transcript", token=world.tokens[OTHER_AGENT])
        assert status == 403, body
        row = _history_row(world, OTHER_AGENT, world.chat_c)
        assert row["userName"] is None and row["restricted"] is True, row
