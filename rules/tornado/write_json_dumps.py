from __future__ import annotations

import ast
from collections.abc import Iterator

from ..fixes import FixContext
from ..guidelines import Quote
from ..model import ClassInfo, SemanticModel, argument
from ..rule import Applicability, Diagnostic, Edit, Fix, FixAvailability, Range, Rule, Severity
from ..frameworks.tornado import handler_self, self_call

#: handler methods that pass their argument to ``RequestHandler.write``
WRITERS = frozenset({"write", "finish"})
#: functions that encode a value as JSON text the way ``write(dict)`` does (``json_encode`` is what it calls)
JSON_ENCODERS = frozenset({"json.dumps", "simplejson.dumps", "ujson.dumps", "tornado.escape.json_encode"})
DICT_TYPES = frozenset({"builtins.dict", "typing.Dict", "collections.OrderedDict", "collections.defaultdict"})
_HEADER_SETTERS = frozenset({"set_header", "add_header"})


class WriteJsonDumps(Rule):
    """
    ## What it does
    Finds `self.write(json.dumps(d))` (or `self.finish(...)`, with `json.dumps`,
    `tornado.escape.json_encode`, `simplejson.dumps` or `ujson.dumps`) in Tornado request
    handlers, where `d` is a dict: a dict display or comprehension, `dict(...)`, or a local name
    only ever bound to one or annotated as one. Handler classes that label their responses
    themselves (a method of the class or of a base class in the module sets `Content-Type`, or
    overrides `write` or `finish`) are left alone.

    ## Why is this bad?
    `write()` sends a string with `Content-Type: text/html`, so the encoded JSON goes out labelled
    as HTML: clients that go by the header mis-read it, and a browser that opens the URL renders
    any `<script>` inside a value (reflected cross-site scripting). Given the dict itself,
    `write()` encodes it, escapes `</` and sets `Content-Type: application/json; charset=UTF-8`.

    ## Example
    ```python
    import json

    from tornado import web

    class StatusHandler(web.RequestHandler):
        def get(self):
            self.write(json.dumps({"status": "ok", "query": self.get_argument("q")}))
    ```

    ## Use instead
    ```python
    from tornado import web

    class StatusHandler(web.RequestHandler):
        def get(self):
            self.write({"status": "ok", "query": self.get_argument("q")})
    ```

    ## When to enable it
    In the opt-in group `pedantic`: `extend-select = ["pedantic"]` or `["TOR017"]`. It found nothing on
    the real-application corpus, and it is not a definite error: the content type is wrong but most
    clients parse the body anyway, as for STA039.

    ## Fix safety
    Safe: `write(d)` encodes with `json.dumps` as well, and only the response's `Content-Type`
    changes, to the right one. The fix deletes the encoder call around the dict, keeping what
    stands inside its parentheses (comments included). It is offered when the encoder gets the
    dict alone (options such as `indent=` or `default=` would be lost).
    """

    code = "TOR017"
    name = "write-json-dumps"
    opt_in = True
    framework = "tornado"
    severity = Severity.WARNING
    summary = "`self.write(json.dumps(d))` sends JSON as `text/html`; `self.write(d)` sends `application/json`"
    guidelines = (
        Quote("tornado", "Request Handling", "Use proper response generation"),
        Quote("tornado", "Request Handling", "Implement proper content type negotiation"),
    )
    node_types = (ast.Call,)
    callees = WRITERS
    fix_availability = FixAvailability.SOMETIMES
    fix_title = "Write the dict itself"

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        method = self_call(model, node)
        if method not in WRITERS:
            return
        assert isinstance(node, ast.Call)
        encoded = argument(node, 0, "chunk")
        if not isinstance(encoded, ast.Call) or model.qualified_name(encoded.func) not in JSON_ENCODERS:
            return
        value = argument(encoded, 0, "obj") or argument(encoded, 0, "value")
        if value is None or not _is_dict(model, value, 0):
            return
        handler = handler_self(model, node.func.value)  # type: ignore[attr-defined]
        if handler is None or _labels_responses(model, handler):
            return
        message = (
            f"`self.{method}({model.segment(encoded.func)}(...))` sends the JSON as `text/html`; `self.{method}()` of the "
            "dict itself encodes it and sets `Content-Type: application/json`"
        )
        fix = Applicability.SAFE if len(encoded.args) == 1 and not encoded.keywords else None
        yield self.diagnostic(encoded, model, message, fix=fix)

    def fix(self, diagnostic: Diagnostic, context: FixContext) -> Fix | None:
        encoded = context.node_at(diagnostic.range, ast.Call)
        if not isinstance(encoded, ast.Call) or len(encoded.args) != 1 or encoded.keywords:
            return None
        return Fix(self.fix_title, Applicability.SAFE, _unwrap_edits(encoded, context))


def _unwrap_edits(call: ast.Call, context: FixContext) -> tuple[Edit, Edit]:
    """Edits deleting ``encoder(`` and the closing ``)`` around the call's argument: what stands
    between them (line breaks, comments, a trailing comma) stays inside the outer call."""
    where = context.model.range_of(call)
    text = context.text(call)
    opening = text.index("(", len(context.text(call.func))) + 1
    before = text[:opening]
    line = where.start_line + before.count("\n")
    column = len(before) - before.rfind("\n") - 1 if "\n" in before else where.start_column + len(before)
    delete_opening = Edit(Range(where.start_line, where.start_column, line, column), "")
    delete_closing = Edit(Range(where.end_line, where.end_column - 1, where.end_line, where.end_column), "")
    return delete_opening, delete_closing


def _is_dict(model: SemanticModel, value: ast.expr, depth: int) -> bool:
    if isinstance(value, (ast.Dict, ast.DictComp)):
        return True
    if isinstance(value, ast.Call):
        return model.qualified_name(value.func) in DICT_TYPES
    if not isinstance(value, ast.Name) or depth > 2:
        return False
    binding = model.lookup(value.id, value)
    if binding is None or binding.scope.kind != "function":
        return False
    if binding.annotation is not None:
        annotated = binding.annotation.value if isinstance(binding.annotation, ast.Subscript) else binding.annotation
        return model.qualified_name(annotated) in DICT_TYPES
    bindings = binding.scope.bindings.get(value.id, [])
    return all(b.kind == "assignment" and b.value is not None and _is_dict(model, b.value, depth + 1) for b in bindings)


def _labels_responses(model: SemanticModel, class_info: ClassInfo) -> bool:
    """True when the handler class (or a base of the module) labels its responses itself: it
    overrides ``write`` or ``finish``, or one of its methods sets ``Content-Type``."""
    classes = [class_info, *(base for base in model.base_classes(class_info) if isinstance(base, ClassInfo))]
    for owner in classes:
        if "write" in owner.methods or "finish" in owner.methods:
            return True
        for method in owner.methods.values():
            for call in model.nodes_in(method, ast.Call):
                if self_call(model, call) in _HEADER_SETTERS:
                    name = argument(call, 0, "name")  # type: ignore[arg-type]
                    if isinstance(name, ast.Constant) and isinstance(name.value, str) and name.value.lower() == "content-type":
                        return True
    return False
