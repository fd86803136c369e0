"""Neovim and Emacs end to end: each editor runs the configuration shown in docs/editors/ on a copy
of tests/e2e/workspace/, and what it saw is compared with what it should see: for app.py, what the
``asyncguide`` command line tool (on PATH) says; for the five framework files, the findings
expected.py lists by hand. ``neovim`` and ``emacs`` run the language server; ``ale`` (Vim) and
``flycheck`` (Emacs) run ``asyncguide check`` on the buffer through stdin.

    python3 tests/e2e/editors.py neovim|emacs|ale|flycheck

Exits with 1 when the editor did not show what it should, printing every check either way.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from expected import FRAMEWORK_FINDINGS, expectations

HERE = Path(__file__).resolve().parent
DOCS = HERE.parent.parent / "docs" / "editors"
EDITOR_TIMEOUT_S = 300
#: the workspace files each editor opens after app.py, for $ASYNCGUIDE_E2E_FILES
FRAMEWORK_FILES = " ".join(FRAMEWORK_FINDINGS)


def normalize(text: str) -> str:
    return " ".join(text.replace("`", "").replace("*", "").split())


class Checks:
    def __init__(self, editor: str) -> None:
        self.editor = editor
        self.failed: list[str] = []

    def __call__(self, condition: bool, message: str) -> None:
        print(f"[{self.editor}] {'ok  ' if condition else 'FAIL'} {message}")
        if not condition:
            self.failed.append(message)

    def steps(self, seen: dict) -> None:
        for step in seen.get("steps", []):
            self(step["ok"] is True, f"step {step['name']}" + ("" if step["ok"] is True else f": {step['error']}"))

    def framework_files(self, seen: dict) -> None:
        """Every framework file showed the findings expected.py lists for it, at their lines."""
        files = seen.get("files") or {}
        for name, wanted in FRAMEWORK_FINDINGS.items():
            shown = sorted((item["line"], item["code"]) for item in files.get(name, []))
            self(shown == wanted, f"{name} shows {wanted} (shown: {shown})")

    def hover(self, hover: str | None, diagnostic: dict) -> None:
        """What the editor shows for the diagnostic under the cursor quotes the guidelines and says
        the diagnostic's message once (from the server's hover or from the editor itself)."""
        shown = normalize(hover or "")
        for quote in diagnostic["quotes"]:
            self(normalize(quote) in shown, f'the hover quotes the guideline "{quote}"')
        count = shown.count(normalize(diagnostic["message"]))
        self(count == 1, f"the hover shows the diagnostic's message once (shown {count} times in: {hover!r})")


def run_neovim(workspace: Path, output: Path) -> None:
    subprocess.run(
        ["nvim", "--headless", "-u", str(DOCS / "neovim-0.7.lua"), "app.py", "-c", f"luafile {HERE / 'neovim.lua'}"],
        cwd=workspace, env={**os.environ, "ASYNCGUIDE_E2E_OUT": str(output), "ASYNCGUIDE_E2E_FILES": FRAMEWORK_FILES},
        stdin=subprocess.DEVNULL, timeout=EDITOR_TIMEOUT_S, check=False,
    )


def modern_neovim_config_compiles() -> str | None:
    """docs/editors/neovim.lua needs Neovim 0.11 to run; Neovim 0.7's Lua can still compile it.
    The compiler's error, or None."""
    config = DOCS / "neovim.lua"
    script = (
        f"lua local _, error = loadfile({json.dumps(str(config))}); "
        "if error then io.stderr:write(error) vim.cmd('cquit') end"
    )
    result = subprocess.run(
        ["nvim", "--headless", "-u", "NONE", "-c", script, "-c", "qa!"],
        capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=EDITOR_TIMEOUT_S, check=False,
    )
    return None if result.returncode == 0 else result.stderr or f"exit status {result.returncode}"


def run_emacs(workspace: Path, output: Path) -> None:
    subprocess.run(
        ["emacs", "--batch", "-l", str(HERE / "emacs.el")],
        cwd=workspace,
        env={
            **os.environ,
            "ASYNCGUIDE_E2E_CONFIG": str(DOCS / "eglot.el"),
            "ASYNCGUIDE_E2E_FILE": str(workspace / "app.py"),
            "ASYNCGUIDE_E2E_OUT": str(output),
            "ASYNCGUIDE_E2E_FILES": FRAMEWORK_FILES,
        },
        stdin=subprocess.DEVNULL, timeout=EDITOR_TIMEOUT_S, check=False,
    )


def run_ale(workspace: Path, output: Path) -> None:
    runtime = workspace.parent / "vim-runtime"
    (runtime / "ale_linters" / "python").mkdir(parents=True)
    shutil.copyfile(DOCS / "ale-linter.vim", runtime / "ale_linters" / "python" / "asyncguide.vim")
    subprocess.run(
        ["vim", "-N", "-u", "NONE", "-i", "NONE", "-n", "-es", "-S", str(HERE / "ale.vim"), "app.py"],
        cwd=workspace,
        env={
            **os.environ,
            "ASYNCGUIDE_E2E_RUNTIME": str(runtime),
            "ASYNCGUIDE_E2E_CONFIG": str(DOCS / "ale.vim"),
            "ASYNCGUIDE_E2E_OUT": str(output),
            "ASYNCGUIDE_E2E_FILES": FRAMEWORK_FILES,
        },
        stdin=subprocess.DEVNULL, timeout=EDITOR_TIMEOUT_S, check=False,
    )


def run_flycheck(workspace: Path, output: Path) -> None:
    subprocess.run(
        ["emacs", "--batch", "-l", str(HERE / "flycheck.el")],
        cwd=workspace,
        env={
            **os.environ,
            "ASYNCGUIDE_E2E_CONFIG": str(DOCS / "flycheck.el"),
            "ASYNCGUIDE_E2E_FILE": str(workspace / "app.py"),
            "ASYNCGUIDE_E2E_OUT": str(output),
            "ASYNCGUIDE_E2E_FILES": FRAMEWORK_FILES,
        },
        stdin=subprocess.DEVNULL, timeout=EDITOR_TIMEOUT_S, check=False,
    )


def check_ale(seen: dict, expected: dict, check: Checks) -> None:
    shown = [(d["line"], d["column"], d["text"], d["linter"]) for d in seen.get("diagnostics", [])]
    wanted = [(d["line"], d["column"], f"{d['code']} {d['message']}", "asyncguide") for d in expected["diagnostics"]]
    check(shown == wanted, f"ALE's location list is {wanted} (shown: {shown})")
    check(seen.get("fixed") == expected["fixed"], "ALEFix gives what `asyncguide check --fix` gives")


def check_flycheck(seen: dict, expected: dict, check: Checks) -> None:
    check(seen.get("checker") == "python-asyncguide", f"flycheck chose python-asyncguide (chose: {seen.get('checker')})")
    shown = [(d["line"], d["column"], d["code"], d["message"], d["level"]) for d in seen.get("diagnostics", [])]
    wanted = [(d["line"], d["column"], d["code"], d["message"], "warning") for d in expected["diagnostics"]]
    check(shown == wanted, f"flycheck shows {wanted} (shown: {shown})")


def check_neovim(seen: dict, expected: dict, file: Path, check: Checks) -> None:
    shown = [(d["code"], d["line"], d["column"], d["message"], d["source"]) for d in seen.get("diagnostics", [])]
    wanted = [(d["code"], d["line"], d["column"], d["message"], "asyncguide") for d in expected["diagnostics"]]
    check(shown == wanted, f"vim.diagnostic.get() lists {wanted} (shown: {shown})")
    check.hover(seen.get("hover"), expected["diagnostics"][0])
    print(f"[neovim] code actions offered: {seen.get('actions')}")
    check(file.read_text("utf-8") == expected["fixed"], "the quick fix, applied and written, gives what `asyncguide check --fix` gives")


def check_emacs(seen: dict, expected: dict, file: Path, check: Checks) -> None:
    check(seen.get("server") == "asyncguide", f"eglot connected to asyncguide (server: {seen.get('server')})")
    shown = seen.get("diagnostics", [])
    check(len(shown) == len(expected["diagnostics"]), f"flymake shows {len(expected['diagnostics'])} diagnostic(s) (shown: {shown})")
    for found, wanted in zip(shown, expected["diagnostics"]):
        check((found["line"], found["column"]) == (wanted["line"], wanted["column"]), f"at line {wanted['line']}, column {wanted['column']}")
        check(wanted["message"] in found["text"], f'with the message "{wanted["message"]}" (text: "{found["text"]}")')
        check(found["type"].startswith("eglot-warning") or found["type"] == ":warning", f"as a warning (type: {found['type']})")
    check.hover(seen.get("hover"), expected["diagnostics"][0])
    print(f"[emacs] code actions offered: {seen.get('actions')}")
    check(file.read_text("utf-8") == expected["fixed"], "the quick fix, applied and saved, gives what `asyncguide check --fix` gives")


def main(editor: str) -> int:
    check = Checks(editor)
    with tempfile.TemporaryDirectory(prefix=f"asyncguide-{editor}-") as folder:
        workspace = Path(folder) / "workspace"
        shutil.copytree(HERE / "workspace", workspace)
        file = workspace / "app.py"
        asyncguide = shutil.which("asyncguide")
        if asyncguide is None:
            print(f"[{editor}] FAIL asyncguide is not on PATH", file=sys.stderr)
            return 1
        expected = expectations(asyncguide, file)
        output = Path(folder) / "seen.json"
        RUNS[editor](workspace, output)
        if not output.exists():
            check(False, f"{editor} wrote nothing to {output}")
            return 1
        seen = json.loads(output.read_text("utf-8"))
        check.steps(seen)
        if "first_diagnostic_ms" in seen:
            print(f"[{editor}] first diagnostic {seen['first_diagnostic_ms']} ms after opening app.py")
        if editor == "neovim":
            check_neovim(seen, expected, file, check)
            error = modern_neovim_config_compiles()
            check(error is None, f"docs/editors/neovim.lua (Neovim 0.11+) is valid Lua{'' if error is None else f': {error}'}")
        elif editor == "emacs":
            check_emacs(seen, expected, file, check)
        elif editor == "ale":
            check_ale(seen, expected, check)
        else:
            check_flycheck(seen, expected, check)
        check.framework_files(seen)
    if check.failed:
        print(f"[{editor}] {len(check.failed)} check(s) failed")
        return 1
    print(f"[{editor}] {editor} showed what it should")
    return 0


RUNS = {"neovim": run_neovim, "emacs": run_emacs, "ale": run_ale, "flycheck": run_flycheck}

if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in RUNS:
        raise SystemExit(__doc__)
    sys.exit(main(sys.argv[1]))
