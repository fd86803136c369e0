"""Helpers for the command-line tests: run ``asyncguide`` (in-process or as a real process) in a
scratch project, and rules registered only for one test."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from asyncguide.rules import registry, runner
from asyncguide.rules.fixes import FixContext
from asyncguide.rules.model import SemanticModel
from asyncguide.rules.rule import Applicability, Diagnostic, Fix, Rule
from asyncguide.server.cli import main

#: an async function whose `time.sleep` ASY100 reports, with a safe fix adding `import asyncio`
BLOCKING_SLEEP = "import time\n\n\nasync def poll():\n    time.sleep(1)\n"


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture(autouse=True)
def no_enclosing_git_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Scratch projects are outside git unless a test runs ``git init`` in one: git must not find a
    repository above the temporary folder."""
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty project folder that is the working folder."""
    root = tmp_path / "project"
    root.mkdir()
    monkeypatch.chdir(root)
    return root


def write(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return path


def run_main(capsys: pytest.CaptureFixture[str], *arguments: str) -> Run:
    """``asyncguide <arguments>`` in this process (so rules registered by a test take part)."""
    exit_code = main(list(arguments))
    captured = capsys.readouterr()
    return Run(exit_code, captured.out, captured.err)


def run_process(cwd: Path, *arguments: str, env: dict[str, str] | None = None, timeout: float | None = None) -> Run:
    """``asyncguide <arguments>`` as its own process, the way a user or CI runs it (``env``: more
    environment variables; ``timeout``: seconds before the test fails, for what could hang)."""
    completed = subprocess.run(
        [sys.executable, "-m", "asyncguide.server.cli", *arguments],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "PYTHONIOENCODING": "utf-8", **(env or {})},
        timeout=timeout,
        check=False,
    )
    return Run(completed.returncode, completed.stdout, completed.stderr)


@pytest.fixture
def scratch_registry() -> Iterator[None]:
    """Rules a test defines register themselves; afterwards the registry is as it was."""
    registry.all_rules()  # load the packs now: a registry that is not empty never loads them
    rules_before = dict(registry._rules)
    yield
    registry._rules.clear()
    registry._rules.update(rules_before)
    for code in set(runner._instances) - set(rules_before):
        del runner._instances[code]


def probe_calls(node: ast.AST, name: str) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == name


@pytest.fixture
def broken_rule(scratch_registry: None) -> str:
    """TST900: raises on every call it sees."""

    class BrokenRule(Rule):
        code = "TST900"
        name = "always-raises"
        framework = "asyncio"
        summary = "Raises on every call"
        guidelines = ()
        node_types = (ast.Call,)

        def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
            raise RuntimeError("deliberately broken")

    return BrokenRule.code


@pytest.fixture
def legacy_call_rule(scratch_registry: None) -> str:
    """TST901: flags `legacy()` calls; its fix, renaming them to `modern()`, is unsafe."""

    class LegacyCall(Rule):
        code = "TST901"
        name = "legacy-call"
        framework = "asyncio"
        summary = "`legacy()` is replaced by `modern()`"
        guidelines = ()
        node_types = (ast.Call,)

        def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
            if probe_calls(node, "legacy"):
                yield self.diagnostic(node, model, "`legacy()` is replaced by `modern()`", fix=Applicability.UNSAFE)

        def fix(self, diagnostic: Diagnostic, context: FixContext) -> Fix | None:
            call = context.node_at(diagnostic.range, ast.Call)
            assert isinstance(call, ast.Call)
            return Fix("Call `modern()`", Applicability.UNSAFE, (context.replace(call.func, "modern"),))

    return LegacyCall.code


@pytest.fixture
def target_version_rule(scratch_registry: None) -> str:
    """TST902: reports each `probe()` call with the Python version the file was linted for."""

    class TargetVersionProbe(Rule):
        code = "TST902"
        name = "target-version-probe"
        framework = "asyncio"
        summary = "Reports the target version"
        guidelines = ()
        node_types = (ast.Call,)

        def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
            if probe_calls(node, "probe"):
                major, minor = model.target_version
                yield self.diagnostic(node, model, f"linted for Python {major}.{minor}")

    return TargetVersionProbe.code


@pytest.fixture
def resolver_probe_rule(scratch_registry: None) -> str:
    """TST903: reports each call with what the resolver says of its callee (`pkg.db.fetch -> True`)."""

    class ResolverProbe(Rule):
        code = "TST903"
        name = "resolver-probe"
        framework = "asyncio"
        summary = "Reports the resolver's answer for each call"
        guidelines = ()
        node_types = (ast.Call,)

        def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
            assert isinstance(node, ast.Call)
            name = model.qualified_name(node.func)
            if name is not None and model.resolver is not None:
                yield self.diagnostic(node, model, f"{name} -> {model.resolver.is_coroutine_function(name)}")

    return ResolverProbe.code


@pytest.fixture
def broken_fix_rule(scratch_registry: None) -> str:
    """TST904: flags `legacy()` calls with a safe fix that raises when built."""

    class BrokenFix(Rule):
        code = "TST904"
        name = "broken-fix"
        framework = "asyncio"
        summary = "Its fix raises"
        guidelines = ()
        node_types = (ast.Call,)

        def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
            if probe_calls(node, "legacy"):
                yield self.diagnostic(node, model, "`legacy()` call", fix=Applicability.SAFE)

        def fix(self, diagnostic: Diagnostic, context: FixContext) -> Fix | None:
            raise RuntimeError("deliberately broken fix")

    return BrokenFix.code
