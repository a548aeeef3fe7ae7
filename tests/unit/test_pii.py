"""Personal-data detectors (chalicelib/domain/pii.py)."""

from __future__ import annotations

import datetime
import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.domain.pii import detect_pii, is_valid_rrn, luhn_ok


def _found(text: str) -> list[tuple[str, str]]:
    return [(m.kind, text[m.start : m.end]) for m in detect_pii(text)]


def test_resident_registration_numbers():
    assert is_valid_rrn("9001011234568")
    assert not is_valid_rrn("9001011234567")  # wrong check digit
    assert not is_valid_rrn("9013011234561")  # month 13
    assert _found("주민번호 900101-1234568 입니다") == [("rrn", "900101-1234568")]
    assert _found("주민번호는9001011234568") == [("rrn", "9001011234568")]
    assert _found("900101-1234567") == []
    assert _found("주문번호 1900101-12345680") == []  # part of a longer number


def test_phone_numbers():
    cases = {
        "010-1234-5678로 연락 주세요": "010-1234-5678",
        "01012345678": "01012345678",
        "011 234 5678": "011 234 5678",
        "+82 10-1234-5678": "+82 10-1234-5678",
        "사무실 02-123-4567": "02-123-4567",
        "(031) 123-4567": "(031) 123-4567",
        "대표번호 1588-1234": "1588-1234",
        "070.1234.5678": "070.1234.5678",
    }
    for text, phone in cases.items():
        assert _found(text) == [("phone", phone)], text


def test_emails():
    assert _found("메일은 hong.gildong+cs@example.co.kr 입니다") == [("email", "hong.gildong+cs@example.co.kr")]
    assert _found("A@B.IO.") == [("email", "A@B.IO")]


def test_cards_with_luhn():
    assert luhn_ok("4111111111111111") and not luhn_ok("4111111111111112")
    assert _found("카드 4111 1111 1111 1111 2개") == [("card", "4111 1111 1111 1111")]
    assert _found("5500-0000-0000-0004") == [("card", "5500-0000-0000-0004")]
    assert _found("amex 3782 822463 10005") == [("card", "3782 822463 10005")]
    assert _found("4111 1111 1111 1112") == []


def test_false_positives_stay_quiet():
    quiet = [
        "2024-01-15 10:30에 주문했어요",
        "가격은 1,234,567원입니다",
        "버전 1.2.3.4",
        "주문번호 20231204123456",
        "010-1234-567",
        "user@localhost",
        "@mention only",
        "123456-1234567",  # no such date
        "우편번호 06236",
        "1234 5678 9012 3456",  # fails Luhn
        "id: 02123",
        "*** ****-****",
    ]
    for text in quiet:
        assert _found(text) == [], text


def test_several_kinds_in_one_message_in_order():
    text = "홍길동 900101-1234568, 010-1234-5678, hong@example.com, 4111-1111-1111-1111"
    assert [kind for kind, _ in _found(text)] == ["rrn", "phone", "email", "card"]


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.sampled_from("0123456789- .@a+()한"), max_size=40))
def test_detector_spans_are_in_bounds_and_disjoint(text):
    matches = detect_pii(text)
    for m in matches:
        assert 0 <= m.start < m.end <= len(text)
    for a, b in itertools.pairwise(matches):
        assert a.end <= b.start


def _rrn_with_check_digit(first12: str) -> str:
    weights = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
    total = sum(int(d) * w for d, w in zip(first12, weights, strict=True))
    return first12 + str((11 - total % 11) % 10)


def _luhn_complete(body: str) -> str:
    for last in "0123456789":
        if luhn_ok(body + last):
            return body + last
    raise AssertionError("unreachable")


_KOREAN_FILLER = st.sampled_from(["안녕하세요 ", "제 정보는 ", "확인 부탁드려요: ", "", "문의 "])


@settings(max_examples=100, deadline=None)
@given(
    birth=st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(1999, 12, 31)),
    sex=st.sampled_from("12"),
    serial=st.from_regex(r"[0-9]{5}", fullmatch=True),
    hyphen=st.booleans(),
    before=_KOREAN_FILLER,
    after=_KOREAN_FILLER,
)
def test_every_valid_rrn_is_found_and_a_wrong_check_digit_is_not(birth, sex, serial, hyphen, before, after):
    digits = _rrn_with_check_digit(birth.strftime("%y%m%d") + sex + serial)
    written = digits[:6] + ("-" if hyphen else "") + digits[6:]
    assert _found(f"{before}{written} {after}") == [("rrn", written)]
    wrong = written[:-1] + str((int(written[-1]) + 1) % 10)
    assert ("rrn", wrong) not in _found(f"{before}{wrong} {after}")


@settings(max_examples=100, deadline=None)
@given(
    prefix=st.sampled_from(["4", "51", "52", "55", "37", "6011", "9410"]),
    length=st.sampled_from([16]),
    rest=st.from_regex(r"[0-9]{18}", fullmatch=True),
    separator=st.sampled_from(["", " ", "-"]),
    before=_KOREAN_FILLER,
)
def test_every_luhn_valid_card_is_found(prefix, length, rest, separator, before):
    number = _luhn_complete((prefix + rest)[: length - 1])
    written = separator.join(number[i : i + 4] for i in range(0, 16, 4))
    assert _found(f"{before}카드 {written} 입니다") == [("card", written)]


@settings(max_examples=100, deadline=None)
@given(
    head=st.sampled_from(["010", "011", "016", "02", "031", "051", "064", "070"]),
    middle=st.from_regex(r"[1-9][0-9]{2,3}", fullmatch=True),
    last=st.from_regex(r"[0-9]{4}", fullmatch=True),
    separator=st.sampled_from(["-", " ", ".", ""]),
    before=_KOREAN_FILLER,
)
def test_every_phone_number_is_found(head, middle, last, separator, before):
    written = separator.join([head, middle, last])
    assert _found(f"{before}{written} 로 연락 주세요") == [("phone", written)]
