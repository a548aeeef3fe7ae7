"""Canned responses (issue 22): validation, variables at save, who may, limits. Pure, no AWS."""

from __future__ import annotations

import pytest

from chalicelib.domain import canned
from chalicelib.domain.canned import (
    CannedFields,
    CannedResponse,
    CannedScope,
    apply_canned_edit,
    check_can_manage,
    check_canned_limit,
    check_variables,
    parse_canned_create,
    scope_for_create,
    shortcut_key,
)
from chalicelib.domain.errors import Conflict, Forbidden, InvalidField, LimitReached, TooLong
from chalicelib.domain.model import Principal, Role

AGENT = Principal(Role.AGENT, "alice")
OTHER_AGENT = Principal(Role.AGENT, "bob")
ADMIN = Principal(Role.ADMIN, "root")
CUSTOMER = Principal(Role.CUSTOMER, "cust-1", conversation_id="c1")

VALID = {"title": "인사", "shortcut": "hello", "text": "안녕하세요, {{customer.name}}님.", "category": "공통"}


def response(rid: str = "r1", **overrides) -> CannedResponse:
    base = dict(
        response_id=rid,
        scope=CannedScope.SHARED,
        owner_id=None,
        title="인사",
        shortcut="hello",
        text="안녕하세요",
        category=None,
        position=0,
    )
    base.update(overrides)
    return CannedResponse(**base)


# --- validation ---------------------------------------------------------------------------


def test_a_valid_create_body_is_cleaned():
    fields = parse_canned_create({**VALID, "title": "  인사  ", "shortcut": "/hello", "text": "a\r\nb {{today}}"})
    assert fields == CannedFields(title="인사", shortcut="hello", text="a\nb {{today}}", category="공통")


def test_category_is_optional_and_blank_means_none():
    assert parse_canned_create({**VALID, "category": "   "}).category is None
    assert parse_canned_create({k: v for k, v in VALID.items() if k != "category"}).category is None


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("title", None, InvalidField),
        ("title", "   ", InvalidField),
        ("title", "\u3000\t ", InvalidField),  # ideographic space is whitespace too
        ("title", " \u200b\ufeff ", InvalidField),  # zero-width characters look empty too
        ("title", "a\nb", InvalidField),
        ("title", "x" * 101, TooLong),
        ("title", 5, InvalidField),
        ("title", "a\x00b", InvalidField),
        ("title", "\ud800", InvalidField),
        ("shortcut", "", InvalidField),
        ("shortcut", "/", InvalidField),
        ("shortcut", "two words", InvalidField),
        ("shortcut", "ㄱㄴ", InvalidField),  # bare jamo: a half-typed syllable, never a shortcut
        ("shortcut", "hi!", InvalidField),
        ("shortcut", "x" * 31, TooLong),
        ("category", "x" * 51, TooLong),
        ("category", "a\nb", InvalidField),
        ("text", "", InvalidField),
        ("text", " \n\t ", InvalidField),
        ("text", "x" * 2001, TooLong),
        ("text", "{{customer.phone}}", InvalidField),
    ],
)
def test_each_field_is_refused_by_name(field, value, error):
    with pytest.raises(error) as caught:
        parse_canned_create({**VALID, field: value})
    assert caught.value.field == field


@pytest.mark.parametrize("shortcut", ["hello", "배송지연", "ship-late_2", "a.b", "x" * 30, "/x" + "y" * 29])
def test_shortcuts_that_are_accepted(shortcut):
    assert parse_canned_create({**VALID, "shortcut": shortcut}).shortcut == shortcut.removeprefix("/")


def test_text_of_exactly_2000_characters_is_accepted():
    assert len(parse_canned_create({**VALID, "text": "가" * 2000}).text) == 2000


def test_unknown_fields_are_refused():
    with pytest.raises(InvalidField) as caught:
        parse_canned_create({**VALID, "owner": "bob"})
    assert caught.value.field == "owner"


def test_decomposed_hangul_is_stored_composed():
    decomposed = "\u1100\u1161\u11a8"  # 각 as macOS may hand it over
    assert parse_canned_create({**VALID, "shortcut": decomposed}).shortcut == "각"


def test_shortcuts_compare_without_case():
    assert shortcut_key("Hello") == shortcut_key("hELLO")
    assert shortcut_key("배송") != shortcut_key("배송지연")


def test_an_edit_changes_only_what_it_names():
    before = response(category="공통")
    after = apply_canned_edit(before, {"title": "새 제목"})
    assert (after.title, after.shortcut, after.text, after.category) == ("새 제목", "hello", "안녕하세요", "공통")
    assert apply_canned_edit(before, {"category": None}).category is None
    with pytest.raises(InvalidField):
        apply_canned_edit(before, {})
    with pytest.raises(InvalidField) as caught:
        apply_canned_edit(before, {"text": "{{oops}}"})
    assert caught.value.field == "text"


# --- variables ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("no variables", []),
        ("{{customer.name}}님, {{agent.displayName}}입니다", ["customer.name", "agent.displayName"]),
        ("{{chat.inquiryType}}{{today}}", ["chat.inquiryType", "today"]),
        ("{주문번호} single braces are text", []),
        ("a } and a { alone", []),
    ],
)
def test_variables_found_in_order(text, names):
    assert [use.name for use in check_variables(text)] == names


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("{{customer.phone}}", "{{customer.phone}}"),
        ("{{}}", "{{}}"),
        ("{{ customer.name }}", "did you mean {{customer.name}}"),
        ("{{Today}}", "did you mean {{today}}"),
        ("hello {{today", "'{{' at character 7"),
        ("hello today}}", "'}}' at character 12"),
        ("{{{today}}}", "stray brace"),
        ("{{today}}}", "stray brace"),
        ("{{customer.name}} {{", "'{{' at character 19"),
        ("{{a{{today}}", "'{{' at character 1"),
    ],
)
def test_bad_variables_are_refused_with_a_message_naming_them(text, named):
    with pytest.raises(InvalidField) as caught:
        check_variables(text)
    assert named in caught.value.message
    assert caught.value.field == "text"


# --- who may, limits ----------------------------------------------------------------------


def test_scope_on_create():
    assert scope_for_create(AGENT, None) is CannedScope.PERSONAL
    assert scope_for_create(ADMIN, None) is CannedScope.SHARED
    assert scope_for_create(ADMIN, "personal") is CannedScope.PERSONAL
    with pytest.raises(Forbidden):
        scope_for_create(AGENT, "shared")
    with pytest.raises(Forbidden):
        scope_for_create(CUSTOMER, None)
    with pytest.raises(InvalidField):
        scope_for_create(ADMIN, "team")


@pytest.mark.parametrize(
    ("principal", "item", "allowed"),
    [
        (ADMIN, response(), True),
        (AGENT, response(), False),
        (AGENT, response(scope=CannedScope.PERSONAL, owner_id="alice"), True),
        (OTHER_AGENT, response(scope=CannedScope.PERSONAL, owner_id="alice"), False),
        (ADMIN, response(scope=CannedScope.PERSONAL, owner_id="alice"), False),
        (CUSTOMER, response(scope=CannedScope.PERSONAL, owner_id="cust-1"), False),
    ],
)
def test_who_may_manage(principal, item, allowed):
    if allowed:
        check_can_manage(principal, item)
    else:
        with pytest.raises(Forbidden):
            check_can_manage(principal, item)


def test_who_may_use():
    personal = response(scope=CannedScope.PERSONAL, owner_id="alice")
    assert canned.may_use(AGENT, response()) and canned.may_use(AGENT, personal)
    assert not canned.may_use(OTHER_AGENT, personal)
    assert not canned.may_use(CUSTOMER, response())


@pytest.mark.parametrize(
    ("scope", "existing", "adding", "ok"),
    [
        (CannedScope.SHARED, 1999, 1, True),
        (CannedScope.SHARED, 2000, 1, False),
        (CannedScope.SHARED, 1990, 10, True),
        (CannedScope.SHARED, 1990, 11, False),
        (CannedScope.PERSONAL, 199, 1, True),
        (CannedScope.PERSONAL, 200, 1, False),
        (CannedScope.PERSONAL, 0, 201, False),
    ],
)
def test_limits(scope, existing, adding, ok):
    if ok:
        check_canned_limit(scope, existing, adding)
    else:
        with pytest.raises(LimitReached) as caught:
            check_canned_limit(scope, existing, adding)
        assert isinstance(caught.value, Conflict) and caught.value.code == "conflict"
