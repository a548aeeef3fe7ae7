"""Cold start guard: what importing app.py (every Lambda function's first step) loads, and what it leaves for later.

No timings here (those are bench/cold_start.py's figures): each check runs a fresh interpreter
and looks at sys.modules. The deferred modules must still load, and work, on the first call
that needs them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from chalicelib.lazy_import import LazyModule, lazy_module

ROOT = Path(__file__).resolve().parents[2]

# Not needed by the WebSocket chat handlers, the sweeper or REST routes that do not use them.
NOT_LOADED_BY_IMPORT = (
    "openpyxl",  # the export function only
    "chalicelib.export.runner",
    "chalicelib.export.workbook",
    "cryptography",  # PyJWT's RS256 and the masking envelope
    "jwt",  # only $connect and REST callers verify or issue tokens
    "boto3",  # the app's clients are botocore clients; boto3 adds s3transfer and resources
    "s3transfer",
    "regex",  # grapheme clusters, only when a text is masked
    "ulid",  # new chat, ticket, mask and export ids
    "chalicelib.services.accounts",  # admin routes and the Cognito directory
    "chalicelib.auth.directory",
    "chalicelib.services.exports",
    "chalicelib.export.files",
    "chalicelib.store.export_jobs",
    "chalicelib.store.record_models",  # tickets, canned responses, export jobs: their store modules are lazy
    "chalicelib.store.tables",
    "chalicelib.services.masking",  # mask routes, or a customer message with personal data
    "chalicelib.crypto.envelope",
    "chalicelib.services.records",
    "chalicelib.services.sessions",
    "PIL",  # Pillow: the attachment checking function only
    "filetype",
    "chalicelib.attachments.inspect",
    "chalicelib.services.attachments",  # the attachment routes and the checker
)

# What the chat handlers need anyway, so loading it at import costs nothing extra.
LOADED_BY_IMPORT = ("chalice", "pynamodb.models", "botocore.client", "chalicelib.services.messages")


def _fresh_interpreter(code: str) -> dict[str, object]:
    """Run `code` in a new interpreter (as Lambda starts) and return the JSON it prints last."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"} | {"PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=120
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def after_import() -> dict[str, object]:
    return _fresh_interpreter(
        """
import json, sys
import app
from chalicelib.lazy_import import LazyModule
lazy = sorted({
    value._lazy_name
    for name, module in list(sys.modules.items()) if name == "app" or name.startswith("chalicelib")
    for value in vars(module).values() if isinstance(value, LazyModule)
})
routes = {path: sorted(methods) for path, methods in app.app.routes.items()}
websocket = sorted(app.app.websocket_handlers)
print(json.dumps({"modules": sorted(sys.modules), "lazy": lazy, "routes": routes, "websocket": websocket}))
"""
    )


def test_importing_app_leaves_the_heavy_modules_for_later(after_import: dict[str, object]) -> None:
    modules = set(after_import["modules"])  # type: ignore[arg-type]
    loaded_too_early = [name for name in NOT_LOADED_BY_IMPORT if name in modules]
    assert loaded_too_early == [], f"imported by `import app`: {loaded_too_early} (see chalicelib/lazy_import.py)"
    assert [name for name in LOADED_BY_IMPORT if name not in modules] == []


def test_every_handler_is_still_registered_at_import(after_import: dict[str, object]) -> None:
    # Chalice packaging and the local stack read the routes from the imported app: lazy services
    # must not make a blueprint's routes disappear.
    routes = after_import["routes"]
    assert isinstance(routes, dict)
    for path, method in [
        ("/chats", "POST"),
        ("/admin/agents", "POST"),
        ("/exports", "POST"),
        ("/chats/{conversation_id}/messages/{seq}/masks", "POST"),
        ("/chats/{conversation_id}/session", "POST"),
        ("/tickets", "GET"),
    ]:
        assert method in routes.get(path, []), (path, method)
    assert after_import["websocket"] == ["$connect", "$default", "$disconnect"]


def test_every_deferred_module_exists_and_loads_on_first_use(after_import: dict[str, object]) -> None:
    # A misspelt lazy name would only fail on the first request of its route: import them all now.
    lazy = after_import["lazy"]
    assert isinstance(lazy, list) and "chalicelib.services.accounts" in lazy and "jwt" in lazy
    probe = _fresh_interpreter(
        "import importlib, json, sys\n"
        "import app\n"
        f"for name in {lazy!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps({'openpyxl': 'openpyxl' in sys.modules}))\n"
    )
    assert probe == {"openpyxl": False}  # only the export function's runner imports it


def test_first_use_imports_the_module_and_reads_it_live(monkeypatch: pytest.MonkeyPatch) -> None:
    import colorsys

    stand_in = lazy_module("colorsys")
    assert isinstance(stand_in, LazyModule)
    assert stand_in.rgb_to_hsv(1.0, 0.0, 0.0) == (0.0, 1.0, 1.0)
    # Attributes are read from the real module each time, so a monkeypatched function is seen.
    monkeypatch.setattr(colorsys, "rgb_to_hsv", lambda r, g, b: "patched")
    assert stand_in.rgb_to_hsv(1.0, 0.0, 0.0) == "patched"
    with pytest.raises(AttributeError):
        _ = stand_in.no_such_function
    with pytest.raises(ModuleNotFoundError):
        _ = lazy_module("chalicelib.no_such_module").anything
