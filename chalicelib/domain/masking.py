"""Masking rules in plain Python: spans over a message text, asterisks, personal-data detectors.

The unit of every offset here and in the API is the Unicode code point: a Python `str` index,
`start` inclusive, `end` exclusive. Browsers count UTF-16 code units; the console converts
(an emoji outside the BMP is 2 units there and 1 code point here).

What a "character" is: a user-perceived character, the extended grapheme cluster of
Unicode UAX #29 (`\\X` in the `regex` module, `Intl.Segmenter` in the browser). A span is
widened to whole clusters before it is masked, so half an emoji, a base letter without its
combining accent or one flag of a pair are never masked alone, and each masked cluster
becomes exactly one `*`. The masked text is therefore usually shorter than the original
(`👨‍👩‍👧` is 5 code points and one `*`); every mask records where its asterisks are in the
masked text, and its original is kept elsewhere (encrypted, see chalicelib/crypto).

Masks in one message never overlap or touch: masking a span that overlaps or is adjacent
to existing masks merges them into one mask whose original is the whole merged stretch.
"""

from __future__ import annotations

import bisect
import datetime
import functools
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from chalicelib.domain.errors import Forbidden, InvalidField, NotFound
from chalicelib.domain.model import ConversationAccess, ConversationState, Principal, Role

MASK_CHAR = "*"
MAX_SPANS = 50


@functools.cache
def _grapheme() -> Any:
    # `\X` (UAX #29) needs the `regex` module; it loads when text is masked, not with every message.
    import regex

    return regex.compile(r"\X")


@dataclass(frozen=True, order=True)
class Span:
    start: int
    end: int


@dataclass(frozen=True)
class Mask:
    """Where one mask's asterisks are in the masked text."""

    mask_id: str
    start: int
    end: int


@dataclass(frozen=True)
class MaskGroup:
    """One new mask to make: its stretch of the current text and the existing masks it absorbs."""

    start: int
    end: int
    absorbed: tuple[str, ...]


@dataclass(frozen=True)
class MaskResult:
    text: str
    masks: tuple[Mask, ...]
    created: tuple[tuple[Mask, str], ...]  # each new mask with its original text


# --- who may -------------------------------------------------------------------------------


def check_can_mask(principal: Principal, conv: ConversationAccess) -> None:
    """The assigned agent on a live chat; any agent or admin from history; admins always."""
    if not principal.is_staff:
        raise Forbidden("only agents and admins mask messages")
    if principal.role is Role.ADMIN or conv.state is ConversationState.ENDED:
        return
    if conv.agent_id != principal.user_id:
        raise Forbidden("this conversation is not assigned to you")


# --- grapheme clusters ---------------------------------------------------------------------


def grapheme_boundaries(text: str) -> list[int]:
    """Code point offsets where a user-perceived character starts, plus len(text)."""
    bounds = [m.start() for m in _grapheme().finditer(text)]
    bounds.append(len(text))
    return bounds


def grapheme_count(text: str) -> int:
    return sum(1 for _ in _grapheme().finditer(text))


def stars_for(original: str) -> str:
    return MASK_CHAR * grapheme_count(original)


def snap(text: str, span: Span, bounds: Sequence[int] | None = None) -> Span:
    """Widen a span to whole grapheme clusters (`bounds`: grapheme_boundaries(text), if known)."""
    bounds = bounds if bounds is not None else grapheme_boundaries(text)
    start = bounds[bisect.bisect_right(bounds, span.start) - 1]
    end = bounds[bisect.bisect_left(bounds, span.end)]
    return Span(start, end)


def check_span(text: str, span: Span, field: str = "spans") -> None:
    if not 0 <= span.start < span.end <= len(text):
        raise InvalidField(
            f"a span must satisfy 0 <= start < end <= {len(text)} (code points of the current text)", field=field
        )


def parse_spans(raw: object, text: str) -> list[Span]:
    """`[{"start": int, "end": int}, …]` from a request, each checked against the text."""
    if not isinstance(raw, list) or not raw or len(raw) > MAX_SPANS:
        raise InvalidField(f"'spans' must be a list of 1-{MAX_SPANS} {{start, end}} objects", field="spans")
    spans = []
    for item in raw:
        if not isinstance(item, dict):
            raise InvalidField("each span must be an object {start, end}", field="spans")
        start, end = item.get("start"), item.get("end")
        if type(start) is not int or type(end) is not int:
            raise InvalidField("span start and end must be integers", field="spans")
        span = Span(start, end)
        check_span(text, span)
        spans.append(span)
    return spans


# --- span arithmetic -----------------------------------------------------------------------


def merge_spans(spans: Iterable[Span]) -> list[Span]:
    """Sorted union; overlapping and adjacent spans become one."""
    merged: list[Span] = []
    for span in sorted(spans):
        if merged and span.start <= merged[-1].end:
            last = merged[-1]
            merged[-1] = Span(last.start, max(last.end, span.end))
        else:
            merged.append(span)
    return merged


def plan_masks(text: str, masks: Sequence[Mask], spans: Iterable[Span]) -> list[MaskGroup]:
    """The new masks that masking `spans` (offsets in `text`) makes, and which masks each absorbs.

    A span wholly inside one existing mask changes nothing (no group).
    """
    bounds = grapheme_boundaries(text)
    snapped = (snap(text, s, bounds) for s in spans)
    intervals: list[tuple[int, int, str | None]] = [(s.start, s.end, None) for s in snapped]
    intervals += [(m.start, m.end, m.mask_id) for m in masks]
    intervals.sort(key=lambda i: (i[0], i[1]))
    groups: list[tuple[int, int, list[str | None]]] = []
    for start, end, mask_id in intervals:
        if groups and start <= groups[-1][1]:
            g_start, g_end, members = groups[-1]
            groups[-1] = (g_start, max(g_end, end), [*members, mask_id])
        else:
            groups.append((start, end, [mask_id]))
    plans = []
    by_id = {m.mask_id: m for m in masks}
    for start, end, members in groups:
        absorbed = tuple(m for m in members if m is not None)
        if None not in members:
            continue  # only existing masks: untouched
        if len(absorbed) == 1 and (by_id[absorbed[0]].start, by_id[absorbed[0]].end) == (start, end):
            continue  # already masked exactly
        plans.append(MaskGroup(start, end, absorbed))
    return plans


def _original_of(text: str, start: int, end: int, masks: Sequence[Mask], originals: Mapping[str, str]) -> str:
    pieces, pos = [], start
    for mask in sorted((m for m in masks if start <= m.start and m.end <= end), key=lambda m: m.start):
        pieces.append(text[pos : mask.start])
        pieces.append(originals[mask.mask_id])
        pos = mask.end
    pieces.append(text[pos:end])
    return "".join(pieces)


def apply_masks(
    text: str,
    masks: Sequence[Mask],
    groups: Sequence[MaskGroup],
    originals: Mapping[str, str],
    new_ids: Iterator[str],
) -> MaskResult:
    """Replace each group's stretch by one `*` per character; shift the masks after it.

    `originals` holds the decrypted original of every absorbed mask.
    """
    absorbed = {mask_id for g in groups for mask_id in g.absorbed}
    items: list[tuple[int, int, Mask | MaskGroup]] = [(g.start, g.end, g) for g in groups]
    items += [(m.start, m.end, m) for m in masks if m.mask_id not in absorbed]
    items.sort(key=lambda i: i[0])
    out: list[str] = []
    kept: list[Mask] = []
    created: list[tuple[Mask, str]] = []
    pos = 0
    new_len = 0
    for start, end, item in items:
        out.append(text[pos:start])
        new_len += start - pos
        if isinstance(item, MaskGroup):
            original = _original_of(text, start, end, masks, originals)
            stars = stars_for(original)
            mask = Mask(next(new_ids), new_len, new_len + len(stars))
            created.append((mask, original))
            kept.append(mask)
            out.append(stars)
            new_len += len(stars)
        else:
            kept.append(Mask(item.mask_id, new_len, new_len + (end - start)))
            out.append(text[start:end])
            new_len += end - start
        pos = end
    out.append(text[pos:])
    return MaskResult("".join(out), tuple(kept), tuple(created))


def apply_unmask(text: str, masks: Sequence[Mask], mask_id: str, original: str) -> tuple[str, tuple[Mask, ...]]:
    """Put one mask's original back; the masks after it move by the change in length."""
    target = next((m for m in masks if m.mask_id == mask_id), None)
    if target is None:
        raise NotFound("no such mask on this message")
    delta = len(original) - (target.end - target.start)
    restored = text[: target.start] + original + text[target.end :]
    kept = tuple(
        Mask(m.mask_id, m.start + delta, m.end + delta) if m.start >= target.end else m
        for m in sorted(masks, key=lambda m: m.start)
        if m.mask_id != mask_id
    )
    return restored, kept


# --- personal-data detectors ---------------------------------------------------------------


@dataclass(frozen=True)
class PiiMatch:
    kind: str  # rrn | phone | email | card
    start: int
    end: int


# Plain `re` (no `regex` features needed): detection runs on every message view.
# Digits are ASCII only ([0-9], not \d, which also matches other scripts' digits). A match
# may not continue a longer run of digits, with or without a separator in between.
_NOT_AFTER_DIGITS = r"(?<![0-9])(?<![0-9][-.])"
_NOT_BEFORE_DIGITS = r"(?![0-9])(?![-.][0-9])"

_RRN = re.compile(_NOT_AFTER_DIGITS + r"(?P<birth>[0-9]{6})[- ]?(?P<rest>[0-9]{7})" + _NOT_BEFORE_DIGITS)
_MOBILE = re.compile(
    _NOT_AFTER_DIGITS + r"(?:\+82[- .]?0?|0)1[016789][- .]?[0-9]{3,4}[- .]?[0-9]{4}" + _NOT_BEFORE_DIGITS
)
# Seoul 02, other regions 031-064, internet phones 070, personal numbers 050x.
_LANDLINE = re.compile(
    _NOT_AFTER_DIGITS
    + r"(?:\+82[- .]?\(?0?(?:2|[3-6][1-5]|70|50[2-8])\)?|\(?0(?:2|[3-6][1-5]|70|50[2-8])\)?)"
    + r"[- .]?[0-9]{3,4}[- .]?[0-9]{4}"
    + _NOT_BEFORE_DIGITS
)
# Nationwide representative numbers (1588-xxxx, 1644-xxxx, …): only with their hyphen.
_REPRESENTATIVE = re.compile(_NOT_AFTER_DIGITS + r"1[5-9][0-9]{2}-[0-9]{4}" + _NOT_BEFORE_DIGITS)
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9_%+\-](?:[A-Za-z0-9._%+\-]{0,62}[A-Za-z0-9_%+\-])?"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![A-Za-z0-9\-])"
)
# 13-19 digits, plain or in groups of digits separated by spaces or hyphens.
_CARD = re.compile(_NOT_AFTER_DIGITS + r"[0-9]{4}(?:[- ]?[0-9]){9,15}" + _NOT_BEFORE_DIGITS)
_CARD_SEPARATOR = re.compile(r"[- ]")

_RRN_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
# The 7th digit: sex and century (5-8 for foreign residents, 9/0 for those born in the 1800s).
_CENTURY = {"1": 1900, "2": 1900, "5": 1900, "6": 1900, "3": 2000, "4": 2000, "7": 2000, "8": 2000}
_CENTURY |= {"9": 1800, "0": 1800}


def is_valid_rrn(digits: str) -> bool:
    """A Korean resident registration number: a real birth date, a sex/century digit, the check digit."""
    if len(digits) != 13 or not digits.isascii() or not digits.isdigit():
        return False
    year = _CENTURY[digits[6]] + int(digits[0:2])
    try:
        datetime.date(year, int(digits[2:4]), int(digits[4:6]))
    except ValueError:
        return False
    total = sum(int(d) * w for d, w in zip(digits[:12], _RRN_WEIGHTS, strict=True))
    return (11 - total % 11) % 10 == int(digits[12])


def luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _is_card(candidate: str) -> bool:
    separators = set(_CARD_SEPARATOR.findall(candidate))
    groups = _CARD_SEPARATOR.split(candidate)
    if len(separators) > 1 or (len(groups) > 1 and any(len(g) < 3 for g in groups[:-1])):
        return False
    digits = "".join(groups)
    # Issuer ranges in use: 3 (Amex, JCB, Diners), 4 (Visa), 5 (Mastercard), 6 (UnionPay,
    # Discover), 9 (Korean domestic cards).
    return 13 <= len(digits) <= 19 and digits[0] in "34569" and luhn_ok(digits)


def _card_length(candidate: str) -> int:
    """The longest leading run of whole groups that is a card number (0 if none).

    A greedy match may swallow a number written after the card ("… 3456 2개"), so shorter
    runs of groups are tried too.
    """
    cuts = [m.start() for m in _CARD_SEPARATOR.finditer(candidate)] + [len(candidate)]
    for cut in reversed(cuts):
        if _is_card(candidate[:cut]):
            return cut
    return 0


def detect_pii(text: str) -> list[PiiMatch]:
    """Likely personal data in a text: non-overlapping matches, in order.

    Where two detectors match overlapping text, the longer match wins, then the more specific
    kind (resident number, card, phone, email).
    """
    candidates: list[tuple[int, PiiMatch]] = []
    for m in _RRN.finditer(text):
        if is_valid_rrn(m["birth"] + m["rest"]):
            candidates.append((0, PiiMatch("rrn", m.start(), m.end())))
    for m in _CARD.finditer(text):
        length = _card_length(m.group())
        if length:
            candidates.append((1, PiiMatch("card", m.start(), m.start() + length)))
    for pattern in (_MOBILE, _LANDLINE, _REPRESENTATIVE):
        for m in pattern.finditer(text):
            candidates.append((2, PiiMatch("phone", m.start(), m.end())))
    for m in _EMAIL.finditer(text):
        candidates.append((3, PiiMatch("email", m.start(), m.end())))
    candidates.sort(key=lambda c: (-(c[1].end - c[1].start), c[0], c[1].start))
    chosen: list[PiiMatch] = []
    for _, match in candidates:
        if all(match.end <= other.start or match.start >= other.end for other in chosen):
            chosen.append(match)
    return sorted(chosen, key=lambda m: m.start)


def pii_spans(text: str) -> list[Span]:
    return [Span(m.start, m.end) for m in detect_pii(text)]
