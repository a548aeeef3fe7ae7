"""The local stack's stream delivery (infra/local/streams.py): moto's records reach the stream handler
once each, in order, and a failed record is delivered again from where it failed."""

from __future__ import annotations

import time
from typing import Any

from chalicelib.domain.metrics import HOUR_MS, ScopeKind
from infra.local.streams import StreamPoller, streamed_table
from tests.integration.conftest import REGION, Harness


def test_the_poller_delivers_each_record_once(h: Harness, monkeypatch: Any) -> None:
    import app as app_module
    from chalicelib.bootstrap import store
    from chalicelib.services import reports

    now_hour = int(time.time() * 1000) // HOUR_MS
    poller = StreamPoller(app_module, REGION)
    assert [source.name for source, _, _ in poller.sources] == ["report_counters", "ticket_events"]
    h.agent_online("agent1@example.com")
    chat = h.start_chat()
    assert h.rest("POST", f"/chats/{chat['conversationId']}/end", token=chat["token"])[0] == 200

    real = reports.apply_record
    calls = {"n": 0}

    def fails_once(record: dict[str, Any]) -> str:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("throttled")
        return real(record)

    monkeypatch.setattr(reports, "apply_record", fails_once)
    first = poller.poll_once()
    assert first == 1  # the second record failed: the poll stops there
    rest = poller.poll_once()  # retried from the failed record
    assert rest >= 1
    assert poller.poll_once() == 0  # nothing new
    (total,) = store().reports.counters(ScopeKind.ALL, now_hour - 1, now_hour + 1)  # one Query per month read
    assert total.values["chats_in"] == 1 and total.values["unanswered"] == 1


def test_the_stream_arn_names_the_conversations_table() -> None:
    from chalicelib.store.models import ConversationModel

    assert streamed_table("arn:aws:dynamodb:r:1:table/livechat-conversations/stream/unset") == (
        ConversationModel.Meta.table_name
    )
    assert streamed_table("arn:aws:dynamodb:r:1:table/other/stream/x") is None


def test_the_ticket_events_stream_arn_names_the_tickets_table() -> None:
    from chalicelib.entrypoints.reports import TICKETS_STREAM_ARN_PLACEHOLDER
    from chalicelib.store.record_models import TicketModel

    assert streamed_table(TICKETS_STREAM_ARN_PLACEHOLDER) == TicketModel.Meta.table_name
