"""A document written for a newer Python than the server's: a warning, once per workspace folder."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from .conftest import FAST, StartServer, change, open_document, wait_for_message, wait_for_publish

pytestmark = pytest.mark.skipif(sys.version_info >= (3, 12), reason="this Python parses PEP 695")

#: Python 3.12 syntax (PEP 695)
TYPE_STATEMENT = "import asyncio\n\ntype Handler = object\n"
RUNNING = "{}.{}".format(*sys.version_info[:2])


async def test_newer_syntax_is_explained_once_per_workspace_folder(start_server: StartServer, tmp_path: Path) -> None:
    service, other = tmp_path / "service", tmp_path / "other"
    service.mkdir()
    other.mkdir()
    client = await start_server(initialization_options=FAST, folders=[service, other])  # showSyntaxErrors off

    first = open_document(client, service / "routes.py", TYPE_STATEMENT)
    message = await wait_for_message(client, "routes.py")
    assert message.message == (
        f"asyncguide runs on Python {RUNNING}, and routes.py uses Python 3.12 syntax, so it is not checked "
        "(nor other files written for a newer Python): run asyncguide with Python ≥ 3.12"
    )
    assert (await wait_for_publish(client, first, version=1)).diagnostics == ()

    # the warning would come before the document's diagnostics: once they are here, none came
    second = open_document(client, service / "models.py", TYPE_STATEMENT)
    await wait_for_publish(client, second, version=1)
    plain = open_document(client, service / "broken.py", "def f(:\n    pass\n")
    await wait_for_publish(client, plain, version=1)
    assert [m.message for m in client.messages if "syntax" in m.message] == [message.message]

    open_document(client, other / "app.py", TYPE_STATEMENT)
    await wait_for_message(client, "app.py uses Python 3.12 syntax")


async def test_text_typed_into_a_document_is_not_taken_for_newer_syntax(start_server: StartServer, tmp_path: Path) -> None:
    """While typing, half-written code can look like newer syntax: only a document's text as opened counts."""
    client = await start_server(initialization_options=FAST, folders=[tmp_path])
    typed = open_document(client, tmp_path / "typed.py", "import asyncio\n")
    await wait_for_publish(client, typed, version=1)
    change(client, typed, 2, (None, TYPE_STATEMENT))
    await wait_for_publish(client, typed, version=2)
    assert not [m for m in client.messages if "syntax" in m.message]

    open_document(client, tmp_path / "opened.py", TYPE_STATEMENT)
    await wait_for_message(client, "opened.py uses Python 3.12 syntax")
