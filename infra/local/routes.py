"""Match a request path to a Chalice route template, as API Gateway's resource tree does."""

from __future__ import annotations

from collections.abc import Iterable


def match_route(resources: Iterable[str], path: str) -> tuple[str, dict[str, str]] | None:
    """`/chats/01J/end` against `/chats/{conversation_id}/end` → (template, {"conversation_id": "01J"})."""
    parts = path.strip("/").split("/")
    for resource in resources:
        template = resource.strip("/").split("/")
        if len(template) != len(parts):
            continue
        params: dict[str, str] = {}
        for t, p in zip(template, parts, strict=True):
            if t.startswith("{") and p:
                params[t[1:-1]] = p
            elif t != p:
                break
        else:
            return resource, params
    return None
