"""Masking rules in plain Python: who may mask, spans over a message text, planning and applying masks.

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

Personal-data detection (what auto-masking masks, and the `pii` hints of a message view) is in
chalicelib/domain/pii.py.
"""

from __future__ import annotations

import bisect
import functools
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
