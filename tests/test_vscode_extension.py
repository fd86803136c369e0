"""The VS Code extension's checks, as part of the test suite: its npm packages install from
package-lock.json, its TypeScript passes eslint and the type checker, and its unit tests (interpreter
choice, settings mapping, launch command, restart policy; node's test runner on the compiled
output) pass. Its package.json declares what the server offers.

Needs `npm` (and Node.js 20+) on PATH; without it the npm checks are skipped, saying so.
"""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from asyncguide.server.lsp.code_actions import FIX_ALL_KIND
from asyncguide.server.lsp.settings import EditorSettings, camel_case
from asyncguide.server.lsp.workspace import SECTION

EXTENSION = Path(__file__).resolve().parent.parent / "vscode-extension"
MANIFEST = json.loads((EXTENSION / "package.json").read_text("utf-8"))
NPM = shutil.which("npm")
NPM_TIMEOUT_S = 900

needs_npm = pytest.mark.skipif(NPM is None, reason="npm is not on PATH: the extension's lint, type check and unit tests need Node.js 20+ and npm")


def npm(*args: str) -> subprocess.CompletedProcess[str]:
    assert NPM is not None
    return subprocess.run([NPM, *args], cwd=EXTENSION, capture_output=True, text=True, timeout=NPM_TIMEOUT_S, check=False)


@pytest.fixture(scope="module")
def installed() -> None:
    """`npm ci` once for the module's tests: the exact packages of package-lock.json."""
    result = npm("ci", "--no-audit", "--no-fund")
    assert result.returncode == 0, f"npm ci failed:\n{result.stdout}\n{result.stderr}"


@needs_npm
@pytest.mark.parametrize("script", ["lint", "typecheck", "test"])
def test_npm_script_passes(installed: None, script: str) -> None:
    result = npm("run", script)
    assert result.returncode == 0, f"npm run {script} failed:\n{result.stdout}\n{result.stderr}"
    if script == "test":
        # node's test runner closes with its counts: make sure tests ran and none failed
        passed = re.search(r"^# pass (\d+)$", result.stdout, flags=re.MULTILINE)
        failed = re.search(r"^# fail (\d+)$", result.stdout, flags=re.MULTILINE)
        assert passed is not None and int(passed.group(1)) > 0, result.stdout
        assert failed is not None and int(failed.group(1)) == 0, result.stdout


def test_settings_mirror_the_servers() -> None:
    """Every server setting is an extension setting (and the unit-tested mapping's list), with the
    server's default."""
    properties = MANIFEST["contributes"]["configuration"]["properties"]
    defaults = EditorSettings()
    mapped = (EXTENSION / "src" / "common" / "settings.ts").read_text("utf-8")
    for field in dataclasses.fields(EditorSettings):
        key = camel_case(field.name)
        assert f"{SECTION}.{key}" in properties, f"package.json has no setting {SECTION}.{key}"
        assert f'"{key}"' in mapped.split("SERVER_SETTING_KEYS", 1)[1].split("]", 1)[0], f"SERVER_SETTING_KEYS lacks {key}"
        default = getattr(defaults, field.name)
        assert properties[f"{SECTION}.{key}"]["default"] == default, f"{SECTION}.{key}: default differs from the server's"


def test_fix_all_kind_is_declared() -> None:
    kinds = [action["kind"] for entry in MANIFEST["contributes"]["codeActions"] for action in entry["actions"]]
    assert FIX_ALL_KIND in kinds


def test_commands_are_declared() -> None:
    commands = {command["command"] for command in MANIFEST["contributes"]["commands"]}
    assert "asyncguide.restart" in commands
    source = (EXTENSION / "src" / "extension.ts").read_text("utf-8")
    for command in commands:
        assert f'registerCommand("{command}"' in source, f"{command} is declared but not registered"


def test_engine_matches_the_vscode_types() -> None:
    """vsce refuses a package whose @types/vscode is newer than its engine."""
    engine = MANIFEST["engines"]["vscode"].lstrip("^")
    types = MANIFEST["devDependencies"]["@types/vscode"].lstrip("^~")
    assert tuple(map(int, types.split("."))) <= tuple(map(int, engine.split(".")))
