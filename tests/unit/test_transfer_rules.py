"""Transfer refusals and the hop the record keeps (chalicelib/domain/transfer_rules.py)."""

from __future__ import annotations

import pytest

from chalicelib.domain import transfer_rules
from chalicelib.domain.errors import (
    AgentCannotChat,
    AgentFull,
    AgentUnavailable,
    ConversationEnded,
    DomainError,
    Forbidden,
    NotAssigned,
    NotFound,
    TransferToSelf,
)
from chalicelib.domain.model import AgentStatus, ConversationState, Principal, Role
from chalicelib.domain.routing import AgentLoad, Team
from chalicelib.domain.transfer_rules import ChatForTransfer

NOW = 1796169600000  # 2026-12-02T00:00Z
DEFAULT_MAX = 3
ONLINE, BREAK, OFFLINE = AgentStatus.ONLINE, AgentStatus.BREAK, AgentStatus.OFFLINE

BILLING = Team("billing", "결제", frozenset({"alice", "bob"}), frozenset({"t-billing01"}), max_chats_per_agent=2)
TECH = Team("tech", "기술", frozenset({"bob", "carol"}), frozenset({"t-techsup01"}), max_chats_per_agent=4)
GENERAL = Team("general", "일반", frozenset({"dave"}), frozenset())  # catch-all; the service default applies
TEAMS = [BILLING, TECH, GENERAL]


def agent(agent_id: str, active: int = 0, idle_since: int = 0, status: AgentStatus = ONLINE, **kw: object) -> AgentLoad:
    return AgentLoad(agent_id, status, active, idle_since, **kw)  # type: ignore[arg-type]


ALICE = Principal(Role.AGENT, "alice")
BOB = Principal(Role.AGENT, "bob")
ADMIN = Principal(Role.ADMIN, "root")
LIVE = ChatForTransfer("c1", ConversationState.ACTIVE, "alice", "billing")


@pytest.mark.parametrize(
    ("case", "caller", "conv", "target", "error"),
    [
        ("the assigned agent", ALICE, LIVE, agent("bob", active=1), None),
        ("an admin, for another agent's chat", ADMIN, LIVE, agent("bob"), None),
        ("another agent", BOB, LIVE, agent("carol"), Forbidden),
        ("the customer", Principal(Role.CUSTOMER, "cust", conversation_id="c1"), LIVE, agent("bob"), Forbidden),
        (
            "a caller without chat permission",
            Principal(Role.AGENT, "alice", may_chat=False),
            LIVE,
            agent("bob"),
            Forbidden,
        ),
        ("to oneself", ALICE, LIVE, agent("alice"), TransferToSelf),
        ("an admin to themselves", ADMIN, LIVE, agent("root"), TransferToSelf),
        ("an admin to the agent who has it", ADMIN, LIVE, agent("alice"), TransferToSelf),
        ("to an agent on break", ALICE, LIVE, agent("bob", status=BREAK), AgentUnavailable),
        ("to an offline agent", ALICE, LIVE, agent("bob", status=OFFLINE), AgentUnavailable),
        ("to an agent without chat permission", ALICE, LIVE, agent("bob", chat_permission=False), AgentCannotChat),
        ("to a full agent (billing's limit 2, chats of all teams)", ALICE, LIVE, agent("bob", active=2), AgentFull),
        ("to an agent whose own limit leaves room", ALICE, LIVE, agent("bob", active=2, max_chats_override=3), None),
        (
            "a chat that ended meanwhile",
            ALICE,
            ChatForTransfer("c1", ConversationState.ENDED, "alice", "billing"),
            agent("bob"),
            ConversationEnded,
        ),
        (
            "a waiting chat",
            ADMIN,
            ChatForTransfer("c1", ConversationState.WAITING, None, "billing"),
            agent("bob"),
            NotAssigned,
        ),
    ],
)
def test_transfer_to_an_agent(
    case: str, caller: Principal, conv: ChatForTransfer, target: AgentLoad, error: type[DomainError] | None
) -> None:
    def attempt() -> transfer_rules.TransferHop:
        return transfer_rules.check_can_transfer_to_agent(
            caller, conv, target, chat_team=BILLING, default_max_chats=DEFAULT_MAX, now_ms=NOW, note="VIP 고객"
        )

    if error is None:
        hop = attempt()
        assert (hop.from_agent_id, hop.to_agent_id, hop.to_team_id, hop.by_user_id) == (
            "alice",
            target.agent_id,
            "billing",
            caller.user_id,
        ), case
        assert hop.to_document()["note"] == "VIP 고객"
        return
    with pytest.raises(error) as caught:
        attempt()
    assert caught.value.code == error.code, case


@pytest.mark.parametrize(
    ("caller", "team_id", "error"),
    [
        (ALICE, "tech", None),
        (ALICE, "billing", None),
        (ADMIN, "general", None),
        (BOB, "tech", Forbidden),
        (ALICE, "gone", NotFound),
    ],
)
def test_transfer_to_a_team_queue(caller: Principal, team_id: str, error: type[DomainError] | None) -> None:
    if error is None:
        hop = transfer_rules.check_can_transfer_to_team(caller, LIVE, team_id, TEAMS, now_ms=NOW)
        assert (hop.to_agent_id, hop.to_team_id, hop.from_agent_id) == (None, team_id, "alice")
        return
    with pytest.raises(error):
        transfer_rules.check_can_transfer_to_team(caller, LIVE, team_id, TEAMS, now_ms=NOW)


def test_transfer_refusals_have_distinct_codes_that_name_the_target() -> None:
    codes = {cls.code for cls in (TransferToSelf, AgentUnavailable, AgentFull, AgentCannotChat)}
    assert codes == {"transfer_to_self", "agent_unavailable", "agent_full", "agent_no_chat_permission"}
    with pytest.raises(AgentFull) as caught:
        transfer_rules.check_can_transfer_to_agent(
            ALICE, LIVE, agent("bob", active=2), chat_team=BILLING, default_max_chats=3, now_ms=NOW
        )
    assert caught.value.field == "agentId" and "2 of 2" in caught.value.message


def test_the_transfer_note_is_optional_and_bounded() -> None:
    assert transfer_rules.transfer_note_field({}) == ""
    assert transfer_rules.transfer_note_field({"note": " 환불 문의\n확인 필요 "}) == "환불 문의\n확인 필요"
    with pytest.raises(DomainError):
        transfer_rules.transfer_note_field({"note": "가" * 2001})
