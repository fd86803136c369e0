"""The shared shape of "blocking call in async context" rules (ASY100–ASY107).

Each such rule keeps its own table, as data in its own file, of qualified call names and the
async replacement to name in the message; this base class does the matching. A table key that
ends with ``.*`` matches every attribute of that name (``"requests.*"``: ``requests.get``,
``requests.Session.post``…).

Inside a request handler (or an aiohttp middleware, or a Sanic listener or middleware:
``SemanticModel.calling_framework``), the message also says how that framework keeps blocking
work off the loop (``FRAMEWORK_OFFLOAD``), and the diagnostic quotes that framework's guideline
as well.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

from .guidelines import Quote
from .model import SemanticModel
from .rule import Diagnostic, Rule, Severity, callees_of


@dataclass(frozen=True)
class Offload:
    """How a framework runs blocking work off the event loop, and the guideline bullets saying so."""

    advice: str
    quotes: tuple[Quote, ...]


_STARLETTE_ASYNC_IO = Quote(
    "starlette",
    "Async Handling and Request Processing",
    "Always use `async def` for endpoint functions that perform I/O operations",
)

_TO_THREAD = "asyncio.to_thread("

#: framework of the handler -> what to add to the message, and the bullets the hover quotes
FRAMEWORK_OFFLOAD: dict[str, Offload] = {
    "starlette": Offload(
        "or run it in a thread with `await run_in_threadpool(...)`, or make the endpoint a plain "
        "`def` (Starlette runs those in a thread pool)",
        (_STARLETTE_ASYNC_IO,),
    ),
    "fastapi": Offload(
        "or run it in a thread with `await run_in_threadpool(...)`, or declare the path operation "
        "with plain `def` (FastAPI runs those in a thread pool)",
        (_STARLETTE_ASYNC_IO,),
    ),
    "aiohttp": Offload(
        "or offload it with `await asyncio.to_thread(...)` or `loop.run_in_executor(...)`",
        (Quote("aiohttp", "Server-Side Development", "Create appropriate handler functions"),),
    ),
    "sanic": Offload(
        "or offload it with `await asyncio.to_thread(...)` or `loop.run_in_executor(...)`",
        (
            Quote("sanic", "Asynchronous Programming", "Use proper async/await syntax"),
            Quote("sanic", "Asynchronous Programming", "Implement proper concurrent operations"),
        ),
    ),
    "tornado": Offload(
        "or offload it with `await IOLoop.current().run_in_executor(None, ...)` or `@run_on_executor`",
        (
            Quote("tornado", "Concurrent Execution", "Create effective blocking operation handling"),
            Quote("tornado", "Concurrent Execution", "Use proper ThreadPoolExecutor integration"),
        ),
    ),
}


class BlockingCallRule(Rule):
    severity = Severity.WARNING
    node_types = (ast.Call,)
    #: qualified call name (or ``prefix.*``) -> what to use instead, for the message
    calls: ClassVar[dict[str, str]]
    #: qualified call names a ``prefix.*`` key of ``calls`` matches that do no blocking I/O
    exempt: ClassVar[frozenset[str]] = frozenset()
    #: framework -> what to use instead in that framework's handlers, where it has a better answer
    framework_replacements: ClassVar[dict[str, str]] = {}
    #: framework -> further bullets of its guideline that this rule enforces in its handlers
    framework_quotes: ClassVar[dict[str, tuple[Quote, ...]]] = {}
    #: whether running the call in a thread is advice worth giving (not for ``time.sleep``)
    offloadable: ClassVar[bool] = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "calls" in cls.__dict__ and "callees" not in cls.__dict__:
            cls.callees = callees_of(cls.calls)

    @classmethod
    def cited_guidelines(cls) -> tuple[Quote, ...]:
        extra = [q for offload in FRAMEWORK_OFFLOAD.values() for q in offload.quotes]
        extra += [q for quotes in cls.framework_quotes.values() for q in quotes]
        return cls.guidelines + tuple(dict.fromkeys(q for q in extra if q not in cls.guidelines))

    def quotes(self, diagnostic: Diagnostic) -> tuple[Quote, ...]:
        framework = diagnostic.data.get("framework")
        if framework not in FRAMEWORK_OFFLOAD:
            return self.guidelines
        return self.guidelines + FRAMEWORK_OFFLOAD[framework].quotes + self.framework_quotes.get(framework, ())

    def replacement(self, name: str) -> str | None:
        if name in self.exempt:
            return None
        found = self.calls.get(name)
        if found is not None:
            return found
        prefix = name
        while "." in prefix:
            prefix = prefix.rsplit(".", 1)[0]
            found = self.calls.get(f"{prefix}.*")
            if found is not None:
                return found
        return None

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if not model.in_async_context(node) or isinstance(model.parent(node), ast.Await):
            return  # an awaited call is not the blocking function, whatever its name says
        for name in self.call_names(node, model):
            replacement = self.replacement(name)
            if replacement is not None:
                yield self.blocking_diagnostic(node, model, name, replacement)
                return

    @staticmethod
    def call_names(node: ast.Call, model: SemanticModel) -> Iterator[str]:
        """The names a call is looked up by: its qualified name, then, for a method call, the method
        on its receiver's known type (``ROOT.read_text`` after ``ROOT = Path(__file__).parent``, whose
        qualified name runs through ``Path.parent`` and misses the table)."""
        name = model.qualified_name(node.func)
        if name is not None:
            yield name
        if isinstance(node.func, ast.Attribute):
            receiver = model.instance_type(node.func.value)
            if receiver is not None and f"{receiver}.{node.func.attr}" != name:
                yield f"{receiver}.{node.func.attr}"

    def blocking_diagnostic(self, node: ast.Call, model: SemanticModel, name: str, replacement: str, **extra) -> Diagnostic:
        shown = name.removeprefix("builtins.")
        message = f"`{shown}()` blocks the event loop in {model.context_label(node)}; use "
        framework = model.calling_framework(model.enclosing_function(node))
        if framework is None:
            return self.diagnostic(node, model, message + replacement, **extra)
        message += self.framework_replacements.get(framework, replacement)
        offload = FRAMEWORK_OFFLOAD.get(framework)
        # advice that only repeats the replacement's `asyncio.to_thread` (aiohttp, Sanic) is left out
        repeated = offload is not None and _TO_THREAD in offload.advice and _TO_THREAD in message
        if offload is not None and self.offloadable and not repeated:
            message += f", {offload.advice}"
        data = {**extra.pop("data", {}), "framework": framework}
        return self.diagnostic(node, model, message, data=data, **extra)
