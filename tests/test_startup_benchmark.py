"""The start-up benchmark's own LSP client (benchmarks/startup.py): its framing, its answers to the
server's requests, and one start of asyncguide through it. No timing is asserted."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ROOT / "benchmarks"


def load_startup() -> ModuleType:
    """The benchmark scripts are not a package and import each other by name: load startup.py with
    their folder on the path."""
    sys.path.insert(0, str(BENCHMARKS))
    try:
        spec = importlib.util.spec_from_file_location("asyncguide_benchmark_startup", BENCHMARKS / "startup.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # dataclasses resolve names through sys.modules
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(BENCHMARKS))


startup = load_startup()

MESSAGES = [
    {"jsonrpc": "2.0", "id": 1, "result": {"capabilities": {}}},
    {"jsonrpc": "2.0", "method": "window/logMessage", "params": {"type": 4, "message": "déjà vu — “quoted”"}},
    {"jsonrpc": "2.0", "id": 2, "method": "workspace/configuration", "params": {"items": [{"section": "a"}]}},
]


def test_messages_split_anywhere_come_out_whole_and_in_order() -> None:
    stream = b"".join(startup.encode(message) for message in MESSAGES)
    for cut in range(1, len(stream)):
        buffer = startup.MessageBuffer()
        assert buffer.feed(stream[:cut]) + buffer.feed(stream[cut:]) == MESSAGES
        assert not buffer.unread


def test_the_length_counts_bytes_and_other_headers_are_ignored() -> None:
    body = json.dumps(MESSAGES[1], ensure_ascii=False).encode("utf-8")
    framed = b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\ncontent-length: %d\r\n\r\n" % len(body) + body
    assert startup.MessageBuffer().feed(framed + framed[:10]) == [MESSAGES[1]]
    assert startup.encode(MESSAGES[1]).startswith(b"Content-Length: %d\r\n" % len(json.dumps(MESSAGES[1], separators=(",", ":")).encode()))


def test_a_header_without_length_is_an_error() -> None:
    with pytest.raises(startup.ProtocolError):
        startup.MessageBuffer().feed(b"Content-Type: x\r\n\r\n{}")


def test_the_server_gets_no_settings_and_null_for_other_requests() -> None:
    configuration = {"id": 7, "method": "workspace/configuration", "params": {"items": [{"section": "a"}, {"section": "b"}]}}
    assert startup.answer_to(configuration) == {"jsonrpc": "2.0", "id": 7, "result": [None, None]}
    registration = {"id": "r", "method": "client/registerCapability", "params": {"registrations": []}}
    assert startup.answer_to(registration) == {"jsonrpc": "2.0", "id": "r", "result": None}


@pytest.mark.parametrize("mode", [startup.PULL, startup.PUSH])
def test_one_start_of_asyncguide_gets_the_finding_of_app_py(tmp_path: Path, mode: str) -> None:
    """The client drives a real start to the first diagnostics, and the code cache goes to the
    benchmark's ``XDG_CACHE_HOME``, not the user's."""
    (server,) = (server for server in startup.SERVERS if server.name == "asyncguide")
    folder = tmp_path / "workspace"
    folder.mkdir()
    document = startup.Document("app.py", "app.py", startup.APP.read_text("utf-8"))
    (folder / document.name).write_text(document.text, "utf-8")
    cache_home = tmp_path / "cache"

    run = startup.start_once(server, document, mode, folder, cache_home, timeout=60,
                             until=lambda: bool(startup.code_cache_files(cache_home)))

    assert run["findings"] == 1  # the blocking time.sleep() in a handler
    assert 0 < run["initialize_s"] < run["first_diagnostics_s"]
    assert "workspace/configuration" in run["server_requests"]
    assert startup.code_cache_files(cache_home)
