"""The distribution installs every package of rules/ and server/ under ``asyncguide.``."""

from __future__ import annotations

import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]


def test_every_source_package_is_listed_in_pyproject() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]
    listed = set(config["packages"])
    on_disk = set()
    for folder, package in config["package-dir"].items():
        for init in (ROOT / package).rglob("__init__.py"):
            relative = init.parent.relative_to(ROOT / package).parts
            on_disk.add(".".join((folder, *relative)))
    assert on_disk == listed


def test_no_top_level_rules_or_server_module_is_installed() -> None:
    import asyncguide.rules
    import asyncguide.server

    assert Path(asyncguide.rules.__file__).parent.name == "rules"
    assert "rules" not in sys.modules and "server" not in sys.modules
