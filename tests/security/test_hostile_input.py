"""Hostile input: generated frames to `$default` and bodies to the REST routes (hypothesis).

Non-JSON, invalid UTF-8, wrong types, huge strings, deep nesting, unknown actions, control
characters, lone surrogates, ids of other chats. The handlers are called as Lambda calls them (the
moto harness), not through HTTP, to keep ten thousand frames fast. For every input: no uncaught
exception (the Lambda entry point returns), every answer an error with a code documented in
docs/protocol.md (never `internal`), the other side of the chat hears nothing, and at the end no
table holds anything it did not hold before (rate-limit counters aside).
"""

from __future__ import annotations

import base64
import json
import re
import uuid
from typing import Any

import boto3
import pytest
from docs_support import documented_error_codes
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.config import get_config
from chalicelib.realtime.push import pusher

WS_FRAMES = int(__import__("os").environ.get("HOSTILE_WS_FRAMES", "10000"))
REST_BODIES = int(__import__("os").environ.get("HOSTILE_REST_BODIES", "2000"))
BATCH = 10  # frames per hypothesis example: the engine's own cost per example is several ms
REGION = "us-east-1"
# Attributes that change on every frame by design (the rate limit's counter), not "stored input".
VOLATILE = {"rate_window", "rate_count"}


def documented_codes() -> set[str]:
    """The codes of docs/protocol.md's error table but `internal`: bad input never gets that."""
    return set(documented_error_codes()) - {"internal"}


def assert_no_stack_traces(caplog: pytest.LogCaptureFixture) -> None:
    """Bad input is an answered error, never an `unexpected failure` with a traceback in the log."""
    traced = [r for r in caplog.records if r.exc_info or r.levelname in ("ERROR", "CRITICAL")]
    assert not traced, [f"{r.name}: {r.getMessage()[:200]}" for r in traced[:5]]


def _stored() -> dict[str, list[dict[str, Any]]]:
    """Every item of every table (a test-only Scan), without the volatile attributes."""
    client = boto3.client("dynamodb", region_name=REGION)
    dump = {}
    for name in client.list_tables()["TableNames"]:
        items = client.scan(TableName=name, ConsistentRead=True)["Items"]
        dump[name] = sorted(
            json.dumps({k: v for k, v in item.items() if k not in VOLATILE}, sort_keys=True) for item in items
        )
    return dump


class RecordingManagementApi:
    """Stands in for the API Gateway management client during the flood: records what would be pushed.

    Pushing through moto costs ~10 ms a call here; the pushes themselves are tested against moto
    elsewhere. The frame is decoded as a client would (UTF-8 JSON), so an unencodable frame still fails.
    """

    class exceptions:  # noqa: N801 - the shape of a boto3 client's `exceptions`
        GoneException = type("GoneException", (Exception,), {})

    def __init__(self) -> None:
        self.pushed: dict[str, list[dict[str, Any]]] = {}

    def post_to_connection(self, ConnectionId: str, Data: bytes) -> None:  # noqa: N803 - boto3's names
        self.pushed.setdefault(ConnectionId, []).append(json.loads(Data.decode("utf-8")))

    def take(self, connection_id: str) -> list[dict[str, Any]]:
        return self.pushed.pop(connection_id, [])


# --- strategies ----------------------------------------------------------------------------

CONTROL = st.sampled_from(["\x00", "\x07", "\x08", "\x0b", "\x1b", "\x7f"])
LONE_SURROGATE = st.sampled_from(["\ud800", "\udfff", "a\udc80b"])
WRONG_TYPES = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
)
HUGE = st.integers(min_value=2_001, max_value=5_000).map(lambda n: "가" * n)
BAD_TEXT = st.one_of(
    WRONG_TYPES.filter(lambda v: not isinstance(v, str)),
    st.just(""), st.just("   \n\t "), HUGE,
    # Inside the text: str.strip() would remove a leading or trailing \x0b or \x1c-\x1f.
    st.tuples(st.text(max_size=20), CONTROL, st.text(max_size=20)).map(lambda t: f"x{t[0]}{t[1]}{t[2]}x"),
    st.tuples(st.text(max_size=20), LONE_SURROGATE).map("".join),
)
# For optional fields: leaving one empty is valid, so only values that are wrong whatever the field.
BAD_OPTIONAL_TEXT = BAD_TEXT.filter(lambda v: v is not None and not (isinstance(v, str) and not v.strip()))
# Whitespace of every kind Python's str.strip() and regex `$` know about, newlines first.
WHITESPACE = st.sampled_from(["\n", "\r\n", "\r", " ", "\t", "\x0b", "\x0c", "\x85", "\u2028", "\u3000", "\xa0"])
VALID_ID = st.text(min_size=1, max_size=20, alphabet="abcXYZ019_-:.")
# A valid-looking value with whitespace before or after it: must be refused, not trimmed or matched.
PADDED_ID = st.one_of(
    st.tuples(VALID_ID, WHITESPACE).map("".join),
    st.tuples(WHITESPACE, VALID_ID).map("".join),
    st.tuples(VALID_ID, WHITESPACE, VALID_ID).map("".join),
)
BAD_ID = st.one_of(
    WRONG_TYPES, st.just(""), st.text(min_size=65, max_size=200, alphabet="abc"),
    # Every Unicode category (st.text draws from all of them), always with one character outside the id set.
    st.text(min_size=1, max_size=20).filter(lambda s: re.fullmatch(r"[A-Za-z0-9_\-:.]+", s) is None),
    LONE_SURROGATE, PADDED_ID,
)
# Digits other than ASCII 0-9: str.isdigit() says yes to all of these, int() refuses or misreads them.
UNICODE_DIGITS = st.one_of(
    st.text(st.characters(categories=["Nd"], exclude_characters="0123456789"), min_size=1, max_size=6),
    st.text(st.characters(categories=["No"]), min_size=1, max_size=6),
    st.sampled_from(["²", "¹²³", "①", "5²", "٣", "१२", "５"]),
)
NUMERAL_STRINGS = st.one_of(
    UNICODE_DIGITS,
    st.integers(min_value=21, max_value=6_000).map(lambda n: "9" * n),  # thousands of digits
    st.integers(min_value=0, max_value=50).flatmap(lambda n: st.tuples(st.just(str(n)), WHITESPACE).map("".join)),
    st.integers(min_value=0, max_value=50).flatmap(lambda n: st.tuples(WHITESPACE, st.just(str(n))).map("".join)),
    st.sampled_from(["+5", "1_0", "0x10", "1e3", "١٠", "-", "--1", "1.0", "Infinity"]),
)
BAD_INT = st.one_of(
    st.integers(max_value=-1), st.integers(min_value=10**9 + 1), st.floats(), st.booleans(),
    st.text(max_size=10).filter(lambda s: re.fullmatch(r"-?[0-9]+", s) is None), st.lists(st.integers(), max_size=2),
    NUMERAL_STRINGS, st.integers(min_value=10**30, max_value=10**60),
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20,
)


def deep(n: int, kind: str) -> str:
    if kind == "list":
        return "[" * n + "]" * n
    if kind == "object":
        return '{"a":' * n + "1" + "}" * n
    return '{"action":"message.send","conversationId":"x","clientMessageId":"c","text":' + "[" * n + "]" * n + "}"


DEEP = st.builds(deep, st.integers(min_value=200, max_value=5_000), st.sampled_from(["list", "object", "field"]))


@st.composite
def invalid_action_frame(draw: st.DrawFn, conversation_ids: dict[str, str]) -> dict[str, Any]:
    """A frame for a real action with at least one field made invalid (never a valid request)."""
    chat = conversation_ids["chat"]
    action = draw(st.sampled_from(["message.send", "messages.sync", "typing", "status.set"]))
    if action == "message.send":
        frame = {"conversationId": chat, "clientMessageId": uuid.uuid4().hex, "text": "안녕하세요"}
        bad = {"conversationId": BAD_ID | st.just(conversation_ids["other"]) | st.just("01UNKNOWNCHAT"),
               "clientMessageId": BAD_ID, "text": BAD_TEXT}
    elif action == "messages.sync":
        frame = {"conversationId": chat, "afterSeq": 0, "limit": 10}
        bad = {"conversationId": BAD_ID | st.just(conversation_ids["other"]), "afterSeq": BAD_INT,
               "limit": BAD_INT | st.just(0) | st.just(501)}
    elif action == "typing":
        frame = {"conversationId": chat, "isTyping": True}
        bad = {"conversationId": BAD_ID | st.just(conversation_ids["other"]),
               "isTyping": WRONG_TYPES.filter(lambda v: not isinstance(v, bool)) | st.text(max_size=5)}
    else:
        frame = {"status": "online"}
        bad = {"status": WRONG_TYPES | st.text(max_size=10).filter(lambda s: s not in ("online", "break", "offline"))}
    names = draw(st.lists(st.sampled_from(sorted(bad)), min_size=1, max_size=len(bad), unique=True))
    for name in names:
        if draw(st.booleans()) and name not in ("status", "limit"):  # a required field left out
            frame.pop(name)
        else:
            frame[name] = draw(bad[name])
    extra = draw(st.dictionaries(st.text(max_size=8).filter(lambda k: k not in frame and k != "action"),
                                 JSON_VALUES, max_size=2))
    return {"action": action, **frame, **extra}


def ws_frames(conversation_ids: dict[str, str]) -> st.SearchStrategy[str | bytes]:
    unknown_action = st.fixed_dictionaries(
        {"action": st.one_of(WRONG_TYPES, st.text(max_size=40).filter(lambda a: a not in ACTION_NAMES))},
        optional={"conversationId": st.just(conversation_ids["chat"]), "text": st.text(max_size=50)},
    )
    return st.one_of(
        st.binary(max_size=200),  # mostly invalid UTF-8 or not JSON
        st.text(max_size=200),
        JSON_VALUES.filter(lambda v: not isinstance(v, dict)).map(json.dumps),
        JSON_VALUES.filter(lambda v: isinstance(v, dict) and "action" not in v).map(json.dumps),
        unknown_action.map(json.dumps),
        # Weighted: most frames should get past the parser into validation and authorization.
        invalid_action_frame(conversation_ids).map(lambda f: json.dumps(f, ensure_ascii=False)),
        invalid_action_frame(conversation_ids).map(json.dumps),  # \u-escaped: lone surrogates arrive as such
        invalid_action_frame(conversation_ids).map(json.dumps),
        invalid_action_frame(conversation_ids).map(lambda f: json.dumps(f, ensure_ascii=False)),
        DEEP,
        st.integers(min_value=33_000, max_value=40_000).map(lambda n: '{"action":"ping","pad":"' + "x" * n + '"}'),
        # Only the text too long (the mutations above rarely leave every other field valid).
        HUGE.map(lambda text: json.dumps({"action": "message.send", "conversationId": conversation_ids["chat"],
                                          "clientMessageId": uuid.uuid4().hex, "text": text})),
        # Valid but for a padded id or a non-ASCII numeral: the classes an outside suite found.
        st.tuples(PADDED_ID, st.sampled_from(["conversationId", "clientMessageId"])).map(
            lambda t: json.dumps({"action": "message.send", "conversationId": conversation_ids["chat"],
                                  "clientMessageId": uuid.uuid4().hex, "text": "안녕하세요", t[1]: t[0]})),
        NUMERAL_STRINGS.map(lambda n: json.dumps({"action": "messages.sync", "conversationId": conversation_ids["chat"],
                                                  "afterSeq": n})),
    )


ACTION_NAMES = {"ping", "message.send", "messages.sync", "typing", "status.set"}


# --- the world -----------------------------------------------------------------------------


@pytest.fixture
def world(h: Any, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.setenv("WS_RATE_LIMIT", str(10**9))  # the limit has its own test; here every frame is parsed
    key_id = boto3.client("kms", region_name=REGION).create_key(Description="masking")["KeyMetadata"]["KeyId"]
    monkeypatch.setenv("MASKING_KEY_ID", key_id)
    get_config.cache_clear()
    agent_token, agent_conn = h.agent_online("agent1@example.com")
    chat = h.start_chat("고객")
    h.send(agent_conn, {"action": "message.send", "conversationId": chat["conversationId"],
                        "clientMessageId": "answer-1", "text": "안녕하세요"})
    other_token, _ = h.agent_online("agent2@example.com")
    other = h.start_chat("다른고객")
    admin = h.staff_token("admin@example.com", "admins")
    assert h.rest("PUT", "/settings", {"securityService": True}, token=admin)[0] == 200
    customer_conn = h.connected(chat["token"])
    frames = RecordingManagementApi()
    monkeypatch.setattr(pusher, "_client", lambda endpoint: frames)
    yield {
        "h": h, "frames": frames, "chat": chat["conversationId"], "other": other["conversationId"],
        "customer": chat["token"], "agent": agent_token, "admin": admin, "other_agent": other_token,
        "connections": {"customer": customer_conn, "agent": agent_conn},
    }
    get_config.cache_clear()


def _ws_event(connection_id: str, body: str | bytes) -> dict[str, Any]:
    # Raw bytes (possibly invalid UTF-8) reach the handler as they are, to exercise its decoding.
    return {
        "requestContext": {
            "routeKey": "$default", "eventType": "MESSAGE", "connectionId": connection_id,
            "domainName": "testapi.execute-api.us-east-1.amazonaws.com", "stage": "dev", "apiId": "testapi",
            "requestId": uuid.uuid4().hex, "messageId": uuid.uuid4().hex, "requestTimeEpoch": 1764000000000,
            "connectedAt": 1764000000000, "messageDirection": "IN",
            "identity": {"sourceIp": "203.0.113.7", "userAgent": "pytest"},
        },
        "body": body,
        "isBase64Encoded": False,
    }


# Thousands of handler calls against moto: minutes on a busy 2-core machine, not the default 300 s.
@pytest.mark.timeout(1800)
def test_ten_thousand_hostile_frames_answer_documented_errors_and_store_nothing(
    world: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    import app as app_module

    handler = app_module.ws_message
    codes = documented_codes()
    frames: RecordingManagementApi = world["frames"]
    senders = world["connections"]
    before = _stored()
    seen: dict[str, int] = {}
    sent = 0

    @settings(max_examples=WS_FRAMES // BATCH, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(batch=st.lists(st.tuples(ws_frames({"chat": world["chat"], "other": world["other"]}),
                                    st.sampled_from(sorted(senders))), min_size=BATCH, max_size=BATCH))
    def one_frame(batch: list[tuple[str | bytes, str]]) -> None:
        nonlocal sent
        for body, sender in batch:
            connection = senders[sender]
            result = handler(_ws_event(connection, body), None)  # an uncaught exception would raise here
            sent += 1
            assert result is None or result.get("statusCode", 200) == 200, result
            answers = frames.take(connection)
            assert answers, f"no answer to {body[:200]!r}"
            for answer in answers:
                assert answer["type"] == "error", (body[:200], answer)
                assert answer["code"] in codes, (body[:200], answer)
                seen[answer["code"]] = seen.get(answer["code"], 0) + 1
            other_side = senders["agent" if sender == "customer" else "customer"]
            assert frames.take(other_side) == [], f"the other side heard about {body[:200]!r}"

    one_frame()
    assert_no_stack_traces(caplog)
    assert sent >= WS_FRAMES
    assert _stored() == before, "a refused frame changed a table"
    print(f"\n{sent} frames, error codes: {dict(sorted(seen.items()))}")
    # The generator reached the validation paths, not only the JSON parser.
    assert {"bad_json", "unknown_action", "invalid_field", "too_long", "forbidden", "payload_too_large"} <= set(seen)


# --- REST ----------------------------------------------------------------------------------

def _json_object(body: bytes) -> bool:
    try:
        return isinstance(json.loads(body), dict)
    except ValueError:
        return False


BAD_BODY = st.one_of(
    # Random bytes can spell a JSON object (b"{}" is a valid, empty update): not a bad body.
    st.binary(max_size=200).map(lambda b: b or b"\xff").filter(lambda b: not _json_object(b)),
    st.text(max_size=200).filter(lambda t: not t.lstrip().startswith("{")),
    JSON_VALUES.filter(lambda v: not isinstance(v, dict)).map(json.dumps),
    # Deeper than the parser's recursion limit (a shallower object with unknown fields is a valid body).
    st.builds(deep, st.integers(min_value=5_000, max_value=8_000), st.sampled_from(["list", "object", "field"])),
    st.integers(min_value=131_073, max_value=140_000).map(lambda n: '{"pad":"' + "x" * n + '"}'),
)


def rest_cases(world: dict[str, Any]) -> st.SearchStrategy[tuple[str, str, str, Any]]:
    """(method, path, token, body): an invalid body for every route that takes one."""
    chat = world["chat"]
    version = st.just(1)

    def mutated(base: dict[str, Any], bad: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[str]:
        @st.composite
        def build(draw: st.DrawFn) -> str:
            body = dict(base)
            for name in draw(st.lists(st.sampled_from(sorted(bad)), min_size=1, unique=True)):
                body[name] = draw(bad[name])
            return json.dumps(body, ensure_ascii=draw(st.booleans()))

        return build()

    routes: list[tuple[str, str, str, st.SearchStrategy[Any]]] = [
        ("POST", "/chats", "", mutated(
            {"consent": True, "consentVersion": 1, "customerName": "고객"},
            {"consent": WRONG_TYPES.filter(lambda v: v is not True) | st.just(False),
             "consentVersion": BAD_INT | st.just(0), "customerName": BAD_OPTIONAL_TEXT,
             "customerEmail": BAD_OPTIONAL_TEXT | st.just("not-an-email")})),
        ("POST", "/inquiries", "", mutated(
            {"consent": True, "name": "이름", "email": "a@example.com", "inquiryType": "기타", "title": "t",
             "content": "c"},
            {"name": BAD_TEXT, "email": BAD_TEXT | st.just("x@"), "inquiryType": BAD_TEXT | st.just("없는유형"),
             "title": BAD_TEXT, "content": BAD_TEXT.filter(lambda v: not (isinstance(v, str) and len(v) < 10_001
                                                                          and v.strip() and "\x00" not in v))})),
        ("POST", f"/chats/{chat}/rating", "customer", mutated(
            {"rating": "satisfied"},
            {"rating": WRONG_TYPES | st.text(max_size=10).filter(lambda s: s not in ("satisfied", "dissatisfied"))})),
        ("PUT", f"/chats/{chat}/customer", "agent", mutated(
            {"name": "홍길동"}, {"name": BAD_OPTIONAL_TEXT,
                              "phone": st.just("abc") | WRONG_TYPES.filter(lambda v: v is not None),
                              "email": st.just("x@y") | LONE_SURROGATE})),
        ("PUT", f"/chats/{chat}/counsel", "agent", mutated(
            {"note": "메모"}, {"inquiryType": st.just("없는유형") | LONE_SURROGATE,
                             "note": HUGE | LONE_SURROGATE | WRONG_TYPES.filter(lambda v: v is not None)})),
        ("POST", f"/chats/{chat}/tickets", "agent", mutated(
            {"inquiryType": "기타", "title": "t", "content": "c"},
            {"inquiryType": BAD_TEXT | st.just("없는유형"), "title": BAD_TEXT})),
        ("PUT", "/me/status", "agent", mutated(
            {"status": "online"},
            {"status": WRONG_TYPES | st.text(max_size=10).filter(lambda s: s not in ("online", "break", "offline"))})),
        ("PUT", "/settings", "admin", mutated(
            {"greeting": "안녕하세요"},
            {"greeting": BAD_OPTIONAL_TEXT,
             "maxChatsPerAgent": BAD_INT.filter(lambda v: not isinstance(v, int) or v < 1 or v > 50) | st.just(0),
             "unknownSetting": JSON_VALUES, "chatEnabled": WRONG_TYPES.filter(lambda v: not isinstance(v, bool))})),
        ("POST", f"/chats/{chat}/messages/2/masks", "agent", mutated(
            {"spans": [{"start": 0, "end": 1}]},
            {"spans": WRONG_TYPES | st.lists(st.fixed_dictionaries({"start": BAD_INT, "end": BAD_INT}), min_size=1,
                                             max_size=3) | st.just([]) | st.just([{"start": 5, "end": 2}])})),
    ]
    del version
    return st.one_of(
        *[st.tuples(st.just(m), st.just(p), st.just(t), mutated_or_garbage)
          for m, p, t, body in routes for mutated_or_garbage in (body, BAD_BODY)]
    )


def _rest_event(method: str, path: str, resource: str, params: dict[str, str], token: str | None,
                body: str | bytes | None, query: dict[str, str] | None = None) -> dict[str, Any]:
    headers = {"Content-Type": "application/json", "Host": "testapi.example"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if isinstance(body, bytes):
        body, encoded = base64.b64encode(body).decode(), True
    else:
        encoded = False
    return {
        "resource": resource, "path": path, "httpMethod": method, "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()}, "queryStringParameters": query or None,
        "multiValueQueryStringParameters": {k: [v] for k, v in query.items()} if query else None,
        "pathParameters": params or None, "stageVariables": None,
        "requestContext": {"resourcePath": resource, "httpMethod": method, "path": f"/api{path}", "stage": "api",
                           "identity": {"sourceIp": "203.0.113.7"}, "requestId": uuid.uuid4().hex},
        "body": body, "isBase64Encoded": encoded,
    }


# Thousands of handler calls against moto: minutes on a busy 2-core machine, not the default 300 s.
@pytest.mark.timeout(1800)
def test_hostile_rest_bodies_answer_documented_errors_and_store_nothing(
    world: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    from infra.local.routes import match_route

    app = world["h"].app
    codes = documented_codes()
    before = _stored()
    seen: dict[str, int] = {}
    sent = 0

    @settings(max_examples=REST_BODIES, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(case=rest_cases(world))
    def one_body(case: tuple[str, str, str, Any]) -> None:
        nonlocal sent
        method, path, who, body = case
        resource, params = match_route(app.routes, path)
        response = app(_rest_event(method, path, resource, params, world.get(who) if who else None, body), None)
        sent += 1
        status = response["statusCode"]
        answer = json.loads(response["body"])
        assert 400 <= status < 500, (method, path, body[:200], status, answer)
        assert answer["type"] == "error" and answer["code"] in codes, (method, path, body[:200], answer)
        seen[answer["code"]] = seen.get(answer["code"], 0) + 1

    one_body()
    assert_no_stack_traces(caplog)
    assert sent >= REST_BODIES
    assert _stored() == before, "a refused body changed a table"
    assert {"bad_json", "invalid_field", "payload_too_large"} <= set(seen)
    print(f"\n{sent} REST bodies, error codes: {dict(sorted(seen.items()))}")


# --- REST: query parameters and path segments ---------------------------------------------------

QUERY_INTS = NUMERAL_STRINGS | st.text(max_size=12).filter(lambda s: re.fullmatch(r"-?[0-9]+", s) is None)


def query_cases(world: dict[str, Any]) -> st.SearchStrategy[tuple[str, str, str, dict[str, str]]]:
    """(method, path, token, query): every integer query parameter and id-like path segment, bad."""
    chat, other_chat = world["chat"], world["other"]
    bad_segment = st.one_of(PADDED_ID, UNICODE_DIGITS, st.text(min_size=65, max_size=100, alphabet="a"))
    bad_seq = st.one_of(bad_segment, NUMERAL_STRINGS)
    cases = [
        st.tuples(st.just("GET"), st.just(f"/chats/{chat}/messages"), st.just("customer"),
                  st.fixed_dictionaries({}, optional={"afterSeq": QUERY_INTS, "limit": QUERY_INTS})
                  .filter(bool)),
        st.tuples(st.just("GET"), st.just("/history"), st.just("agent"),
                  st.fixed_dictionaries({}, optional={"limit": QUERY_INTS, "from": QUERY_INTS, "to": QUERY_INTS})
                  .filter(bool)),
        st.tuples(st.just("GET"), st.just("/history"), st.just("agent"),
                  st.fixed_dictionaries({"agentId": st.one_of(
                      st.tuples(st.just("agent1@example.com"), WHITESPACE).map("".join),
                      st.tuples(WHITESPACE, st.just("agent1@example.com")).map("".join))})),
        st.tuples(st.just("GET"), st.just("/tickets"), st.just("agent"),
                  st.fixed_dictionaries({"limit": QUERY_INTS})),
        st.tuples(st.just("GET"), st.just("/exports"), st.just("admin"),
                  st.fixed_dictionaries({"limit": QUERY_INTS})),
        st.tuples(st.just("GET"), st.just("/masking/audit"), st.just("admin"),
                  st.one_of(st.fixed_dictionaries({"limit": QUERY_INTS}),
                            st.fixed_dictionaries({"month": st.one_of(
                                st.tuples(st.just("2026-1"), st.sampled_from(["²", "①", "٣"])).map("".join),
                                st.just("2026-12\n"), st.just("２０２６-12"), st.just("2026-13"))}))),
        # Path segments: a padded or non-ASCII seq, conversation ids with a trailing newline.
        st.tuples(st.just("POST"), bad_seq.map(lambda seq: f"/chats/{chat}/messages/{seq}/masks"),
                  st.just("agent"), st.just({})),
        st.tuples(st.just("DELETE"), bad_seq.map(lambda seq: f"/chats/{chat}/messages/{seq}/masks/m1"),
                  st.just("agent"), st.just({})),
        st.tuples(st.just("GET"), st.tuples(st.sampled_from([chat, other_chat]), WHITESPACE)
                  .map(lambda t: f"/chats/{t[0]}{t[1]}"), st.just("agent"), st.just({})),
        st.tuples(st.just("GET"), bad_segment.map(lambda t: f"/tickets/{t}"), st.just("agent"), st.just({})),
    ]
    return st.one_of(*cases)


@pytest.mark.timeout(1800)
def test_hostile_query_parameters_and_path_segments_are_invalid_fields(
    world: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    """Unicode digits, numerals thousands of digits long and padded ids: 400 `invalid_field`, never 500."""
    from infra.local.routes import match_route

    app = world["h"].app
    before = _stored()
    sent = 0

    @settings(max_examples=REST_BODIES // 4, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(case=query_cases(world))
    def one_request(case: tuple[str, str, str, dict[str, str]]) -> None:
        nonlocal sent
        method, path, who, query = case
        resource, params = match_route(app.routes, path)
        body = json.dumps({"spans": [{"start": 0, "end": 1}]}) if method == "POST" else None
        response = app(_rest_event(method, path, resource, params, world[who], body, query), None)
        sent += 1
        answer = json.loads(response["body"])
        assert (response["statusCode"], answer.get("code")) == (400, "invalid_field"), (method, path, query, answer)
        assert answer.get("field"), answer  # the refused input is named

    one_request()
    assert_no_stack_traces(caplog)
    assert sent >= REST_BODIES // 4
    assert _stored() == before, "a refused request changed a table"
