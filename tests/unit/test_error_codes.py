"""Every error code the server can emit is in docs/protocol.md's table, with its HTTP status, and
nothing else is: the codes are derived from the error classes themselves, not listed here."""

from __future__ import annotations

import importlib
import pkgutil

from docs_support import documented_error_codes

import chalicelib
from chalicelib.domain.errors import DomainError

# Not a DomainError: the one answer for an unexpected failure (chalicelib/entrypoints/errors.py).
INTERNAL = {"internal": 500}


def emitted_codes() -> dict[str, int]:
    for module in pkgutil.walk_packages(chalicelib.__path__, "chalicelib."):
        importlib.import_module(module.name)  # error classes live beside the code that raises them
    codes: dict[str, int] = dict(INTERNAL)
    pending = [DomainError]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls is not DomainError:
            assert codes.get(cls.code, cls.http_status) == cls.http_status, f"{cls.code}: two statuses"
            codes[cls.code] = cls.http_status
    return codes


def test_the_protocol_documents_every_code_the_server_emits_and_no_other() -> None:
    emitted, documented = emitted_codes(), documented_error_codes()
    assert set(emitted) - set(documented) == set(), "emitted but not in docs/protocol.md's error table"
    assert set(documented) - set(emitted) == set(), "in docs/protocol.md's error table but never emitted"
    assert documented == emitted, "HTTP status differs between the docs and the code"


def test_the_derivation_sees_codes_defined_outside_the_errors_module() -> None:
    # The export queue's and the key service's errors are defined beside their clients.
    assert {"unavailable", "crypto_unavailable", "conflict"} <= set(emitted_codes())
