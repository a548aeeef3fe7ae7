"""Pages of the in-memory twin's listings, as DynamoDB (moto) answers them: in sort-key order,
`limit` items, and an opaque next key (the last item's sort key) while more remain. A next key
from another listing is refused, as DynamoDB refuses a start key of another index's schema."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from chalicelib.domain.entities import Page
from chalicelib.store.failures import foreign_start_key
from chalicelib.store.memory import copied

T = TypeVar("T")


def after(ordered: list[T], sort_key: Callable[[T], str], start: str | None, *, newest_first: bool) -> list[T]:
    if start is None:
        return ordered
    return [item for item in ordered if (sort_key(item) < start if newest_first else sort_key(item) > start)]


def page(
    items: Iterable[T],
    sort_key: Callable[[T], str],
    *,
    listing: str,
    limit: int,
    start_key: dict[str, Any] | None,
    newest_first: bool = True,
) -> Page:
    ordered = sorted(items, key=sort_key, reverse=newest_first)
    start: str | None = None
    if start_key is not None:
        if start_key.get("listing") != listing or not isinstance(start_key.get("after"), str):
            raise foreign_start_key()
        start = start_key["after"]
    rest = after(ordered, sort_key, start, newest_first=newest_first)
    chosen = rest[:limit]
    next_key = {"listing": listing, "after": sort_key(chosen[-1])} if len(rest) > limit else None
    return Page([copied(item) for item in chosen], next_key)
