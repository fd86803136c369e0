from __future__ import annotations

from ..blocking import BlockingCallRule
from ..guidelines import Quote


def _in_thread(call: str) -> str:
    return f"`await asyncio.to_thread({call}, ...)`"


def _path_method(method: str) -> str:
    return f"`await asyncio.to_thread(path.{method}, ...)` or `await anyio.Path(path).{method}(...)`"


#: qualified call -> the async replacement: calls that ask the filesystem about a path, list a
#: directory or change an entry of it. Pure path arithmetic (``os.path.join``, ``normpath``,
#: ``Path.with_suffix``) touches no disk and is not listed.
FILESYSTEM_CALLS: dict[str, str] = {
    **{
        f"os.path.{function}": _in_thread(f"os.path.{function}")
        for function in (
            "exists", "lexists", "isfile", "isdir", "islink", "ismount", "isjunction", "getatime", "getctime",
            "getmtime", "getsize", "samefile", "sameopenfile", "realpath", "abspath", "relpath",
        )
    },
    **{
        f"os.{function}": _in_thread(f"os.{function}")
        for function in (
            "stat", "lstat", "listdir", "scandir", "walk", "access", "mkdir", "makedirs", "remove", "unlink",
            "rename", "replace", "rmdir", "removedirs", "chmod", "chown", "utime",
        )
    },
    "glob.glob": _in_thread("glob.glob"),
    "glob.iglob": _in_thread("glob.iglob"),
    **{
        f"pathlib.Path.{method}": _path_method(method)
        for method in (
            "exists", "stat", "lstat", "is_dir", "is_file", "is_symlink", "is_mount", "is_junction", "iterdir",
            "glob", "rglob", "walk", "resolve", "absolute", "samefile", "owner", "group", "touch", "mkdir",
            "unlink", "rmdir", "rename", "replace", "chmod", "readlink", "symlink_to", "hardlink_to",
        )
    },
}


class FilesystemCall(BlockingCallRule):
    """
    ## What it does
    Finds filesystem metadata and directory calls in async code: `os.path.exists()`, `isfile()`,
    `getsize()`, `getmtime()`, `realpath()`…, `os.stat()`, `os.listdir()`, `os.scandir()`,
    `os.walk()`, `os.mkdir()`, `os.remove()`…, `glob.glob()`, and the `pathlib.Path` methods
    `exists()`, `stat()`, `is_file()`, `iterdir()`, `glob()`, `rglob()`, `resolve()`, `mkdir()`,
    `unlink()`… on any expression known to be a path, in a coroutine or a request handler.

    Opt-in: on a local disk most of these calls take microseconds.

    ## Why is this bad?
    Each call is a system call that waits for the filesystem on the event loop's thread. On a local
    SSD with a warm cache that is negligible; on a network filesystem (NFS, SMB, a FUSE mount of
    object storage), a cold cache or a busy disk it takes milliseconds to seconds, and a directory
    walk multiplies it by every entry, while no other request is served.

    ## Example
    ```python
    import os

    async def download(request, name):
        path = os.path.join("/mnt/shared/reports", name)
        if not os.path.exists(path):
            raise NotFound(name)
        return FileResponse(path)
    ```

    ## Use instead
    ```python
    import asyncio
    import os

    async def download(request, name):
        path = os.path.join("/mnt/shared/reports", name)
        if not await asyncio.to_thread(os.path.exists, path):
            raise NotFound(name)
        return FileResponse(path)
    ```
    or `await anyio.Path(path).exists()`.

    ## Fix safety
    No automatic fix: whether a check is worth a thread depends on where the files live, and
    several calls on the same path usually belong in one thread.
    """

    code = "ASY164"
    name = "filesystem-call-in-async"
    framework = "asyncio"
    summary = "Filesystem metadata or directory call in async code blocks the event loop"
    guidelines = (
        Quote("asyncio", "File I/O", "Implement proper blocking I/O handling"),
        Quote("asyncio", "Thread and Process Integration", "Use proper blocking code offloading"),
    )
    calls = FILESYSTEM_CALLS
    #: not run unless selected: cheap on local disks, slow only on network ones
    opt_in = True
