from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity
from ..frameworks.tornado import Route, routes

#: a pattern that matches every path (``/.*``, ``(.*)``), or every path but ``/`` (``/(.+)``)
CATCH_ALL = re.compile(r"\^?(?P<slash>/?)(?:\((?:\?P<\w+>)?)?\.(?P<repeat>[*+])\)?\$?")


class CatchAllRouteFirst(Rule):
    """
    ## What it does
    Finds a catch-all route (`r"/.*"`, `r"/(.*)"`, `r".*"`, `r"/(.+)"`…) followed by other
    routes in the same handler list.

    ## Why is this bad?
    Tornado tries the routes of a list in order and uses the first whose pattern matches the whole
    path. A catch-all pattern matches every path, so the routes after it are never reached: their
    requests go to the catch-all handler (often a 404 page or a `StaticFileHandler`).

    ## Example
    ```python
    from tornado import web

    app = web.Application([
        (r"/(.*)", web.StaticFileHandler, {"path": "static"}),
        (r"/api/items", ItemsHandler),
    ])
    ```

    ## Use instead
    ```python
    from tornado import web

    app = web.Application([
        (r"/api/items", ItemsHandler),
        (r"/(.*)", web.StaticFileHandler, {"path": "static"}),
    ])
    ```

    ## Fix safety
    There is no automatic fix: moving routes changes which handler answers, which the author
    should confirm.
    """

    code = "TOR030"
    name = "catch-all-route-first"
    framework = "tornado"
    severity = Severity.WARNING
    summary = "catch-all route before other routes, which it shadows"
    guidelines = (
        Quote("tornado", "Routing and URL Patterns", "Use proper wildcard patterns"),
        Quote("tornado", "Routing and URL Patterns", "Create proper URLSpec patterns"),
    )
    node_types = (ast.Module,)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        lists: dict[int, list[Route]] = {}
        for route in routes(model):
            lists.setdefault(id(model.parent(route.node)), []).append(route)
        for entries in lists.values():
            for index, route in enumerate(entries):
                match = CATCH_ALL.fullmatch(route.pattern or "")
                if match is None:
                    continue
                shadowed = [r for r in entries[index + 1 :] if not _escapes(match, r.pattern)]
                if not shadowed:
                    continue
                first = shadowed[0].pattern
                others = f" and {len(shadowed) - 1} more" if len(shadowed) > 1 else ""
                plural = len(shadowed) > 1
                message = (
                    f"catch-all route `{route.pattern}` matches every path, so the route{'s' if plural else ''} after it "
                    f"(`{first}`{others}) never receive{'' if plural else 's'} requests; move it last"
                )
                yield self.diagnostic(route.node, model, message)
                break


def _escapes(match: re.Match[str], pattern: str | None) -> bool:
    """True when a later route may still be reached: ``/`` after ``/(.+)``, or a pattern that is not
    a literal (what it matches is unknown)."""
    if pattern is None:
        return True
    if match.group("repeat") == "+" and match.group("slash"):
        return pattern.strip("^$") == "/"
    return False
