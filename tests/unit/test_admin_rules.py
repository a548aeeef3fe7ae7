"""Pure rules of the admin view: type catalogues, roles, usernames, temporary passwords."""

from __future__ import annotations

import re

import pytest

from chalicelib.domain import accounts, type_catalog
from chalicelib.domain.errors import InvalidField
from chalicelib.domain.type_catalog import TypeEntry


def _catalog() -> list[TypeEntry]:
    return type_catalog.catalog_from_names(["배송", "환불", "기타"])


def test_legacy_ids_are_stable_and_distinct():
    assert type_catalog.catalog_from_names(["배송"])[0].type_id == _catalog()[0].type_id
    assert len({e.type_id for e in _catalog()}) == 3


def test_merge_names_keeps_ids_adds_and_retires():
    current = _catalog()
    merged = type_catalog.merge_names(current, ["기타", "신규"], "inquiryTypes")
    assert [(e.name, e.retired) for e in merged] == [("기타", False), ("신규", False), ("배송", True), ("환불", True)]
    assert merged[0].type_id == current[2].type_id
    back = type_catalog.merge_names(merged, ["배송"], "inquiryTypes")
    assert back[0].type_id == current[0].type_id and not back[0].retired
    assert type_catalog.active_names(back) == ["배송"]


def test_merge_catalog_renames_with_former_names_and_retires_left_out():
    current = _catalog()
    merged = type_catalog.merge_catalog(current, [{"id": current[1].type_id, "name": "환불/교환"}], "x")
    assert merged[0].former_names == ["환불"] and merged[0].name == "환불/교환"
    assert [e.retired for e in merged] == [False, True, True]
    renamed_back = type_catalog.merge_catalog(merged, [{"id": current[1].type_id, "name": "환불"}], "x")
    assert renamed_back[0].former_names == ["환불/교환"]


@pytest.mark.parametrize(
    "value",
    [
        [],
        "배송",
        [{"name": "a", "retired": True}],
        [{"id": "t-ffffffff", "name": "a"}],
        [{"id": "../x", "name": "a"}],
        [{"name": "배송"}],  # clashes with the (now retired) existing 배송
        [{"name": ""}],
        ["a"],
    ],
)
def test_merge_catalog_refuses(value):
    with pytest.raises(InvalidField):
        type_catalog.merge_catalog(_catalog(), value, "x")


def test_the_same_id_twice_is_refused():
    current = _catalog()
    with pytest.raises(InvalidField):
        type_catalog.merge_catalog(
            current, [{"id": current[0].type_id, "name": "a"}, {"id": current[0].type_id, "name": "b"}], "x"
        )


def test_roles_usernames_and_passwords():
    assert accounts.role_of_groups({"agents", "admins"}) is accounts.StaffRole.ADMIN
    assert accounts.role_of_groups({"agents"}) is accounts.StaffRole.AGENT
    assert accounts.role_of_groups({"other"}) is None
    assert accounts.username_from_path("agent1%40example.com") == "agent1@example.com"
    assert accounts.username_from_path("agent1@example.com") == "agent1@example.com"
    for bad in ["", "a b", "a%2Fb", "x" * 129, "a\x00"]:
        with pytest.raises(InvalidField):
            accounts.username_from_path(bad)
    passwords = {accounts.temporary_password() for _ in range(50)}
    assert len(passwords) == 50
    for p in passwords:
        assert len(p) == 16
        assert re.search("[A-Z]", p) and re.search("[a-z]", p) and re.search("[0-9]", p)
        assert re.search(r"[^A-Za-z0-9]", p)
