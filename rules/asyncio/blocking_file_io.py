from __future__ import annotations

from ..blocking import BlockingCallRule
from ..guidelines import Quote

_OPEN = "`aiofiles.open()`, `anyio.open_file()`, or `await asyncio.to_thread(...)` around the file work"


def _in_thread(call: str) -> str:
    return f"`await asyncio.to_thread({call}, ...)`"


def _path_method(method: str) -> str:
    return f"`await asyncio.to_thread(path.{method}, ...)` or `await anyio.Path(path).{method}(...)`"


#: qualified call -> the async replacement. ``pathlib.Path`` methods match on known path instances:
#: ``Path(...)`` calls, names assigned from them, ``Path`` annotations, ``path / "name"``.
BLOCKING_FILE_CALLS: dict[str, str] = {
    "builtins.open": _OPEN,
    "io.open": _OPEN,
    "codecs.open": _OPEN,
    "io.open_code": _OPEN,
    "os.fdopen": "`aiofiles` or `anyio.wrap_file()` around the file, or `await asyncio.to_thread(...)` around the file work",
    **{
        f"shutil.{function}": _in_thread(f"shutil.{function}")
        for function in ("copyfileobj", "copyfile", "copy", "copy2", "copytree", "rmtree", "move", "make_archive", "unpack_archive")
    },
    **{
        f"pathlib.Path.{method}": _path_method(method)
        for method in ("read_text", "read_bytes", "write_text", "write_bytes", "open")
    },
}


class BlockingFileIO(BlockingCallRule):
    """
    ## What it does
    Finds synchronous file I/O in async code: the builtin `open()`, `io.open()`, `io.open_code()`,
    `codecs.open()`, `os.fdopen()`, the `shutil` functions that copy, move, delete or archive files
    (`copyfileobj()`, `copyfile()`, `copy()`, `copy2()`, `copytree()`, `rmtree()`, `move()`,
    `make_archive()`, `unpack_archive()`), and the `pathlib.Path` methods `read_text()`,
    `read_bytes()`, `write_text()`, `write_bytes()` and `open()` (on any expression known to be a
    path: `base.joinpath(name).open()`, `(root / name).read_text()`), in a coroutine or a request
    handler. An awaited call (`await open(...)` where `open` is an async replacement) is not reported.

    ## Why is this bad?
    Disk I/O has no readiness notification the event loop could wait on: a read or write runs to
    completion on the loop's thread. On a busy disk, a network filesystem or a large file that is
    milliseconds to seconds during which no other request is served.

    ## Example
    ```python
    from pathlib import Path

    REPORTS = Path("/var/reports")

    async def download(request, name):
        return (REPORTS / name).read_bytes()
    ```

    ## Use instead
    ```python
    import asyncio
    from pathlib import Path

    REPORTS = Path("/var/reports")

    async def download(request, name):
        return await asyncio.to_thread((REPORTS / name).read_bytes)
    ```
    or an async file library: `async with aiofiles.open(path, "rb") as f: data = await f.read()`.

    ## Fix safety
    No automatic fix: whether to move the work to a thread or to an async file library, and how much
    of the surrounding code (reading, parsing, closing) goes with it, is a choice for the author.
    """

    code = "ASY103"
    name = "blocking-file-io-in-async"
    framework = "asyncio"
    summary = "Synchronous file I/O in async code blocks the event loop"
    guidelines = (
        Quote("asyncio", "File I/O", "Create proper async file operations"),
        Quote("asyncio", "File I/O", "Implement proper blocking I/O handling"),
        Quote("asyncio", "File I/O", "Create proper executor integration"),
        Quote("asyncio", "File I/O", "Implement effective file reading/writing"),
        Quote("asyncio", "Key Principles", "Create responsive and scalable asynchronous applications"),
    )
    calls = BLOCKING_FILE_CALLS
