"""The history search: months (or one agent) newest first, filters, page cuts and cursors; and the
export's read of every match, oldest first."""

from __future__ import annotations

import pytest
import seed

from chalicelib.domain.errors import InvalidField
from chalicelib.domain.history import HistoryFilter

JAN = 1_704_067_200_000  # 2024-01-01T00:00:00Z
FEB = 1_706_745_600_000
MAR = 1_709_251_200_000
DAY = 86_400_000
PERIOD = {"from_ms": JAN, "to_ms": MAR + 10 * DAY}


@pytest.fixture
def chats(store):
    """Nine chats over three months: ids by inbound time."""
    spec = [
        ("j1", JAN + DAY, {"agent_id": "kim", "first_response_at": JAN + DAY + 5, "customer_name": "Hong Gildong"}),
        ("j2", JAN + 2 * DAY, {"inquiry_type": "배송", "rating": "satisfied"}),
        ("j3", JAN + 3 * DAY, {"agent_id": "lee", "first_response_at": JAN + 3 * DAY + 9, "state": "active"}),
        ("f1", FEB + DAY, {"agent_id": "kim", "customer_name": "홍길동", "processing_type": "상담 완료"}),
        ("f2", FEB + 2 * DAY, {"agent_id": "kim", "first_response_at": FEB + 2 * DAY + 1}),
        ("f3", FEB + 3 * DAY, {"inquiry_type": "배송", "state": "waiting"}),
        ("m1", MAR + DAY, {"agent_id": "kim", "rating": "dissatisfied", "customer_name": "hong"}),
        ("m2", MAR + 2 * DAY, {}),
        ("m3", MAR + 20 * DAY, {}),  # after the period
    ]
    for conversation_id, inbound_at, fields in spec:
        seed.chat(store, conversation_id, inbound_at, **fields)
    return store


def _ids(page) -> list[str]:
    return [c.conversation_id for c in page.items]


def test_a_search_reads_the_period_newest_first(chats):
    page = chats.history.search(HistoryFilter(**PERIOD), 50, None)
    assert _ids(page) == ["m2", "m1", "f3", "f2", "f1", "j3", "j2", "j1"] and page.next_key is None
    bounds = HistoryFilter(from_ms=JAN + 2 * DAY, to_ms=FEB + DAY)  # both ends included
    assert _ids(chats.history.search(bounds, 50, None)) == ["f1", "j3", "j2"]


def test_pages_cut_within_and_between_months(chats):
    seen, cursor, pages = [], None, 0
    while True:
        page = chats.history.search(HistoryFilter(**PERIOD), 2, cursor)
        assert len(page.items) <= 2
        seen += _ids(page)
        pages += 1
        cursor = page.next_key
        if cursor is None:
            break
    assert seen == ["m2", "m1", "f3", "f2", "f1", "j3", "j2", "j1"] and pages >= 4


def test_filters_narrow_the_search(chats):
    def ids(**filters) -> list[str]:
        return _ids(chats.history.search(HistoryFilter(**PERIOD, **filters), 50, None))

    assert ids(handled=True) == ["f2", "j3", "j1"]
    assert ids(handled=False) == ["m2", "m1", "f3", "f1", "j2"]
    assert ids(inquiry_type="배송") == ["f3", "j2"]
    assert ids(processing_type="상담 완료") == ["f1"]
    assert ids(user_name="HONG") == ["m1", "j1"]  # a prefix, in any case
    assert ids(user_name="홍") == ["f1"]
    assert ids(rating="satisfied") == ["j2"]
    assert ids(state="waiting") == ["f3"]
    assert ids(state="active", handled=True) == ["j3"]


def test_one_agent_is_read_from_the_agent_partition(chats):
    page = chats.history.search(HistoryFilter(**PERIOD, agent_id="kim"), 2, None)
    assert _ids(page) == ["m1", "f2"]
    rest = chats.history.search(HistoryFilter(**PERIOD, agent_id="kim"), 2, page.next_key)
    assert _ids(rest) == ["f1", "j1"]
    assert _ids(chats.history.search(HistoryFilter(**PERIOD, agent_id="nobody"), 5, None)) == []


def test_a_cursor_of_another_search_is_refused(chats):
    page = chats.history.search(HistoryFilter(**PERIOD), 2, None)
    with pytest.raises(InvalidField):
        chats.history.search(HistoryFilter(**PERIOD, agent_id="kim"), 2, page.next_key)


def test_the_export_reads_every_match_oldest_first(chats):
    assert [c.conversation_id for c in chats.history.chats(HistoryFilter(**PERIOD))] == [
        "j1", "j2", "j3", "f1", "f2", "f3", "m1", "m2",
    ]
    assert [c.conversation_id for c in chats.history.chats(HistoryFilter(**PERIOD, agent_id="kim"))] == [
        "j1", "f1", "f2", "m1",
    ]
    (chat,) = chats.history.chats(HistoryFilter(**PERIOD, rating="dissatisfied"))
    assert (chat.customer_name, chat.agent_id, chat.inbound_at, chat.state) == ("hong", "kim", MAR + DAY, "ended")
