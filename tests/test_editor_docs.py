"""The editor pages show the configurations the end-to-end tests run: the Neovim, Emacs, ALE and
flycheck code on docs/editors/*.md is, character for character, the files tests/e2e loads
(docs/editors/*.lua, *.el, *.vim),
and every editor page is linked from the editors index and from Getting started. The LSP
configurations check that `asyncguide` is there before they start it."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EDITORS = ROOT / "docs" / "editors"


def code_blocks(page: Path, language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```$", page.read_text("utf-8"), flags=re.MULTILINE | re.DOTALL)


@pytest.mark.parametrize(
    ("page", "language", "config"),
    [
        ("neovim.md", "lua", "neovim.lua"),
        ("neovim.md", "lua", "neovim-0.7.lua"),
        ("emacs.md", "elisp", "eglot.el"),
        ("ale.md", "vim", "ale-linter.vim"),
        ("ale.md", "vim", "ale.vim"),
        ("flycheck.md", "elisp", "flycheck.el"),
    ],
)
def test_page_shows_the_tested_configuration(page: str, language: str, config: str) -> None:
    text = (EDITORS / config).read_text("utf-8")
    assert text in code_blocks(EDITORS / page, language), f"docs/editors/{page} does not show docs/editors/{config} as it is"


def test_e2e_tests_load_the_documented_configurations() -> None:
    driver = (ROOT / "tests" / "e2e" / "editors.py").read_text("utf-8")
    for config in ("neovim-0.7.lua", "neovim.lua", "eglot.el", "ale-linter.vim", "ale.vim", "flycheck.el"):
        assert f'"{config}"' in driver, f"tests/e2e/editors.py does not use docs/editors/{config}"


def test_every_editor_page_is_linked() -> None:
    pages = sorted(page.name for page in EDITORS.glob("*.md") if page.name != "index.md")
    assert {"vscode.md", "neovim.md", "emacs.md", "helix.md", "kate.md", "sublime-text.md", "zed.md", "ale.md", "nvim-lint.md", "flycheck.md"} <= set(pages)
    index = (EDITORS / "index.md").read_text("utf-8")
    started = (ROOT / "docs" / "getting-started.md").read_text("utf-8")
    for page in pages:
        assert f"]({page})" in index, f"docs/editors/index.md does not link {page}"
        assert f"](editors/{page})" in started, f"docs/getting-started.md does not link editors/{page}"


@pytest.mark.parametrize(("config", "check", "start"), [
    ("neovim-0.7.lua", "vim.fn.executable(asyncguide)", "vim.lsp.start_client("),
    ("neovim.lua", "vim.fn.executable(asyncguide)", "vim.lsp.enable("),
    ("eglot.el", "(executable-find asyncguide-command)", "eglot-ensure"),
])
def test_configurations_check_the_executable_before_starting_it(config: str, check: str, start: str) -> None:
    """Without `asyncguide` on PATH a configuration says so once, in words, instead of failing on
    every Python buffer (Neovim 0.7's `buf_attach_client` with the nil `start_client` gave)."""
    text = (EDITORS / config).read_text("utf-8")
    assert check in text and text.index(check) < text.index(start), f"{config} starts asyncguide before checking it is there"
    assert "is not an executable: install asyncguide" in text
    if config == "neovim-0.7.lua":
        assert "if asyncguide_client_id ~= nil then\n      vim.lsp.buf_attach_client" in text


@pytest.mark.skipif(shutil.which("nvim") is None, reason="Neovim is not installed (Debian package neovim)")
def test_neovim_07_config_without_asyncguide_warns_once_and_raises_nothing(tmp_path: Path) -> None:
    for name in ("a.py", "b.py"):
        (tmp_path / name).write_text("x = 1\n", "utf-8")
    nvim = shutil.which("nvim")
    assert nvim is not None
    messages = tmp_path / "messages.txt"
    result = subprocess.run(
        [nvim, "--headless", "-u", str(EDITORS / "neovim-0.7.lua"), "a.py", "-c", "edit b.py",
         "-c", f"redir! > {messages} | silent messages | redir END", "-c", "qa!"],
        cwd=tmp_path, env={"PATH": str(Path(nvim).parent), "HOME": str(tmp_path)},
        capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60, check=False,
    )
    shown = messages.read_text("utf-8")
    assert "Error" not in shown + result.stderr and "traceback" not in shown + result.stderr, shown + result.stderr
    assert shown.count("asyncguide is not an executable") == 1, shown


@pytest.mark.skipif(shutil.which("emacs") is None, reason="Emacs is not installed (Debian package emacs-nox)")
def test_eglot_config_without_asyncguide_warns_once_and_raises_nothing(tmp_path: Path) -> None:
    for name in ("a.py", "b.py"):
        (tmp_path / name).write_text("x = 1\n", "utf-8")
    emacs = shutil.which("emacs")
    assert emacs is not None
    script = (
        f'(progn (package-initialize) (load "{EDITORS / "eglot.el"}") '
        '(find-file "a.py") (run-hooks (quote post-command-hook)) '
        '(find-file "b.py") (run-hooks (quote post-command-hook)) (kill-emacs 0))'
    )
    result = subprocess.run(
        [emacs, "--batch", "--eval", script],
        cwd=tmp_path, env={"PATH": str(Path(emacs).parent), "HOME": str(tmp_path)},
        capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60, check=False,
    )
    shown = result.stdout + result.stderr
    assert result.returncode == 0 and "Debugger entered" not in shown and "error" not in shown.lower(), shown
    assert shown.count("asyncguide is not an executable") == 1, shown
