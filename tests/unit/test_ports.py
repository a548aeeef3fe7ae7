"""The store's ports (chalicelib/store/ports.py) list exactly each DynamoDB module's public functions,
and its in-memory twin has them with the same parameters. mypy checks the types; this adds what
it lets pass: a parameter renamed (a keyword caller breaks) and a function missing from a port.
"""

from __future__ import annotations

import importlib
import inspect
from typing import Any

import pytest

from chalicelib.store import ports
from chalicelib.store.facade import Store

NOT_PORTS = {"item_of"}  # builds a pynamodb item for bulk.py: a DynamoDB detail


def _signature(function: Any) -> tuple[list[tuple[str, Any, Any, Any]], Any]:
    """Names, kinds, defaults and annotations (strings: every module has postponed annotations)."""
    signature = inspect.signature(function)
    parameters = [(p.name, p.kind, p.default, p.annotation) for p in signature.parameters.values() if p.name != "self"]
    return parameters, signature.return_annotation


@pytest.mark.parametrize("name", list(Store.__dataclass_fields__))
def test_each_port_is_its_modules_public_functions_and_its_twins_methods(name: str) -> None:
    port = name.title().replace("_", "")  # export_jobs: ExportJobs
    protocol = getattr(ports, port)
    module = importlib.import_module(f"chalicelib.store.{name}")
    twin = getattr(importlib.import_module(f"chalicelib.store.memory.{name}"), f"Memory{port}")
    functions = {
        n: f
        for n, f in vars(module).items()
        if inspect.isfunction(f) and f.__module__ == module.__name__ and not n.startswith("_")
    }
    members = {n for n, f in vars(protocol).items() if inspect.isfunction(f) and not n.startswith("_")}
    assert members == set(functions) - NOT_PORTS
    for member in members:
        expected = _signature(getattr(protocol, member))
        assert _signature(functions[member]) == expected, f"{name}.{member}"
        assert _signature(getattr(twin, member)) == expected, f"Memory{port}.{member}"
