"""Routing settings (issue #21): live-chat timers, business hours and teams, in one settings item.

Kept apart from the chat settings document (services/settings.py) so each has its own optimistic
version and neither edit can undo the other. The document holds the admin's JSON shapes
(docs/hours-and-routing.md); the domain (chalicelib/domain/hours_documents.py, live_chat_timers.py,
routing.py) validates them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from chalicelib.bootstrap import clock, store
from chalicelib.domain.entities import SettingsDocument
from chalicelib.domain.errors import Conflict, InvalidField
from chalicelib.domain.hours import BusinessHours
from chalicelib.domain.hours_documents import parse_schedule, schedule_from_document, schedule_to_document
from chalicelib.domain.live_chat_timers import LiveChatTimers, parse_live_chat_timers
from chalicelib.domain.model import Principal
from chalicelib.domain.routing import Team, parse_teams, team_for_inquiry_type, team_to_document, teams_from_document
from chalicelib.domain.validation import enum_field, int_field, only_fields

if TYPE_CHECKING:
    from chalicelib.services.settings import ChatSettings

_TIMER_FIELDS = {"acceptWindowSeconds", "idleWarningMinutes", "idleCloseMinutes"}
_FIELDS = _TIMER_FIELDS | {"hours", "teams", "waitingAtClosing", "version"}


class WaitingAtClosing(StrEnum):
    """What happens to chats still waiting when the hours close (live chats are never cut)."""

    KEEP = "keep"  # served when an agent is free, whatever the time
    CLOSE = "close"  # closed with a message and the inquiry link


@dataclass(frozen=True)
class RoutingSettings:
    timers: LiveChatTimers = field(default_factory=LiveChatTimers)
    hours: BusinessHours | None = None  # None: always open (the seed's behaviour)
    teams: tuple[Team, ...] = ()  # none: one queue, every online agent (the seed's behaviour)
    waiting_at_closing: WaitingAtClosing = WaitingAtClosing.KEEP
    version: int = 0

    def to_document(self) -> dict[str, Any]:
        return {
            "acceptWindowSeconds": self.timers.accept_window_seconds,
            "idleWarningMinutes": self.timers.idle_warning_minutes,
            "idleCloseMinutes": self.timers.idle_close_minutes,
            "hours": schedule_to_document(self.hours) if self.hours is not None else None,
            "teams": [team_to_document(t) for t in self.teams],
            "waitingAtClosing": self.waiting_at_closing.value,
        }

    def to_api(self) -> dict[str, Any]:
        return {**self.to_document(), "version": self.version}


def from_document(document: dict[str, Any], version: int) -> RoutingSettings:
    """A stored document (read without the past-date rule: holidays pass with time)."""
    hours = document.get("hours")
    return RoutingSettings(
        timers=parse_live_chat_timers({k: v for k, v in document.items() if k in _TIMER_FIELDS}),
        hours=schedule_from_document(hours) if hours is not None else None,
        teams=tuple(teams_from_document(document.get("teams") or [])),
        waiting_at_closing=WaitingAtClosing(document.get("waitingAtClosing") or WaitingAtClosing.KEEP.value),
        version=version,
    )


def load_routing_settings() -> RoutingSettings:
    return _from_item(store().routing_settings.get())


def load_with_chat_settings() -> tuple[ChatSettings, RoutingSettings]:
    """Both settings documents in one request (a chat start, the widget's availability)."""
    from chalicelib.services.settings import settings_from_item

    chat, routing = store().routing_settings.get_with_chat_settings()
    return settings_from_item(chat), _from_item(routing)


def _from_item(item: SettingsDocument | None) -> RoutingSettings:
    if item is None:
        return RoutingSettings()
    return from_document(json.loads(item.document), item.version)


def update_routing_settings(
    body: dict[str, Any], actor: Principal, *, known_inquiry_types: set[str] | None = None
) -> tuple[RoutingSettings, RoutingSettings]:
    """Validate the whole body first (nothing is stored on a 400), then save with an optimistic
    version check: `version`, when given, must be the stored one. Absent keys keep their value.
    Returns (before, after); the same object twice when nothing changes."""
    only_fields(body, _FIELDS)
    now = clock()
    read_version = int_field(body, "version", minimum=0, maximum=2**53) if "version" in body else None
    before = load_routing_settings()
    timers = parse_live_chat_timers({k: v for k, v in body.items() if k in _TIMER_FIELDS}, before.timers)
    hours = before.hours
    if "hours" in body:
        hours = parse_schedule(body["hours"], now_utc_ms=now) if body["hours"] is not None else None
    teams = before.teams
    if "teams" in body:
        teams = tuple(parse_teams(body["teams"], now_utc_ms=now, known_inquiry_types=known_inquiry_types))
        _check_members_exist(teams)
    waiting_at_closing = before.waiting_at_closing
    if "waitingAtClosing" in body:
        waiting_at_closing = enum_field(body, "waitingAtClosing", WaitingAtClosing) or waiting_at_closing
    if read_version is not None and read_version != before.version:
        raise Conflict(
            f"the routing settings changed since version {read_version} (now {before.version}); reload them"
        )
    after = RoutingSettings(timers, hours, teams, waiting_at_closing, before.version + 1)
    if after.to_document() == before.to_document():
        return before, before
    store().routing_settings.save(
        json.dumps(after.to_document(), ensure_ascii=False),
        version=after.version,
        expected_version=before.version or None,
        updated_at=now,
        updated_by=actor.user_id,
    )
    _move_chats_of_removed_teams(before, after)
    from chalicelib.services import wallboard  # here: the settings are loaded on the chat path too

    wallboard.signal("routing")  # team names and queues, the service day
    return before, after


def _move_chats_of_removed_teams(before: RoutingSettings, after: RoutingSettings) -> None:
    """Chats waiting for a team that no longer exists go to the catch-all team's queue (or the queue
    without a team when there is none), at their place by first arrival."""
    removed = {t.team_id for t in before.teams} - {t.team_id for t in after.teams}
    catch_all = team_for_inquiry_type(after.teams, None)
    for team_id in sorted(removed):
        store().queues.move_waiting(team_id, catch_all.team_id if catch_all else None)


def _check_members_exist(teams: tuple[Team, ...]) -> None:
    members = sorted({agent_id for team in teams for agent_id in team.member_agent_ids})
    known = store().agents.by_ids(members)
    for index, team in enumerate(teams):
        unknown = sorted(team.member_agent_ids - set(known))
        if unknown:
            raise InvalidField(
                f"team {team.team_id!r} lists {unknown[0]!r}, who is not a staff account",
                field=f"teams[{index}].memberAgentIds",
            )


def save_from_admin(body: dict[str, Any], actor: Principal) -> RoutingSettings:
    """PUT /settings/routing: teams may list only inquiry types of the chat settings' catalogue."""
    from chalicelib.services.assignment import assign_waiting_chats
    from chalicelib.services.settings import load_settings

    settings = load_settings()
    known = {entry.type_id for entry in settings.catalog("inquiry_type_catalog")}
    before, after = update_routing_settings(body, actor, known_inquiry_types=known)
    if after is not before and (after.teams != before.teams or after.hours != before.hours):
        assign_waiting_chats(settings, routing=after)  # new members or moved chats may be served now
    return after
