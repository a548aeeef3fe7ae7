"""Canned responses on the in-memory store: who manages what, limits, order, insertion, CSV."""

from __future__ import annotations

import pytest

from chalicelib.domain import canned as rules
from chalicelib.domain.canned import CannedScope
from chalicelib.domain.canned_csv import CsvImportRefused
from chalicelib.domain.errors import Conflict, Forbidden, InvalidField, LimitReached, NotFound, TooLong
from chalicelib.domain.model import Principal, Role
from chalicelib.services import canned, intake
from tests.services.conftest import World

ADMIN = Principal(role=Role.ADMIN, user_id="admin@example.com", display_name="관리자")
SHARED, PERSONAL = CannedScope.SHARED, CannedScope.PERSONAL
GREETING = {"title": "인사", "shortcut": "hi", "text": "{{customer.name}}님, 안녕하세요. {{agent.displayName}}입니다.",
            "category": "인사"}


def test_admins_share_agents_keep_their_own_and_the_composer_sees_both(world: World) -> None:
    alice, bob = world.agent("alice@example.com"), world.agent("bob@example.com")
    shared = canned.create_response(ADMIN, SHARED, GREETING)
    mine = canned.create_response(alice, PERSONAL, {"title": "환불", "shortcut": "환불", "text": "환불 안내입니다."})
    with pytest.raises(Forbidden):
        canned.create_response(alice, SHARED, GREETING)
    with pytest.raises(Forbidden):
        canned.edit_response(alice, SHARED, shared["responseId"], {"title": "x"})
    listed = canned.usable_responses(alice)
    assert [r["responseId"] for r in listed["shared"]] == [shared["responseId"]]
    assert "usageCount" not in listed["shared"][0]
    assert [r["responseId"] for r in listed["personal"]] == [mine["responseId"]]
    assert canned.usable_responses(bob)["personal"] == []
    with pytest.raises(NotFound):  # bob cannot reach alice's response by id
        canned.edit_response(bob, PERSONAL, mine["responseId"], {"title": "x"})
    with pytest.raises(NotFound):
        canned.use_response(bob, mine["responseId"], {})
    with pytest.raises(Conflict):  # the shortcut is taken in alice's scope, whatever the case
        canned.create_response(alice, PERSONAL, {"title": "t", "shortcut": "/환불", "text": "x"})
    edited = canned.edit_response(alice, PERSONAL, mine["responseId"], {"shortcut": "refund", "category": "결제"})
    assert (edited["shortcut"], edited["category"], edited["title"]) == ("refund", "결제", "환불")
    assert canned.delete_response(alice, PERSONAL, mine["responseId"])["deleted"] is True
    assert canned.usable_responses(alice)["personal"] == []


def test_bad_input_is_refused_and_stores_nothing(world: World) -> None:
    alice = world.agent("alice@example.com")
    bad = [
        ({"title": "t", "shortcut": "s", "text": "{{customer.nmae}}"}, InvalidField),  # unknown variable
        ({"title": "t", "shortcut": "two words", "text": "x"}, InvalidField),
        ({"title": "t", "shortcut": "s", "text": "가" * 2001}, TooLong),
        ({"title": "", "shortcut": "s", "text": "x"}, InvalidField),
        ({"title": "t", "shortcut": "s", "text": "x", "owner": "bob"}, InvalidField),
    ]
    for body, error in bad:
        with pytest.raises(error):
            canned.create_response(alice, PERSONAL, body)
    assert world.store.canned.count(PERSONAL, alice.user_id) == 0
    made = canned.create_response(alice, PERSONAL, {"title": "t", "shortcut": "s", "text": "x"})
    with pytest.raises(InvalidField):
        canned.edit_response(alice, PERSONAL, made["responseId"], {})
    with pytest.raises(InvalidField):
        canned.edit_response(alice, PERSONAL, made["responseId"], {"text": "{{today"})
    assert world.store.canned.get(PERSONAL, alice.user_id, made["responseId"]).response.text == "x"


def test_the_personal_limit_holds(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    alice = world.agent("alice@example.com")
    monkeypatch.setattr(rules, "MAX_PERSONAL_RESPONSES", 2)
    for n in range(2):
        canned.create_response(alice, PERSONAL, {"title": "t", "shortcut": f"s{n}", "text": "x"})
    with pytest.raises(LimitReached):
        canned.create_response(alice, PERSONAL, {"title": "t", "shortcut": "s9", "text": "x"})
    assert world.store.canned.count(PERSONAL, alice.user_id) == 2


def test_reorder_and_insertion_count_and_fill(world: World) -> None:
    alice = world.agent("alice@example.com")
    ids = [canned.create_response(ADMIN, SHARED, {**GREETING, "shortcut": f"s{n}"})["responseId"] for n in range(3)]
    order = canned.reorder(ADMIN, SHARED, {"ids": [ids[2], ids[0], ids[1]]})
    assert [r["responseId"] for r in order["responses"]] == [ids[2], ids[0], ids[1]]
    for body in ({"ids": ids[:2]}, {"ids": [ids[0], ids[0], ids[1]]}, {"ids": "x"}, {"order": ids}):
        with pytest.raises(InvalidField):
            canned.reorder(ADMIN, SHARED, body)
    with pytest.raises(Forbidden):
        canned.reorder(alice, SHARED, {"ids": ids})
    chat = intake.start_chat({"consent": True, "consentVersion": 1, "customerName": "홍길동"})
    used = canned.use_response(alice, ids[0], {"conversationId": chat["conversationId"]})
    assert used["text"] == "홍길동님, 안녕하세요. 김상담입니다."
    assert used["emptySpans"] == [] and used["usageCount"] == 1
    anonymous = canned.use_response(alice, ids[0], {})
    assert anonymous["text"] == "님, 안녕하세요. 김상담입니다."
    assert anonymous["emptySpans"][0]["variable"] == "customer.name"
    assert [r["usageCount"] for r in canned.shared_responses(ADMIN)["responses"] if r["responseId"] == ids[0]] == [2]
    other = world.agent("bob@example.com")
    with pytest.raises(Forbidden):  # the chat is alice's: bob may not fill its customer's name
        canned.use_response(other, ids[0], {"conversationId": chat["conversationId"]})


def test_csv_round_trips_and_a_bad_file_imports_nothing(world: World) -> None:
    canned.create_response(ADMIN, SHARED, GREETING)
    canned.create_response(ADMIN, SHARED, {"title": "수식", "shortcut": "f", "text": "=1+1 은 수식이 아닙니다"})
    exported = canned.export_csv(ADMIN, SHARED, {})
    assert exported.startswith("\ufeff".encode())
    text = exported.decode("utf-8-sig")
    assert text.splitlines()[0] == '"단축어","제목","분류","내용"' and "'=1+1" in text
    # Re-importing the export changes nothing; a new row is created, an edited one updated.
    assert canned.import_csv(ADMIN, SHARED, {"csv": text}) == {"created": 0, "updated": 0, "unchanged": 2}
    more = text + '"bye","작별","","감사합니다"\r\n'
    more = more.replace("=1+1 은 수식이 아닙니다", "바뀐 내용")
    assert canned.import_csv(ADMIN, SHARED, {"csv": more}) == {"created": 1, "updated": 1, "unchanged": 1}
    shortcuts = [r["shortcut"] for r in canned.shared_responses(ADMIN)["responses"]]
    assert shortcuts == ["hi", "f", "bye"]
    with pytest.raises(CsvImportRefused) as refused:
        canned.import_csv(ADMIN, SHARED, {"csv": more + '"bad one","t","","x"\r\n"x2","","","{{nope}}"\r\n'})
    assert refused.value.to_body()["errorCount"] == 3
    assert len(canned.shared_responses(ADMIN)["responses"]) == 3
    cp949 = '단축어,제목,내용\r\n가,나,다\r\n'.encode("cp949")
    import base64

    alice = world.agent("alice@example.com")
    assert canned.import_csv(alice, PERSONAL, {"csvBase64": base64.b64encode(cp949).decode()})["created"] == 1
    for body in ({}, {"csv": 5}, {"csvBase64": "@@"}, {"csv": "a", "csvBase64": "YQ=="}):
        with pytest.raises(InvalidField):
            canned.import_csv(alice, PERSONAL, body)
    with pytest.raises(Forbidden):
        canned.import_csv(alice, SHARED, {"csv": text})
