"""Benchmark (e): the language server's start-up, from spawning it to a document's first diagnostics.

The client here is the benchmark's own, a few lines of LSP over stdio (``encode`` and
``MessageBuffer``), so that nothing but the server runs between the spawn and the answers. It
starts the server as an editor does, with the benchmark environment's Python
(``python -m asyncguide.server.cli serve``, the command of the VS Code extension), its working
folder a temporary workspace holding the document, and sends ``initialize`` at once; after the
answer, as VS Code does, ``initialized``, ``didOpen`` and — when the client declared pull
diagnostics — ``textDocument/diagnostic``. The client declares what VS Code does that changes the
server's start (``workspace/configuration``, file watchers registered dynamically, work-done
progress) and answers every request the server sends: ``workspace/configuration`` with null for
each item (no settings), anything else with null. Times run from just before the spawn to:

- **initialize**: the answer to ``initialize``;
- **first diagnostics**: the answer to ``textDocument/diagnostic`` (pull, as VS Code), or the
  first ``textDocument/publishDiagnostics`` of the document (push, a client without pull);

with the server's CPU time at that moment (user + system, all its threads, ``/proc/<pid>/stat``,
Linux): much steadier than wall-clock time when other work shares the machine.

Servers, each started fresh for every run, round-robin, after warm-up runs that are not counted
(they write the bytecode and asyncguide's code cache):

- **asyncguide**: as installed, its code cache (``server/generated_code.py``) warm;
- **asyncguide, no code cache**: ``ASYNCGUIDE_NO_CODE_CACHE=1``, what the cache saves;
- **ruff**: ``ruff server`` (pinned in ``requirements.txt``), native code, its default rules: a
  floor for what a language server's start costs, not a like-for-like peer.

Documents, each in a workspace folder of its own: ``app.py`` of the end-to-end suite's workspace
(``tests/e2e/workspace``, the file whose squiggle ``tests/e2e/vscode.mjs`` times in VS Code),
and the 1,000-line file of (a) (``latency.real_document``).

The user's own code cache is neither read nor written: every server runs with ``XDG_CACHE_HOME``
a temporary folder, which the warm-up runs fill; the run stops if asyncguide's code cache was not
written there.

    benchmarks/.venv/bin/python benchmarks/startup.py [--runs 15] [--warmup 2]
"""

from __future__ import annotations

import argparse
import json
import os
import select
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corpus import compile_asyncguide
from latency import BIN, HERE, percentile, real_document
from results import save_section, warn_if_busy

APP = HERE.parent / "tests" / "e2e" / "workspace" / "app.py"
#: the server's share of issue 15's target (first diagnostics in the editor ≤ 1.5 s after opening
#: a file in a fresh window): median seconds from the spawn to the first diagnostics, pulled, warm
TARGET_FIRST_DIAGNOSTICS_S = 0.5
TARGET_CONFIGURATION = "asyncguide"
PULL, PUSH = "pull", "push"


@dataclass(frozen=True)
class Server:
    name: str
    command: tuple[str, ...]
    #: environment variables set for it (None: removed from the inherited environment)
    environment: dict[str, str | None]


SERVERS = (
    Server("asyncguide", (sys.executable, "-m", "asyncguide.server.cli", "serve"), {"ASYNCGUIDE_NO_CODE_CACHE": None}),
    Server("asyncguide, no code cache", (sys.executable, "-m", "asyncguide.server.cli", "serve"), {"ASYNCGUIDE_NO_CODE_CACHE": "1"}),
    Server("ruff", (str(BIN / "ruff"), "server"), {}),
)
PEER = "ruff"


@dataclass(frozen=True)
class Document:
    title: str
    name: str
    text: str


def documents() -> list[Document]:
    app = APP.read_text("utf-8")
    long = real_document(1_000)
    return [
        Document(f"app.py ({app.count(chr(10))} lines, tests/e2e/workspace)", "app.py", app),
        Document(f"{long.title} ({long.made_of})", f"document_{long.lines}.py", long.text),
    ]


# ---------------------------------------------------------------------------------- the protocol


def encode(message: dict[str, Any]) -> bytes:
    """One LSP message as it goes over stdio: its header, then its JSON."""
    body = json.dumps(message, separators=(",", ":")).encode("utf-8")
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


class ProtocolError(RuntimeError):
    pass


class MessageBuffer:
    """What the server wrote so far, split into its LSP messages as they complete."""

    def __init__(self) -> None:
        self.unread = bytearray()

    def feed(self, chunk: bytes) -> list[dict[str, Any]]:
        """Add ``chunk``; the messages it completes, in order (a message may span chunks)."""
        self.unread += chunk
        messages = []
        while (header_end := self.unread.find(b"\r\n\r\n")) >= 0:
            length = None
            for line in bytes(self.unread[:header_end]).split(b"\r\n"):
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            if length is None:
                raise ProtocolError(f"a header without Content-Length: {bytes(self.unread[:header_end])!r}")
            body_start = header_end + 4
            if len(self.unread) < body_start + length:
                break
            messages.append(json.loads(self.unread[body_start : body_start + length]))
            del self.unread[: body_start + length]
        return messages


def answer_to(request: dict[str, Any]) -> dict[str, Any]:
    """The client's answer to a request of the server: no settings for each configuration item
    asked, null for anything else (registrations, work-done progress...)."""
    result = [None] * len(request["params"]["items"]) if request["method"] == "workspace/configuration" else None
    return {"jsonrpc": "2.0", "id": request["id"], "result": result}


def initialize_params(folder: Path, pull: bool) -> dict[str, Any]:
    """What VS Code declares that changes a server's start; pull diagnostics only when ``pull``."""
    text_document: dict[str, Any] = {
        "synchronization": {"didSave": True},
        "publishDiagnostics": {"relatedInformation": True, "versionSupport": True},
    }
    if pull:
        text_document["diagnostic"] = {"relatedDocumentSupport": False}
    return {
        "processId": os.getpid(),
        "clientInfo": {"name": "asyncguide-startup-benchmark"},
        "rootUri": folder.as_uri(),
        "workspaceFolders": [{"uri": folder.as_uri(), "name": folder.name}],
        "capabilities": {
            "workspace": {"configuration": True, "workspaceFolders": True, "didChangeWatchedFiles": {"dynamicRegistration": True}},
            "textDocument": text_document,
            "window": {"workDoneProgress": True},
        },
    }


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process so far, all its threads (Linux ``/proc``; None elsewhere)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()  # after the command name, which may hold spaces
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


class ServerError(RuntimeError):
    pass


@dataclass(frozen=True)
class Arrival:
    message: dict[str, Any]
    #: since the spawn
    seconds: float
    #: the server's CPU time when it arrived
    cpu_seconds: float | None


class Session:
    """A server process spoken to over stdio; every request it sends is answered while waiting."""

    def __init__(self, command: tuple[str, ...], folder: Path, environment: dict[str, str], log: Path) -> None:
        self.log = log
        self.buffer = MessageBuffer()
        self.requests_answered: set[str] = set()
        self.last_id = 0
        with log.open("wb") as stderr:
            self.spawned = time.perf_counter()
            self.process = subprocess.Popen(
                command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr, cwd=folder, env=environment
            )

    def send(self, message: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(encode(message))
        self.process.stdin.flush()

    def request(self, method: str, params: Any) -> int:
        self.last_id += 1
        self.send({"jsonrpc": "2.0", "id": self.last_id, "method": method, "params": params})
        return self.last_id

    def notify(self, method: str, params: Any) -> None:
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def answer(self, request_id: int, timeout: float) -> Arrival:
        arrival = self.wait_for(lambda message: message.get("id") == request_id and "method" not in message, timeout)
        if "error" in arrival.message:
            raise ServerError(f"request {request_id} failed: {arrival.message['error']}")
        return arrival

    def wait_for(self, matches: Callable[[dict[str, Any]], bool], timeout: float) -> Arrival:
        """Read until a message ``matches``, answering the server's requests on the way."""
        assert self.process.stdout is not None
        descriptor = self.process.stdout.fileno()
        deadline = time.perf_counter() + timeout
        while True:
            remaining = deadline - time.perf_counter()
            if remaining <= 0 or not select.select([descriptor], [], [], remaining)[0]:
                raise ServerError(f"nothing awaited within {timeout:.0f} s{self.stderr_tail()}")
            chunk = os.read(descriptor, 1 << 16)
            arrived = time.perf_counter()
            if not chunk:
                raise ServerError(f"the server exited (code {self.process.wait()}){self.stderr_tail()}")
            for message in self.buffer.feed(chunk):
                if "method" in message and "id" in message:
                    self.requests_answered.add(message["method"])
                    self.send(answer_to(message))
                elif message.get("method") == "window/showMessage" and message["params"]["type"] == 1:
                    raise ServerError(f"the server showed an error: {message['params']['message']}")
                elif matches(message):
                    return Arrival(message, arrived - self.spawned, cpu_seconds(self.process.pid))

    def stop(self, timeout: float) -> None:
        """``shutdown`` and ``exit``, as an editor closing; killed if it does not go."""
        try:
            self.answer(self.request("shutdown", None), timeout)
            self.notify("exit", None)
            self.process.wait(timeout)
        except (ServerError, OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()

    def stderr_tail(self) -> str:
        text = self.log.read_text("utf-8", "replace")[-3000:]
        return f"; server stderr:\n{text}" if text else ""


# ---------------------------------------------------------------------------------- one start


def environment_for(server: Server, cache_home: Path) -> dict[str, str]:
    environment = {**os.environ, "XDG_CACHE_HOME": str(cache_home)}
    for name, value in server.environment.items():
        if value is None:
            environment.pop(name, None)
        else:
            environment[name] = value
    return environment


def start_once(server: Server, document: Document, mode: str, folder: Path, cache_home: Path, timeout: float,
               until: Callable[[], bool] | None = None) -> dict[str, Any]:
    """Spawn ``server`` on ``folder``, open ``document``, and time its start; ``until``: wait until
    it holds (at most ``timeout``) before stopping the server."""
    uri = (folder / document.name).as_uri()
    session = Session(server.command, folder, environment_for(server, cache_home), folder.parent / "server.log")
    try:
        initialized = session.answer(session.request("initialize", initialize_params(folder, mode == PULL)), timeout)
        session.notify("initialized", {})
        session.notify("textDocument/didOpen", {
            "textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": document.text}
        })
        if mode == PULL:
            diagnosed = session.answer(session.request("textDocument/diagnostic", {"textDocument": {"uri": uri}}), timeout)
            findings = len(diagnosed.message["result"]["items"])
        else:
            diagnosed = session.wait_for(
                lambda message: message.get("method") == "textDocument/publishDiagnostics" and message["params"]["uri"] == uri,
                timeout,
            )
            findings = len(diagnosed.message["params"]["diagnostics"])
        if until is not None:
            waited = time.perf_counter() + timeout
            while not until() and time.perf_counter() < waited:
                time.sleep(0.05)
    finally:
        session.stop(timeout)
    return {
        "initialize_s": initialized.seconds,
        "first_diagnostics_s": diagnosed.seconds,
        "initialize_cpu_s": initialized.cpu_seconds,
        "first_diagnostics_cpu_s": diagnosed.cpu_seconds,
        "findings": findings,
        "server_requests": sorted(session.requests_answered),
    }


def code_cache_files(cache_home: Path) -> list[Path]:
    return sorted((cache_home / "asyncguide").glob("generated-code.*.bin"))


# ---------------------------------------------------------------------------------- the report


def summarise(runs: list[dict[str, Any]]) -> dict[str, Any]:
    def median_and_p90(key: str) -> tuple[float | None, float | None]:
        values = [run[key] for run in runs if run[key] is not None]
        if not values:
            return None, None
        return statistics.median(values), (percentile(values, 90) if len(values) > 1 else values[0])

    summary: dict[str, Any] = {}
    for key in ("initialize_s", "first_diagnostics_s", "initialize_cpu_s", "first_diagnostics_cpu_s"):
        median, p90 = median_and_p90(key)
        summary[f"{key}_median"] = median
        summary[f"{key}_p90"] = p90
    summary["findings"] = runs[-1]["findings"]
    summary["server_requests"] = sorted({method for run in runs for method in run["server_requests"]})
    summary["first_diagnostics_s_all"] = [round(run["first_diagnostics_s"], 4) for run in runs]
    return summary


def milliseconds(seconds: float | None) -> str:
    return "?" if seconds is None else f"{seconds * 1000:.0f}"


def cpu_milliseconds(seconds: float | None) -> str:
    """CPU time counts in clock ticks (10 ms on Linux): less than one shows as such."""
    tick = 1 / os.sysconf("SC_CLK_TCK")
    return f"< {tick * 1000:.0f}" if seconds is not None and seconds < tick else milliseconds(seconds)


def print_table(measured: dict[str, dict[str, dict[str, dict[str, Any]]]]) -> None:
    header = ("document", "diagnostics", "server", "initialize p50 / p90 ms", "first diagnostics p50 / p90 ms",
              "server CPU p50 ms, initialize / first diagnostics", "findings", "× ruff")
    table = [header]
    for document, modes in measured.items():
        for mode, servers in modes.items():
            peer = servers[PEER]["first_diagnostics_s_median"]
            for name, s in servers.items():
                table.append((
                    document.split(" (")[0], mode, name,
                    f"{milliseconds(s['initialize_s_median'])} / {milliseconds(s['initialize_s_p90'])}",
                    f"{milliseconds(s['first_diagnostics_s_median'])} / {milliseconds(s['first_diagnostics_s_p90'])}",
                    f"{cpu_milliseconds(s['initialize_cpu_s_median'])} / {cpu_milliseconds(s['first_diagnostics_cpu_s_median'])}",
                    str(s["findings"]),
                    "" if name == PEER else f"{s['first_diagnostics_s_median'] / peer:.0f}×",
                ))
    widths = [max(len(row[column]) for row in table) for column in range(len(header))]
    for number, row in enumerate(table):
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
        if number == 0:
            print("  ".join("-" * width for width in widths))


def main() -> int:
    parser = argparse.ArgumentParser(description="start-up of asyncguide serve: spawn to initialize and to first diagnostics")
    parser.add_argument("--runs", type=int, default=15, help="measured starts per server, document and mode (default 15)")
    parser.add_argument("--warmup", type=int, default=2, help="starts of each first, not measured (default 2)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for one answer")
    parser.add_argument("--results", type=Path, default=HERE / "results.json", help="JSON file to write the numbers into")
    args = parser.parse_args()

    warn_if_busy()
    compile_asyncguide()
    docs = documents()
    combinations = [(document, mode, server) for document in docs for mode in (PULL, PUSH) for server in SERVERS]
    runs: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    with tempfile.TemporaryDirectory(prefix="asyncguide-startup-") as temporary:
        scratch = Path(temporary)
        cache_home = scratch / "cache"
        folders = {}
        for document in docs:
            folders[document.name] = scratch / f"workspace-{Path(document.name).stem}"
            folders[document.name].mkdir()
            (folders[document.name] / document.name).write_text(document.text, "utf-8")

        def code_cache_written() -> bool:
            return bool(code_cache_files(cache_home))

        try:
            for number in range(args.warmup):
                for document, mode, server in combinations:
                    # the first start writes the code cache after its first diagnostics, in a worker thread
                    start_once(server, document, mode, folders[document.name], cache_home, args.timeout,
                               until=code_cache_written if server.name == "asyncguide" else None)
            if not code_cache_written():
                print(f"startup benchmark failed: asyncguide wrote no code cache in {cache_home}", file=sys.stderr)
                return 1
            code_cache_bytes = sum(path.stat().st_size for path in code_cache_files(cache_home))
            # round-robin, so that a busy moment of the machine does not fall on one server only
            for number in range(1, args.runs + 1):
                for document, mode, server in combinations:
                    run = start_once(server, document, mode, folders[document.name], cache_home, args.timeout)
                    runs.setdefault((document.title, mode, server.name), []).append(run)
                print(f"  round {number}/{args.runs}: " + ", ".join(
                    f"{name} {milliseconds(measured[-1]['first_diagnostics_s'])} ms"
                    for (title, mode, name), measured in runs.items() if title == docs[0].title and mode == PULL
                ), flush=True)
        except ServerError as error:
            print(f"startup benchmark failed: {error}", file=sys.stderr)
            return 1

    measured: dict[str, dict[str, dict[str, dict[str, Any]]]] = {}
    for (title, mode, name), server_runs in runs.items():
        measured.setdefault(title, {}).setdefault(mode, {})[name] = summarise(server_runs)

    target_median = measured[docs[0].title][PULL][TARGET_CONFIGURATION]["first_diagnostics_s_median"]
    target_met = target_median <= TARGET_FIRST_DIAGNOSTICS_S
    print()
    print(f"Start-up over stdio: spawn to the initialize answer and to the first diagnostics, "
          f"{args.runs} starts of each after {args.warmup} warm-up")
    print_table(measured)
    for title in measured:
        print(f"  {title}")
    for server in SERVERS:
        requests = sorted({request for modes in measured.values() for servers in modes.values()
                           for request in servers[server.name]["server_requests"]})
        print(f"  {server.name} asked the client: {', '.join(requests) or 'nothing'}")
    print(f"  asyncguide's code cache: {code_cache_bytes / 1e6:.1f} MB; ruff is native code: its start is a floor, "
          "not a like-for-like peer")
    print(f"  target: asyncguide, app.py, pulled, median spawn to first diagnostics ≤ {TARGET_FIRST_DIAGNOSTICS_S} s "
          f"(the server's share of ≤ 1.5 s in the editor, issue 15; in VS Code, tests/e2e/vscode.mjs): "
          f"{target_median:.2f} s, {'met' if target_met else 'MISSED'}")
    save_section(args.results, "startup", {
        "runs": args.runs,
        "warmup": args.warmup,
        "code_cache_bytes": code_cache_bytes,
        "documents": measured,
        "target": {"first_diagnostics_s": TARGET_FIRST_DIAGNOSTICS_S, "configuration": TARGET_CONFIGURATION,
                   "document": docs[0].title, "mode": PULL, "median_s": target_median},
        "target_met": target_met,
    })
    return 0


if __name__ == "__main__":
    sys.exit(main())
