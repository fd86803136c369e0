"""Benchmark (d): the language server with a project of 1,000 modules indexed.

A workspace of at least 1,000 modules is made from the corpus of (b): every ``.py`` file of the
installed tornado, aiohttp, sanic, starlette and fastapi, copied at the workspace's root and again
under ``replica2/``, ``replica3/``… (namespace packages) until there are 1,000 files. The replicas'
absolute imports name the root copy, as a monorepo's packages import a shared one. Beside them:
``document_1000.py``, the 1,000-line file of (a), and a small package ``app`` whose ``api.py``
calls a helper of ``db.py``.

pygls's ``LanguageClient`` starts ``asyncguide serve`` on that folder (``debounceMs: 0``, as in
(a), so only work is timed) and waits until the server's ``window/workDoneProgress`` says the
index is built. Then, in the same server:

- **keystrokes**: ``document_1000.py`` is opened and edited as in (a), both kinds of change, one
  at a time; time from sending each ``didChange`` to its ``publishDiagnostics``, and the server's
  CPU time per change (less inflated than wall-clock times by other work on the machine);
- **cross-file update** (ASY200 only): with ``app/api.py`` open, ``app/db.py`` gains and loses a
  blocking call, alternately: first on disk, each write followed by a ``didChangeWatchedFiles``
  event, then as an open document (``didOpen``, then ``didChange``\\ s with the whole text);
  time from the event or the change to the ``publishDiagnostics`` of ``api.py`` whose ASY200
  finding appeared or disappeared;
- **memory**: the server's resident memory once the index is built, and after everything.

Each configuration runs in a fresh server, with the cache (``.asyncguide_cache/``) deleted first,
so each one indexes from scratch: the default rules (ASY200 and the coroutine rules ask the
index). For comparison, the keystrokes are also timed with the
1,000-line file alone in its workspace folder (no project to index), in the same conditions.

    benchmarks/.venv/bin/python benchmarks/live.py [--edits 200] [--warmup 20] [--updates 10]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

from corpus import copy_corpus
from latency import (
    BIN, HERE, IN_LINE, NEW_LINE, SETTINGS, SETTLE_SECONDS, Document, edit_position, keystroke_change, percentile, real_document,
    resident_mib,
)
from results import save_section, warn_if_busy

#: how many modules the workspace has at least
MODULES = 1_000
#: name -> the editor settings of that configuration, and whether its workspace is the project
#: of 1,000 modules (else a folder of the 1,000-line file alone: the keystrokes of (a), for comparison)
CONFIGURATIONS = {
    "default rules, the file alone": (SETTINGS, False),
    "default rules": (SETTINGS, True),
}
TARGETS = {"keystroke_p95_ms": 15.0, "cross_file_ms": 300.0, "rss_mib": 150.0}

API = "from app.db import query\n\n\nasync def handler():\n    query()\n"
QUIET_DB = "def query():\n    return 1\n"
BLOCKING_DB = "import time\n\n\ndef query():\n    time.sleep(1)\n"


class ServerError(RuntimeError):
    pass


def make_workspace(root: Path) -> dict[str, int]:
    """The corpus, replicated until there are ``MODULES`` files, plus the benchmark's own files."""
    copies = 0
    files = lines = 0
    while files < MODULES:
        copies += 1
        sizes = copy_corpus(root if copies == 1 else root / f"replica{copies}")
        files += sum(size["files"] for size in sizes.values())
        lines += sum(size["lines"] for size in sizes.values())
    (root / "app").mkdir()
    (root / "app/__init__.py").write_text("")
    (root / "app/db.py").write_text(QUIET_DB)
    (root / "app/api.py").write_text(API)
    document = real_document(1_000)
    (root / "document_1000.py").write_text(document.text)
    return {"copies": copies, "corpus_files": files, "corpus_lines": lines, "files": files + 4}


class Session:
    """One server, and what it sent: every ``publishDiagnostics`` and the end of the indexing."""

    def __init__(self, folder: Path, settings: dict, timeout: float):
        self.folder = folder
        self.settings = settings
        self.timeout = timeout
        self.client = LanguageClient("asyncguide-live-benchmark", "1")
        #: uri -> (arrival time, params) of each publish, in order
        self.published: dict[str, list[tuple[float, types.PublishDiagnosticsParams]]] = {}
        self.arrived = asyncio.Event()
        self.indexed = asyncio.Event()
        self.errors: list[str] = []
        self.stderr_tail: list[bytes] = []
        client = self.client

        @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
            self.published.setdefault(params.uri, []).append((time.perf_counter(), params))
            self.arrived.set()

        @client.feature(types.WORKSPACE_CONFIGURATION)
        def on_configuration(params: types.ConfigurationParams) -> list[object]:
            return [settings if item.section in (None, "asyncguide") else None for item in params.items]

        @client.feature(types.CLIENT_REGISTER_CAPABILITY)
        def on_register(params: types.RegistrationParams) -> None:
            return None

        @client.feature(types.WINDOW_WORK_DONE_PROGRESS_CREATE)
        def on_progress_create(params: types.WorkDoneProgressCreateParams) -> None:
            return None

        @client.feature(types.PROGRESS)
        def on_progress(params: types.ProgressParams) -> None:
            value = params.value
            if (isinstance(value, dict) and value.get("kind") == "end") or isinstance(value, types.WorkDoneProgressEnd):
                self.indexed.set()

        @client.feature(types.WINDOW_LOG_MESSAGE)
        def on_log(params: types.LogMessageParams) -> None:
            return None

        @client.feature(types.WINDOW_SHOW_MESSAGE)
        def on_message(params: types.ShowMessageParams) -> None:
            if params.type == types.MessageType.Error:
                self.errors.append(params.message)
                self.arrived.set()

    async def start(self) -> float:
        """Start the server and wait for its index: the seconds from ``initialized`` to the end."""
        await self.client.start_io(str(BIN / "asyncguide"), "serve")
        stderr = self.client._server.stderr  # pygls pipes it and never reads it: drain it

        async def drain() -> None:
            while chunk := await stderr.read(65536):
                self.stderr_tail[:] = [*self.stderr_tail[-15:], chunk]

        self.draining = asyncio.create_task(drain())
        await self.client.initialize_async(types.InitializeParams(
            process_id=None,
            root_uri=self.folder.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=self.folder.as_uri(), name="benchmark")],
            initialization_options=self.settings,
            capabilities=types.ClientCapabilities(
                workspace=types.WorkspaceClientCapabilities(configuration=True),
                window=types.WindowClientCapabilities(work_done_progress=True),
                text_document=types.TextDocumentClientCapabilities(
                    synchronization=types.TextDocumentSyncClientCapabilities(),
                    publish_diagnostics=types.PublishDiagnosticsClientCapabilities(version_support=True),
                ),
            ),
        ))
        started = time.perf_counter()
        self.client.initialized(types.InitializedParams())
        try:
            await asyncio.wait_for(self.indexed.wait(), 20 * self.timeout)
        except asyncio.TimeoutError:
            raise ServerError(f"the index was not built within {20 * self.timeout:.0f} s{self.log()}") from None
        return time.perf_counter() - started

    def rss_mib(self) -> float | None:
        return resident_mib(self.client._server.pid)

    def cpu_seconds(self) -> float | None:
        """The CPU time the server has used so far, every thread's (Linux ``/proc``; None elsewhere)."""
        try:
            fields = Path(f"/proc/{self.client._server.pid}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime

    def log(self) -> str:
        return "; server stderr:\n" + b"".join(self.stderr_tail).decode("utf-8", "replace")[-3000:]

    async def publish(self, uri: str, after: int, where) -> tuple[float, types.PublishDiagnosticsParams]:
        """The first publish for ``uri`` after its ``after`` first ones that satisfies ``where``."""
        deadline = time.perf_counter() + self.timeout
        while True:
            if self.errors:
                raise ServerError(f"the server failed: {self.errors}")
            for arrived, params in self.published.get(uri, [])[after:]:
                if where(params):
                    return arrived, params
            self.arrived.clear()
            try:
                await asyncio.wait_for(self.arrived.wait(), max(deadline - time.perf_counter(), 0))
            except asyncio.TimeoutError:
                raise ServerError(f"no matching publishDiagnostics for {uri} within {self.timeout:.0f} s{self.log()}") from None

    def count(self, uri: str) -> int:
        return len(self.published.get(uri, []))

    def open(self, path: Path, text: str, version: int = 1) -> str:
        uri = path.as_uri()
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="python", version=version, text=text)
        ))
        return uri

    def close(self, uri: str) -> None:
        self.client.text_document_did_close(
            types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
        )

    async def stop(self) -> None:
        try:
            await self.client.shutdown_async(None)
            self.client.exit(None)
            await asyncio.wait_for(self.client._server.wait(), 10)
        except (asyncio.TimeoutError, Exception):  # noqa: BLE001 - stopping anyway
            if self.client._server.returncode is None:
                self.client._server.kill()
        await self.client.stop()
        await self.draining


async def keystrokes(
    session: Session, document: Document, path: Path, kind: str, edits: int, warmup: int
) -> tuple[list[float], float | None]:
    """Open the document, time ``warmup + edits`` changes of ``kind``, close it; the last ``edits``
    times, and the server's CPU time per measured change (ms), which other work on the machine
    inflates less than wall-clock times."""
    mark = session.count(path.as_uri())  # a document opened before has publishes of version 1 too
    uri = session.open(path, document.text)
    await session.publish(uri, mark, lambda params: params.version == 1)
    await asyncio.sleep(SETTLE_SECONDS)
    line, column = edit_position(document.text)
    text = document.text
    samples = []
    cpu_before = None
    gc.collect()  # the client's own collections would count against the server (see latency.py)
    gc.freeze()
    gc.disable()
    try:
        for keystroke in range(warmup + edits):
            if keystroke == warmup:
                cpu_before = session.cpu_seconds()
            version = keystroke + 2
            replaced, typed, text = keystroke_change(text, kind, keystroke, line, column)
            mark = session.count(uri)
            sent = time.perf_counter()
            session.client.text_document_did_change(types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[types.TextDocumentContentChangePartial(range=replaced, text=typed)],
            ))
            arrived, _ = await session.publish(uri, mark, lambda params, version=version: params.version == version)
            if keystroke >= warmup:
                samples.append((arrived - sent) * 1000)
        cpu_after = session.cpu_seconds()
    finally:
        gc.enable()
        gc.unfreeze()
    session.close(uri)
    cpu_ms = (cpu_after - cpu_before) * 1000 / edits if cpu_before is not None and cpu_after is not None else None
    return samples, cpu_ms


def has_asy200(params: types.PublishDiagnosticsParams) -> bool:
    return any(diagnostic.code == "ASY200" for diagnostic in params.diagnostics)


async def cross_file_updates(session: Session, folder: Path, updates: int) -> dict[str, list[float]]:
    """Times from a change of ``app/db.py`` to ``api.py``'s diagnostics following it, in ms: on
    disk (watched-file events), then as an open document."""
    db, api = folder / "app/db.py", folder / "app/api.py"
    api_uri = session.open(api, API)
    await session.publish(api_uri, 0, lambda params: not has_asy200(params))
    on_disk = []
    for update in range(updates):
        blocking = update % 2 == 0
        db.write_text(BLOCKING_DB if blocking else QUIET_DB)
        mark = session.count(api_uri)
        sent = time.perf_counter()
        session.client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=db.as_uri(), type=types.FileChangeType.Changed)]
        ))
        arrived, _ = await session.publish(api_uri, mark, lambda params, blocking=blocking: has_asy200(params) == blocking)
        on_disk.append((arrived - sent) * 1000)
    # the last write left the file quiet (an even number of updates) or blocking; open it as it is
    text = db.read_text()
    db_uri = session.open(db, text)
    await session.publish(db_uri, 0, lambda params: params.version == 1)
    blocking = text == BLOCKING_DB
    in_editor = []
    for update in range(updates):
        blocking = not blocking
        mark = session.count(api_uri)
        sent = time.perf_counter()
        session.client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=db_uri, version=update + 2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=BLOCKING_DB if blocking else QUIET_DB)],
        ))
        arrived, _ = await session.publish(api_uri, mark, lambda params, blocking=blocking: has_asy200(params) == blocking)
        in_editor.append((arrived - sent) * 1000)
    session.close(db_uri)
    session.close(api_uri)
    db.write_text(QUIET_DB)
    return {"on disk": on_disk, "open document": in_editor}


async def measure(folder: Path, settings: dict, with_chains: bool, args: argparse.Namespace) -> dict:
    shutil.rmtree(folder / ".asyncguide_cache", ignore_errors=True)
    session = Session(folder, settings, args.timeout)
    try:
        indexing_seconds = await session.start()
        rss_indexed = session.rss_mib()
        document = real_document(1_000)
        typing = {}
        for kind in (IN_LINE, NEW_LINE):
            samples, cpu_ms = await keystrokes(session, document, folder / "document_1000.py", kind, args.edits, args.warmup)
            typing[kind] = {
                "p50_ms": statistics.median(samples), "p95_ms": percentile(samples, 95), "max_ms": max(samples),
                "server_cpu_ms_per_change": cpu_ms,
            }
        cross_file = await cross_file_updates(session, folder, args.updates) if with_chains else {}
        rss_end = session.rss_mib()
    finally:
        await session.stop()
    return {
        "indexing_seconds": indexing_seconds,
        "rss_indexed_mib": rss_indexed,
        "rss_end_mib": rss_end,
        "keystrokes": typing,
        "cross_file_ms": {
            where: {"p50": statistics.median(times), "max": max(times), "all": [round(t, 1) for t in times]}
            for where, times in cross_file.items()
        },
    }


def main() -> int:
    parser = argparse.ArgumentParser(description="asyncguide serve with a 1,000-module project index")
    parser.add_argument("--edits", type=int, default=200, help="measured keystrokes per kind of change (default 200)")
    parser.add_argument("--warmup", type=int, default=20, help="keystrokes sent first and not measured (default 20)")
    parser.add_argument("--updates", type=int, default=10, help="cross-file updates each way: on disk, in the editor (default 10)")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for one publishDiagnostics")
    parser.add_argument("--results", type=Path, default=HERE / "results.json", help="JSON file to write the numbers into")
    args = parser.parse_args()

    warn_if_busy()
    results = {}
    with tempfile.TemporaryDirectory(prefix="asyncguide-live-") as scratch:
        project, alone = Path(scratch) / "project", Path(scratch) / "alone"
        project.mkdir()
        alone.mkdir()
        workspace = make_workspace(project)
        (alone / "document_1000.py").write_text((project / "document_1000.py").read_text())
        print(f"workspace: {workspace['files']:,} modules — the corpus of (b) {workspace['copies']} times "
              f"({workspace['corpus_lines']:,} lines), document_1000.py, app/{{__init__,api,db}}.py", flush=True)
        for name, (settings, indexed) in CONFIGURATIONS.items():
            try:
                results[name] = asyncio.run(
                    measure(project if indexed else alone, settings, indexed, args)
                )
            except ServerError as error:
                print(f"live benchmark failed ({name}): {error}", file=sys.stderr)
                return 1
            print(f"  {name}: indexed in {results[name]['indexing_seconds']:.1f} s", flush=True)

    print()
    print(f"asyncguide serve with {workspace['files']:,} modules indexed (debounceMs 0); "
          f"{args.edits} keystrokes after {args.warmup} warm-up, {args.updates} cross-file updates each way")
    met = True
    for name, result in results.items():
        counts = CONFIGURATIONS[name][1]  # the file alone is there for comparison, not for the targets
        print(f"{name}:")
        print(f"  indexing {result['indexing_seconds']:.1f} s; server RSS {result['rss_indexed_mib']:.0f} MiB "
              f"once indexed, {result['rss_end_mib']:.0f} MiB at the end (target ≤ {TARGETS['rss_mib']:.0f})")
        met &= not counts or max(result["rss_indexed_mib"], result["rss_end_mib"]) <= TARGETS["rss_mib"]
        for kind, typing in result["keystrokes"].items():
            cpu = typing["server_cpu_ms_per_change"]
            print(f"  keystrokes, {kind}: p50 {typing['p50_ms']:.1f} ms, p95 {typing['p95_ms']:.1f} ms, "
                  f"max {typing['max_ms']:.1f} ms (target p95 ≤ {TARGETS['keystroke_p95_ms']:.0f}); "
                  f"server CPU {'?' if cpu is None else f'{cpu:.1f}'} ms per change")
            met &= not counts or typing["p95_ms"] <= TARGETS["keystroke_p95_ms"]
        for where, times in result["cross_file_ms"].items():
            print(f"  cross-file update, db.py changed {where}: p50 {times['p50']:.0f} ms, max {times['max']:.0f} ms "
                  f"(target ≤ {TARGETS['cross_file_ms']:.0f})")
            met &= times["max"] <= TARGETS["cross_file_ms"]
    print(f"targets: {'met' if met else 'MISSED'}")
    save_section(args.results, "live", {
        "workspace": workspace, "edits": args.edits, "warmup": args.warmup, "updates": args.updates,
        "configurations": {
            name: {"settings": CONFIGURATIONS[name][0], "project": CONFIGURATIONS[name][1], **result}
            for name, result in results.items()
        },
        "targets": TARGETS, "targets_met": met,
    })
    return 0


if __name__ == "__main__":
    sys.exit(main())
