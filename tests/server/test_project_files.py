"""The server and the files of the workspace it serves: it never runs their code, reads framework
versions off its event loop, never hangs on special files, and warns once about metadata of the
wrong shape."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from lsprotocol import types

from .conftest import TIMEOUT, StartServer, open_document, pull_capabilities, uri, wait_for_message, wait_for_publish

SLOW_METADATA_SERVER = [sys.executable, "-m", "tests.server.server_with_slow_metadata"]
STA014 = {"select": ["STA014"], "debounceMs": 0}

#: STA014 reports it on Starlette 1.0 and later (and when the version is unknown: the newest),
#: not on 0.28, which had no request-first `TemplateResponse` to suggest
TEMPLATES = """\
from starlette.templating import Jinja2Templates

templates = Jinja2Templates(directory="templates")


async def homepage(request):
    return templates.TemplateResponse("index.html", {"request": request, "title": "Home"})
"""


def codes(params: types.PublishDiagnosticsParams) -> list[str]:
    return [str(diagnostic.code) for diagnostic in params.diagnostics]


async def test_version_detection_never_blocks_the_event_loop(start_server: StartServer, tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("starlette==0.28.0\n", "utf-8")
    client = await start_server(initialization_options=STA014, folders=[tmp_path], command=SLOW_METADATA_SERVER)
    document = open_document(client, tmp_path / "app.py", TEMPLATES)

    # the project's files take seconds to read; meanwhile the server answers requests...
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=document), position=types.Position(line=6, character=20))
    )
    assert hover is None or hover.contents
    assert client.published == []  # ...and holds the document's diagnostics back until it knows the version
    published = await wait_for_publish(client, document)
    assert codes(published) == []  # Starlette 0.28: never first published as if it were 1.0


async def test_pulled_diagnostics_wait_for_the_versions_without_blocking(start_server: StartServer, tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("starlette==0.28.0\n", "utf-8")
    client = await start_server(
        capabilities=pull_capabilities(), initialization_options=STA014, folders=[tmp_path], command=SLOW_METADATA_SERVER
    )
    document = open_document(client, tmp_path / "app.py", TEMPLATES)
    identifier = types.TextDocumentIdentifier(uri=document)
    pulled = asyncio.ensure_future(client.text_document_diagnostic_async(types.DocumentDiagnosticParams(text_document=identifier)))

    await client.text_document_hover_async(types.HoverParams(text_document=identifier, position=types.Position(line=6, character=20)))
    assert not pulled.done()  # the hover was answered while the diagnostics wait for the version
    report = await asyncio.wait_for(pulled, TIMEOUT)
    assert isinstance(report, types.RelatedFullDocumentDiagnosticReport) and list(report.items) == []  # Starlette 0.28


async def test_a_changed_requirements_file_is_read_again(start_server: StartServer, tmp_path: Path) -> None:
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("starlette==0.28.0\n", "utf-8")
    client = await start_server(initialization_options=STA014, folders=[tmp_path])
    document = open_document(client, tmp_path / "app.py", TEMPLATES)
    assert codes(await wait_for_publish(client, document)) == []

    requirements.write_text("starlette==1.0.0\n", "utf-8")
    later = os.stat(requirements).st_mtime_ns + 1_000_000
    os.utime(requirements, ns=(later, later))
    after = len(client.published)
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(changes=[types.FileEvent(uri=uri(requirements), type=types.FileChangeType.Changed)])
    )
    # the project index, once built, republishes the open documents too, and that may come first,
    # with the versions read before the change: the publish that counts follows the new reading
    republished = await wait_for_publish(client, document, after=after, where=lambda params: codes(params) == ["STA014"])
    assert codes(republished) == ["STA014"]


async def test_fifo_includes_and_wrong_shapes_are_warned_about_once(start_server: StartServer, tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pinned.txt")
    (tmp_path / "requirements.txt").write_text("-r pinned.txt\n-r /dev/zero\n", "utf-8")
    (tmp_path / "pyproject.toml").write_text("tool = 1\nproject = 1\n", "utf-8")
    client = await start_server(initialization_options=STA014, folders=[tmp_path])
    document = open_document(client, tmp_path / "app.py", TEMPLATES)

    assert codes(await wait_for_publish(client, document)) == ["STA014"]  # linted, the version unknown
    await wait_for_message(client, "not a regular file (a FIFO)")
    await wait_for_message(client, "not following /dev/zero: it is outside the project")
    await wait_for_message(client, "ignored `project`: it should be a table, not an integer")
    await wait_for_message(client, "ignored `tool`: it should be a table, not an integer")
    second = open_document(client, tmp_path / "other.py", TEMPLATES)
    await wait_for_publish(client, second)
    warnings = [message.message for message in client.messages]
    assert len(warnings) == len(set(warnings)) == 4


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
async def test_the_server_never_runs_a_repository_s_configured_commands(start_server: StartServer, tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "app.py").write_text(TEMPLATES, "utf-8")
    subprocess.run(["git", "-C", str(tmp_path), "add", "app.py"], check=True)
    subprocess.run(["git", "-C", str(tmp_path), "config", "core.fsmonitor", f"touch {tmp_path / 'PWNED'}; echo"], check=True)
    client = await start_server(initialization_options=STA014, folders=[tmp_path])
    document = open_document(client, tmp_path / "app.py", TEMPLATES)
    assert codes(await wait_for_publish(client, document)) == ["STA014"]
    client.text_document_did_save(types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=document)))
    await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=document), position=types.Position(line=0, character=6))
    )
    assert not (tmp_path / "PWNED").exists()


async def test_jedi_s_cache_folder_can_be_moved(start_server: StartServer, tmp_path: Path) -> None:
    # the module is outside the project: the project's index answers for the project's own
    # modules, jedi for the others
    project, library, cache = tmp_path / "project", tmp_path / "lib", tmp_path / "jedi-cache"
    project.mkdir()
    (library / "pkg").mkdir(parents=True)
    (library / "pkg" / "__init__.py").write_text("", "utf-8")
    (library / "pkg" / "db.py").write_text("async def fetch():\n    return 1\n", "utf-8")
    client = await start_server(
        initialization_options={"select": ["ASY110"], "debounceMs": 0},
        folders=[project],
        env={"ASYNCGUIDE_JEDI_CACHE": str(cache), "XDG_CACHE_HOME": str(tmp_path / "xdg"), "PYTHONPATH": str(library)},
    )
    document = open_document(client, project / "app.py", "from pkg.db import fetch\n\n\nasync def view():\n    fetch()\n")
    await wait_for_publish(client, document, where=lambda params: codes(params) == ["ASY110"])  # resolved with jedi
    assert any(cache.rglob("*"))
    assert not (tmp_path / "xdg" / "jedi").exists()
