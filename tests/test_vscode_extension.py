"""The VS Code extension's checks, as part of the test suite: its npm packages install from
package-lock.json, its TypeScript passes eslint and the type checker, and its unit tests (interpreter
choice, settings mapping, launch command, restart policy; node's test runner on the compiled
output) pass. Its package.json declares what the server offers.

Needs `npm` (and Node.js 20+) on PATH; without it the npm checks are skipped, saying so.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
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
    server's default; a nested one (codeAction) as one extension setting per leaf."""
    properties = MANIFEST["contributes"]["configuration"]["properties"]
    mapped = (EXTENSION / "src" / "common" / "settings.ts").read_text("utf-8")
    for key, default in server_setting_leaves(EditorSettings(), SECTION):
        assert key in properties, f"package.json has no setting {key}"
        assert properties[key]["default"] == default, f"{key}: default differs from the server's"
    for field in dataclasses.fields(EditorSettings):
        key = camel_case(field.name)
        assert f'"{key}"' in mapped.split("SERVER_SETTING_KEYS", 1)[1].split("]", 1)[0], f"SERVER_SETTING_KEYS lacks {key}"


def server_setting_leaves(settings: object, prefix: str) -> list[tuple[str, object]]:
    """(``asyncguide.codeAction.fixViolation.enable``, its default) for every leaf setting."""
    leaves: list[tuple[str, object]] = []
    for field in dataclasses.fields(settings):  # type: ignore[arg-type]
        value = getattr(settings, field.name)
        key = f"{prefix}.{camel_case(field.name)}"
        leaves.extend(server_setting_leaves(value, key) if dataclasses.is_dataclass(value) else [(key, value)])
    return leaves


def test_restricted_mode_is_supported_with_the_launch_settings_restricted() -> None:
    """In an untrusted workspace the extension runs (the bundled server, see src/common/trust.ts),
    and the workspace cannot choose what is executed."""
    untrusted = MANIFEST["capabilities"]["untrustedWorkspaces"]
    assert untrusted["supported"] == "limited"
    assert set(untrusted["restrictedConfigurations"]) == {f"{SECTION}.interpreter", f"{SECTION}.path", f"{SECTION}.importStrategy"}


def test_the_package_holds_what_the_extension_reads() -> None:
    """src/common/launch.ts and python.ts read bundled/libs, bundled/bundle.json and bundled/wheels."""
    assert {"bundled/libs/**", "bundled/bundle.json", "bundled/wheels/**", "dist/extension.js"} <= set(MANIFEST["files"])


def test_activation_scans_no_folder_tree() -> None:
    """`workspaceContains` with a glob searches the whole workspace at start-up: only plain paths."""
    for event in MANIFEST["activationEvents"]:
        kind, _, argument = event.partition(":")
        assert kind != "workspaceContains" or not any(character in argument for character in "*?[{"), event
    assert "onLanguage:python" in MANIFEST["activationEvents"]


def test_fix_all_kind_is_declared() -> None:
    kinds = [action["kind"] for entry in MANIFEST["contributes"]["codeActions"] for action in entry["actions"]]
    assert FIX_ALL_KIND in kinds


def test_commands_are_declared() -> None:
    commands = {command["command"] for command in MANIFEST["contributes"]["commands"]}
    assert {"asyncguide.restart", "asyncguide.fixAll"} <= commands
    source = (EXTENSION / "src" / "extension.ts").read_text("utf-8")
    for command in commands:
        assert f'registerCommand("{command}"' in source, f"{command} is declared but not registered"


def test_engine_matches_the_vscode_types() -> None:
    """vsce refuses a package whose @types/vscode is newer than its engine."""
    engine = MANIFEST["engines"]["vscode"].lstrip("^")
    types = MANIFEST["devDependencies"]["@types/vscode"].lstrip("^~")
    assert tuple(map(int, types.split("."))) <= tuple(map(int, engine.split(".")))


def pythons_here() -> dict[str, str]:
    """The supported Python versions on this machine ("3.12" -> an interpreter), from pyenv and
    PATH (not pyenv's shims: they pick a version from the environment, which the server's lacks)."""
    found: dict[str, str] = {}
    for minor in range(10, 15):
        version = f"3.{minor}"
        candidates = [*sorted(map(str, Path.home().glob(f".pyenv/versions/{version}.*/bin/python"))), shutil.which(f"python{version}")]
        interpreter = next((candidate for candidate in candidates if candidate and "/shims/" not in candidate), None)
        if interpreter is not None:
            found[version] = interpreter
    return found


PYTHONS = pythons_here()


@needs_npm
@pytest.mark.skipif(len(PYTHONS) < 2, reason="fewer than two supported Python versions on this machine")
def test_one_bundle_serves_every_python_version(tmp_path: Path) -> None:
    """scripts/bundle-libs.mjs (run by vscode-extension/build) fills bundled/libs once for all
    supported versions; the language server then runs from it, as the extension starts it
    (`python -m asyncguide.server.cli serve` with bundled/libs on PYTHONPATH), with each Python
    here, and reports a diagnostic."""
    node = shutil.which("node")
    assert node is not None
    versions = " ".join(sorted(PYTHONS, key=lambda version: int(version.split(".")[1])))
    build = subprocess.run(
        [node, "scripts/bundle-libs.mjs"], cwd=EXTENSION, capture_output=True, text=True, timeout=NPM_TIMEOUT_S,
        env={**os.environ, "PYTHON_VERSIONS": versions}, check=False,
    )
    assert build.returncode == 0, build.stderr
    info = json.loads((EXTENSION / "bundled" / "bundle.json").read_text("utf-8"))
    assert info["pythonVersions"] == versions.split()
    libs = EXTENSION / "bundled" / "libs"
    assert [path.name for path in (EXTENSION / "bundled" / "wheels").glob("asyncguide-*.whl")]
    assert not (libs / "jedi" / "third_party" / "typeshed" / "stubs").exists()
    files = sum(1 for path in libs.rglob("*") if path.is_file())
    assert files < VSCE_FILE_WARNING, f"{files} files: vsce warns above {VSCE_FILE_WARNING}"
    document = tmp_path / "poll.py"
    document.write_text("import time\n\n\nasync def poll():\n    time.sleep(1)\n", "utf-8")
    # ASY110 across modules: jedi, from the bundle, finds that fetch_user is a coroutine function
    (tmp_path / "db.py").write_text("async def fetch_user():\n    return 1\n", "utf-8")
    handler = tmp_path / "handler.py"
    handler.write_text("from db import fetch_user\n\n\nasync def handler():\n    fetch_user()\n", "utf-8")
    for version, interpreter in PYTHONS.items():
        codes = asyncio.run(published_codes(interpreter, libs, document, "ASY100"))
        assert codes == ["ASY100"], f"Python {version} ({interpreter})"
        codes = asyncio.run(published_codes(interpreter, libs, handler, "ASY110"))
        assert codes == ["ASY110"], f"Python {version} ({interpreter}): jedi did not resolve fetch_user"


#: vsce warns about a package of more files than this
VSCE_FILE_WARNING = 5000


def test_jedi_reads_no_third_party_stubs() -> None:
    """scripts/bundle-libs.mjs leaves jedi's third-party stubs out because jedi's stub map finds none
    of them (their folders are named after distributions, not modules): this jedi must agree."""
    from jedi.inference.gradual import typeshed

    stubs = typeshed._cache_stub_file_map((3, 12))
    assert "asyncio" in stubs and not stubs["asyncio"].is_third_party
    assert not [name for name, info in stubs.items() if info.is_third_party]


async def published_codes(interpreter: str, libs: Path, document: Path, code: str) -> list[str]:
    """The codes of the first diagnostics the bundled server, with only ``code`` selected, publishes
    for ``document`` that hold any (the first publish, or one after jedi resolved what it imports)."""
    from tests.server.test_lifecycle import RawConnection

    pipe = asyncio.subprocess.PIPE
    process = await asyncio.create_subprocess_exec(
        interpreter, "-m", "asyncguide.server.cli", "serve", stdin=pipe, stdout=pipe, stderr=pipe,
        env={"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(libs)}, cwd=libs.parent,
    )
    assert process.stdin is not None and process.stdout is not None
    try:
        connection = RawConnection(process.stdout, process.stdin)  # type: ignore[arg-type]
        settings = {"select": [code], "debounceMs": 0}
        await connection.request("initialize", {"processId": None, "rootUri": None, "capabilities": {}, "initializationOptions": settings})
        connection.notify("initialized", {})
        uri = document.as_uri()
        text = document.read_text("utf-8")
        connection.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}})
        published = await connection.receive_until(
            lambda message: message.get("method") == "textDocument/publishDiagnostics" and message["params"]["diagnostics"]
        )
        await connection.request("shutdown")
        connection.notify("exit")
        await asyncio.wait_for(process.wait(), 30)
        return [diagnostic["code"] for diagnostic in published["params"]["diagnostics"]]
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
