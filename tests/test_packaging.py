"""The distribution installs every package of rules/ and server/ under ``asyncguide.``."""

from __future__ import annotations

import subprocess
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
    on_disk = {"asyncguide"}  # toplevel/: only asyncguide/__main__.py, no __init__.py (a namespace package)
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


def test_python_dash_m_asyncguide_runs_the_command(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("import time\n\nasync def handler():\n    time.sleep(1)\n", "utf-8")
    completed = subprocess.run(
        [sys.executable, "-m", "asyncguide", "check", "--select", "ASY100", "app.py"],
        cwd=tmp_path, capture_output=True, text=True, check=False,
    )
    assert completed.returncode == 1, completed.stderr
    assert completed.stdout.startswith("app.py:4:5: ASY100 ")
    version = subprocess.run([sys.executable, "-m", "asyncguide", "--version"], capture_output=True, text=True, check=True)
    assert version.stdout.startswith("asyncguide ")
