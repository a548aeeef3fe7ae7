"""Span arithmetic and who may mask (chalicelib/domain/masking.py)."""

from __future__ import annotations

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
    grapheme_count,
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
