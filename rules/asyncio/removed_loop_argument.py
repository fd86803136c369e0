from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..fixes import FixContext
from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Applicability, Diagnostic, Fix, FixAvailability, Rule, Severity, callees_of

if TYPE_CHECKING:
    import libcst as cst

#: asyncio APIs whose ``loop`` parameter was removed in Python 3.10 (deprecated since 3.8), by
#: qualified name; the submodule spellings (``asyncio.locks.Lock``) are matched too
REMOVED_LOOP_PARAMETER = frozenset({
    "asyncio.Queue", "asyncio.PriorityQueue", "asyncio.LifoQueue",
    "asyncio.Lock", "asyncio.Event", "asyncio.Condition", "asyncio.Semaphore", "asyncio.BoundedSemaphore",
    "asyncio.sleep", "asyncio.gather", "asyncio.wait_for", "asyncio.wait", "asyncio.as_completed",
    "asyncio.shield",
    "asyncio.open_connection", "asyncio.start_server", "asyncio.open_unix_connection", "asyncio.start_unix_server",
    "asyncio.create_subprocess_exec", "asyncio.create_subprocess_shell",
})

_SUBMODULES = frozenset({"queues", "locks", "tasks", "streams", "subprocess"})
#: the Python release that removed the parameter: code that only runs on older ones is left alone
REMOVED_IN = (3, 10)


def _public_name(qualified_name: str) -> str:
    """``asyncio.locks.Lock`` -> ``asyncio.Lock``."""
    parts = qualified_name.split(".")
    if len(parts) == 3 and parts[0] == "asyncio" and parts[1] in _SUBMODULES:
        return f"asyncio.{parts[2]}"
    return qualified_name


class RemovedLoopArgument(Rule):
    """
    ## What it does
    Finds `loop=` passed to asyncio APIs that removed the parameter in Python 3.10: the queues,
    `Lock`, `Event`, `Condition`, `Semaphore`, `BoundedSemaphore`, `sleep()`, `gather()`,
    `wait_for()`, `wait()`, `as_completed()`, `shield()`, the stream functions
    (`open_connection()`, `start_server()` and their Unix variants) and
    `create_subprocess_exec()` / `create_subprocess_shell()`, where the code may run on Python 3.10
    or later. Compatibility code that only runs on older Pythons (under
    `if sys.version_info < (3, 10):`, or in the `else` of `if sys.version_info >= (3, 10):`) is
    left alone.

    ## Why is this bad?
    Since Python 3.10 these calls raise `TypeError` (an unexpected keyword argument), even for
    `loop=None`. They use the running event loop, which is the only correct loop to use from inside
    it; the parameter was deprecated in 3.8 because passing a different loop caused subtle bugs.

    ## Example
    ```python
    lock = asyncio.Lock(loop=loop)
    await asyncio.sleep(1, loop=loop)
    ```

    ## Use instead
    ```python
    lock = asyncio.Lock()
    await asyncio.sleep(1)
    ```

    ## Fix safety
    Safe: the fix removes the keyword argument and its comma, keeping the rest of the call as it
    was written. The object binds to the running loop when first used, which is the loop the code
    runs in.
    """

    code = "ASY118"
    name = "removed-loop-argument"
    framework = "asyncio"
    severity = Severity.ERROR
    summary = "`loop=` argument removed from asyncio APIs in Python 3.10"
    guidelines = (
        Quote("asyncio", "Key Principles", "Follow established asyncio best practices"),
        Quote("asyncio", "Event Loop Management", "Implement proper loop selection"),
    )
    node_types = (ast.Call,)
    callees = callees_of(REMOVED_LOOP_PARAMETER)  # `asyncio.locks.Lock` goes by `Lock` too
    fix_availability = FixAvailability.ALWAYS
    fix_title = "Remove the `loop` argument"

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        loop = next((k for k in node.keywords if k.arg == "loop"), None)
        if loop is None:
            return
        name = model.qualified_name(node.func)
        if name is None or _public_name(name) not in REMOVED_LOOP_PARAMETER:
            return
        if not model.python_versions(node).reaches(REMOVED_IN):
            return
        message = (
            f"`{_public_name(name)}()` no longer takes `loop=` (removed in Python 3.10: a `TypeError`); "
            "remove it, the running loop is used"
        )
        yield self.diagnostic(loop, model, message, fix=Applicability.SAFE)

    def fix(self, diagnostic: Diagnostic, context: FixContext) -> Fix | None:
        loop = context.node_at(diagnostic.range, ast.keyword)
        call = context.model.parent(loop) if loop is not None else None
        if not isinstance(call, ast.Call):
            return None
        return Fix(self.fix_title, Applicability.SAFE, (context.rewrite_expression(call, _without_loop),))


def _without_loop(expression: cst.BaseExpression) -> cst.BaseExpression:
    """The call without its ``loop=`` argument, the layout of the others kept."""
    import libcst as cst
    assert isinstance(expression, cst.Call)
    args = list(expression.args)
    index = next(i for i, arg in enumerate(args) if arg.keyword is not None and arg.keyword.value == "loop")
    removed = args.pop(index)
    if not args:
        return expression.with_changes(args=(), whitespace_before_args=cst.SimpleWhitespace(""))
    if index == len(args):
        args[-1] = _ending_like(args[-1], removed)
    return expression.with_changes(args=args)


def _ending_like(last: cst.Arg, removed: cst.Arg) -> cst.Arg:
    """The new last argument ends as the removed one did: with its trailing comma (or none) and
    the whitespace before ``)``; a comment after the new last argument's own comma stays."""
    import libcst as cst
    if not isinstance(removed.comma, cst.Comma):
        return last.with_changes(comma=cst.MaybeSentinel.DEFAULT, whitespace_after_arg=removed.whitespace_after_arg)
    after = removed.comma.whitespace_after
    if isinstance(last.comma, cst.Comma):
        own = last.comma.whitespace_after
        if isinstance(own, cst.ParenthesizedWhitespace) and isinstance(after, cst.ParenthesizedWhitespace):
            after = after.with_changes(first_line=own.first_line)
        return last.with_changes(comma=last.comma.with_changes(whitespace_after=after))
    return last.with_changes(comma=removed.comma)
