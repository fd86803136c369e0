from __future__ import annotations

import ast
import weakref
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Range, Rule, Severity

#: exception classes, by qualified name, whose handlers catch a task's cancellation
CANCELLATION_CATCHERS = {
    "asyncio.CancelledError": "`asyncio.CancelledError`",
    "asyncio.exceptions.CancelledError": "`asyncio.CancelledError`",
    "builtins.BaseException": "`BaseException`",
}

_SUSPENSION_POINTS = (ast.Await, ast.AsyncFor, ast.AsyncWith)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_SCOPE_BOUNDARIES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
_TRY_STATEMENTS = tuple(t for t in (ast.Try, getattr(ast, "TryStar", None)) if t is not None)

#: per model: the ``try`` statements whose body can suspend (cancellation arrives only there)
_SUSPENDING_TRIES: weakref.WeakKeyDictionary[SemanticModel, set[int]] = weakref.WeakKeyDictionary()


class SwallowedCancellation(Rule):
    """
    ## What it does
    Finds handlers in a coroutine that catch the task's cancellation and do not re-raise it:
    `except asyncio.CancelledError`, bare `except:` and `except BaseException`, around code that
    awaits, and handlers that re-raise on some paths only: a bare `raise`, or `raise` of the caught
    exception (its `as` name or `asyncio.CancelledError`), must end every path of the handler. A
    re-raise that depends on `task.cancelling()` (the documented way to tell an outside
    cancellation from the task's own timeout) or on `isinstance(e, asyncio.CancelledError)` (a
    handler for several exceptions) counts for every path, and so does a path that sets a flag the
    function tests later before raising, or keeps the exception to raise later in the function
    (`cancelled = error; break` ... `raise cancelled`): a deferred re-raise. A bare `except:` or
    `except BaseException` after an `except asyncio.CancelledError` clause of the same `try` never
    sees the cancellation and is left alone. Awaiting a task that
    the same function has just cancelled (`task.cancel()`, then `try: await task` /
    `except asyncio.CancelledError: pass`) is the documented idiom and is not reported, and so is
    awaiting a future the code cancels on purpose elsewhere: `waiter.cancel` handed to
    `loop.call_later()` as a deadline, or `self._waiter.cancel()` in another method of the class.

    ## Why is this bad?
    `task.cancel()` works by raising `CancelledError` at the task's current `await`. A handler that
    swallows it makes the task carry on as if nothing happened: `asyncio.timeout()` and `wait_for()`
    cannot time it out, `TaskGroup` and server shutdown hang waiting for it, and the caller that
    cancelled it sees a task that finished normally. Since Python 3.8 `CancelledError` derives from
    `BaseException`, so `except Exception` lets it through, but bare `except:` and
    `except BaseException` do not.

    ## Example
    ```python
    async def consume(queue):
        while True:
            try:
                item = await queue.get()
                await handle(item)
            except asyncio.CancelledError:
                log.info("consumer stopping")
    ```

    ## Use instead
    ```python
    async def consume(queue):
        while True:
            try:
                item = await queue.get()
                await handle(item)
            except asyncio.CancelledError:
                log.info("consumer stopping")
                raise
    ```

    ## Fix safety
    No fix: whether to re-raise at once, after cleanup, or to catch `Exception` instead depends on
    what the handler is for.
    """

    code = "ASY115"
    name = "swallowed-cancellation"
    framework = "asyncio"
    severity = Severity.WARNING
    summary = "Handler in a coroutine catches `CancelledError` and does not re-raise it"
    guidelines = (
        Quote("asyncio", "Error Handling", "Use appropriate cancellation handling"),
        Quote("asyncio", "Task Management", "Create appropriate task cancellation"),
        Quote("asyncio", "Key Principles", "Create robust error handling and cancellation"),
        Quote("asyncio", "Error Handling", "Create proper try/except blocks"),
        Quote("asyncio", "Error Handling", "Implement effective exception propagation"),
        Quote("asyncio", "Coroutine Design", "Create appropriate exception handling"),
        Quote("starlette", "Async Handling and Request Processing", "Implement proper cancellation handling in long-running operations"),
        Quote("tornado", "Asynchronous Programming", "Use proper cancellation patterns"),
    )
    node_types = (ast.ExceptHandler,)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.ExceptHandler)
        if not model.in_async_context(node):
            return
        caught = _caught_cancellation(node, model)
        if caught is None:
            return
        statement = model.parent(node)
        if id(statement) not in _suspending_tries(model):
            return
        reraises = _reraises(node, model)
        if reraises and not _swallows_on_some_path(node, model):
            return
        if caught != "`asyncio.CancelledError`" and _cancellation_caught_before(node, statement, model):
            return  # an earlier `except CancelledError` of the same `try` takes it first
        if _awaits_a_task_it_cancelled(statement, model) or _kept_for_later(node, model):
            return
        where = model.context_label(node)
        header = "bare `except:`" if node.type is None else f"`except {model.segment(node.type)}`"
        if reraises:
            message = (
                f"{header} in {where} re-raises the task's cancellation on some paths only: where the handler ends "
                "without `raise` (or returns, breaks, continues), the task can no longer be cancelled or timed out; "
                "re-raise on every path"
            )
        elif caught == "`asyncio.CancelledError`":
            message = (
                f"{header} in {where} swallows the task's cancellation: the handler does not re-raise, so the "
                "task can no longer be cancelled or timed out; end the handler with `raise`"
            )
        else:
            message = (
                f"{header} in {where} also catches `asyncio.CancelledError` and does not re-raise it: the task "
                "can no longer be cancelled or timed out; catch `Exception` instead, or end the handler with `raise`"
            )
        yield Diagnostic(self.code, message, _header_range(node, model), self.severity)


def _caught_cancellation(handler: ast.ExceptHandler, model: SemanticModel) -> str | None:
    """How the handler catches cancellation ("bare", or a label of CANCELLATION_CATCHERS), or None."""
    if handler.type is None:
        return "bare"
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    for exception in types:
        label = CANCELLATION_CATCHERS.get(model.qualified_name(exception) or "")
        if label is not None:
            return label
    return None


def _cancellation_caught_before(handler: ast.ExceptHandler, statement: ast.AST, model: SemanticModel) -> bool:
    """An earlier handler of the ``try`` names ``CancelledError`` itself: the later bare ``except:``
    or ``except BaseException`` never sees the cancellation (the earlier one is judged on its own)."""
    for earlier in statement.handlers:  # type: ignore[attr-defined]
        if earlier is handler:
            return False
        if _caught_cancellation(earlier, model) == "`asyncio.CancelledError`":
            return True
    return False


def _suspending_tries(model: SemanticModel) -> set[int]:
    """The ids of the ``try`` statements with an ``await``, ``async for`` or ``async with`` in their body."""
    found = _SUSPENDING_TRIES.get(model)
    if found is None:
        found = _SUSPENDING_TRIES[model] = set()
        points = [node for kind in _SUSPENSION_POINTS for node in model.nodes(kind)]
        points += [
            node
            for kind in _COMPREHENSIONS
            for node in model.nodes(kind)
            if any(generator.is_async for generator in node.generators)  # type: ignore[attr-defined]
        ]
        for point in points:
            child = point
            for parent in model.ancestors(point):
                if isinstance(parent, _SCOPE_BOUNDARIES):
                    break
                if isinstance(parent, _TRY_STATEMENTS) and any(child is statement for statement in parent.body):
                    found.add(id(parent))
                child = parent
    return found


def _reraises(handler: ast.ExceptHandler, model: SemanticModel) -> bool:
    """A bare ``raise``, ``raise <as name>`` or ``raise <the caught class>`` in the handler's own body."""
    scope = model.scope(handler)
    first, last = handler.lineno, handler.end_lineno or handler.lineno
    for raise_ in model.nodes(ast.Raise):
        assert isinstance(raise_, ast.Raise)
        if not first <= raise_.lineno <= last or model.scope(raise_) is not scope:
            continue
        if not any(a is handler for a in model.ancestors(raise_)):
            continue
        exception = raise_.exc
        if exception is None:
            return True
        if isinstance(exception, ast.Call):
            exception = exception.func
        if handler.name and isinstance(exception, ast.Name) and exception.id == handler.name:
            return True
        if (model.qualified_name(exception) or "") in CANCELLATION_CATCHERS:
            return True
    return False


def _kept_for_later(handler: ast.ExceptHandler, model: SemanticModel) -> bool:
    """``except CancelledError as error: cancelled = error; break`` and a ``raise cancelled`` later
    in the function: the cancellation is re-raised once the loop or the cleanup is done."""
    if handler.name is None:
        return False
    function = model.enclosing_function(handler)
    if function is None:
        return False
    kept = {
        model.segment(target)
        for assignment in model.nodes_in(function, ast.Assign)
        if isinstance(assignment, ast.Assign)
        and isinstance(assignment.value, ast.Name)
        and assignment.value.id == handler.name
        and handler in model.ancestors(assignment)
        for target in assignment.targets
        if isinstance(target, (ast.Name, ast.Attribute))
    }
    return any(
        isinstance(raise_, ast.Raise) and raise_.exc is not None and model.segment(raise_.exc) in kept and handler not in model.ancestors(raise_)
        for raise_ in model.nodes_in(function, ast.Raise)
    )
def _swallows_on_some_path(handler: ast.ExceptHandler, model: SemanticModel) -> bool:
    """True when a handler that re-raises somewhere may also end without raising: it falls off its
    end, returns, or breaks or continues a loop around the ``try``. Not when the re-raise depends on
    ``task.cancelling()`` (the task was cancelled by someone else, not by its own timeout), or when
    the path that does not raise sets a flag the function tests later before raising (a deferred
    re-raise)."""
    inside = [call for call in model.nodes(ast.Call) if _within(call, handler, model)]
    if any(isinstance(c.func, ast.Attribute) and c.func.attr in ("cancelling", "uncancel") for c in inside):  # type: ignore[attr-defined]
        return False
    if any(_tests_for_cancellation(c, model) for c in inside):
        return False  # `except (OSError, CancelledError) as e:` … `if isinstance(e, CancelledError): raise`
    leaves = model.may_complete(handler.body) or any(
        _within(exit_, handler, model) and not _loop_between(exit_, handler, model)
        for kind in (ast.Return, ast.Break, ast.Continue)
        for exit_ in model.nodes(kind)
    )
    return leaves and not _flag_raised_later(handler, model)


def _tests_for_cancellation(call: ast.Call, model: SemanticModel) -> bool:
    """``isinstance(e, asyncio.CancelledError)`` (or a tuple holding it): the handler tells the
    cancellation apart from the other exceptions it catches."""
    if model.qualified_name(call.func) != "builtins.isinstance" or len(call.args) != 2:
        return False
    classes = call.args[1]
    members = classes.elts if isinstance(classes, ast.Tuple) else [classes]
    return any(CANCELLATION_CATCHERS.get(model.qualified_name(m) or "") == "`asyncio.CancelledError`" for m in members)


def _within(node: ast.AST, handler: ast.ExceptHandler, model: SemanticModel) -> bool:
    """``node`` is in the handler's own body (not a function defined there)."""
    return model.scope(node) is model.scope(handler) and any(a is handler for a in model.ancestors(node))


def _loop_between(node: ast.AST, handler: ast.ExceptHandler, model: SemanticModel) -> bool:
    """A ``return`` never has one; a ``break``/``continue`` of a loop inside the handler stays in it."""
    if isinstance(node, ast.Return):
        return False
    for ancestor in model.ancestors(node):
        if ancestor is handler:
            return False
        if isinstance(ancestor, (ast.For, ast.AsyncFor, ast.While)):
            return True
    return False


def _flag_raised_later(handler: ast.ExceptHandler, model: SemanticModel) -> bool:
    """The handler assigns a name that an ``if`` after it tests, an ``if`` whose block raises."""
    flags = [
        target
        for assignment in model.nodes(ast.Assign)
        if _within(assignment, handler, model)
        for target in assignment.targets  # type: ignore[attr-defined]
        if isinstance(target, ast.Name)
    ]
    raises = model.nodes(ast.Raise)
    for flag in flags:
        binding = model.lookup(flag.id, flag)
        for use in model.references(binding) if binding is not None else ():
            for ancestor in model.ancestors(use):
                if isinstance(ancestor, ast.If) and (use is ancestor.test or any(a is ancestor.test for a in model.ancestors(use))):
                    if any(any(a is ancestor for a in model.ancestors(raise_)) for raise_ in raises):
                        return True
    return False


def _awaits_a_task_it_cancelled(statement: ast.AST, model: SemanticModel) -> bool:
    """``try: await task`` as the whole ``try`` body, for a task or future the code cancels on
    purpose: ``task.cancel()`` earlier in the function, ``task.cancel`` handed on as a callback
    (``loop.call_later(5, waiter.cancel)``) in the function or a function nested in it, or, for
    ``self._waiter``, ``self._waiter.cancel()`` in another method of the class."""
    body = statement.body  # type: ignore[attr-defined]
    if len(body) != 1 or not isinstance(body[0], (ast.Expr, ast.Assign, ast.AnnAssign)):
        return False
    awaited = body[0].value
    if not isinstance(awaited, ast.Await) or not isinstance(awaited.value, (ast.Name, ast.Attribute)):
        return False
    receiver = model.segment(awaited.value)
    function = model.enclosing_function(statement)
    position = (statement.lineno, statement.col_offset)  # type: ignore[attr-defined]
    for cancel in model.attributes_named("cancel"):
        if model.segment(cancel.value) != receiver:
            continue
        where = model.enclosing_function(cancel)
        called = _is_called(cancel, model)
        if where is function and (not called or (cancel.lineno, cancel.col_offset) < position):
            return True
        if where is not None and function is not None and not called and function.node in model.ancestors(where.node):
            return True  # a callback nested in the function cancels it
        if (
            receiver.startswith("self.")
            and where is not None
            and function is not None
            and where is not function
            and where.class_info is not None
            and where.class_info is function.class_info
        ):
            return True
    return False


def _is_called(attribute: ast.Attribute, model: SemanticModel) -> bool:
    parent = model.parent(attribute)
    return isinstance(parent, ast.Call) and parent.func is attribute


def _header_range(handler: ast.ExceptHandler, model: SemanticModel) -> Range:
    """``except``, ``except X`` or ``except X as name``: the handler's first line, not its body."""
    start = model.range_of(handler)
    if handler.type is None:
        return Range(start.start_line, start.start_column, start.start_line, start.start_column + len("except"))
    end = model.range_of(handler.type)
    return Range(start.start_line, start.start_column, end.end_line, end.end_column)
