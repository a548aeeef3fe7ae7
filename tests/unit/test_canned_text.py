"""Canned responses (issue 22): filling variables at insertion, today's date. Pure, no AWS."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.domain.canned import KNOWN_VARIABLES, check_variables
from chalicelib.domain.canned_text import EmptySpan, fill, local_date, variable_values
from chalicelib.domain.errors import InvalidField


def test_fill_puts_values_in_and_leaves_empty_spans_for_the_agent():
    filled = fill(
        "{{customer.name}}님, {{agent.displayName}}입니다. 문의: {{chat.inquiryType}}",
        {"customer.name": "홍길동", "agent.displayName": "  ", "chat.inquiryType": None},
    )
    assert filled.text == "홍길동님, 입니다. 문의: "
    assert filled.empty_spans == (EmptySpan("agent.displayName", 6, 6), EmptySpan("chat.inquiryType", 15, 15))
    assert filled.empty_spans[1].start == len(filled.text)  # the last variable ended the text
    assert not filled.complete


def test_fill_with_a_placeholder_label_returns_spans_covering_it():
    filled = fill("안녕하세요 {{customer.name}}님", {}, placeholder=lambda name: "[고객명]")
    assert filled.text == "안녕하세요 [고객명]님"
    span = filled.empty_spans[0]
    assert filled.text[span.start : span.end] == "[고객명]"


def test_fill_never_reads_a_value_for_variables():
    filled = fill("{{customer.name}} / {{today}}", {"customer.name": "{{today}}", "today": "2026년"})
    assert filled.text == "today / 2026년"  # the value's braces are dropped


def test_fill_treats_a_withdrawn_variable_as_empty():
    assert fill("a {{customer.grade}} b", {"customer.grade": "VIP"}).text == "a  b"


def test_view_offsets_are_utf16_for_the_browser():
    filled = fill("😀 {{customer.name}}!", {})
    assert filled.empty_spans[0].start == 2
    assert filled.to_view()["emptySpans"] == [{"variable": "customer.name", "start": 3, "end": 3}]


def test_filled_text_over_the_message_limit_is_flagged():
    text = "x" * 1990 + "{{customer.name}}"
    assert fill(text, {"customer.name": "가" * 20}).exceeds_message_limit
    assert not fill(text, {"customer.name": "가"}).exceeds_message_limit


def test_today_is_the_service_time_zones_date():
    # 2026-12-01 15:30 UTC is already 2 December in Seoul.
    now = int(datetime(2026, 12, 1, 15, 30, tzinfo=UTC).timestamp() * 1000)
    assert local_date(now).isoformat() == "2026-12-02"
    assert local_date(now, "UTC").isoformat() == "2026-12-01"
    ko = variable_values(customer_name="홍길동", agent_display_name="상담사", inquiry_type=None, now_ms=now)
    assert ko["today"] == "2026년 12월 2일"
    en = variable_values(customer_name=None, agent_display_name=None, inquiry_type=None, now_ms=now, lang="en")
    assert en["today"] == "December 2, 2026"


known_variable = st.sampled_from(sorted(KNOWN_VARIABLES))
any_piece = st.one_of(
    st.text(max_size=8), st.sampled_from(["{", "}", "{{", "}}"]), known_variable.map("{{{{{}}}}}".format)
)
value = st.one_of(st.none(), st.lists(any_piece, max_size=3).map("".join))  # values may hold braces and {{…}}


@settings(max_examples=300)
@given(st.lists(any_piece, max_size=8), st.dictionaries(known_variable, value))
def test_fill_of_a_saved_text_holds_no_double_brace_whatever_the_values(pieces, values):
    text = "".join(pieces)
    try:
        check_variables(text)
    except InvalidField:
        text = "{{customer.name}} " + text.replace("{", "").replace("}", "")  # still a text that saves
    filled = fill(text, values)
    assert "{{" not in filled.text and "}}" not in filled.text
    for span in filled.empty_spans:
        assert span.start == span.end
        assert 0 <= span.start <= len(filled.text)


FILL_CASES = json.loads((Path(__file__).parents[1] / "frontend" / "fill-cases.json").read_text("utf-8"))


@pytest.mark.parametrize("case", FILL_CASES, ids=[c["text"][:24] for c in FILL_CASES])
def test_the_cases_the_composers_fill_passes_too(case):
    assert fill(case["text"], case["values"]).to_view() == {"text": case["filled"], "emptySpans": case["emptySpans"]}
