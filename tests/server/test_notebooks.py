"""Notebooks through LSP 3.17 notebook document sync, driven by pytest-lsp's client against the real
server: diagnostics per cell, updates after a cell's edit, fixes across cells, hovers, closing."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types

from .conftest import (
    Client,
    StartServer,
    apply,
    as_tuple,
    code_actions,
    eager_capabilities,
    edits_of,
    pull,
    pull_capabilities,
    span,
    uri,
    wait_for_publish,
)

SETTINGS = {"select": ["ASY100", "ASY121", "ASY170"], "debounceMs": 0}
#: the notebook's cells: markdown, then three code cells (one with IPython magics)
CELLS = [
    (types.NotebookCellKind.Markup, "markdown", "# Polling the service"),
    (types.NotebookCellKind.Code, "python", "import time\n%load_ext autoreload"),
    (types.NotebookCellKind.Code, "python", "async def poll():\n    time.sleep(1)\n    return 200"),
    (types.NotebookCellKind.Code, "python", "!echo starting\nimport uvloop\nstatus = uvloop.run(poll())"),
]


def notebook_capabilities() -> types.ClientCapabilities:
    """VS Code's capabilities (edits with the actions), with notebook document sync, which VS Code
    declares and pytest-lsp's recording lacks."""
    capabilities = eager_capabilities()
    capabilities.notebook_document = types.NotebookDocumentClientCapabilities(
        synchronization=types.NotebookDocumentSyncClientCapabilities(execution_summary_support=True)
    )
    return capabilities


def cell_uri(notebook: Path, index: int) -> str:
    """A cell's URI as VS Code makes it: the notebook's path, the cell in the fragment."""
    return uri(notebook).replace("file:", "vscode-notebook-cell:", 1) + f"#cell{index}"


def open_notebook(client: Client, notebook: Path) -> list[str]:
    client.notebook_document_did_open(
        types.DidOpenNotebookDocumentParams(
            notebook_document=types.NotebookDocument(
                uri=uri(notebook),
                notebook_type="jupyter-notebook",
                version=1,
                cells=[types.NotebookCell(kind=kind, document=cell_uri(notebook, index)) for index, (kind, _, _) in enumerate(CELLS)],
            ),
            cell_text_documents=[
                types.TextDocumentItem(uri=cell_uri(notebook, index), language_id=language, version=1, text=text)
                for index, (_, language, text) in enumerate(CELLS)
            ],
        )
    )
    return [cell_uri(notebook, index) for index in range(len(CELLS))]


def diagnosed(params: types.PublishDiagnosticsParams) -> list[tuple[str | int | None, tuple[int, int, int, int]]]:
    return [(diagnostic.code, as_tuple(diagnostic.range)) for diagnostic in params.diagnostics]


async def test_the_server_asks_for_the_python_cells_of_jupyter_notebooks(start_server: StartServer) -> None:
    client = await start_server(capabilities=notebook_capabilities(), initialization_options=SETTINGS)
    assert client.initialize_result is not None
    sync = client.initialize_result.capabilities.notebook_document_sync
    assert isinstance(sync, types.NotebookDocumentSyncOptions)
    [selector] = sync.notebook_selector
    assert isinstance(selector, types.NotebookDocumentFilterWithNotebook)
    assert selector.notebook == "jupyter-notebook" and list(selector.cells or ()) == [types.NotebookCellLanguage(language="python")]


async def test_diagnostics_land_on_their_cell_and_follow_an_edit(start_server: StartServer, tmp_path: Path) -> None:
    client = await start_server(capabilities=notebook_capabilities(), initialization_options=SETTINGS)
    notebook = tmp_path / "polling.ipynb"
    cells = open_notebook(client, notebook)
    sleep = await wait_for_publish(client, cells[2], version=1)
    # poll() never awaits: ASY121 on its header
    assert diagnosed(sleep) == [("ASY121", (0, 0, 0, 14)), ("ASY100", (1, 4, 1, 17))]
    run = await wait_for_publish(client, cells[3], version=1)
    assert diagnosed(run) == [("ASY170", (2, 9, 2, 27))]
    assert diagnosed(await wait_for_publish(client, cells[1], version=1)) == []  # the magic parses
    assert cells[0] not in {params.uri for params in client.published}  # markdown is not linted

    published = len(client.published)
    client.notebook_document_did_change(
        types.DidChangeNotebookDocumentParams(
            notebook_document=types.VersionedNotebookDocumentIdentifier(version=2, uri=uri(notebook)),
            change=types.NotebookDocumentChangeEvent(
                cells=types.NotebookDocumentCellChanges(
                    text_content=[
                        types.NotebookDocumentCellContentChanges(
                            document=types.VersionedTextDocumentIdentifier(uri=cells[3], version=2),
                            changes=[types.TextDocumentContentChangePartial(range=span(2, 9, 2, 27), text="await poll()")],
                        )
                    ]
                )
            ),
        )
    )
    assert diagnosed(await wait_for_publish(client, cells[3], version=2, after=published)) == []
    # the other cells' diagnostics are published again, unchanged
    assert diagnosed(await wait_for_publish(client, cells[2], after=published)) == diagnosed(sleep)


async def test_a_quick_fix_in_a_cell_edits_the_cells_it_needs(start_server: StartServer, tmp_path: Path) -> None:
    client = await start_server(capabilities=notebook_capabilities(), initialization_options=SETTINGS)
    notebook = tmp_path / "polling.ipynb"
    cells = open_notebook(client, notebook)
    await wait_for_publish(client, cells[2], version=1)
    [fix] = [action for action in await code_actions(client, cells[2], span(1, 6, 1, 6)) if action.title.startswith("ASY100:")]
    # `await asyncio.sleep(1)` in the cell, `import asyncio` after the imports of the first code cell
    assert apply(CELLS[2][2], edits_of(fix.edit, cells[2])) == "async def poll():\n    await asyncio.sleep(1)\n    return 200"
    assert apply(CELLS[1][2], edits_of(fix.edit, cells[1])) == "import time\nimport asyncio\n%load_ext autoreload"
    assert edits_of(fix.edit, cells[3]) == []
    [run_fix] = [action for action in await code_actions(client, cells[3], span(2, 12, 2, 12)) if action.title.startswith("ASY170:")]
    assert apply(CELLS[3][2], edits_of(run_fix.edit, cells[3])) == "!echo starting\nimport uvloop\nstatus = await poll()"
    [fix_all] = await code_actions(client, cells[3], span(0, 0, 0, 0), only=["source.fixAll.asyncguide"])
    assert [apply(text, edits_of(fix_all.edit, cell)) for cell, (_, _, text) in zip(cells[1:], CELLS[1:])] == [
        "import time\nimport asyncio\n%load_ext autoreload",
        "async def poll():\n    await asyncio.sleep(1)\n    return 200",
        "!echo starting\nimport uvloop\nstatus = await poll()",
    ]


async def test_hover_on_a_cells_diagnostic_explains_it(start_server: StartServer, tmp_path: Path) -> None:
    client = await start_server(capabilities=notebook_capabilities(), initialization_options=SETTINGS)
    cells = open_notebook(client, tmp_path / "polling.ipynb")
    await wait_for_publish(client, cells[3], version=1)
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=cells[3]), position=types.Position(line=2, character=12))
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert "ASY170" in hover.contents.value and "Implement effective loop running" in hover.contents.value
    assert as_tuple(hover.range) == (2, 9, 2, 27)


async def test_closing_the_notebook_clears_its_cells_diagnostics(start_server: StartServer, tmp_path: Path) -> None:
    client = await start_server(capabilities=notebook_capabilities(), initialization_options=SETTINGS)
    notebook = tmp_path / "polling.ipynb"
    cells = open_notebook(client, notebook)
    await wait_for_publish(client, cells[3], version=1)
    published = len(client.published)
    client.notebook_document_did_close(
        types.DidCloseNotebookDocumentParams(
            notebook_document=types.NotebookDocumentIdentifier(uri=uri(notebook)),
            cell_text_documents=[types.TextDocumentIdentifier(uri=cell) for cell in cells],
        )
    )
    for cell in cells[1:]:
        assert (await wait_for_publish(client, cell, after=published)).diagnostics == ()


async def test_a_client_pulling_diagnostics_gets_each_cells(start_server: StartServer, tmp_path: Path) -> None:
    capabilities = pull_capabilities()
    capabilities.notebook_document = notebook_capabilities().notebook_document
    client = await start_server(capabilities=capabilities, initialization_options=SETTINGS)
    cells = open_notebook(client, tmp_path / "polling.ipynb")
    report = await pull(client, cells[3])
    assert [(d.code, as_tuple(d.range)) for d in report.items] == [("ASY170", (2, 9, 2, 27))]
    assert (await pull(client, cells[1])).items == ()
    assert (await pull(client, cells[3], report.result_id)).kind == "unchanged"
