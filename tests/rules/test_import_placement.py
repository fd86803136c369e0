"""Imports a fix adds go where isort and ruff put them (``rules/import_placement.py``); and the
fixes of every fixture leave nothing for ruff to flag that the fixture did not have already."""

from __future__ import annotations

import collections
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from asyncguide.rules.fixes import FixContext, apply_edits

from .fixture import Fixture, all_fixtures

needs_ruff = pytest.mark.skipif(importlib.util.find_spec("ruff") is None, reason="ruff is not installed (the test extra has it)")


def with_import(source: str, module: str, name: str | None = None) -> str:
    context = FixContext(source)
    edit = context.add_import(module) if name is None else context.add_from_import(module, name)
    assert edit is not None
    return apply_edits(source, [edit])


@pytest.mark.parametrize(
    ("source", "module", "name", "expected"),
    [
        pytest.param(
            "import os\nimport time\n\nimport httpx\n\n\nasync def f():\n    pass\n",
            "asyncio", None,
            "import asyncio\nimport os\nimport time\n\nimport httpx\n\n\nasync def f():\n    pass\n",
            id="stdlib-first-in-its-section",
        ),
        pytest.param(
            "import os\nfrom time import sleep\n\nimport httpx\n",
            "json", None,
            "import json\nimport os\nfrom time import sleep\n\nimport httpx\n",
            id="plain-imports-before-from-imports",
        ),
        pytest.param(
            "import os\nfrom time import sleep\n\nimport httpx\n",
            "typing", "Any",
            "import os\nfrom time import sleep\nfrom typing import Any\n\nimport httpx\n",
            id="from-import-sorted-among-from-imports",
        ),
        pytest.param(
            '"""Doc."""\n\nfrom __future__ import annotations\n\nimport httpx\n\nx = 1\n',
            "asyncio", None,
            '"""Doc."""\n\nfrom __future__ import annotations\n\nimport asyncio\n\nimport httpx\n\nx = 1\n',
            id="own-section-after-future-before-third-party",
        ),
        pytest.param(
            "from __future__ import annotations\n\nx = 1\n",
            "asyncio", None,
            "from __future__ import annotations\n\nimport asyncio\n\nx = 1\n",
            id="own-section-after-the-last",
        ),
        pytest.param(
            "import httpx\nfrom starlette.responses import JSONResponse\n",
            "starlette.responses", "HTMLResponse",
            "import httpx\nfrom starlette.responses import HTMLResponse, JSONResponse\n",
            id="merged-into-the-modules-from-import",
        ),
        pytest.param(
            "from sanic import Sanic, json\n",
            "sanic", "Request",
            "from sanic import Request, Sanic, json\n",
            id="merged-classes-before-functions",
        ),
        pytest.param(
            "import os\n\n# the HTTP client\nimport httpx\n",
            "aiohttp", None,
            "import os\n\nimport aiohttp\n# the HTTP client\nimport httpx\n",
            id="before-the-comment-that-belongs-to-the-next-import",
        ),
        pytest.param(
            "# -*- coding: latin-1 -*-\n# Copyright\nimport time\n",
            "asyncio", None,
            "# -*- coding: latin-1 -*-\n# Copyright\nimport asyncio\nimport time\n",
            id="after-the-comments-heading-the-file",
        ),
        pytest.param(
            "import os\r\n\r\nimport httpx\r\n",
            "time", None,
            "import os\r\nimport time\r\n\r\nimport httpx\r\n",
            id="the-files-line-breaks",
        ),
        pytest.param(
            "import httpx\nfrom . import views\n",
            "asyncio", None,
            "import asyncio\n\nimport httpx\nfrom . import views\n",
            id="stdlib-before-third-party-and-relative",
        ),
    ],
)
def test_added_import_goes_where_isort_puts_it(source: str, module: str, name: str | None, expected: str) -> None:
    assert with_import(source, module, name) == expected


def test_without_imports_the_import_goes_after_the_docstring() -> None:
    assert with_import('"""Doc."""\nx = 1\n', "asyncio") == '"""Doc."""\nimport asyncio\nx = 1\n'


def ruff_codes(path: Path) -> collections.Counter[str]:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--isolated", "--select", "E,F,I", "--ignore", "E501",
         "--output-format", "json", str(path)],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode in (0, 1), result.stderr
    return collections.Counter(finding["code"] for finding in json.loads(result.stdout))


#: what a fix may leave that it cannot avoid: a name whose last use the fix removed (ruff's own
#: fixes remove the import or the assignment; asyncguide touches only the code it flags)
LEFT_UNUSED = {"F401", "F841"}
#: a notebook's cells may await at the top level (F704 flags it in a module)
TOP_LEVEL_AWAIT = {"F704"}
#: ASY124 rewrites `if x: from asyncio import a, iscoroutinefunction` into two imports on that one
#: line, joined by a semicolon: the one-line `if` body cannot take a second line
ONE_LINE_BODIES = {"ASY124": {"E702"}}


@needs_ruff
@pytest.mark.parametrize("fixture", [f for f in all_fixtures() if f.fixed_path.exists()], ids=lambda f: f.code)
def test_fixes_add_nothing_ruff_flags(fixture: Fixture) -> None:
    added = ruff_codes(fixture.fixed_path) - ruff_codes(fixture.path)
    allowed = LEFT_UNUSED | ONE_LINE_BODIES.get(fixture.code, set()) | (TOP_LEVEL_AWAIT if fixture.notebook else set())
    assert {code: count for code, count in added.items() if code not in allowed} == {}
