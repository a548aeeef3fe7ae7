"""Pure domain rules, no AWS."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.domain import model as rules
from chalicelib.domain.errors import ConversationEnded, Forbidden, InvalidField, NotAssigned, TooLong
from chalicelib.domain.model import AgentCapacity, ConversationAccess, ConversationState, Principal, Role
from chalicelib.domain.validation import (
    decode_cursor,
    encode_cursor,
    id_field,
    int_field,
    parse_json_object,
    text_field,
)
from chalicelib.store import keys

CUSTOMER = Principal(Role.CUSTOMER, "cust-1", conversation_id="c1")
AGENT = Principal(Role.AGENT, "alice")
OTHER_AGENT = Principal(Role.AGENT, "bob")
ADMIN = Principal(Role.ADMIN, "root")


def access(state: ConversationState, agent: str | None = "alice") -> ConversationAccess:
    return ConversationAccess("c1", state, agent)


def test_choose_agent_prefers_fewest_chats_then_longest_idle():
    agents = [
        AgentCapacity("a", active_chats=2, max_chats=3, last_assigned_at=1),
        AgentCapacity("b", active_chats=1, max_chats=3, last_assigned_at=50),
        AgentCapacity("c", active_chats=1, max_chats=3, last_assigned_at=10),
    ]
    assert rules.choose_agent(agents).agent_id == "c"


def test_choose_agent_skips_full_and_unpermitted_agents():
    agents = [
        AgentCapacity("full", active_chats=3, max_chats=3, last_assigned_at=0),
        AgentCapacity("noperm", active_chats=0, max_chats=3, last_assigned_at=0, chat_permission=False),
    ]
    assert rules.choose_agent(agents) is None
    assert rules.choose_agent([*agents, AgentCapacity("ok", 2, 5, 0)]).agent_id == "ok"


@pytest.mark.parametrize(
    ("principal", "conv", "error"),
    [
        (CUSTOMER, access(ConversationState.ACTIVE), None),
        (Principal(Role.CUSTOMER, "cust-2", conversation_id="c2"), access(ConversationState.ACTIVE), Forbidden),
        (AGENT, access(ConversationState.ACTIVE), None),
        (OTHER_AGENT, access(ConversationState.ACTIVE), Forbidden),
        (ADMIN, access(ConversationState.ACTIVE, agent="zed"), None),
        (CUSTOMER, access(ConversationState.ENDED), ConversationEnded),
        (CUSTOMER, access(ConversationState.WAITING, agent=None), None),
        (ADMIN, access(ConversationState.WAITING, agent=None), NotAssigned),
    ],
)
def test_who_may_send(principal, conv, error):
    if error is None:
        rules.check_can_send(principal, conv)
    else:
        with pytest.raises(error):
            rules.check_can_send(principal, conv)


def test_records_editable_by_assigned_agent_live_and_any_staff_after_end():
    rules.check_can_edit_record(AGENT, access(ConversationState.ACTIVE))
    with pytest.raises(Forbidden):
        rules.check_can_edit_record(OTHER_AGENT, access(ConversationState.ACTIVE))
    rules.check_can_edit_record(OTHER_AGENT, access(ConversationState.ENDED))
    with pytest.raises(Forbidden):
        rules.check_can_edit_record(CUSTOMER, access(ConversationState.ACTIVE))


@pytest.mark.parametrize("state", list(ConversationState))
def test_who_may_see_a_chat(state):
    live = state is not ConversationState.ENDED
    assert rules.may_see_chat(AGENT, access(state))
    assert rules.may_see_chat(ADMIN, access(state))
    assert rules.may_see_chat(OTHER_AGENT, access(state)) is not live
    no_permission = replace(OTHER_AGENT, may_chat=False)
    assert not rules.may_see_chat(no_permission, access(state))
    assert rules.may_see_chat(CUSTOMER, access(state))
    assert not rules.may_see_chat(replace(CUSTOMER, conversation_id="other"), access(state))


def test_months_between_spans_year_boundary_newest_first():
    dec = 1733011200000  # 2024-12-01T00:00Z
    feb = 1738368000000  # 2025-02-01T00:00Z
    assert rules.months_between(dec, feb) == ["2025-02", "2025-01", "2024-12"]
    assert rules.month_of(feb) == "2025-02"


def test_time_key_sorts_by_time():
    assert keys.time_key(5, "b") < keys.time_key(10, "a")
    assert keys.time_key(1764000000000, "x") == "1764000000000#x"


@pytest.mark.parametrize("raw", [None, "", "[]", "nope", b"\xff\xfe", "1", '"s"'])
def test_parse_json_object_refuses_non_objects(raw):
    with pytest.raises(Exception) as info:
        parse_json_object(raw)
    assert info.value.code == "bad_json"


def test_text_field_limits_and_cleaning():
    assert text_field({"t": "  hi  "}, "t", max_chars=5) == "hi"
    with pytest.raises(TooLong):
        text_field({"t": "x" * 6}, "t", max_chars=5)
    with pytest.raises(InvalidField):
        text_field({"t": 5}, "t", max_chars=5)
    with pytest.raises(InvalidField):
        text_field({"t": "a\x00b"}, "t", max_chars=5)
    with pytest.raises(InvalidField):
        text_field({"t": "a\ud800"}, "t", max_chars=5)
    with pytest.raises(InvalidField):
        text_field({"t": "a\nb"}, "t", max_chars=5)
    assert text_field({"t": "a\nb"}, "t", max_chars=5, allow_newlines=True) == "a\nb"
    assert text_field({"t": "한글😀"}, "t", max_chars=3) == "한글😀"


def test_id_and_int_fields():
    assert id_field({"i": "c-1:x.y_z"}, "i") == "c-1:x.y_z"
    for bad in ["", "a b", "x" * 65, 3, None, "<script>"]:
        with pytest.raises(InvalidField):
            id_field({"i": bad}, "i")
    assert int_field({"n": "7"}, "n", minimum=0, maximum=9) == 7
    assert int_field({"n": "-3"}, "n", minimum=-9, maximum=9) == -3
    for bad in [True, 1.5, "x", -1, 10, "", " 7", "7\n", "+7", "٧", "²", "①", "5²", "７", "9" * 5000, 10**4000]:
        with pytest.raises(InvalidField) as info:
            int_field({"n": bad}, "n", minimum=0, maximum=9)
        assert info.value.field == "n"
    for bad in ["abc\n", "abc\r\n", " abc", "abc\u2028", "abc\x85"]:
        with pytest.raises(InvalidField):
            id_field({"i": bad}, "i")


@given(st.text(st.characters(categories=["Nd", "No", "Nl"]), min_size=1, max_size=30))
def test_int_field_reads_only_ascii_digits(raw):
    try:
        value = int_field({"n": raw}, "n", minimum=0, maximum=10**20)
    except InvalidField:
        assert not raw.isascii() or len(raw) > 19  # at most 19 digits (20 characters with a sign)
    else:
        assert raw.isascii() and value == int(raw)


def test_a_cursor_round_trips_a_last_evaluated_key_and_the_last_page_has_none() -> None:
    key = {"pk": {"S": "대화#01J"}, "inbound_key": {"S": "2026-11-25T09:00:00Z#01J"}}
    cursor = encode_cursor(key)
    assert cursor is not None and "=" not in cursor.rstrip("=") and "/" not in cursor
    assert decode_cursor(cursor) == key
    assert encode_cursor(None) is None and encode_cursor({}) is None
    assert decode_cursor(None) is None and decode_cursor("") is None


@pytest.mark.parametrize("raw", ["not base64!", "bnVsbA==", "WzEsMl0=", 12])
def test_a_cursor_the_api_did_not_return_is_a_field_error(raw: object) -> None:
    with pytest.raises(InvalidField) as caught:
        decode_cursor(raw)
    assert caught.value.field == "cursor"


def test_the_push_client_keeps_a_socket_for_every_thread_that_may_push_at_once(monkeypatch) -> None:
    # Fewer sockets than fan-out threads made urllib3 log "Connection pool is full" and drop sockets.
    from chalicelib.realtime import push

    monkeypatch.delenv("PUSH_MAX_POOL_CONNECTIONS", raising=False)
    client = push.Pusher()._client("https://example.execute-api.us-east-1.amazonaws.com/dev")
    assert client.meta.config.max_pool_connections == push.FAN_OUT_WORKERS + 1
    monkeypatch.setenv("PUSH_MAX_POOL_CONNECTIONS", "64")
    client = push.Pusher()._client("https://example.execute-api.us-east-1.amazonaws.com/dev")
    assert client.meta.config.max_pool_connections == 64
