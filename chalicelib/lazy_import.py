"""Modules imported on first use, to keep the Lambda cold start small (bench/cold_start.py).

Every function (the WebSocket handlers, the REST API, the export worker, the sweeper) imports
all of app.py, so a module-level import there or in a blueprint is paid by every cold start.
`lazy_module("pkg.mod")` stands for a module that only the first attribute access imports: the
admin, export and masking services then load in the function and on the route that use them,
and PyJWT/cryptography only when a token is verified or issued.

Write it with the real import under TYPE_CHECKING, so type hints and editors see the module:

    if TYPE_CHECKING:
        from chalicelib.services import accounts
    else:
        accounts = lazy_module("chalicelib.services.accounts")

Attribute access goes to the real module each time (nothing is copied), so monkeypatching the
real module in tests still works. tests/unit/test_cold_start.py guards which modules stay unloaded.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any


class LazyModule:
    """A stand-in for a module: imports it (once; Python's import lock makes that thread-safe) on first use."""

    __slots__ = ("_lazy_name",)

    def __init__(self, name: str) -> None:
        self._lazy_name = name

    def _lazy_load(self) -> ModuleType:
        return importlib.import_module(self._lazy_name)  # a dict lookup in sys.modules once imported

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self._lazy_load(), attribute)

    def __repr__(self) -> str:
        return f"<lazy module {self._lazy_name!r}>"


def lazy_module(name: str) -> Any:
    return LazyModule(name)
