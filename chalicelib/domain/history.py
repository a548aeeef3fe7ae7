"""The chat history search (S-7) as a value: the period and the filters, validated by
services/records.py, read by the store's history module (DynamoDB) or matched in memory."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class HistoryFilter:
    """Chats that came in from `from_ms` to `to_ms` (inclusive) and match every given filter."""

    from_ms: int
    to_ms: int
    agent_id: str | None = None  # the agent index instead of the month index
    inquiry_type: str | None = None
    processing_type: str | None = None
    handled: bool | None = None  # True: has a first response; False: has none
    user_name: str | None = None  # a prefix of the customer's name, in any case
    rating: str | None = None
    state: str | None = None

    def matches(self, conv: Any) -> bool:
        """Whether a conversation (in the period, in the partition) passes the filters."""
        if self.inquiry_type and conv.inquiry_type != self.inquiry_type:
            return False
        if self.processing_type and conv.processing_type != self.processing_type:
            return False
        if self.handled is not None and (conv.first_response_at is not None) != self.handled:
            return False
        if self.user_name and not (conv.customer_name or "").lower().startswith(self.user_name.lower()):
            return False
        if self.rating is not None and conv.rating != self.rating:
            return False
        return self.state is None or conv.state == self.state
