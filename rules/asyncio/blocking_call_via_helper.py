from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..blocking import FRAMEWORK_OFFLOAD
from ..fixes import FixContext
from ..guidelines import Quote
from ..model import SemanticModel
from ..project.index import AnalysisOptions, Chain, ProjectIndex, ProjectView, chain_end_codes
from ..project.once import on_failure_path
from ..project.start_up import StartUp
from ..project.summary import Names, summarize
from ..rule import Applicability, Diagnostic, Fix, FixAvailability, Related, Rule, Severity

if TYPE_CHECKING:
    import libcst as cst

#: the module name a document gets when no project places it
DOCUMENT_MODULE = "__document__"

#: framework -> the module and function its own offload fix uses, when not ``asyncio.to_thread``
FRAMEWORK_OFFLOAD_FUNCTIONS = {
    "starlette": ("starlette.concurrency", "run_in_threadpool"),
    "fastapi": ("starlette.concurrency", "run_in_threadpool"),
}


class BlockingCallViaHelper(Rule):
    """
    ## What it does
    Finds calls, in async code, of the project's own plain functions that block the event loop:
    the function makes a blocking call (one that ASY100–ASY107 report when made in async code
    directly: `time.sleep()`, `requests.get()`, a sync database driver…), or reaches one
    through other functions, in this module or another module of the project. Calls of methods
    through an instance of known type (`self.client = Client()`), constructors (`Client()` runs
    `__init__`), `@property` reads, `functools.partial` objects, and callbacks given to
    `loop.call_soon()`/`call_later()`/`call_at()` or `add_done_callback()` are followed too. The
    diagnostic's related information lists the chain hop by hop. A chain ends at the calls of the
    direct rules that are on by default or enabled: `open()` (ASY103) and filesystem metadata
    (ASY164) are opt-in, and end chains only once selected.

    What runs off the loop is not followed: a function handed to `asyncio.to_thread()`,
    `loop.run_in_executor()`, `run_in_threadpool()`, `anyio.to_thread.run_sync()` or
    `BackgroundTasks.add_task()`, a `@run_on_executor` method, plain `def` endpoints and
    dependencies (Starlette and FastAPI run those in a thread pool). Arguments evaluated at such a
    call site still run on the loop, and are reported. A plain function whose result is awaited
    is a factory of awaitables (`await serve(run_async=True)`) and is not followed. A callee the
    analysis cannot place is taken not to block.

    What blocks once per process, or only on the way to an error, is left out: a coroutine run
    once at start-up up to its first `await` (given to `asyncio.run()` or
    `loop.run_until_complete()` in its module, a `click`/`typer` command, a decorator of the
    project that runs it with `asyncio.run()`, a traitlets `Application`'s `initialize`/`start`),
    a module-level cache filled once (`if _cache is None:` under `global _cache`), a
    `functools.cache` function without parameters, and the expression of a `raise`. A
    `time.sleep()` of at most a millisecond ends only the chains of calls made in a loop.

    ## Why is this bad?
    A blocking call stalls the loop wherever it sits: two functions down, in another module, it
    freezes every other request exactly as it would in the handler itself, and it is much harder
    to see in review.

    ## Example
    ```python
    # app/db.py
    import time

    def query():
        time.sleep(1)

    # app/api.py
    from app.db import query

    async def handler():
        query()
    ```

    ## Use instead
    ```python
    import asyncio

    from app.db import query

    async def handler():
        await asyncio.to_thread(query)
    ```
    or make the helper async all the way down.

    ## Fix safety
    Unsafe: running the function in a thread (`await asyncio.to_thread(query, ...)`, or
    `await run_in_threadpool(query, ...)` in a Starlette or FastAPI handler) keeps the loop free,
    but the function then runs concurrently with the loop's code, which is only right when it does
    not touch state the loop uses without a lock. The fix adds the import.
    """

    code = "ASY200"
    name = "blocking-call-via-helper"
    opt_in = False
    framework = "asyncio"
    severity = Severity.WARNING
    summary = "A function called in async code reaches a blocking call"
    guidelines = (
        Quote("asyncio", "Thread and Process Integration", "Use proper blocking code offloading"),
        Quote("asyncio", "Key Principles", "Create responsive and scalable asynchronous applications"),
    )
    node_types = (ast.Module,)
    fix_availability = FixAvailability.SOMETIMES
    fix_title = "Run it in a thread with `await asyncio.to_thread(...)`"

    @classmethod
    def cited_guidelines(cls) -> tuple[Quote, ...]:
        extra = [q for offload in FRAMEWORK_OFFLOAD.values() for q in offload.quotes]
        return cls.guidelines + tuple(dict.fromkeys(q for q in extra if q not in cls.guidelines))

    def quotes(self, diagnostic: Diagnostic) -> tuple[Quote, ...]:
        offload = FRAMEWORK_OFFLOAD.get(diagnostic.data.get("framework", ""))
        return self.guidelines + (offload.quotes if offload is not None else ())

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        view: ProjectView | None = model.project
        if view is None:
            module, is_package = DOCUMENT_MODULE, False
            index = ProjectIndex({}, AnalysisOptions(ends=chain_end_codes(model.enabled_codes)))
        else:
            module, is_package, index = view.module, view.is_package, view.index
        path = view.path if view is not None else None
        # the index may hold an older text of this document: its summary is made anew
        index = index.replaced(summarize(model, module, path, is_package))
        names = Names(model, module, is_package)
        start_up = StartUp(model, names, index)
        for call in model.nodes(ast.Call):
            assert isinstance(call, ast.Call)
            if not model.in_async_context(call) or on_failure_path(model, call):
                continue
            callback = names.loop_callback(call)
            if callback is not None:
                target, kind = names.target(callback), "callback"
            else:
                target, kind = names.target(call.func), "call"
            if target is None or not index.may_block(target) or isinstance(model.parent(call), ast.Await):
                # an awaited plain function returns an awaitable: a factory that hands the work to
                # the loop (``await serve(run_async=True)``), whose blocking paths are for other modes
                continue
            chain = index.blocking_chain(target, kind, repeated=model.enclosing_loop(call) is not None)
            if chain is not None and not start_up.covers(call):
                yield self._diagnostic(call, model, index, path, chain, kind, callback or call.func)
        for attribute in model.nodes(ast.Attribute):
            assert isinstance(attribute, ast.Attribute)
            if attribute.attr not in index.property_names or not (
                model.in_async_context(attribute) and isinstance(attribute.ctx, ast.Load)
            ):
                continue
            read = names.read(attribute)
            repeated = model.enclosing_loop(attribute) is not None
            chain = index.blocking_chain(read.target, "read", repeated) if read is not None else None
            if chain is not None and not on_failure_path(model, attribute) and not start_up.covers(attribute):
                yield self._diagnostic(attribute, model, index, path, chain, "read", attribute)

    def _diagnostic(
        self,
        node: ast.AST,
        model: SemanticModel,
        index: ProjectIndex,
        path: str | None,
        chain: Chain,
        kind: str,
        callee: ast.AST,
    ) -> Diagnostic:
        shown = model.segment(callee) if kind == "read" else f"{_callee_text(model, callee)}()"
        blocking = f"`{chain.blocking.name}()`"
        if not chain.functions:
            message = f"{shown} blocks the event loop: the project lists `{chain.blocking.name}` as blocking"
        else:
            where = _location(index, chain, path)
            if len(chain.functions) == 1:
                message = f"{shown} blocks the event loop: it calls {blocking} ({where})"
            else:
                message = f"{shown} blocks the event loop: it reaches {blocking} via {chain.last}() ({where})"
        if kind == "callback":
            message += "; the loop runs it as a callback"
        framework = model.calling_framework(model.enclosing_function(node))
        offload = FRAMEWORK_OFFLOAD.get(framework) if framework else None
        if offload is not None and kind == "call":
            message += f"; {offload.advice.removeprefix('or ')}"
        data = {"framework": framework} if framework else {}
        fixable = kind == "call" and model.scope(node).kind == "function"
        related = tuple(
            Related(None if hop.path == path else hop.path, hop.line, hop.column, hop.message) for hop in chain.hops
        )
        diagnostic = self.diagnostic(
            node, model, message, fix=Applicability.UNSAFE if fixable else None, data=data
        )
        diagnostic.related = related
        return diagnostic

    def fix(self, diagnostic: Diagnostic, context: FixContext) -> Fix | None:
        import libcst as cst
        call = context.node_at(diagnostic.range, ast.Call)
        if not isinstance(call, ast.Call):
            return None
        framework = diagnostic.data.get("framework")
        if framework in FRAMEWORK_OFFLOAD_FUNCTIONS:
            module, name = FRAMEWORK_OFFLOAD_FUNCTIONS[framework]
            import_edit = context.add_from_import(module, name)
            reference, title = name, f"Run it in a thread with `await {name}(...)`"
        else:
            reference, import_edit = context.import_name("asyncio", "to_thread")
            title = self.fix_title or ""
        parenthesise = context.needs_parentheses_for_await(call)

        def offloaded(expression: cst.BaseExpression) -> cst.BaseExpression:
            assert isinstance(expression, cst.Call)
            arguments = [cst.Arg(expression.func), *expression.args]
            awaited = cst.Await(cst.Call(cst.parse_expression(reference), arguments))
            if parenthesise:
                awaited = awaited.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
            return awaited

        edits = [context.rewrite_expression(call, offloaded)]
        if import_edit is not None:
            edits.append(import_edit)
        return Fix(title, Applicability.UNSAFE, tuple(edits))


def _callee_text(model: SemanticModel, callee: ast.AST) -> str:
    """How the message names the callee: as the code spells it, a partial by what it wraps."""
    if isinstance(callee, ast.Call) and callee.args:
        return model.segment(callee.args[0])
    if isinstance(callee, ast.Lambda) and isinstance(callee.body, ast.Call):
        return model.segment(callee.body.func)
    return model.segment(callee)


def _location(index: ProjectIndex, chain: Chain, path: str | None) -> str:
    line = chain.blocking.line + 1
    if chain.path is None or chain.path == path:
        return f"line {line}"
    return f"{index.display_path(chain.path)}:{line}"
