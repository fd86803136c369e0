from __future__ import annotations

import ast
from collections.abc import Iterator

from ..fixes import FixContext
from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Applicability, Diagnostic, Edit, Fix, FixAvailability, Range, Rule, Severity
from ..frameworks.tornado import decorator_names

#: Tornado's test cases, whose test methods run synchronously unless ``@gen_test`` wraps them
ASYNC_TEST_CASES = ("tornado.testing.AsyncTestCase", "tornado.testing.AsyncHTTPTestCase", "tornado.testing.AsyncHTTPSTestCase")
GEN_TEST = "tornado.testing.gen_test"


class AsyncTestWithoutGenTest(Rule):
    """
    ## What it does
    Finds `async def test_*` methods, and `test_*` generators, in subclasses of Tornado's
    `AsyncTestCase` / `AsyncHTTPTestCase` that are not decorated with `@tornado.testing.gen_test`.

    ## Why is this bad?
    Tornado's test cases call test methods like any `unittest` test: calling a coroutine
    function only creates the coroutine, which nothing runs. Tornado notices and fails the test
    with `TypeError: Generator and coroutine test methods should be decorated with
    tornado.testing.gen_test`; with other runners or older releases the body silently never runs
    and the test passes without testing anything. `@gen_test` runs the coroutine on the test's
    IOLoop, with a timeout.

    ## Example
    ```python
    from tornado.testing import AsyncHTTPTestCase

    class HealthTest(AsyncHTTPTestCase):
        def get_app(self):
            return make_app()

        async def test_health(self):
            response = await self.http_client.fetch(self.get_url("/health"))
            self.assertEqual(response.code, 200)
    ```

    ## Use instead
    ```python
    from tornado.testing import AsyncHTTPTestCase, gen_test

    class HealthTest(AsyncHTTPTestCase):
        def get_app(self):
            return make_app()

        @gen_test
        async def test_health(self):
            response = await self.http_client.fetch(self.get_url("/health"))
            self.assertEqual(response.code, 200)
    ```

    ## Fix safety
    The fix adds `@gen_test` (importing it from `tornado.testing` when needed). It is safe: the
    body did not run before, and now runs as written.
    """

    code = "TOR023"
    name = "async-test-without-gen-test"
    framework = "tornado"
    severity = Severity.WARNING
    summary = "coroutine test method in a Tornado `AsyncTestCase` without `@gen_test`"
    guidelines = (
        Quote("tornado", "Testing", "Use proper AsyncHTTPTestCase"),
        Quote("tornado", "Testing", "Implement effective coroutine testing"),
    )
    node_types = (ast.FunctionDef, ast.AsyncFunctionDef)
    fix_availability = FixAvailability.ALWAYS
    fix_title = "Decorate with `@gen_test`"

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        if not node.name.startswith("test"):
            return
        function = model.function_info(node)
        if function is None or function.outer.kind != "class" or function.class_info is None:
            return
        if not (function.is_async or function.yields):
            return
        if not model.is_subclass(function.class_info, *ASYNC_TEST_CASES):
            return
        if GEN_TEST in decorator_names(model, function) or node.decorator_list:
            return  # another decorator may run the coroutine itself
        kind = "coroutine" if function.is_async else "generator"
        message = (
            f"`{function.class_info.name}.{node.name}` is a {kind} test method without `@gen_test`: "
            "the test case calls it without running its body (Tornado fails it with TypeError); decorate it with `@gen_test`"
        )
        yield self.diagnostic(node, model, message, fix=Applicability.SAFE)

    def fix(self, diagnostic: Diagnostic, context: FixContext) -> Fix | None:
        node = context.node_at(diagnostic.range, ast.FunctionDef, ast.AsyncFunctionDef)
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or node.decorator_list:
            return None
        start = context.model.range_of(node)
        indent = context.model.lines[start.start_line][: start.start_column]
        if indent.strip():
            return None  # the def shares its line with other code
        decorator, import_edit = context.import_name("tornado.testing", "gen_test")
        at = Range(start.start_line, start.start_column, start.start_line, start.start_column)
        edits = (Edit(at, f"@{decorator}\n{indent}"),) + ((import_edit,) if import_edit else ())
        return Fix(self.fix_title, Applicability.SAFE, edits)
