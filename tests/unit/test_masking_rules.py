"""Span arithmetic and personal-data detectors (chalicelib/domain/masking.py)."""

from __future__ import annotations

import datetime
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.domain.errors import Forbidden, InvalidField, NotFound
from chalicelib.domain.masking import (
    Mask,
    Span,
    apply_masks,
    apply_unmask,
    check_can_mask,
    detect_pii,
    grapheme_count,
    is_valid_rrn,
    luhn_ok,
    merge_spans,
    parse_spans,
    plan_masks,
    snap,
)
from chalicelib.domain.model import ConversationAccess, ConversationState, Principal, Role


class Vault:
    """Masks a text step by step the way the service does, keeping originals in a dict."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.masks: tuple[Mask, ...] = ()
        self.originals: dict[str, str] = {}
        self._ids = (f"m{i}" for i in itertools.count())

    def mask(self, *spans: tuple[int, int]) -> str:
        groups = plan_masks(self.text, self.masks, [Span(*s) for s in spans])
        result = apply_masks(self.text, self.masks, groups, self.originals, self._ids)
        for mask, original in result.created:
            self.originals[mask.mask_id] = original
        for group in groups:
            for absorbed in group.absorbed:
                del self.originals[absorbed]
        self.text, self.masks = result.text, result.masks
        self.check()
        return self.text

    def unmask(self, mask_id: str) -> str:
        self.text, self.masks = apply_unmask(self.text, self.masks, mask_id, self.originals.pop(mask_id))
        self.check()
        return self.text

    def check(self) -> None:
        ordered = sorted(self.masks, key=lambda m: m.start)
        for before, after in itertools.pairwise(ordered):
            assert before.end < after.start, "masks never overlap or touch"
        for mask in self.masks:
            region = self.text[mask.start : mask.end]
            assert region == "*" * grapheme_count(self.originals[mask.mask_id])
            assert region and set(region) == {"*"}


# --- span arithmetic -----------------------------------------------------------------------


def test_one_star_per_character_in_korean_text():
    vault = Vault("제 이름은 홍길동입니다")
    assert vault.mask((6, 9)) == "제 이름은 ***입니다"
    assert vault.originals[vault.masks[0].mask_id] == "홍길동"


def test_several_selections_in_one_request():
    vault = Vault("abc def ghi")
    assert vault.mask((0, 3), (8, 11)) == "*** def ***"
    assert len(vault.masks) == 2
    assert [vault.originals[m.mask_id] for m in sorted(vault.masks, key=lambda m: m.start)] == ["abc", "ghi"]


def test_adjacent_masks_merge():
    vault = Vault("abcdef")
    vault.mask((0, 2))
    assert vault.mask((2, 4)) == "****ef"
    assert len(vault.masks) == 1 and vault.originals[vault.masks[0].mask_id] == "abcd"


def test_overlapping_selection_merges_and_bridges_two_masks():
    vault = Vault("0123456789")
    vault.mask((1, 3), (6, 8))
    assert vault.text == "0**345**89"
    assert vault.mask((2, 7)) == "0*******89"
    assert len(vault.masks) == 1 and vault.originals[vault.masks[0].mask_id] == "1234567"
    assert vault.unmask(vault.masks[0].mask_id) == "0123456789"


def test_selection_inside_a_mask_changes_nothing():
    vault = Vault("secret here")
    vault.mask((0, 6))
    groups = plan_masks(vault.text, vault.masks, [Span(1, 4)])
    assert groups == []


def test_emoji_is_one_star_and_shifts_later_masks():
    family = "👨\u200d👩\u200d👧"  # 5 code points, one character
    vault = Vault(f"a{family}b 010")
    assert vault.mask((1, 6)) == "a*b 010"
    later = vault.mask((4, 7))
    assert later == "a*b ***"
    first = min(vault.masks, key=lambda m: m.start)
    assert vault.unmask(first.mask_id) == f"a{family}b ***"
    remaining = vault.masks[0]
    assert (remaining.start, remaining.end) == (8, 11)
    assert vault.unmask(remaining.mask_id) == f"a{family}b 010"


def test_half_an_emoji_or_a_bare_base_letter_is_widened():
    thumbs = "👍🏽"  # thumbs up + skin tone: 2 code points
    assert snap(f"x{thumbs}y", Span(1, 2)) == Span(1, 3)
    decomposed = "e\u0301"  # e + combining acute
    assert snap(f"caf{decomposed}!", Span(3, 4)) == Span(3, 5)
    vault = Vault(f"caf{decomposed}!")
    assert vault.mask((3, 4)) == "caf*!"
    flags = "🇰🇷🇯🇵"
    assert snap(flags, Span(1, 2)) == Span(0, 2)
    jamo = "\u1100\u1161\u11a8"  # 각 as conjoining jamo: one character
    assert Vault(jamo + "x").mask((1, 2)) == "*x"


def test_unmask_of_unknown_mask_is_not_found():
    with pytest.raises(NotFound):
        apply_unmask("***", (Mask("a", 0, 3),), "b", "abc")


def test_parse_spans_rejects_bad_input():
    for raw in [
        None,
        [],
        "0-3",
        [{"start": 0}],
        [{"start": 2, "end": 2}],
        [{"start": -1, "end": 2}],
        [{"start": 0, "end": 99}],
        [{"start": 0.5, "end": 2}],
        [{"start": True, "end": 2}],
        [[0, 2]],
        [{"start": 0, "end": 1}] * 51,
    ]:
        with pytest.raises(InvalidField):
            parse_spans(raw, "hello")
    assert parse_spans([{"start": 0, "end": 5}], "hello") == [Span(0, 5)]


def test_merge_spans():
    assert merge_spans([Span(5, 6), Span(0, 2), Span(2, 3), Span(1, 2)]) == [Span(0, 3), Span(5, 6)]


_ALPHABET = st.sampled_from(["a", "한", "글", " ", "😀", "👍🏽", "e\u0301", "🇰🇷", "👨\u200d👩\u200d👧", "1", "*"])


@settings(max_examples=150, deadline=None)
@given(
    pieces=st.lists(_ALPHABET, min_size=1, max_size=20),
    steps=st.lists(st.tuples(st.floats(0, 1), st.floats(0, 1), st.booleans()), min_size=1, max_size=8),
)
def test_any_sequence_of_masks_and_unmasks_restores_the_text(pieces, steps):
    original = "".join(pieces)
    vault = Vault(original)
    for a, b, unmask in steps:
        if unmask and vault.masks:
            vault.unmask(vault.masks[int(a * (len(vault.masks) - 1))].mask_id)
            continue
        start = int(a * (len(vault.text) - 1))
        end = start + 1 + int(b * (len(vault.text) - start - 1))
        vault.mask((start, end))
    for mask in list(vault.masks):
        vault.unmask(mask.mask_id)
    assert vault.text == original


# --- who may -------------------------------------------------------------------------------


def test_who_may_mask():
    agent = Principal(Role.AGENT, "a1")
    other = Principal(Role.AGENT, "a2")
    admin = Principal(Role.ADMIN, "boss")
    customer = Principal(Role.CUSTOMER, "c", conversation_id="c1")
    live = ConversationAccess("c1", ConversationState.ACTIVE, "a1")
    ended = ConversationAccess("c1", ConversationState.ENDED, "a1")
    waiting = ConversationAccess("c1", ConversationState.WAITING, None)
    check_can_mask(agent, live)
    check_can_mask(admin, live)
    check_can_mask(other, ended)
    check_can_mask(admin, waiting)
    for principal, conv in [(other, live), (customer, live), (customer, ended), (agent, waiting)]:
        with pytest.raises(Forbidden):
            check_can_mask(principal, conv)


# --- detectors -----------------------------------------------------------------------------


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
