"""Between pynamodb items and domain entities: the attribute names are the field names."""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

from pynamodb.models import Model

E = TypeVar("E")


def _fields(entity_type: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(entity_type))


def to_entity(item: Model, entity_type: type[E], **extra: Any) -> E:
    """The entity with every field read from the item's attribute of the same name."""
    values = {name: getattr(item, name, None) for name in _fields(entity_type) if name not in extra}
    return entity_type(**values, **extra)


def attribute_values(entity: Any, model_type: type[Model], *, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """The entity's fields that are attributes of the model (for a new item)."""
    attributes = model_type.get_attributes()
    return {
        name: value
        for name, value in dataclasses.asdict(entity).items()
        if name in attributes and name not in skip and value is not None
    }
