"""How programs start their event loop: what ``ASY200`` takes for start-up code, run once per
process before anything else runs on the loop (``rules.project.once``)."""

from __future__ import annotations

#: functions that make a loop and run a coroutine (or coroutine function) given first to completion
LOOP_RUNNERS = frozenset({"asyncio.run", "anyio.run", "trio.run", "uvloop.run"})
#: methods of a loop (or of ``asyncio.Runner``, Tornado's ``IOLoop``) that run the coroutine given
#: first to completion
LOOP_RUNNER_METHODS = frozenset({"run_until_complete", "run_sync"})
#: receiver types of ``LOOP_RUNNER_METHODS`` besides asyncio's loops
LOOP_RUNNER_TYPES = frozenset({"asyncio.Runner", "asyncio.runners.Runner", "tornado.ioloop.IOLoop"})

#: decorators (by prefix) of command-line commands: the command runs once, as a program of its own
CLI_DECORATOR_PREFIXES = ("click.", "asyncclick.", "typer.")

#: application classes -> their methods that run once, at start-up, before the application serves
#: (a subclass's ``async def initialize``/``start`` run from ``launch_instance``)
APPLICATION_LIFECYCLE: dict[str, frozenset[str]] = {
    "traitlets.config.Application": frozenset({"initialize", "start"}),
    "traitlets.config.application.Application": frozenset({"initialize", "start"}),
}
