"""The documentation site builds with mkdocs in strict mode, and diagnostics link to its rule pages.

The site is built the way mkdocs.yml's header says (``mkdocs build --strict``), into a temporary
folder; a broken link, a missing anchor or a page missing from the nav's folders fails the build.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from urllib.parse import urlsplit

import pytest

pytest.importorskip("mkdocs", reason="mkdocs is not installed: pip install -e '.[docs]' (the test extra has it)")
pytest.importorskip("material", reason="mkdocs-material is not installed: pip install -e '.[docs]'")

from mkdocs.config import load_config  # noqa: E402
from mkdocs.config.defaults import MkDocsConfig  # noqa: E402

from asyncguide.rules.documentation import rule_url  # noqa: E402
from asyncguide.rules.guidelines import DOCUMENTS  # noqa: E402
from asyncguide.rules.registry import all_rules  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "mkdocs.yml"
CODES = sorted(all_rules())


def mkdocs_build(config: Path, site: Path) -> subprocess.CompletedProcess[str]:
    # NO_MKDOCS_2_WARNING quiets Material's banner about MkDocs 2, which is printed, not fetched
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(config), "--site-dir", str(site)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )


@pytest.fixture(scope="module")
def config() -> MkDocsConfig:
    return load_config(str(CONFIG))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site_dir = tmp_path_factory.mktemp("site")
    result = mkdocs_build(CONFIG, site_dir)
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stderr}"
    return site_dir


def load_hooks() -> ModuleType:
    spec = importlib.util.spec_from_file_location("asyncguide_mkdocs_hooks", ROOT / "docs" / "mkdocs_hooks.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_config_is_strict_and_fetches_nothing(config: MkDocsConfig) -> None:
    assert config.strict
    assert config.theme.name == "material"
    # Material's social and privacy plugins download at build time; only search may be on
    plugins = {name for name in config.plugins if not name.endswith(".py")}
    assert plugins <= {"search", "material/search"}, plugins


@pytest.mark.parametrize("code", CODES)
def test_rule_url_is_the_rule_pages_url(code: str, config: MkDocsConfig) -> None:
    assert config.use_directory_urls
    assert rule_url(code) == f"{config.site_url}rules/{code}/"


def test_every_rule_page_is_where_its_diagnostics_link(site: Path, config: MkDocsConfig) -> None:
    site_url = config.site_url
    for code in CODES:
        relative = rule_url(code).removeprefix(site_url)
        assert relative != rule_url(code), f"rule_url({code!r}) is not under site_url {site_url}"
        page = site / urlsplit(relative).path / "index.html"
        assert page.is_file(), f"{rule_url(code)} has no page: {page.relative_to(site)} was not built"
        assert re.search(rf"<h1[^>]*>{code}: ", page.read_text("utf-8")), f"{page} is not the page of {code}"


def test_every_guideline_map_and_page_of_the_nav_is_built(site: Path) -> None:
    for document in DOCUMENTS:
        assert (site / "guidelines" / document / "index.html").is_file()
    for page in ("getting-started", "cli", "configuration", "guidelines", "rules", "writing-rules", "hovers", "changelog"):
        assert (site / page / "index.html").is_file(), f"{page}/ was not built"
    assert (site / "index.html").is_file()


def test_build_tools_are_not_published(site: Path) -> None:
    assert not list(site.rglob("*.py"))


def test_broken_links_and_anchors_fail_the_build(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Home\n\nSee [the CLI](cli.md) and [its options](page.md#no-such-heading).\n")
    (docs / "page.md").write_text("# Page\n\n## A heading\n")
    # the project's settings, with this folder's pages
    config = tmp_path / "mkdocs.yml"
    config.write_text(f"INHERIT: {CONFIG}\ndocs_dir: docs\nhooks: []\nnav:\n  - index.md\n  - page.md\n")
    result = mkdocs_build(config, tmp_path / "site")
    assert result.returncode != 0
    assert "cli.md" in result.stderr
    assert "no-such-heading" in result.stderr


def test_folder_entries_list_the_folders_pages_and_vanish_when_empty(tmp_path: Path) -> None:
    hooks = load_hooks()
    (tmp_path / "editors").mkdir()
    for name in ("vim.md", "index.md", "emacs.md"):
        (tmp_path / "editors" / name).write_text("# x\n")
    (tmp_path / "editors" / "notes.txt").write_text("not a page\n")
    nav = [
        {"Home": "index.md"},
        {"Editors": "editors/"},
        {"More": [{"Plugins": "plugins/"}, {"Editors again": "editors/"}]},
        "changelog.md",
    ]
    assert hooks.expand(nav, tmp_path) == [
        {"Home": "index.md"},
        {"Editors": ["editors/index.md", "editors/emacs.md", "editors/vim.md"]},
        {"More": [{"Editors again": ["editors/index.md", "editors/emacs.md", "editors/vim.md"]}]},
        "changelog.md",
    ]
