from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity
from ..frameworks.tornado import handler_class

#: the methods Tornado calls for each HTTP verb (``RequestHandler.SUPPORTED_METHODS``)
VERB_METHODS = ("get", "head", "post", "delete", "patch", "put", "options")


def _one_slip(name: str, verb: str) -> bool:
    """True when ``name`` is ``verb`` with one letter doubled or added, two neighbours swapped, or
    (for verbs of four letters or more) one letter left out. Replaced letters do not count:
    ``set``, ``pet`` and ``read`` are ordinary words, not typos of ``get``, ``put`` and ``head``."""
    if len(name) == len(verb) + 1:
        return any(name[:i] + name[i + 1 :] == verb for i in range(len(name)))
    if len(name) == len(verb) - 1 and len(verb) >= 4:
        return any(verb[:i] + verb[i + 1 :] == name for i in range(len(verb)))
    if len(name) == len(verb) and name != verb:
        return any(
            name == verb[:i] + verb[i + 1] + verb[i] + verb[i + 2 :] for i in range(len(verb) - 1)
        )
    return False


class MisspelledHttpMethod(Rule):
    """
    ## What it does
    Finds methods of Tornado request-handler classes whose name is an HTTP verb method spelt
    wrong: in capitals (`def Get`, `def POST`) or with one slip of the keyboard (`def gett`,
    `def psot`, `def delte`), when the class has no method of the right name and the module
    never refers to the misspelt one.

    ## Why is this bad?
    Tornado dispatches a request to the lower-case method named after its verb (`get`, `post`,
    `put`, `patch`, `delete`, `head`, `options`). A misspelt method is never called: every
    request with that verb answers `405 Method Not Allowed`, and nothing at start-up says why.

    ## Example
    ```python
    from tornado import web

    class OrderHandler(web.RequestHandler):
        async def Post(self):
            self.write({"created": True})
    ```

    ## Use instead
    ```python
    from tornado import web

    class OrderHandler(web.RequestHandler):
        async def post(self):
            self.write({"created": True})
    ```

    ## Fix safety
    There is no automatic fix: renaming the method makes the handler answer a verb it answered
    with 405 before, which is for the author to confirm.
    """

    code = "TOR021"
    name = "misspelled-http-method"
    framework = "tornado"
    severity = Severity.WARNING
    summary = "Tornado handler method that looks like a misspelt HTTP verb method"
    guidelines = (
        Quote("tornado", "Request Handling", "Use appropriate HTTP method handlers"),
        Quote("tornado", "Request Handling", "Implement effective method overrides"),
    )
    node_types = (ast.FunctionDef, ast.AsyncFunctionDef)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        name = node.name
        if name in VERB_METHODS or name.startswith("_"):
            return
        function = model.function_info(node)
        if function is None or function.outer.kind != "class" or not handler_class(model, function.class_info):
            return
        class_info = function.class_info
        assert class_info is not None
        if name.lower() in VERB_METHODS:
            verb = name.lower()
        else:
            slips = [verb for verb in VERB_METHODS if _one_slip(name, verb)]
            if len(slips) != 1 or model.attributes_named(name):
                return
            verb = slips[0]
        if model.find_method(class_info, verb) is not None:
            return
        message = (
            f"`{class_info.name}.{name}` is never called by Tornado, which dispatches {verb.upper()} requests to "
            f"`{verb}`: every {verb.upper()} request answers 405; rename it to `{verb}`"
        )
        yield self.diagnostic(node, model, message)
