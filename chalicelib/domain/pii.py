"""Personal-data detectors in plain Python: Korean resident registration numbers, phone numbers,
e-mail addresses and payment card numbers in a message text.

Offsets are Unicode code points (a Python `str` index, `start` inclusive, `end` exclusive), as
everywhere in chalicelib/domain/masking.py, which masks what is found here: `pii_spans` gives the
matches as its spans.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from chalicelib.domain.masking import Span


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
