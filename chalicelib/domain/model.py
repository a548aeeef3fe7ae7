"""The chat's rules in plain Python: who may do what, states, assignment choice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from chalicelib.domain.errors import ConversationEnded, Forbidden, NotAssigned


class Role(StrEnum):
    CUSTOMER = "customer"
    AGENT = "agent"
    SUPERVISOR = "supervisor"  # an agent who may also watch every live chat, whisper and take over
    ADMIN = "admin"


# Who supervises (docs/security.md, Roles): sees every chat, watches live ones, whispers, takes over.
SUPERVISING_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN})


class AgentStatus(StrEnum):
    ONLINE = "online"
    BREAK = "break"
    OFFLINE = "offline"


class ConversationState(StrEnum):
    WAITING = "waiting"
    ACTIVE = "active"
    ENDED = "ended"


class Rating(StrEnum):
    SATISFIED = "satisfied"
    DISSATISFIED = "dissatisfied"


class TicketChannel(StrEnum):
    CHAT = "chat"
    INQUIRY = "inquiry"


@dataclass(frozen=True)
class Principal:
    """Who is acting: a customer (bound to one conversation), an agent or an admin."""

    role: Role
    user_id: str
    display_name: str = ""
    email: str = ""
    conversation_id: str | None = None  # customers only
    may_chat: bool = True  # staff: the account's chat permission, read by the request edge
    token_expires_at: int | None = None  # epoch s of the verified token: a WebSocket connection ends with it

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.AGENT, Role.SUPERVISOR, Role.ADMIN)

    @property
    def supervises(self) -> bool:
        return self.role in SUPERVISING_ROLES


@dataclass(frozen=True)
class ConversationAccess:
    """The facts about a conversation that access rules need."""

    conversation_id: str
    state: ConversationState
    agent_id: str | None


def check_is_staff(principal: Principal) -> None:
    """Staff only (agents, supervisors, admins): the services' own guard behind the edge's audience."""
    if not principal.is_staff:
        raise Forbidden("agents, supervisors and admins only")


def check_can_read(principal: Principal, conv: ConversationAccess) -> None:
    """Customers read only their own chat, agents only chats assigned to them, admins all."""
    if principal.role is Role.ADMIN:
        return
    if principal.role is Role.CUSTOMER:
        if principal.conversation_id != conv.conversation_id:
            raise Forbidden("this conversation is not yours")
        return
    if conv.agent_id != principal.user_id:
        raise Forbidden("this conversation is not assigned to you")


def check_can_send(principal: Principal, conv: ConversationAccess) -> None:
    check_can_read(principal, conv)
    if conv.state is ConversationState.ENDED:
        raise ConversationEnded("the conversation has ended")
    if principal.is_staff and conv.state is ConversationState.WAITING:
        raise NotAssigned("the chat is waiting for an agent")


def may_see_chat(principal: Principal, conv: ConversationAccess) -> bool:
    """Who may see a chat's personal data (customer details, transcript, notes, tickets made from it).

    Its own customer; while it is live (waiting or active), the agent it is assigned to, supervisors
    and admins; once it has ended, supervisors, admins and agents with chat permission (history and
    tickets need that).
    """
    if principal.role is Role.CUSTOMER:
        return principal.conversation_id == conv.conversation_id
    if principal.supervises:
        return True
    if conv.state is ConversationState.ENDED:
        return principal.may_chat
    return conv.agent_id == principal.user_id


def check_can_see_chat(principal: Principal, conv: ConversationAccess) -> None:
    if may_see_chat(principal, conv):
        return
    if principal.role is Role.CUSTOMER:
        raise Forbidden("this conversation is not yours")
    if conv.state is ConversationState.ENDED:
        raise Forbidden("your account has no chat permission")
    raise Forbidden("this conversation is not assigned to you")


def check_can_edit_record(principal: Principal, conv: ConversationAccess) -> None:
    """Customer/counsel info and tickets: staff who may see the chat (see `may_see_chat`), except a
    supervisor watching another agent's live chat: read-only until they take it over."""
    check_can_add_note(principal, conv)
    if principal.role is Role.SUPERVISOR and conv.state is not ConversationState.ENDED:
        if conv.agent_id != principal.user_id:
            raise Forbidden("a watched chat is read-only: take it over to edit it")


def check_can_add_note(principal: Principal, conv: ConversationAccess) -> None:
    """Internal notes (a supervisor's on another agent's live chat is a whisper): staff who may see it."""
    if not principal.is_staff:
        raise Forbidden("only agents and admins edit chat records")
    check_can_see_chat(principal, conv)


@dataclass(frozen=True)
class AgentCapacity:
    agent_id: str
    active_chats: int
    max_chats: int
    last_assigned_at: int
    chat_permission: bool = True


def choose_agent(candidates: list[AgentCapacity]) -> AgentCapacity | None:
    """The online agent with the fewest active chats; ties go to the one idle longest."""
    free = [a for a in candidates if a.chat_permission and a.active_chats < a.max_chats]
    if not free:
        return None
    return min(free, key=lambda a: (a.active_chats, a.last_assigned_at, a.agent_id))


def effective_max_chats(agent_override: int | None, default_max: int) -> int:
    return agent_override if agent_override is not None else default_max


def is_handled(first_response_at: int | None) -> bool:
    """처리 (handled) when an agent answered; 미처리 (unhandled) otherwise."""
    return first_response_at is not None


# The management API answers 410 for a connection whose $connect is still running, as for a closed
# one (it is open only once $connect returns). A 410 about a younger connection is not final.
NEW_CONNECTION_GRACE_MS = 60_000


def may_still_be_connecting(connected_at_ms: int, now: int) -> bool:
    return now - connected_at_ms < NEW_CONNECTION_GRACE_MS


def now_ms() -> int:
    return int(datetime.now(UTC).timestamp() * 1000)


def month_of(epoch_ms: int) -> str:
    return datetime.fromtimestamp(epoch_ms / 1000, UTC).strftime("%Y-%m")


def months_between(from_ms: int, to_ms: int) -> list[str]:
    """Every YYYY-MM from to_ms back to from_ms, newest first (history partitions to read)."""
    start = datetime.fromtimestamp(from_ms / 1000, UTC)
    end = datetime.fromtimestamp(to_ms / 1000, UTC)
    months: list[str] = []
    year, month = end.year, end.month
    while (year, month) >= (start.year, start.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months
