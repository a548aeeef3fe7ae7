"""Match a request path to a Chalice route template, as API Gateway's resource tree does."""

from __future__ import annotations

from collections.abc import Iterable


def match_route(resources: Iterable[str], path: str) -> tuple[str, dict[str, str]] | None:
    """`/chats/01J/end` against `/chats/{conversation_id}/end` → (template, {"conversation_id": "01J"}).

    A literal segment wins over a path parameter (`/tickets/export` before `/tickets/{id}`),
    as in API Gateway.
    """
    parts = path.strip("/").split("/")
    best: tuple[tuple[int, ...], str, dict[str, str]] | None = None
    for resource in resources:
        template = resource.strip("/").split("/")
        if len(template) != len(parts):
            continue
        params: dict[str, str] = {}
        for t, p in zip(template, parts, strict=True):
            if t.startswith("{") and t.endswith("}") and p:
                params[t[1:-1]] = p
            elif t != p:
                break
        else:
            # Rank: positions of parameters, later is better (literal segments match first).
            rank = tuple(1 if t.startswith("{") else 0 for t in template)
            if best is None or rank < best[0]:
                best = (rank, resource, params)
    return (best[1], best[2]) if best else None
