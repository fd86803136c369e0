from __future__ import annotations

from ..blocking import BlockingCallRule
from ..guidelines import Quote

_IN_THREAD = "`await asyncio.to_thread({call}, ...)`"

#: qualified call -> the async replacement
BLOCKING_INPUT_CALLS: dict[str, str] = {
    "builtins.input": _IN_THREAD.format(call="input") + " or `aioconsole.ainput()`",
    "getpass.getpass": _IN_THREAD.format(call="getpass.getpass"),
    "sys.stdin.read": _IN_THREAD.format(call="sys.stdin.read") + " or an `asyncio.StreamReader` on stdin",
    "sys.stdin.readline": _IN_THREAD.format(call="sys.stdin.readline") + " or an `asyncio.StreamReader` on stdin",
    "sys.stdin.readlines": _IN_THREAD.format(call="sys.stdin.readlines"),
}


class BlockingInput(BlockingCallRule):
    """
    ## What it does
    Finds `input()` in async code, and its relatives `getpass.getpass()` and
    `sys.stdin.read()`/`readline()`/`readlines()`, in a coroutine or a request handler.

    ## Why is this bad?
    Reading the terminal waits for a person to type and press Enter, on the event loop's thread:
    every other task — the connections a CLI tool keeps open, the heartbeats of a bot, the requests
    of a server started from a terminal — stops until then. Under a process manager with no
    terminal, `input()` raises `EOFError` or hangs instead.

    ## Example
    ```python
    async def confirm_and_deploy(client):
        answer = input("Deploy to production? [y/N] ")
        if answer == "y":
            await client.deploy()
    ```

    ## Use instead
    ```python
    import asyncio

    async def confirm_and_deploy(client):
        answer = await asyncio.to_thread(input, "Deploy to production? [y/N] ")
        if answer == "y":
            await client.deploy()
    ```

    ## Fix safety
    No automatic fix: a thread waiting on the terminal cannot be cancelled, so whether to read in a
    thread, through `aioconsole`, or before the event loop starts is a design choice.
    """

    code = "ASY105"
    name = "blocking-input-in-async"
    framework = "asyncio"
    summary = "`input()` in async code blocks the event loop until the user answers"
    guidelines = (
        Quote("asyncio", "Thread and Process Integration", "Use proper blocking code offloading"),
        Quote("asyncio", "Thread and Process Integration", "Use proper run_in_executor"),
        Quote("asyncio", "Key Principles", "Create responsive and scalable asynchronous applications"),
    )
    calls = BLOCKING_INPUT_CALLS
