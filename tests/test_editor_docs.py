"""The editor pages show the configurations the end-to-end tests run: the Neovim, Emacs, ALE and
flycheck code on docs/editors/*.md is, character for character, the files tests/e2e loads
(docs/editors/*.lua, *.el, *.vim),
and every editor page is linked from the editors index and from Getting started."""

from __future__ import annotations

import re
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
