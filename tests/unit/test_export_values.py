"""Pure export rules: formula neutralising, local times, the file name, sheet splitting arithmetic."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.export.values import clean_text, duration, export_file_name, local_datetime, needs_text_guard, zone


@pytest.mark.parametrize("text", ["=1+2", "+82", "-", "@x", "\tx", "\rx"])
def test_formula_triggers_are_guarded(text):
    assert needs_text_guard(text)


@pytest.mark.parametrize("text", ["안녕", "a=b", " =1", "1+1", "", "\nx"])
def test_plain_text_is_not_guarded(text):
    assert not needs_text_guard(text)


def test_clean_text_drops_xml_illegal_characters_and_caps_length():
    assert clean_text("a\x00b\x1fc\r\nd\re") == "abc\nd\ne"
    assert clean_text("가" * 40_000) == "가" * 32_767
    assert clean_text(None) is None


def test_seoul_times_and_file_name_follow_local_dates():
    seoul = zone("Asia/Seoul")
    # 2026-10-31 15:00 UTC is already 1 November in Seoul.
    start = int(datetime(2026, 10, 31, 15, 0, tzinfo=UTC).timestamp() * 1000)
    end = start + 24 * 3600 * 1000 * 23 + 3600 * 1000 * 8
    assert local_datetime(start, seoul) == datetime(2026, 11, 1, 0, 0)
    assert export_file_name(start, end, seoul) == "chat-history_20261101-20261124.xlsx"
    assert export_file_name(start, end, zone("UTC")) == "chat-history_20261031-20261123.xlsx"
    assert local_datetime(None, seoul) is None


def test_durations():
    assert duration(1_000, 66_000) == timedelta(seconds=65)
    assert duration(None, 5) is None and duration(5, None) is None and duration(10, 5) is None
