"""History rows of issue #21: the team (by name), every transfer hop and the end reason."""

from __future__ import annotations

from chalicelib.domain.model import Principal, Role
from chalicelib.services import connections, ending, intake, records, routing_settings, transfer
from chalicelib.services.settings import load_settings
from tests.services.conftest import World

START = {"consent": True, "consentVersion": 1, "customerName": "홍길동"}
ADMIN = Principal(role=Role.ADMIN, user_id="admin@example.com")


def _type_id(name: str) -> str:
    return next(e.type_id for e in load_settings().catalog("inquiry_type_catalog") if e.name == name)


def test_history_shows_the_team_the_hops_and_the_end_reason(world: World) -> None:
    a = world.agent("a@example.com", tab="a-tab")
    b = world.agent("b@example.com", tab="b-tab")
    teams = [
        {
            "id": "billing",
            "name": "결제",
            "memberAgentIds": [a.user_id, b.user_id],
            "inquiryTypes": [_type_id("주문/결제")],
        },
        {"id": "general", "name": "일반", "memberAgentIds": [b.user_id], "inquiryTypes": []},
    ]
    routing_settings.save_from_admin({"teams": teams}, ADMIN)
    chat = intake.start_chat({**START, "inquiryType": "주문/결제"})
    cid = chat["conversationId"]
    connections.connect("cust-tab", chat["token"])
    first = world.store.conversations.get(cid).agent_id
    other = b.user_id if first == a.user_id else a.user_id
    world.clock.now += 60_000
    moved = transfer.transfer_chat(ADMIN, cid, {"agentId": other, "note": "결제 확인 부탁"})
    world.clock.now += 60_000
    ending.end_chat(Principal(role=Role.CUSTOMER, user_id=chat["customerId"], conversation_id=cid), cid)

    (row,) = records.search_history(ADMIN, {})["items"]
    assert (row["teamId"], row["teamName"], row["transferCount"]) == ("billing", "결제", 1)
    assert row["transfers"] == [
        {
            "by": ADMIN.user_id,
            "fromAgentId": first,
            "toAgentId": other,
            "toTeamId": "billing",
            "at": moved["transfers"][0]["at"],
            "note": "결제 확인 부탁",
        }
    ]
    assert (row["endedBy"], row["endReason"]) == ("customer", None)


def test_a_chat_without_team_or_transfer_has_empty_records(world: World) -> None:
    a = world.agent()
    chat = intake.start_chat(START)
    ending.end_chat(a, chat["conversationId"])
    (row,) = records.search_history(ADMIN, {})["items"]
    assert (row["teamId"], row["teamName"], row["transferCount"], row["transfers"]) == (None, None, 0, [])
    assert row["endedBy"] == "agent"
