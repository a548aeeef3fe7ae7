"""Business hours and teams (issue #21) on the in-memory store: 409 closed with the next opening,
availability, per-team queues routed by routing.plan_assignments, and settings refused whole."""

from __future__ import annotations

import pytest

from chalicelib.domain.errors import Conflict, InvalidField, OutOfHours
from chalicelib.domain.model import Principal, Role
from chalicelib.services import agent_status, assignment, connections, ending, intake, routing_settings
from chalicelib.services.settings import load_settings
from tests.services.conftest import T0, World

START = {"consent": True, "consentVersion": 1, "customerName": "홍길동"}
ADMIN = Principal(role=Role.ADMIN, user_id="admin@example.com")
HOUR = 3_600_000
# T0 is Tuesday 2025-11-25 01:00 in Seoul.
WEEKDAYS_9_TO_6 = {day: [{"start": "09:00", "end": "18:00"}] for day in ("mon", "tue", "wed", "thu", "fri")}
CLOSED = {"ko": "지금은 운영시간이 아닙니다.", "en": "We are closed now."}


def _type_id(name: str) -> str:
    return next(e.type_id for e in load_settings().catalog("inquiry_type_catalog") if e.name == name)


def _teams(billing: list[str], general: list[str]) -> list[dict]:
    return [
        {"id": "billing", "name": "결제", "memberAgentIds": billing, "inquiryTypes": [_type_id("주문/결제")]},
        {"id": "general", "name": "일반", "memberAgentIds": general, "inquiryTypes": []},
    ]


def test_out_of_hours_a_chat_is_refused_with_the_next_opening(world: World) -> None:
    world.agent()
    routing_settings.save_from_admin(
        {"hours": {"timeZone": "Asia/Seoul", "weekly": WEEKDAYS_9_TO_6, "closedMessage": CLOSED}}, ADMIN
    )
    with pytest.raises(OutOfHours) as refused:
        intake.start_chat({**START, "customerTimeZone": "Europe/Berlin"})
    body = refused.value.to_body()
    assert (body["code"], body["nextOpening"]["serviceTime"]) == ("closed", "2025-11-25T09:00:00+09:00")
    assert body["nextOpening"]["customerTime"] == "2025-11-25T01:00:00+01:00"
    assert world.store.queues.queue_length() == 0  # nothing stored
    shown = intake.availability({"timeZone": "America/New_York"})
    assert (shown["open"], shown["agentsOnline"], shown["closedMessage"]) == (False, False, CLOSED)
    assert shown["nextOpening"]["customerTimeZone"] == "America/New_York"
    world.clock.now = T0 + 8 * HOUR  # 09:00 in Seoul: open
    assert intake.availability()["open"] is True
    assert intake.start_chat(START)["state"] == "active"


def test_a_holiday_closes_a_weekday_and_an_exception_opens_it(world: World) -> None:
    world.agent()
    world.clock.now = T0 + 8 * HOUR  # Tuesday 09:00 in Seoul
    hours = {"weekly": WEEKDAYS_9_TO_6, "holidays": [{"date": "2025-11-25", "name": "창립기념일"}]}
    routing_settings.save_from_admin({"hours": hours}, ADMIN)
    with pytest.raises(OutOfHours) as refused:
        intake.start_chat(START)
    assert refused.value.to_body()["nextOpening"]["serviceTime"] == "2025-11-26T09:00:00+09:00"
    hours["exceptions"] = [{"date": "2025-11-25", "intervals": [{"start": "08:00", "end": "10:00"}]}]
    routing_settings.save_from_admin({"hours": hours}, ADMIN)
    assert intake.start_chat(START)["state"] == "active"


def test_bad_hours_and_teams_are_refused_whole(world: World) -> None:
    world.agent("a@example.com")
    bad_bodies = [
        {"hours": {"weekly": {"mon": [{"start": "09:00", "end": "12:00"}, {"start": "11:00", "end": "13:00"}]}}},
        {"hours": {"weekly": {"mon": [{"start": "09:00", "end": "10:00"}] * 10_000}}},
        {"hours": {"holidays": [{"date": "2025-11-01"}]}},  # in the past
        {"hours": {"timeZone": "Mars/Olympus"}},
        {"teams": [{"id": "t1", "name": "팀", "memberAgentIds": ["nobody@example.com"]}]},
        {"teams": [{"id": "t1", "name": "팀", "inquiryTypes": ["t-unknown01"]}]},
        {"teams": "billing"},
        {"waitingAtClosing": "drop"},
        {"idleWarningMinutes": 5, "teams": [{"id": "x y", "name": "팀"}]},  # one bad key: nothing saved
    ]
    for body in bad_bodies:
        with pytest.raises(InvalidField):
            routing_settings.save_from_admin(body, ADMIN)
    assert world.store.routing_settings.get() is None


def test_each_team_has_its_queue_and_its_members(world: World) -> None:
    a = world.agent("a@example.com", tab="a-tab")
    b = world.agent("b@example.com", tab="b-tab")
    world.store.agents.set_max_chats(a.user_id, 1)
    routing_settings.save_from_admin({"teams": _teams([a.user_id], [b.user_id])}, ADMIN)
    shown = intake.availability()
    assert shown["teamsEnabled"] is True
    # Two teams, one a catch-all: every type leads somewhere, so the widget offers them all.
    assert shown["chatInquiryTypes"] == load_settings().type_names("inquiry_type_catalog")
    first = intake.start_chat({**START, "inquiryType": "주문/결제"})
    assert (first["teamId"], world.store.conversations.get(first["conversationId"]).agent_id) == ("billing", a.user_id)
    second = intake.start_chat({**START, "inquiryType": "주문/결제"})
    assert (second["state"], second["position"], second["teamId"]) == ("waiting", 1, "billing")  # b is not billing
    general = intake.start_chat({**START, "inquiryType": "배송"})  # no team lists it: the catch-all
    assert world.store.conversations.get(general["conversationId"]).agent_id == b.user_id
    third = intake.start_chat(START)  # no type chosen: the catch-all too
    assert (third["teamId"], third["state"]) == ("general", "active")
    # queue.changed per team: b (general) is not told billing's count, a (billing) is
    changed = [f for f in world.pusher.frames["b-tab"] if f["type"] == "queue.changed"][-1]
    assert (changed["waiting"], changed["teams"]) == (0, {"general": 0})
    changed = [f for f in world.pusher.frames["a-tab"] if f["type"] == "queue.changed"][-1]
    assert (changed["waiting"], changed["teams"]) == (1, {"billing": 1})
    queue = assignment.queue(b)
    assert [(c["teamId"], c["position"]) for c in queue["chats"]] == [("billing", 1)]
    customer = connections.connect("cust-2", second["token"])
    assert customer.conversation_id == second["conversationId"]
    ending.end_chat(a, first["conversationId"])  # a's seat frees: billing's queue moves
    assert world.store.conversations.get(second["conversationId"]).agent_id == a.user_id
    with pytest.raises(InvalidField):
        intake.start_chat({**START, "inquiryType": "없는 유형"})


def test_the_pre_chat_step_offers_only_types_a_team_answers(world: World) -> None:
    a = world.agent("a@example.com")
    assert intake.availability()["chatInquiryTypes"] == []  # no teams: one queue, no choice
    catch_all = _teams([a.user_id], [a.user_id])[1:]
    routing_settings.save_from_admin({"teams": catch_all}, ADMIN)
    assert intake.availability()["chatInquiryTypes"] == []  # one team takes everything
    routing_settings.save_from_admin({"teams": _teams([a.user_id], [a.user_id])[:1]}, ADMIN)
    # Only billing, which takes only its own type: the others would be refused, so they are not offered.
    assert [t["name"] for t in intake.availability()["chatInquiryTypes"]] == ["주문/결제"]


def test_a_team_removed_hands_its_waiting_chats_to_the_catch_all(world: World) -> None:
    a = world.agent("a@example.com")
    b = world.agent("b@example.com")
    world.store.agents.set_max_chats(a.user_id, 0)
    world.store.agents.set_max_chats(b.user_id, 0)
    routing_settings.save_from_admin({"teams": _teams([a.user_id], [b.user_id])}, ADMIN)
    waiting = intake.start_chat({**START, "inquiryType": "주문/결제"})
    assert waiting["state"] == "waiting"
    world.store.agents.set_max_chats(b.user_id, 3)
    routing_settings.save_from_admin({"teams": _teams([a.user_id], [b.user_id])[1:]}, ADMIN)
    moved = world.store.conversations.get(waiting["conversationId"])
    assert (moved.team_id, moved.state, moved.agent_id) == ("general", "active", b.user_id)


@pytest.mark.parametrize("remaining", ["catch-all", "none"])
def test_an_unanswered_chat_of_a_removed_team_goes_back_to_a_queue_someone_reads(world: World, remaining: str) -> None:
    a = world.agent("a@example.com")
    b = world.agent("b@example.com")
    world.store.agents.set_max_chats(b.user_id, 0)
    routing_settings.save_from_admin({"teams": _teams([a.user_id], [b.user_id])}, ADMIN)
    chat = intake.start_chat({**START, "inquiryType": "주문/결제"})
    assert world.store.conversations.get(chat["conversationId"]).agent_id == a.user_id  # billing, unanswered
    after = _teams([a.user_id], [b.user_id])[1:] if remaining == "catch-all" else []
    routing_settings.save_from_admin({"teams": after}, ADMIN)
    agent_status.set_status(a, {"status": "offline"})  # back to the queue: billing's is read by nobody now
    back = world.store.conversations.get(chat["conversationId"])
    assert (back.state, back.team_id) == ("waiting", "general" if remaining == "catch-all" else None)
    assert [c["conversationId"] for c in assignment.queue(b)["chats"]] == [chat["conversationId"]]
    world.store.agents.set_max_chats(b.user_id, 3)
    agent_status.apply_agent_change(b.user_id)  # b has room: the chat is served, not stranded
    assert world.store.conversations.get(chat["conversationId"]).agent_id == b.user_id


def test_no_team_without_a_catch_all_needs_a_type(world: World) -> None:
    a = world.agent("a@example.com")
    routing_settings.save_from_admin({"teams": _teams([a.user_id], [a.user_id])[:1]}, ADMIN)
    with pytest.raises(InvalidField):
        intake.start_chat(START)
    b = world.agent("b@example.com", online=False)
    routing_settings.save_from_admin({"teams": [{**_teams([b.user_id], [])[0]}]}, ADMIN)
    with pytest.raises(Conflict):  # nobody of the team online
        intake.start_chat({**START, "inquiryType": "주문/결제"})


@pytest.mark.parametrize("setting", ["keep", "close"])
def test_chats_waiting_at_closing_follow_the_setting(world: World, setting: str) -> None:
    from chalicelib.services import live_timers

    agent = world.agent()
    world.clock.now = T0 + 8 * HOUR  # Tuesday 09:00 in Seoul
    routing_settings.save_from_admin({"hours": {"weekly": WEEKDAYS_9_TO_6}, "waitingAtClosing": setting}, ADMIN)
    live = intake.start_chat(START)
    live_timers.open_chat(agent, live["conversationId"])
    world.store.agents.set_max_chats(agent.user_id, 1)
    waiting = intake.start_chat(START)
    connections.connect("cust-w", waiting["token"])
    world.clock.now = T0 + 17 * HOUR + 60_000  # 18:01: closed
    result = live_timers.sweep()
    stored = world.store.conversations.get(waiting["conversationId"])
    assert world.store.conversations.get(live["conversationId"]).state == "active"  # live chats are never cut
    if setting == "keep":
        assert stored.state == "waiting" and "waitingClosed" not in result
        return
    assert result["waitingClosed"] == 1
    assert (stored.state, stored.ended_by, stored.end_reason) == ("ended", "system", "closed")
    ended = [f for f in world.pusher.frames["cust-w"] if f["type"] == "chat.ended"][-1]
    assert ended["endReason"] == "closed"


def test_chats_queued_before_teams_are_served_without_a_catch_all(world: World) -> None:
    a = world.agent("a@example.com")
    world.store.agents.set_max_chats(a.user_id, 0)
    before_teams = intake.start_chat(START)
    assert before_teams["state"] == "waiting"
    routing_settings.save_from_admin({"teams": _teams([a.user_id], [a.user_id])[:1]}, ADMIN)  # no catch-all
    world.store.agents.set_max_chats(a.user_id, 2)
    assert assignment.assign_waiting_chats() == 1
    assert world.store.conversations.get(before_teams["conversationId"]).agent_id == a.user_id


def test_queue_changed_tells_each_agent_their_teams_counts_and_admins_all(world: World) -> None:
    from chalicelib.services import agent_status

    a = world.agent("a@example.com", tab="a-tab")
    b = world.agent("b@example.com", tab="b-tab")
    boss = Principal(role=Role.ADMIN, user_id="boss@example.com", email="boss@example.com")
    world.store.agents.ensure(boss)
    world.store.connections.put("boss-tab", boss, world.clock())
    world.store.agents.add_connection(boss.user_id, "boss-tab")
    agent_status.set_status(boss, {"status": "online"})
    for principal in (a, b, boss):
        world.store.agents.set_max_chats(principal.user_id, 1)
    routing_settings.save_from_admin({"teams": _teams([a.user_id], [b.user_id, boss.user_id])}, ADMIN)
    intake.start_chat({**START, "inquiryType": "주문/결제"})  # a takes it
    intake.start_chat(START)  # the catch-all: b or boss takes it
    intake.start_chat(START)  # the other of them
    world.pusher.frames.clear()
    intake.start_chat({**START, "inquiryType": "주문/결제"})  # waits for billing
    intake.start_chat(START)  # waits for general

    def last(tab: str) -> tuple[int, dict[str, int]]:
        frame = [f for f in world.pusher.frames[tab] if f["type"] == "queue.changed"][-1]
        return frame["waiting"], frame["teams"]

    assert last("a-tab") == (1, {"billing": 1})
    assert last("b-tab") == (1, {"general": 1})
    assert last("boss-tab") == (2, {"billing": 1, "general": 1})


def test_a_schedule_edited_while_chats_wait(world: World) -> None:
    """An admin edits the hours while chats wait: with `keep` the edit that closes now strands nobody
    (the queue keeps its order and is served when a seat frees); switching to `close` then ends
    them at the next sweep, and an edit that opens again lets new chats in."""
    from chalicelib.services import live_timers

    agent = world.agent()
    world.store.agents.set_max_chats(agent.user_id, 1)
    world.clock.now = T0 + 8 * HOUR  # Tuesday 09:00 in Seoul: open
    routing_settings.save_from_admin({"hours": {"weekly": WEEKDAYS_9_TO_6}}, ADMIN)
    live = intake.start_chat(START)
    waiting = [intake.start_chat(START)["conversationId"] for _ in range(2)]
    closed_today = {"weekly": WEEKDAYS_9_TO_6, "holidays": [{"date": "2025-11-25", "name": "임시 휴무"}]}
    routing_settings.save_from_admin({"hours": closed_today}, ADMIN)  # the edit: closed from now on
    with pytest.raises(OutOfHours):
        intake.start_chat(START)
    assert "waitingClosed" not in live_timers.sweep()  # keep: nothing ends
    assert [c.state for c in map(world.store.conversations.get, waiting)] == ["waiting", "waiting"]
    ending.end_chat(agent, live["conversationId"])  # the seat frees: the oldest waiting chat, out of hours too
    assert world.store.conversations.get(waiting[0]).agent_id == agent.user_id
    assert world.store.conversations.get(waiting[1]).state == "waiting"

    routing_settings.save_from_admin({"waitingAtClosing": "close"}, ADMIN)
    assert live_timers.sweep()["waitingClosed"] == 1
    assert world.store.conversations.get(waiting[1]).end_reason == "closed"
    assert world.store.conversations.get(waiting[0]).state == "active"  # a live chat is never cut
    routing_settings.save_from_admin({"hours": {"weekly": WEEKDAYS_9_TO_6}}, ADMIN)  # the holiday taken back
    assert intake.start_chat(START)["state"] == "waiting"
