from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import FunctionInfo, SemanticModel
from ..rule import Diagnostic, Rule, Severity
from ..frameworks.tornado import capture_groups, handler_class, routes, websocket_class

#: the methods Tornado calls with a route's captured groups
VERB_METHODS = ("get", "head", "post", "delete", "patch", "put", "options")


class RouteArgumentsMismatch(Rule):
    """
    ## What it does
    Compares each route's regular expression with the methods of the handler it names (the HTTP
    verb methods, and `open` for WebSocket handlers). Tornado passes a route's unnamed groups as
    positional arguments, or, when the pattern has named groups (`(?P<name>...)`), only those, as
    keyword arguments. The rule reports a route whose groups the method cannot take (too many,
    or a name it has no parameter for) or that leaves a required parameter without a value.

    ## Why is this bad?
    The mismatch is a `TypeError` when Tornado calls the method: every request to the route
    answers 500. It happens when a pattern gains or loses a group, when a group is named in the
    pattern but not in the method, or when a group is made non-capturing.

    ## Example
    ```python
    from tornado import web

    class ArticleHandler(web.RequestHandler):
        def get(self, slug):
            self.write(slug)

    app = web.Application([(r"/articles/([0-9]+)/([a-z-]+)", ArticleHandler)])
    ```

    ## Use instead
    ```python
    from tornado import web

    class ArticleHandler(web.RequestHandler):
        def get(self, article_id, slug):
            self.write(slug)

    app = web.Application([(r"/articles/([0-9]+)/([a-z-]+)", ArticleHandler)])
    ```

    ## Fix safety
    There is no automatic fix: whether the pattern or the method is wrong is for the author to say.
    """

    code = "TOR027"
    name = "route-arguments-mismatch"
    framework = "tornado"
    severity = Severity.ERROR
    summary = "route groups that do not match the handler method's parameters"
    guidelines = (
        Quote("tornado", "Routing and URL Patterns", "Use appropriate path parameter extraction"),
        Quote("tornado", "Routing and URL Patterns", "Create effective regex-based routing"),
        Quote("tornado", "Routing and URL Patterns", "Create proper URLSpec patterns"),
    )
    node_types = (ast.Module,)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        for route in routes(model):
            if route.pattern is None:
                continue
            class_info = model.class_def(route.handler)
            if class_info is None or not handler_class(model, class_info):
                continue
            groups = capture_groups(route.pattern)
            names = [name for name, _ in groups if name]
            methods = ("open",) if websocket_class(model, class_info) else VERB_METHODS
            for method_name in methods:
                method = model.find_method(class_info, method_name)
                if method is None or not _plain_signature(model, method):
                    continue
                problem = _mismatch(method.node.args, len(groups), names)
                if problem is None:
                    continue
                message = (
                    f"route `{route.pattern}` {problem} `{class_info.name}.{method_name}`: every request to it "
                    "fails with TypeError (500); make the pattern's groups and the method's parameters agree"
                )
                yield self.diagnostic(route.node, model, message)


def _plain_signature(model: SemanticModel, method: FunctionInfo) -> bool:
    """True when Tornado calls the method with the signature it is written with: no decorators,
    or Tornado's own (``@authenticated`` and ``@gen.coroutine`` pass the arguments through)."""
    for decorator in method.node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if not (model.qualified_name(target) or "").startswith("tornado."):
            return False
    return True


def _mismatch(args: ast.arguments, group_count: int, names: list[str]) -> str | None:
    """What is wrong with calling a method of these parameters (``self`` first) with the groups."""
    positional = [*args.posonlyargs, *args.args][1:]
    defaults = len(args.defaults)
    required = positional[: len(positional) - defaults] if defaults else positional
    required_keywords = [a.arg for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is None]
    if names:
        accepted = {a.arg for a in args.args[1:]} | {a.arg for a in args.kwonlyargs}
        unknown = [name for name in names if name not in accepted]
        if unknown and args.kwarg is None:
            return f"passes `{unknown[0]}=` (a named group), which is no parameter of"
        missing = [a.arg for a in required if a.arg not in names] + [n for n in required_keywords if n not in names]
        if missing:
            return f"has no named group for the required parameter `{missing[0]}` of"
        return None
    if group_count > len(positional) and args.vararg is None:
        return f"passes {group_count} captured group{'s' if group_count != 1 else ''} to the {len(positional)} parameter{'s' if len(positional) != 1 else ''} of"
    if len(required) > group_count:
        return f"captures {group_count} group{'s' if group_count != 1 else ''}, fewer than the {len(required)} required by"
    if required_keywords:
        return f"has no named group for the required parameter `{required_keywords[0]}` of"
    return None
