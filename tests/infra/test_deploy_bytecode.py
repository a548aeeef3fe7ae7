"""The Lambda package carries compiled bytecode, and Python really runs it without compiling the sources."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

from infra.aws.deploy import add_bytecode

ROOT = Path(__file__).resolve().parents[2]


def _package(path: Path, files: dict[str, str]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)


def test_every_module_gets_an_unchecked_pyc_that_the_interpreter_uses(tmp_path: Path) -> None:
    package = tmp_path / "deployment.zip"
    _package(
        package,
        {
            "app.py": "from lib import helper\nANSWER = helper.value()\n",
            "lib/__init__.py": "",
            "lib/helper.py": "def value() -> int:\n    return 42\n",
            "lib/py2_only.py": "print 'never imported on Python 3'\n",
            "lib/data.txt": "not code",
        },
    )
    assert add_bytecode(package) == 3  # the Python 2 file cannot compile and gets none
    assert add_bytecode(package) == 0  # already there: nothing twice
    tag = sys.implementation.cache_tag
    with zipfile.ZipFile(package) as archive:
        names = set(archive.namelist())
        archive.extractall(tmp_path / "task")
    assert {f"__pycache__/app.{tag}.pyc", f"lib/__pycache__/helper.{tag}.pyc"} <= names
    assert f"lib/__pycache__/py2_only.{tag}.pyc" not in names

    # Change a source after unzipping: an unchecked pyc is still what runs, so the interpreter did
    # not compile the source (Lambda's code directory is read-only; it could not cache it either).
    helper = tmp_path / "task" / "lib" / "helper.py"
    helper.write_text(helper.read_text().replace("42", "7"))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"} | {"PYTHONDONTWRITEBYTECODE": "1"}
    answer = subprocess.run(
        [sys.executable, "-c", "import app; print(app.ANSWER)"],
        cwd=tmp_path / "task",
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert answer == "42"


def test_the_packaged_functions_ship_bytecode_for_the_app_and_its_libraries(packaged: dict[str, Any]) -> None:
    tag = sys.implementation.cache_tag
    with zipfile.ZipFile(ROOT / "build" / "dev" / "deployment.zip") as archive:
        names = set(archive.namelist())
    runtimes = {
        resource["Properties"].get("Runtime")
        for resource in packaged["dev"]["Resources"].values()
        if resource["Type"] == "AWS::Serverless::Function"
    }
    assert runtimes == {f"python{sys.version_info.major}.{sys.version_info.minor}"}  # the runtime reads these pycs
    for module in ("app", "chalicelib/services/messages", "chalice/app", "pynamodb/models", "botocore/client"):
        folder, _, name = module.rpartition("/")
        assert f"{folder + '/' if folder else ''}__pycache__/{name}.{tag}.pyc" in names, module
    app_sources = [n for n in names if n.startswith("chalicelib/") and n.endswith(".py")]
    missing = [n for n in app_sources if f"{n.rpartition('/')[0]}/__pycache__/{Path(n).stem}.{tag}.pyc" not in names]
    assert app_sources and missing == []
