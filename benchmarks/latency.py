"""Benchmark (a): keystroke-to-diagnostics latency of `asyncguide serve`, through a real LSP client.

pygls's ``LanguageClient`` starts ``asyncguide serve`` as a subprocess and talks to it over stdio,
as an editor does. It initializes with ``debounceMs: 0`` (the debounce is a deliberate wait, not
work, so it is excluded), opens a document, then many times sends a ``didChange`` and measures the
time from sending it to the arrival of ``publishDiagnostics`` for that document version. Two
kinds of change are measured, each near the middle of the file, and the document always parses:

- typing in a line: each change rewrites a trailing comment on one line (most keystrokes: the
  server parses only the statements around the changed line, ``rules/reparse.py``);
- adding and removing a line: changes alternately insert a ``pass`` line after a statement and
  remove it (Enter, pasting, deleting lines: the server also moves the line numbers of every
  statement after the change).

Either way the rules check the whole module again.

The documents are real code: fastapi's ``routing.py`` as installed —

- 1,000 lines: its beginning, cut at the statement boundary nearest to line 1,000;
- 7,000 lines: the whole file, continued with the beginning of starlette's ``routing.py`` (its
  ``from __future__`` import dropped) up to the statement boundary nearest to line 7,000, when
  fastapi's file is shorter than that.

Run it with the benchmark environment's Python (``benchmarks/run`` does):

    benchmarks/.venv/bin/python benchmarks/latency.py [--edits 200] [--warmup 20]
"""

from __future__ import annotations

import argparse
import ast
import asyncio
import gc
import importlib.metadata
import importlib.util
import re
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

from asyncguide.rules.registry import all_rules
from asyncguide.rules.runner import lint
from asyncguide.rules.versions import framework_versions
from asyncguide.server.lsp import heap
from results import save_section, warn_if_busy

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
#: seconds between opening the document and the first change: what the server does once after an
#: opening (jedi looking up the names the file imports, the project index built and the document
#: linted again) would otherwise land on the first keystrokes, which then measure the opening
SETTLE_SECONDS = 3.0
SETTINGS = {"debounceMs": 0}
#: the modules whose source makes up the documents, in order
SOURCES = ("fastapi.routing", "starlette.routing")
#: document size -> p95 target in milliseconds
TARGETS = {1_000: 15.0, 7_000: 80.0}
#: the kinds of change measured (see the module's docstring)
IN_LINE, NEW_LINE = "typing in a line", "adding and removing a line"
_FUTURE_IMPORT = re.compile(r"^from __future__ import [^\n]*\n", re.MULTILINE)


@dataclass(frozen=True)
class Document:
    title: str
    text: str
    made_of: str

    @property
    def lines(self) -> int:
        return self.text.count("\n")


def module_source(module: str) -> tuple[str, str]:
    """The installed source of a module, and how to name it (``fastapi 0.163.2 routing.py``)."""
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        raise SystemExit(f"{module} is not installed; run benchmarks/run, which installs requirements.txt")
    package = module.split(".")[0]
    label = f"{package} {importlib.metadata.version(package)} {Path(spec.origin).name}"
    return Path(spec.origin).read_text("utf-8"), label


def statement_prefix(source: str, lines: int) -> str:
    """The beginning of ``source`` that ends with a statement, as near to ``lines`` lines as can be.

    Any statement's last line is a candidate (methods inside a long class too); the nearest one
    whose prefix compiles wins (a cut inside a ``try:`` body, before its ``except``, does not).
    """
    all_lines = source.splitlines(keepends=True)
    if len(all_lines) <= lines:
        return source
    ends = {node.end_lineno for node in ast.walk(ast.parse(source)) if isinstance(node, ast.stmt)}
    for end in sorted((end for end in ends if end is not None), key=lambda end: (abs(end - lines), end)):
        prefix = "".join(all_lines[:end])
        try:
            compile(prefix, "<prefix>", "exec", dont_inherit=True)
        except SyntaxError:
            continue
        return prefix
    raise ValueError("no statement boundary gives a prefix that compiles")


def real_document(lines: int) -> Document:
    """About ``lines`` lines of real framework code, from ``SOURCES`` in order."""
    parts: list[str] = []
    made_of: list[str] = []
    remaining = lines
    for module in SOURCES:
        source, label = module_source(module)
        if parts:  # a __future__ import is only allowed at the top of a module
            source, dropped = _FUTURE_IMPORT.subn("", source)
            label += " (its `from __future__` import dropped)" if dropped else ""
        part = statement_prefix(source, remaining)
        part += "" if part.endswith("\n") else "\n"
        count = part.count("\n")
        made_of.append(label if part == source else f"{label} lines 1–{count:,}")
        parts.append(part)
        remaining -= count
        if remaining <= 0 or part != source:
            break
    text = "".join(parts)
    if remaining > lines // 10:
        raise SystemExit(f"the sources give only {text.count(chr(10)):,} lines, fewer than {lines:,}")
    compile(text, "<document>", "exec", dont_inherit=True)  # a document that does not parse measures nothing
    return Document(f"{lines:,}-line file", text, " + ".join(made_of))


def keystroke_change(text: str, kind: str, keystroke: int, line: int, column: int) -> tuple[types.Range, str, str]:
    """The ``keystroke``-th change of this kind at the edit position: the range it replaces, the
    text it puts there, and the whole text after it."""
    lines = text.splitlines(keepends=True)
    if kind == IN_LINE:
        typed = f"  # keystroke {keystroke}"
        old_end = lines[line].rstrip("\r\n")[column:]  # the previous keystroke's comment, if any
        replaced = types.Range(types.Position(line, column), types.Position(line, column + len(old_end)))
        lines[line] = lines[line][:column] + typed + lines[line][column + len(old_end) :]
        return replaced, typed, "".join(lines)
    indentation = lines[line][: len(lines[line]) - len(lines[line].lstrip())]
    added = "\n" + indentation + "pass"
    if keystroke % 2 == 0:  # add the line
        lines[line] = lines[line][:column] + added + lines[line][column:]
        return types.Range(types.Position(line, column), types.Position(line, column)), added, "".join(lines)
    # remove it again
    removed = types.Range(types.Position(line, column), types.Position(line + 1, len(indentation) + len("pass")))
    lines[line] = lines[line][:column] + lines[line + 1][len(indentation) + len("pass") :]
    del lines[line + 1]
    return removed, "", "".join(lines)


def edit_position(text: str) -> tuple[int, int]:
    """Where to type: the end of a simple statement near the middle that ends its (ASCII) line."""
    lines = text.splitlines()
    middle = len(lines) // 2
    candidates = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, (ast.Assign, ast.Return, ast.Expr)) and node.end_lineno is not None:
            line = lines[node.end_lineno - 1]
            # the statement ends the line and the line is ASCII (UTF-16 columns = str indices)
            if line.isascii() and len(line.rstrip()) == node.end_col_offset and "#" not in line:
                candidates.append((abs(node.end_lineno - 1 - middle), node.end_lineno - 1, node.end_col_offset))
    _, line, column = min(candidates)
    return line, column


def percentile(samples: list[float], percent: int) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[percent - 1]


class ServerError(RuntimeError):
    pass


async def measure_keystrokes(document: Document, kind: str, folder: Path, edits: int, warmup: int, timeout: float) -> dict:
    """Open ``document`` in a fresh server and time ``warmup + edits`` changes of ``kind``; keep the last ``edits``."""
    path = folder / f"document_{document.lines}.py"
    path.write_text(document.text, "utf-8")
    uri = path.as_uri()
    client = LanguageClient("asyncguide-latency-benchmark", "1")
    #: document version -> (arrival time, number of diagnostics), or None when the server failed it
    arrivals: dict[int, asyncio.Future[tuple[float, int] | None]] = {}
    messages: list[str] = []
    stderr_tail: list[bytes] = []

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
        arrived = time.perf_counter()
        future = arrivals.get(params.version) if params.uri == uri and params.version is not None else None
        if future is not None and not future.done():
            future.set_result((arrived, len(params.diagnostics)))

    @client.feature(types.WORKSPACE_CONFIGURATION)
    def on_configuration(params: types.ConfigurationParams) -> list[object]:
        return [SETTINGS if item.section in (None, "asyncguide") else None for item in params.items]

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def on_register(params: types.RegistrationParams) -> None:
        return None

    @client.feature(types.WINDOW_WORK_DONE_PROGRESS_CREATE)
    def on_progress(params: types.WorkDoneProgressCreateParams) -> None:
        return None

    @client.feature(types.WINDOW_SHOW_MESSAGE)
    def on_message(params: types.ShowMessageParams) -> None:
        messages.append(params.message)
        if params.type == types.MessageType.Error:
            # the server failed a request or notification: the change being waited for gets no
            # diagnostics; count it as failed rather than wait for the timeout
            for future in arrivals.values():
                if not future.done():
                    future.set_result(None)

    await client.start_io(str(BIN / "asyncguide"), "serve")
    # pygls pipes the server's stderr and never reads it: drain it, or a chatty server blocks on a
    # full pipe in the middle of a measurement
    server_stderr = client._server.stderr  # the only handle pygls gives to it

    async def drain() -> None:
        while chunk := await server_stderr.read(65536):
            stderr_tail[:] = [*stderr_tail[-15:], chunk]

    draining = asyncio.create_task(drain())

    async def diagnostics_for(version: int) -> tuple[float, int] | None:
        try:
            return await asyncio.wait_for(arrivals[version], timeout)
        except asyncio.TimeoutError:
            log = b"".join(stderr_tail).decode("utf-8", "replace")[-3000:]
            raise ServerError(
                f"no publishDiagnostics for version {version} of {document.title} within {timeout:.0f} s; "
                f"messages: {messages}; server stderr:\n{log}"
            ) from None

    try:
        result = await client.initialize_async(types.InitializeParams(
            process_id=None,
            root_uri=folder.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=folder.as_uri(), name="benchmark")],
            initialization_options=SETTINGS,
            capabilities=types.ClientCapabilities(
                workspace=types.WorkspaceClientCapabilities(configuration=True),
                text_document=types.TextDocumentClientCapabilities(
                    synchronization=types.TextDocumentSyncClientCapabilities(),
                    publish_diagnostics=types.PublishDiagnosticsClientCapabilities(version_support=True),
                ),
            ),
        ))
        client.initialized(types.InitializedParams())
        incremental = sync_kind(result.capabilities) == types.TextDocumentSyncKind.Incremental

        version = 1
        arrivals[version] = asyncio.get_running_loop().create_future()
        client.text_document_did_open(types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="python", version=version, text=document.text)
        ))
        opened = await diagnostics_for(version)
        if opened is None:
            raise ServerError(f"the server failed to open {document.title}: {messages}")
        diagnostic_count = opened[1]
        await asyncio.sleep(SETTLE_SECONDS)

        line, column = edit_position(document.text)
        text = document.text
        samples: list[float] = []
        failed = 0  # measured changes the server answered with an error instead of diagnostics
        # This client's own garbage collections (pygls's client and the futures kept here) would
        # land between sending a change and reading its diagnostics and be counted against the
        # server: its collector pauses while measuring, after one collection.
        gc.collect()
        gc.freeze()
        gc.disable()
        for keystroke in range(warmup + edits):
            version += 1
            replaced, typed, text = keystroke_change(text, kind, keystroke, line, column)
            change: types.TextDocumentContentChangeEvent = (
                types.TextDocumentContentChangePartial(range=replaced, text=typed)
                if incremental
                else types.TextDocumentContentChangeWholeDocument(text=text)
            )
            arrivals[version] = asyncio.get_running_loop().create_future()
            sent = time.perf_counter()
            client.text_document_did_change(types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[change],
            ))
            published = await diagnostics_for(version)
            if published is None:
                failed += keystroke >= warmup
                continue
            arrived, diagnostic_count = published
            if keystroke >= warmup:
                samples.append((arrived - sent) * 1000)

        gc.enable()
        gc.unfreeze()
        server_rss_mib = resident_mib(client._server.pid)  # after every change, before shutting down
        await client.shutdown_async(None)
        client.exit(None)
    finally:
        if client._server is not None and client._server.returncode is None:
            try:
                await asyncio.wait_for(client._server.wait(), 10)
            except asyncio.TimeoutError:
                client._server.kill()
        await client.stop()
        await draining

    return {
        "samples_ms": samples,
        "diagnostics": diagnostic_count,
        "sync": "incremental" if incremental else "full",
        "edit_line": line + 1,
        "failed_changes": failed,
        "messages": sorted(set(messages)),
        "server_rss_mib": server_rss_mib,
    }


def resident_mib(pid: int) -> float | None:
    """The resident memory of a process, in MiB (Linux ``/proc``; None elsewhere)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    kib = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), None)
    return None if kib is None else kib / 1024


def sync_kind(capabilities: types.ServerCapabilities) -> types.TextDocumentSyncKind | None:
    sync = capabilities.text_document_sync
    if isinstance(sync, types.TextDocumentSyncOptions):
        return sync.change
    return sync


def lint_only_ms(document: Document, kind: str, folder: Path, repeats: int) -> float:
    """The median time of the engine alone on the same changes, in-process: ``runner.lint`` with
    every rule, the framework versions of the document's folder and the previous change's model,
    as the server calls it (its model kept out of the collector's sight as the server keeps it)."""
    codes = list(all_rules())
    versions = framework_versions(folder)
    line, column = edit_position(document.text)
    text = document.text
    previous = lint(text, codes, versions=versions).model
    timings = []
    for keystroke in range(repeats):
        _, _, text = keystroke_change(text, kind, keystroke, line, column)
        start = time.perf_counter()
        with heap.models_kept_out_of_sight():
            model = lint(text, codes, versions=versions, previous=previous).model
        timings.append((time.perf_counter() - start) * 1000)
        if previous is not None:
            previous.release()
        previous = model
    gc.unfreeze()
    return statistics.median(timings)


def main() -> int:
    parser = argparse.ArgumentParser(description="keystroke-to-diagnostics latency of asyncguide serve")
    parser.add_argument("--edits", type=int, default=200, help="measured didChange notifications per file (default 200)")
    parser.add_argument("--warmup", type=int, default=20, help="changes sent first and not measured (default 20)")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for one publishDiagnostics")
    parser.add_argument("--results", type=Path, default=HERE / "results.json", help="JSON file to write the numbers into")
    args = parser.parse_args()

    warn_if_busy()
    rows = []
    files: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="asyncguide-latency-") as folder:
        for size, target in TARGETS.items():
            document = real_document(size)
            print(f"{document.title}: {document.lines:,} lines, {document.made_of}", flush=True)
            for kind in (IN_LINE, NEW_LINE):
                try:
                    measured = asyncio.run(
                        measure_keystrokes(document, kind, Path(folder), args.edits, args.warmup, args.timeout)
                    )
                except ServerError as error:
                    print(f"latency benchmark failed: {error}", file=sys.stderr)
                    return 1
                samples = measured.pop("samples_ms")
                summary = {
                    "lines": document.lines,
                    "made_of": document.made_of,
                    "change": kind,
                    "p50_ms": statistics.median(samples),
                    "p95_ms": percentile(samples, 95),
                    "max_ms": max(samples),
                    "lint_only_p50_ms": lint_only_ms(document, kind, Path(folder), 40),
                    "target_p95_ms": target,
                    # a change that never gets diagnostics is later than any target
                    "target_met": percentile(samples, 95) <= target and measured["failed_changes"] == 0,
                    **measured,
                }
                files[f"{size}, {kind}"] = summary
                rows.append((document.title, summary))

    print()
    print(f"Keystroke to diagnostics through LSP over stdio (asyncguide serve, debounceMs 0), "
          f"{args.edits} changes after {args.warmup} warm-up")
    header = ("file", "change", "p50 ms", "p95 ms", "max ms", "failed", "lint alone p50 ms", "server RSS MiB",
              "target p95", "")
    table = [header] + [
        (title, s["change"], f"{s['p50_ms']:.1f}", f"{s['p95_ms']:.1f}", f"{s['max_ms']:.1f}",
         str(s["failed_changes"]), f"{s['lint_only_p50_ms']:.1f}",
         "?" if s["server_rss_mib"] is None else f"{s['server_rss_mib']:.0f}", f"≤ {s['target_p95_ms']:.0f} ms",
         "met" if s["target_met"] else "MISSED")
        for title, s in rows
    ]
    widths = [max(len(row[column]) for row in table) for column in range(len(header))]
    for number, row in enumerate(table):
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
        if number == 0:
            print("  ".join("-" * width for width in widths))
    for title, s in rows:
        if s["change"] == IN_LINE:
            print(f"  {title}: {s['made_of']}; edits on line {s['edit_line']}, {s['sync']} sync, "
                  f"{s['diagnostics']} diagnostics per publish")
        for message in s["messages"]:
            print(f"  server said ({s['change']}): {message}")
    save_section(args.results, "latency", {"edits": args.edits, "warmup": args.warmup, "settings": SETTINGS, "files": files})
    return 0


if __name__ == "__main__":
    sys.exit(main())
