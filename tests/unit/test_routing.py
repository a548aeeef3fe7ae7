"""Teams and routing across teams sharing agents (chalicelib/domain/routing.py)."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.domain import routing
from chalicelib.domain.errors import InvalidField
from chalicelib.domain.hours import BusinessHours
from chalicelib.domain.model import AgentStatus
from chalicelib.domain.routing import AgentLoad, Assignment, Team, WaitingChat
from chalicelib.store.keys import time_key

NOW = 1796169600000  # 2026-12-02T00:00Z
DEFAULT_MAX = 3
ONLINE, BREAK, OFFLINE = AgentStatus.ONLINE, AgentStatus.BREAK, AgentStatus.OFFLINE

BILLING = Team("billing", "결제", frozenset({"alice", "bob"}), frozenset({"t-billing01"}), max_chats_per_agent=2)
TECH = Team("tech", "기술", frozenset({"bob", "carol"}), frozenset({"t-techsup01"}), max_chats_per_agent=4)
GENERAL = Team("general", "일반", frozenset({"dave"}), frozenset())  # catch-all; the service default applies
TEAMS = [BILLING, TECH, GENERAL]


def agent(agent_id: str, active: int = 0, idle_since: int = 0, status: AgentStatus = ONLINE, **kw: object) -> AgentLoad:
    return AgentLoad(agent_id, status, active, idle_since, **kw)  # type: ignore[arg-type]


def chat(conversation_id: str, team_id: str, inbound_ms: int) -> WaitingChat:
    return WaitingChat(conversation_id, team_id, time_key(inbound_ms, conversation_id))


# --- teams -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("inquiry_type", "team"),
    [("t-billing01", "billing"), ("t-techsup01", "tech"), ("t-other0001", "general"), (None, "general")],
)
def test_the_team_for_an_inquiry_type(inquiry_type: str | None, team: str) -> None:
    found = routing.team_for_inquiry_type(TEAMS, inquiry_type)
    assert found is not None and found.team_id == team


def test_without_a_catch_all_an_unhandled_type_has_no_team() -> None:
    assert routing.team_for_inquiry_type([BILLING, TECH], "t-other0001") is None


@pytest.mark.parametrize(
    ("teams", "team_id", "queue"),
    [
        (TEAMS, "billing", "billing"),  # its team still exists
        (TEAMS, None, None),  # never had one: the common queue, read beside the teams'
        ([TECH, GENERAL], "billing", "general"),  # removed: the catch-all's
        ([BILLING, TECH], "gone", None),  # removed, no catch-all: the common queue
        ([], "billing", None),  # teams switched off
    ],
)
def test_the_queue_a_chat_goes_back_to(teams: list[Team], team_id: str | None, queue: str | None) -> None:
    assert routing.queue_team_id(teams, team_id) == queue


def team_body(team_id: str = "billing", **kw: object) -> dict[str, object]:
    return {"id": team_id, "name": "결제", "memberAgentIds": ["alice"], "inquiryTypes": ["t-billing01"], **kw}


def test_teams_parse_and_round_trip() -> None:
    body = [
        team_body(
            maxChatsPerAgent=2,
            hours={"timeZone": "Asia/Seoul", "weekly": {"mon": [{"start": "09:00", "end": "18:00"}]}},
        ),
        team_body("general", name="일반", inquiryTypes=[], memberAgentIds=["dave", "alice"]),
    ]
    teams = routing.parse_teams(body, now_utc_ms=NOW, known_inquiry_types={"t-billing01"})
    assert teams[0].max_chats_per_agent == 2 and teams[0].hours is not None
    assert teams[1].hours is None and teams[1].member_agent_ids == {"alice", "dave"}
    stored = [routing.team_to_document(team) for team in teams]
    assert routing.teams_from_document(stored) == teams


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"id": "x"}, "teams", "must be a list"),
        ([team_body(), team_body()], "teams", "twice"),
        ([team_body(), team_body("other")], "teams", "handled by both"),
        ([team_body(inquiryTypes=[]), team_body("b", inquiryTypes=[])], "teams", "catch-all"),
        ([team_body(inquiryTypes=["t-unknown01"])], "teams", "unknown inquiry type"),
        ([team_body(memberAgentIds=["alice", "alice"])], "teams[0].memberAgentIds", "twice"),
        ([team_body(memberAgentIds=["a"] * 10_000)], "teams[0].memberAgentIds", "at most 500"),
        ([team_body(memberAgentIds=["<script>"])], "teams[0].memberAgentIds", "must be an id"),
        ([team_body(maxChatsPerAgent=0)], "teams[0].maxChatsPerAgent", "between 1 and 50"),
        ([team_body(maxChatsPerAgent="many")], "teams[0].maxChatsPerAgent", "integer"),
        ([team_body(name="")], "teams[0].name", "must not be empty"),
        ([team_body(id="a b")], "teams[0].id", "must be an id"),
        ([team_body(colour="red")], "teams[0].colour", "unknown field"),
        (
            [team_body(hours={"weekly": {"mon": [{"start": "09:00", "end": "09:00"}]}})],
            "teams[0].hours.weekly.mon[0]",
            "ends",
        ),
        ([team_body(hours={"holidays": [{"date": "2026-01-01"}]})], "teams[0].hours.holidays", "in the past"),
        ([team_body(f"t{i}", inquiryTypes=[f"t-type{i:05d}"]) for i in range(101)], "teams", "at most 100"),
    ],
)
def test_bad_teams_are_refused_with_the_field(body: object, field: str, message: str) -> None:
    with pytest.raises(InvalidField) as caught:
        routing.parse_teams(
            body, now_utc_ms=NOW, known_inquiry_types={"t-billing01"} | {f"t-type{i:05d}" for i in range(101)}
        )
    assert caught.value.field == field
    assert message in caught.value.message


def test_stored_teams_keep_holidays_that_have_passed() -> None:
    stored = [team_body(hours={"holidays": [{"date": "2026-01-01"}]})]
    assert routing.teams_from_document(stored)[0].hours is not None


# --- routing -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("case", "waiting", "agents", "expected"),
    [
        (
            "the oldest waiting chat across teams goes first",
            [chat("b1", "billing", 200), chat("t1", "tech", 100)],
            [agent("alice"), agent("bob"), agent("carol")],
            Assignment("t1", "tech", "bob", 4),  # bob and carol tie on load and idle time: the id decides
        ),
        (
            "least busy member first",
            [chat("t1", "tech", 100)],
            [agent("bob", active=1), agent("carol", active=2)],
            Assignment("t1", "tech", "bob", 4),
        ),
        (
            "then the one idle longest",
            [chat("t1", "tech", 100)],
            [agent("bob", active=1, idle_since=500), agent("carol", active=1, idle_since=400)],
            Assignment("t1", "tech", "carol", 4),
        ),
        (
            "FIFO within a team: the head, never a later chat",
            [chat("b2", "billing", 300), chat("b1", "billing", 100), chat("b3", "billing", 200)],
            [agent("alice")],
            Assignment("b1", "billing", "alice", 2),
        ),
        (
            "a team whose members are all busy does not hold up another",
            [chat("b1", "billing", 100), chat("t1", "tech", 200)],
            [agent("alice", active=2), agent("bob", active=4), agent("carol", active=3)],
            Assignment("t1", "tech", "carol", 4),
        ),
        (
            "capacity counts chats of all teams: bob is full for billing (2) but not for tech (4)",
            [chat("b1", "billing", 100), chat("t1", "tech", 200)],
            [agent("alice", active=2), agent("bob", active=2), agent("carol", active=4)],
            Assignment("t1", "tech", "bob", 4),
        ),
        (
            "an agent's own limit wins over the team's",
            [chat("b1", "billing", 100)],
            [agent("alice", active=2, max_chats_override=5)],
            Assignment("b1", "billing", "alice", 5),
        ),
        (
            "a team without its own limit uses the service's",
            [chat("g1", "general", 100)],
            [agent("dave", active=2)],
            Assignment("g1", "general", "dave", DEFAULT_MAX),
        ),
        (
            "only online members with chat permission",
            [chat("t1", "tech", 100)],
            [agent("bob", status=BREAK), agent("carol", status=OFFLINE), agent("alice"), agent("zed")],
            None,
        ),
        ("no chat permission", [chat("t1", "tech", 100)], [agent("bob", chat_permission=False)], None),
        ("a chat of a team that no longer exists waits", [chat("x1", "gone", 100)], [agent("alice")], None),
        ("nothing waits", [], [agent("alice")], None),
    ],
)
def test_choose_next_assignment(
    case: str, waiting: list[WaitingChat], agents: list[AgentLoad], expected: Assignment | None
) -> None:
    assert routing.choose_next_assignment(TEAMS, waiting, agents, default_max_chats=DEFAULT_MAX) == expected, case


def test_queue_heads_and_positions_are_per_team() -> None:
    waiting = [chat("b2", "billing", 300), chat("t1", "tech", 200), chat("b1", "billing", 100), chat("t2", "tech", 400)]
    assert [c.conversation_id for c in routing.queue_heads(waiting)] == ["b1", "t1"]
    assert [routing.queue_position(waiting, c) for c in waiting] == [2, 1, 1, 2]


def test_plan_assignments_counts_each_before_the_next() -> None:
    waiting = [chat("b1", "billing", 100), chat("b2", "billing", 200), chat("b3", "billing", 300)]
    plan = routing.plan_assignments(
        TEAMS, waiting, [agent("alice", active=1), agent("bob")], default_max_chats=3, now_ms=NOW
    )
    # bob (0) takes b1; alice and bob then tie on load and alice has been idle longer; then bob has room
    # for b3; then both are at billing's limit of 2.
    assert [(a.conversation_id, a.agent_id) for a in plan] == [("b1", "bob"), ("b2", "alice"), ("b3", "bob")]
    assert routing.plan_assignments(TEAMS, waiting, [agent("alice", active=2)], default_max_chats=3, now_ms=NOW) == []


@st.composite
def queues_and_agents(draw: st.DrawFn) -> tuple[list[Team], list[WaitingChat], list[AgentLoad]]:
    """Two teams sharing some agents, random limits, loads and queues."""
    names = [f"a{i}" for i in range(draw(st.integers(1, 6)))]
    first = draw(st.sets(st.sampled_from(names), min_size=1))
    second = draw(st.sets(st.sampled_from(names), min_size=1))
    teams = [
        Team("one", "One", frozenset(first), frozenset({"t-one00001"}), draw(st.none() | st.integers(1, 4))),
        Team("two", "Two", frozenset(second), frozenset({"t-two00001"}), draw(st.none() | st.integers(1, 4))),
    ]
    agents = [
        AgentLoad(
            name,
            draw(st.sampled_from([ONLINE, ONLINE, ONLINE, BREAK, OFFLINE])),
            draw(st.integers(0, 5)),
            draw(st.integers(0, 1000)),
            draw(st.none() | st.integers(1, 5)),
            draw(st.booleans() | st.just(True)),
        )
        for name in names
    ]
    inbound = draw(st.lists(st.integers(0, 10_000), max_size=25, unique=True))
    waiting = [chat(f"c{i}", draw(st.sampled_from(["one", "two"])), ms) for i, ms in enumerate(inbound)]
    return teams, waiting, agents


@settings(max_examples=200, deadline=None)
@given(queues_and_agents())
def test_routing_never_exceeds_capacity_and_keeps_fifo_within_each_team(
    case: tuple[list[Team], list[WaitingChat], list[AgentLoad]],
) -> None:
    teams, waiting, agents = case
    plan = routing.plan_assignments(teams, waiting, agents, default_max_chats=DEFAULT_MAX, now_ms=NOW)
    by_id = {a.agent_id: a for a in agents}
    teams_by_id = {t.team_id: t for t in teams}
    chats = {c.conversation_id: c for c in waiting}
    load = Counter({a.agent_id: a.active_chats for a in agents})
    for step in plan:
        who, team = by_id[step.agent_id], teams_by_id[step.team_id]
        assert who.status is ONLINE and who.chat_permission and who.agent_id in team.member_agent_ids
        assert step.max_chats == routing.capacity_for(who, team, DEFAULT_MAX)
        assert load[who.agent_id] < step.max_chats  # room before, counted across both teams
        load[who.agent_id] += 1
        assert chats[step.conversation_id].team_id == team.team_id
    for team in teams:
        queue = sorted((c for c in waiting if c.team_id == team.team_id), key=lambda c: c.queued_key)
        served = [s.conversation_id for s in plan if s.team_id == team.team_id]
        assert served == [c.conversation_id for c in queue[: len(served)]]  # a prefix, in order
    left = [c for c in waiting if c.conversation_id not in {s.conversation_id for s in plan}]
    loads = [
        AgentLoad(a.agent_id, a.status, load[a.agent_id], NOW, a.max_chats_override, a.chat_permission) for a in agents
    ]
    assert (
        routing.choose_next_assignment(teams, left, loads, default_max_chats=DEFAULT_MAX) is None
    )  # nothing more fits


def test_routing_does_not_look_at_hours_so_waiting_chats_survive_a_schedule_edit() -> None:
    # Closing time (or an edit that closes the team now) does not strand a waiting chat: what happens
    # to waiting chats at closing is a setting the service applies, not the router.
    closed_all_week = routing.parse_teams(
        [team_body(hours={"weekly": {}})], now_utc_ms=NOW, known_inquiry_types={"t-billing01"}
    )
    assert routing.choose_next_assignment(
        closed_all_week, [chat("b1", "billing", 100)], [agent("alice")], default_max_chats=DEFAULT_MAX
    ) == Assignment("b1", "billing", "alice", DEFAULT_MAX)
    assert routing.team_hours(closed_all_week[0], BusinessHours()) is closed_all_week[0].hours
    assert routing.team_hours(GENERAL, BusinessHours()) == BusinessHours()


# queue.changed: each staff member's counts (routing.queue_counts_for)
COUNTS: dict[str | None, int] = {None: 1, "billing": 2, "tech": 3, "general": 0}


@pytest.mark.parametrize(
    ("agent_id", "is_admin", "teams", "waiting", "per_team"),
    [
        ("bob", False, TEAMS, 5, {"billing": 2, "tech": 3}),  # two teams; teamless chats are dave's
        ("alice", False, TEAMS, 2, {"billing": 2}),
        ("dave", False, TEAMS, 1, {"general": 0}),  # the catch-all serves the chats without a team
        ("erin", False, TEAMS, 0, {}),  # in no team
        ("erin", True, TEAMS, 6, {"billing": 2, "tech": 3, "general": 0}),  # an admin sees every queue
        ("alice", False, [BILLING, TECH], 3, {"billing": 2}),  # no catch-all: teamless chats are anyone's
        ("alice", False, [], 6, {}),  # no teams: one queue for everyone (the seed's count)
    ],
)
def test_queue_counts_per_audience(
    agent_id: str, is_admin: bool, teams: list[Team], waiting: int, per_team: dict[str, int]
) -> None:
    counts = COUNTS if teams else {None: 6}
    assert routing.queue_counts_for(agent_id, is_admin, teams, counts) == routing.QueueCounts(waiting, per_team)
