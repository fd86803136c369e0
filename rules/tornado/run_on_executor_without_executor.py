from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import ClassInfo, SemanticModel, keyword
from ..rule import Diagnostic, Rule, Severity
from ..frameworks.tornado import RUN_ON_EXECUTOR

#: base classes known not to provide an ``executor`` attribute (other unknown bases might)
PLAIN_BASES = ("builtins.object", "tornado.web.", "tornado.websocket.")


class RunOnExecutorWithoutExecutor(Rule):
    """
    ## What it does
    Finds methods decorated with `@run_on_executor` in classes that never set the attribute it
    uses: `executor` by default, or the name given as `@run_on_executor(executor="...")`. The
    attribute counts when the class, a base class or a subclass of the module assigns it (in
    the class body, as `self.<name> = ...` in a method, or `Class.<name> = ...`). Classes with
    bases from other modules, which may provide it, are left alone.

    ## Why is this bad?
    `run_on_executor` submits the method to `self.executor` when it is called; without that
    attribute every call raises `AttributeError: '...' object has no attribute 'executor'`, in
    the middle of a request.

    ## Example
    ```python
    from tornado import web
    from tornado.concurrent import run_on_executor

    class ThumbnailHandler(web.RequestHandler):
        @run_on_executor
        def resize(self, data):
            return make_thumbnail(data)
    ```

    ## Use instead
    ```python
    from concurrent.futures import ThreadPoolExecutor

    from tornado import web
    from tornado.concurrent import run_on_executor

    class ThumbnailHandler(web.RequestHandler):
        executor = ThreadPoolExecutor(max_workers=4)

        @run_on_executor
        def resize(self, data):
            return make_thumbnail(data)
    ```

    A class-level executor is shared by all requests (handlers are created per request, so an
    executor made in `initialize` would be one per request). `await
    IOLoop.current().run_in_executor(None, make_thumbnail, data)` at the call site needs no
    attribute at all.

    ## Fix safety
    There is no automatic fix: the kind and size of the executor are the application's choice.
    """

    code = "TOR014"
    name = "run-on-executor-without-executor"
    framework = "tornado"
    severity = Severity.ERROR
    summary = "`@run_on_executor` in a class without an `executor` attribute"
    guidelines = (
        Quote("tornado", "Concurrent Execution", "Use proper ThreadPoolExecutor integration"),
        Quote("tornado", "Concurrent Execution", "Implement proper resource management"),
    )
    node_types = (ast.FunctionDef, ast.AsyncFunctionDef)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        function = model.function_info(node)
        if function is None or function.class_info is None or function.outer.kind != "class":
            return
        for decorator in node.decorator_list:
            call = decorator if isinstance(decorator, ast.Call) else None
            if model.qualified_name(call.func if call else decorator) != RUN_ON_EXECUTOR:
                continue
            attribute = keyword(call, "executor") if call else None
            if attribute is None:
                name = "executor"
            elif isinstance(attribute, ast.Constant) and isinstance(attribute.value, str):
                name = attribute.value
            else:
                return
            class_info = function.class_info
            if _may_have(model, class_info, _unmangled(name, class_info)):
                return
            message = (
                f"`@run_on_executor` on `{function.qualname}` submits to `self.{name}`, which `{class_info.name}` never "
                f"sets: every call raises AttributeError; add `{name} = ThreadPoolExecutor(max_workers=4)` to the class"
            )
            yield self.diagnostic(decorator, model, message)


def _unmangled(name: str, class_info: ClassInfo) -> str:
    """How the class's own code spells a mangled private name: ``_Worker__pool`` is ``__pool`` in ``Worker``."""
    prefix = f"_{class_info.name.lstrip('_')}__"
    return "__" + name[len(prefix) :] if name.startswith(prefix) else name


def _may_have(model: SemanticModel, class_info: ClassInfo, name: str) -> bool:
    """True when the class, a base or a subclass of the module sets ``name``, defines
    ``__getattr__``, or derives from a class this module cannot see into."""
    related = [class_info]
    for base in model.base_classes(class_info):
        if isinstance(base, ClassInfo):
            related.append(base)
        elif not base.startswith(PLAIN_BASES):
            return True
    related.extend(c for c in model.classes if any(base is class_info for base in model.base_classes(c)))
    for owner in related:
        if name in owner.scope.bindings or name in owner.attributes or "__getattr__" in owner.methods:
            return True
    for assignment in model.nodes(ast.Assign):
        assert isinstance(assignment, ast.Assign)
        for target in assignment.targets:
            if isinstance(target, ast.Attribute) and target.attr == name and model.class_def(target.value) in related:
                return True
    return False
