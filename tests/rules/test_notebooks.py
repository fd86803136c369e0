"""Notebooks in the engine: cells joined and masked (``rules.notebooks``), linted with ``notebook=True``."""

from __future__ import annotations

import json

from asyncguide.rules.fixes import fix_all
from asyncguide.rules.notebooks import Notebook, updated_json
from asyncguide.rules.registry import all_rules
from asyncguide.rules.runner import lint

CELLS = [
    "import asyncio\nimport time\n%load_ext autoreload",
    "# a markdown cell's place",
    "async def fetch(url):\n    await asyncio.sleep(0.1)\n    return url\n\nasync def parse(raw):\n    return raw",
    "%%bash\necho $HOME",
    "files = !ls\nresult = await fetch('a')\ntime.sleep(1)\nfetch('b')",
    "%%time\nasyncio.run(fetch('c'))",
]


def notebook_json(cells: list[str], **metadata: object) -> str:
    document = {
        "cells": [
            {"cell_type": "markdown" if text.startswith("# a markdown") else "code", "metadata": {}, "source": text}
            for text in cells
        ],
        "metadata": metadata,
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(document, indent=1) + "\n"


def located(notebook: Notebook, codes: set[str]) -> list[tuple[int, int, str]]:
    """(cell number, 1-based line in the cell, code) of each diagnostic."""
    result = lint(notebook.text, codes, notebook=True)
    assert result.syntax_error is None, result.syntax_error
    found = []
    for diagnostic in result.diagnostics:
        place = notebook.locate(diagnostic.range.start_line)
        assert place is not None
        cell, line = place
        found.append((cell.number, line + 1, diagnostic.code))
    return found


def test_cells_are_joined_with_magics_masked_and_foreign_cells_left_out() -> None:
    notebook = Notebook.from_json(notebook_json(CELLS))
    assert [cell.number for cell in notebook.cells] == [1, 3, 5, 6]
    assert "%" not in notebook.text and "!" not in notebook.text and "echo" not in notebook.text
    assert "files = ...\n" in notebook.text
    # one line per line of the cells: positions map back
    assert notebook.locate(notebook.cells[2].start_line + 1) == (notebook.cells[2], 1)


def test_top_level_await_async_with_and_async_for_are_right_in_a_notebook() -> None:
    source = (
        "import asyncio\nimport aiohttp\n\nawait asyncio.sleep(1)\n"
        "async with aiohttp.ClientSession() as session:\n    pass\n"
        "async for item in session.stream():\n    pass\n"
    )
    result = lint(source, set(all_rules()) - {"AIO006"}, notebook=True)  # AIO006: the session has no timeout
    assert result.syntax_error is None
    assert result.diagnostics == []
    assert [d.code for d in lint(source, {"AIO004"}).diagnostics] == ["AIO004"]  # no loop runs in a module


def test_a_session_opened_with_plain_with_in_a_cell_is_reported_as_in_a_coroutine() -> None:
    source = "import aiohttp\n\nwith aiohttp.ClientSession() as session:\n    pass\n"
    assert [d.code for d in lint(source, {"ASY119"}, notebook=True).diagnostics] == ["ASY119"]
    assert lint(source, {"ASY119"}).diagnostics == []


def test_rules_see_the_cells_as_code_running_in_the_kernels_loop() -> None:
    notebook = Notebook.from_json(notebook_json(CELLS))
    found = located(notebook, {"ASY100", "ASY110", "ASY113", "ASY121", "ASY170"})
    # ASY121 follows a coroutine defined in cell 3; asyncio.run in a %%time cell is an error;
    # fetch('b') at the top level is a coroutine never awaited; time.sleep at the top level holds
    # up only the notebook's own code: not reported
    assert found == [(3, 5, "ASY121"), (5, 4, "ASY110"), (6, 2, "ASY170")]


def test_a_module_is_not_a_notebook() -> None:
    source = "import asyncio\nasync def fetch():\n    await asyncio.sleep(1)\nasyncio.run(fetch())\nfetch()\n"
    module = lint(source, {"ASY110", "ASY170"}).diagnostics
    assert [(d.code, d.fixable) for d in module] == [("ASY110", False)]
    assert "asyncio.run()" in module[0].message
    notebook = lint(source, {"ASY110", "ASY170"}, notebook=True).diagnostics
    assert [(d.code, d.fixable) for d in notebook] == [("ASY170", True), ("ASY110", True)]
    assert "never awaited in a notebook cell" in notebook[1].message


def test_a_notebook_of_another_language_has_no_cells() -> None:
    raw = notebook_json(["x <- 1"], kernelspec={"language": "R", "name": "ir"})
    assert Notebook.from_json(raw).cells == ()


def test_fixes_go_back_into_their_cells_and_the_json_keeps_every_other_byte() -> None:
    raw = notebook_json(CELLS)
    notebook = Notebook.from_json(raw)
    fixed = fix_all(notebook.text, {"ASY170", "ASY110"}, unsafe=True, notebook=True)
    sources = notebook.cell_sources(fixed.source)
    assert sources == {4: "files = !ls\nresult = await fetch('a')\ntime.sleep(1)\nawait fetch('b')", 5: "%%time\nawait fetch('c')"}
    updated = updated_json(raw, sources)
    expected = json.loads(raw)
    for index, text in sources.items():
        expected["cells"][index]["source"] = text
    assert updated == json.dumps(expected, indent=1) + "\n"


def test_a_line_inserted_at_a_cell_boundary_stays_with_the_cell_before() -> None:
    notebook = Notebook.from_cells([(0, "import time"), (1, "%env X=1\nx = 1")])
    joined = notebook.text.replace("import time\n", "import time\nimport asyncio\n")
    assert notebook.cell_sources(joined) == {0: "import time\nimport asyncio"}


def test_a_fix_on_a_masked_line_is_refused() -> None:
    notebook = Notebook.from_cells([(0, "x = 1\n%env X=1")])
    assert notebook.cell_sources(notebook.text.replace("...", "pass")) is None


def test_sources_stored_as_lists_keep_their_layout() -> None:
    raw = '{\n "cells": [\n  {\n   "cell_type": "code",\n   "source": [\n    "a = 1\\n",\n    "b = 2"\n   ]\n  }\n ]\n}'
    assert updated_json(raw, {0: "a = 1\nb = 3\nc = 4"}) == raw.replace(
        '"b = 2"', '"b = 3\\n",\n    "c = 4"'
    )


def test_ipython_syntax_is_masked_line_by_line_keeping_indentation() -> None:
    cell = "for name in names:\n    !echo {name} \\\n        --verbose\n    len?\nfiles = %sx ls\nx = 5 % 3\n%%time is not a cell magic here"
    notebook = Notebook.from_cells([(0, cell)])
    assert notebook.text == (
        "for name in names:\n    ...\n\n    ...\nfiles = ...\nx = 5 % 3\n...\n"
    )
    assert notebook.cells[0].masked_lines == {1, 2, 3, 4, 6}
    assert lint(notebook.text, {"ASY100"}, notebook=True).syntax_error is None


def test_cells_with_python_cell_magics_are_linted_and_others_are_not() -> None:
    notebook = Notebook.from_cells([(0, "%%timeit\nx = 1"), (1, "%%writefile app.py\nimport os"), (2, "%%capture out\ny = 2")])
    assert [cell.index for cell in notebook.cells] == [0, 2]
    assert notebook.text == "...\nx = 1\n...\ny = 2\n"


def test_asy121_follows_a_coroutine_across_cells() -> None:
    defined = "async def on_message(payload):\n    return payload"
    passed = Notebook.from_cells([(0, defined), (1, "bus.subscribe('orders', on_message)")])
    assert located(passed, {"ASY121"}) == []  # handed to a callback in cell 2: it must stay a coroutine function
    awaited = Notebook.from_cells([(0, defined), (1, "await on_message({})")])
    assert located(awaited, {"ASY121"}) == [(1, 1, "ASY121")]
