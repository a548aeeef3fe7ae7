"""Inquiry and processing types as a catalogue: stable ids, display order, retired flags.

Chats and tickets keep the *name* that was chosen (a record shows what was picked at the
time), so a rename or a retirement never rewrites or breaks an old chat. The catalogue
keeps every type ever offered: ids never change, a renamed type remembers its former names
(history screens can group old records under the new name), and nothing is ever deleted,
only retired (hidden from the choices for new records).
"""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from chalicelib.domain.errors import InvalidField
from chalicelib.domain.validation import MAX_NAME_CHARS, text_field

MAX_ACTIVE_TYPES = 50
MAX_CATALOG_TYPES = 200
_TYPE_ID = re.compile(r"t-[0-9a-f]{8,32}")


@dataclass
class TypeEntry:
    type_id: str
    name: str
    retired: bool = False
    former_names: list[str] = field(default_factory=list)
    # The name customers see in English ("" = none: the Korean name, marked as Korean). Records
    # keep `name`, the Korean one, so the English name can change without touching any record.
    name_en: str = ""

    def to_api(self) -> dict[str, Any]:
        return {
            "id": self.type_id,
            "name": self.name,
            "nameEn": self.name_en,
            "retired": self.retired,
            "formerNames": list(self.former_names),
        }

    def to_document(self) -> dict[str, Any]:
        document = {
            "id": self.type_id,
            "name": self.name,
            "retired": self.retired,
            "former_names": list(self.former_names),
        }
        if self.name_en:
            document["name_en"] = self.name_en
        return document

    @classmethod
    def from_document(cls, value: dict[str, Any]) -> TypeEntry:
        return cls(
            value["id"],
            value["name"],
            bool(value.get("retired")),
            list(value.get("former_names") or []),
            str(value.get("name_en") or ""),
        )


def legacy_id(name: str) -> str:
    """The id of a type that existed before catalogues: derived from its name, so stable until first saved."""
    return "t-" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:12]


def new_id() -> str:
    return "t-" + uuid.uuid4().hex[:12]


def catalog_from_names(names: list[str], english: dict[str, str] | None = None) -> list[TypeEntry]:
    return [TypeEntry(legacy_id(n), n, name_en=(english or {}).get(n, "")) for n in names]


def active_names(catalog: list[TypeEntry]) -> list[str]:
    return [e.name for e in catalog if not e.retired]


def _check(catalog: list[TypeEntry], field_name: str) -> list[TypeEntry]:
    names = [e.name for e in catalog]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise InvalidField(f"'{field_name}' has duplicate names: {', '.join(duplicates)}", field=field_name)
    active = len(active_names(catalog))
    if not 1 <= active <= MAX_ACTIVE_TYPES:
        raise InvalidField(f"'{field_name}' must keep 1-{MAX_ACTIVE_TYPES} types in use", field=field_name)
    if len(catalog) > MAX_CATALOG_TYPES:
        raise InvalidField(f"'{field_name}' may hold at most {MAX_CATALOG_TYPES} types", field=field_name)
    return catalog


def _name(value: Any, field_name: str) -> str:
    name = text_field({field_name: value}, field_name, max_chars=MAX_NAME_CHARS)
    assert name is not None
    return name


def merge_names(current: list[TypeEntry], value: Any, field_name: str) -> list[TypeEntry]:
    """The simple form: the list of names in use, in order.

    A name already in the catalogue keeps its id (a retired one comes back); a new name is a
    new type; a type in use that is not listed is retired (kept, after the listed ones).
    """
    if not isinstance(value, list) or not value:
        raise InvalidField(f"'{field_name}' must be a list of 1-{MAX_ACTIVE_TYPES} names", field=field_name)
    if len(value) > MAX_ACTIVE_TYPES:
        raise InvalidField(f"'{field_name}' must be a list of 1-{MAX_ACTIVE_TYPES} names", field=field_name)
    names = [_name(v, field_name) for v in value]
    if len(set(names)) != len(names):
        raise InvalidField(f"'{field_name}' has duplicate names", field=field_name)
    by_name = {e.name: e for e in current}
    listed = [
        TypeEntry(by_name[n].type_id, n, False, list(by_name[n].former_names), by_name[n].name_en)
        if n in by_name
        else TypeEntry(new_id(), n)
        for n in names
    ]
    rest = [
        TypeEntry(e.type_id, e.name, True, list(e.former_names), e.name_en) for e in current if e.name not in set(names)
    ]
    return _check(listed + rest, field_name)


def merge_catalog(current: list[TypeEntry], value: Any, field_name: str) -> list[TypeEntry]:
    """The full form: `[{id?, name, retired?}, …]` in display order.

    An entry with a known id renames or (un)retires that type; an entry without id adds a
    type; an unknown id is refused. A known type left out stays, retired, after the listed
    ones: types are never deleted, since old chats carry their names.
    """
    if not isinstance(value, list) or not value or len(value) > MAX_CATALOG_TYPES:
        raise InvalidField(f"'{field_name}' must be a list of 1-{MAX_CATALOG_TYPES} types", field=field_name)
    by_id = {e.type_id: e for e in current}
    seen: set[str] = set()
    result: list[TypeEntry] = []
    for item in value:
        if not isinstance(item, dict):
            raise InvalidField(f"'{field_name}' items must be objects {{id?, name, retired?}}", field=field_name)
        unknown = sorted(set(item) - {"id", "name", "nameEn", "retired", "formerNames"})
        if unknown:
            raise InvalidField(f"'{field_name}' items have unknown field(s): {', '.join(unknown)}", field=field_name)
        name = _name(item.get("name"), field_name)
        # Absent: a known type keeps its English name; "" removes it.
        name_en = text_field(item, "nameEn", max_chars=MAX_NAME_CHARS, required=False) if "nameEn" in item else None
        retired = item.get("retired", False)
        if not isinstance(retired, bool):
            raise InvalidField(f"'{field_name}' item 'retired' must be true or false", field=field_name)
        type_id = item.get("id")
        if type_id is None:
            result.append(TypeEntry(new_id(), name, retired, name_en=name_en or ""))
            continue
        if not isinstance(type_id, str) or not _TYPE_ID.fullmatch(type_id) or type_id not in by_id:
            raise InvalidField(f"'{field_name}' names an unknown type id", field=field_name)
        if type_id in seen:
            raise InvalidField(f"'{field_name}' lists a type id twice", field=field_name)
        seen.add(type_id)
        before = by_id[type_id]
        former = list(before.former_names)
        if name != before.name and before.name not in former:
            former.append(before.name)
        former = [n for n in former if n != name]
        result.append(TypeEntry(type_id, name, retired, former, before.name_en if name_en is None else name_en))
    result += [
        TypeEntry(e.type_id, e.name, True, list(e.former_names), e.name_en) for e in current if e.type_id not in seen
    ]
    return _check(result, field_name)
