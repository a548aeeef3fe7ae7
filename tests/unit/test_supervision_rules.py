"""Supervision's pure rules (issue #24): the role from the groups, who sees and who edits a chat,
watching, whispers, the take-over's refusals in order, and the waiting time."""

from __future__ import annotations

import pytest

from chalicelib.domain.access import Audience, admit
from chalicelib.domain.accounts import StaffRole, role_of_groups
from chalicelib.domain.errors import (
    AgentFull,
    AgentUnavailable,
    ConversationEnded,
    Forbidden,
    NotAssigned,
    TransferToSelf,
)
from chalicelib.domain.model import (
    AgentStatus,
    ConversationAccess,
    ConversationState,
    Principal,
    Role,
    check_can_add_note,
    check_can_edit_record,
    check_can_read,
    may_see_chat,
)
from chalicelib.domain.notes import is_whisper
from chalicelib.domain.routing import AgentLoad, Team
from chalicelib.domain.supervision import check_can_take_over, check_can_watch, fitting_prefix, waiting_ms
from chalicelib.domain.transfer_rules import ChatForTransfer

SUPERVISOR = Principal(role=Role.SUPERVISOR, user_id="s1")
AGENT = Principal(role=Role.AGENT, user_id="a1")
OTHER = Principal(role=Role.AGENT, user_id="a2")
ADMIN = Principal(role=Role.ADMIN, user_id="admin")
LIVE = ConversationAccess("c1", ConversationState.ACTIVE, "a1")
ENDED = ConversationAccess("c1", ConversationState.ENDED, "a1")
WAITING = ConversationAccess("c1", ConversationState.WAITING, None)


def test_the_role_from_the_groups_admins_over_supervisors_over_agents() -> None:
    assert role_of_groups({"agents", "supervisors"}) is StaffRole.SUPERVISOR
    assert role_of_groups(["supervisors", "admins"]) is StaffRole.ADMIN
    assert role_of_groups({"agents"}) is StaffRole.AGENT
    assert role_of_groups({"other"}) is None


def test_supervisors_are_staff_and_pass_the_supervision_audience_agents_do_not() -> None:
    assert SUPERVISOR.is_staff and SUPERVISOR.supervises and ADMIN.supervises and not AGENT.supervises
    for principal in (SUPERVISOR, ADMIN):
        admit(Audience.SUPERVISORS, principal)
        admit(Audience.STAFF, principal)
    with pytest.raises(Forbidden):
        admit(Audience.SUPERVISORS, AGENT)
    with pytest.raises(Forbidden):
        admit(Audience.ADMIN, SUPERVISOR)


def test_a_supervisor_sees_every_chat_but_takes_part_in_none_until_taking_over() -> None:
    for conv in (LIVE, ENDED, WAITING):
        assert may_see_chat(SUPERVISOR, conv)
    assert not may_see_chat(OTHER, LIVE)
    with pytest.raises(Forbidden):
        check_can_read(SUPERVISOR, LIVE)  # no message, typing or end in a watched chat
    with pytest.raises(Forbidden):
        check_can_edit_record(SUPERVISOR, LIVE)  # read-only
    check_can_add_note(SUPERVISOR, LIVE)  # a whisper
    check_can_edit_record(SUPERVISOR, ENDED)  # history, as any staff member
    check_can_edit_record(Principal(role=Role.SUPERVISOR, user_id="a1"), LIVE)  # their own chat
    with pytest.raises(Forbidden):
        check_can_add_note(OTHER, LIVE)  # an agent never whispers into another's chat


def test_whispers_are_supervisors_notes_on_live_chats_not_theirs() -> None:
    assert is_whisper(SUPERVISOR, LIVE) and is_whisper(ADMIN, LIVE) and is_whisper(SUPERVISOR, WAITING)
    assert not is_whisper(AGENT, LIVE)
    assert not is_whisper(SUPERVISOR, ENDED)
    assert not is_whisper(Principal(role=Role.SUPERVISOR, user_id="a1"), LIVE)


def test_watching_a_live_chat_only_and_only_supervising() -> None:
    check_can_watch(SUPERVISOR, LIVE)
    check_can_watch(ADMIN, WAITING)
    with pytest.raises(Forbidden):
        check_can_watch(AGENT, LIVE)
    with pytest.raises(ConversationEnded):
        check_can_watch(SUPERVISOR, ENDED)


def _load(status: AgentStatus = AgentStatus.BREAK, active: int = 0, override: int | None = None) -> AgentLoad:
    return AgentLoad("s1", status, active, 0, override)


def _take(caller: Principal, chat: ChatForTransfer, own: AgentLoad, team: Team | None = None) -> object:
    return check_can_take_over(caller, chat, own, chat_team=team, default_max_chats=3, now_ms=5)


def test_take_over_refusals_in_order() -> None:
    chat = ChatForTransfer("c1", ConversationState.ACTIVE, "a1", "t1")
    hop = _take(SUPERVISOR, chat, _load())
    assert (hop.by_user_id, hop.from_agent_id, hop.to_agent_id, hop.to_team_id, hop.at_ms) == (  # type: ignore[attr-defined]
        "s1", "a1", "s1", "t1", 5,
    )
    _take(SUPERVISOR, chat, _load(AgentStatus.ONLINE))
    cases = [
        (AGENT, chat, _load(), Forbidden),
        (Principal(role=Role.SUPERVISOR, user_id="s1", may_chat=False), chat, _load(), Forbidden),
        (SUPERVISOR, ChatForTransfer("c1", ConversationState.ENDED, "a1", None), _load(), ConversationEnded),
        (SUPERVISOR, ChatForTransfer("c1", ConversationState.WAITING, None, None), _load(), NotAssigned),
        (SUPERVISOR, ChatForTransfer("c1", ConversationState.ACTIVE, "s1", None), _load(), TransferToSelf),
        (SUPERVISOR, chat, _load(AgentStatus.OFFLINE), AgentUnavailable),
        (SUPERVISOR, chat, _load(active=3), AgentFull),
        (SUPERVISOR, chat, _load(active=1, override=1), AgentFull),
    ]
    for caller, target_chat, own, error in cases:
        with pytest.raises(error):
            _take(caller, target_chat, own)
    team = Team("t1", "환불", frozenset(), frozenset(), max_chats_per_agent=5)
    _take(SUPERVISOR, chat, _load(active=4), team)  # the chat's team's limit, as any assignment


def test_waiting_time_so_far_or_until_the_first_assignment() -> None:
    assert waiting_ms(ConversationState.WAITING, 1_000, None, 4_000) == 3_000
    assert waiting_ms(ConversationState.ACTIVE, 1_000, 2_500, 9_000) == 1_500
    assert waiting_ms(ConversationState.ACTIVE, 5_000, 2_500, 9_000) == 0


def test_the_transcript_is_cut_to_what_fits_one_push() -> None:
    assert fitting_prefix([40, 40, 40], 100) == 2
    assert fitting_prefix([40, 60], 100) == 2
    assert fitting_prefix([150, 10], 100) == 0
    assert fitting_prefix([], 100) == 0
