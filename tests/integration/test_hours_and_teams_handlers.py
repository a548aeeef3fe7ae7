"""Business hours and teams through the handlers under moto: PUT /settings/routing, GET
/widget/availability, POST /chats answering 409 closed, and a chat routed to its team."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo


def _seoul_days() -> tuple[str, str]:
    today = datetime.now(UTC).astimezone(ZoneInfo("Asia/Seoul")).date()
    return today.isoformat(), (today + timedelta(days=1)).isoformat()


def test_closed_hours_refuse_a_chat_with_the_next_opening(h) -> None:
    admin = h.staff_token("admin@example.com", "admins")
    h.agent_online("agent1@example.com")
    today, tomorrow = _seoul_days()
    hours = {
        "timeZone": "Asia/Seoul",
        "exceptions": [
            {"date": today, "intervals": []},
            {"date": tomorrow, "intervals": [{"start": "09:00", "end": "18:00"}]},
        ],
        "closedMessage": {"ko": "운영시간이 아닙니다.", "en": "Closed."},
    }
    bad = {"hours": {**hours, "exceptions": [{"date": "2020-01-01", "intervals": []}]}}
    status, error = h.rest("PUT", "/settings/routing", bad, token=admin)
    assert (status, error["code"], error["field"]) == (400, "invalid_field", "hours.exceptions")
    status, saved = h.rest("PUT", "/settings/routing", {"hours": hours}, token=admin)
    assert status == 200 and saved["hours"]["exceptions"][1]["date"] == tomorrow

    status, shown = h.rest("GET", "/widget/availability", query={"timeZone": "Europe/Berlin"})
    assert (status, shown["open"], shown["agentsOnline"]) == (200, False, False)
    assert shown["nextOpening"]["serviceTime"] == f"{tomorrow}T09:00:00+09:00"
    assert shown["nextOpening"]["customerTimeZone"] == "Europe/Berlin"
    assert shown["closedMessage"] == {"ko": "운영시간이 아닙니다.", "en": "Closed."}
    body = {"consent": True, "consentVersion": shown["consent"]["version"], "customerName": "홍길동"}
    status, refused = h.rest("POST", "/chats", body)
    assert (status, refused["code"]) == (409, "closed")
    assert refused["nextOpening"]["serviceTime"] == f"{tomorrow}T09:00:00+09:00"

    assert h.rest("PUT", "/settings/routing", {"hours": None}, token=admin)[0] == 200
    assert h.rest("GET", "/widget/availability")[1]["open"] is True
    assert h.rest("POST", "/chats", body)[0] == 201


def test_a_chat_waits_for_its_team(h) -> None:
    admin = h.staff_token("admin@example.com", "admins")
    billing_token, billing_tab = h.agent_online("billing@example.com")
    general_token, general_tab = h.agent_online("general@example.com")
    settings = h.rest("GET", "/settings", token=admin)[1]
    billing_type = next(t for t in settings["inquiryTypeCatalog"] if t["name"] == "주문/결제")
    teams = [
        {
            "id": "billing",
            "name": "결제",
            "memberAgentIds": ["billing@example.com"],
            "inquiryTypes": [billing_type["id"]],
        },
        {"id": "general", "name": "일반", "memberAgentIds": ["general@example.com"], "inquiryTypes": []},
    ]
    status, saved = h.rest("PUT", "/settings/routing", {"teams": teams, "version": 0}, token=admin)
    assert (status, [t["id"] for t in saved["teams"]]) == (200, ["billing", "general"])
    assert h.rest("PUT", "/admin/agents/billing@example.com/max-chats", {"maxChats": 1}, token=admin)[0] == 200

    first = h.start_chat(inquiryType="주문/결제")
    second = h.start_chat(inquiryType="주문/결제")
    other = h.start_chat(inquiryType="배송")
    assert (first["state"], second["state"], second["position"], second["teamId"]) == (
        "active",
        "waiting",
        1,
        "billing",
    )
    assert other["state"] == "active"
    detail = h.rest("GET", f"/chats/{other['conversationId']}", token=general_token)[1]
    assert (detail["agentId"], detail["teamId"]) == ("general@example.com", "general")
    queue = h.rest("GET", "/queue", token=general_token)[1]
    assert [(c["teamId"], c["position"]) for c in queue["chats"]] == [("billing", 1)]
    wallboard = h.rest("GET", "/admin/presence", token=admin)[1]["queue"]
    names = {"billing": "결제", "general": "일반"}
    assert wallboard == {"waiting": 1, "teams": {"billing": 1, "general": 0}, "teamNames": names}
    assert h.rest("POST", f"/chats/{first['conversationId']}/end", token=billing_token)[0] == 200
    detail = h.rest("GET", f"/chats/{second['conversationId']}", token=billing_token)[1]
    assert (detail["state"], detail["agentId"]) == ("active", "billing@example.com")
