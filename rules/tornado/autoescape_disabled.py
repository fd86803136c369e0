from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel, argument, keyword
from ..rule import Diagnostic, Rule, Severity, callees_of
from ..frameworks.tornado import applications, setting_constant

#: template classes taking ``autoescape``: qualified name -> its position (None: keyword only)
TEMPLATE_CLASSES: dict[str, int | None] = {
    "tornado.template.Template": 4,
    "tornado.template.Loader": None,
    "tornado.template.DictLoader": None,
    "tornado.template.BaseLoader": 0,
}


class AutoescapeDisabled(Rule):
    """
    ## What it does
    Finds `autoescape=None` in a Tornado application's settings, or given to a
    `tornado.template` `Loader`, `DictLoader` or `Template`.

    ## Why is this bad?
    Tornado templates escape every `{{ expression }}` for HTML by default (`xhtml_escape`).
    `autoescape=None` turns that off for every template: any value that reaches a page from a
    user (a name, a comment, a query parameter) can carry `<script>`, a cross-site scripting
    hole, unless each expression is escaped by hand and none is ever forgotten.

    ## Example
    ```python
    from tornado import web

    app = web.Application(handlers, template_path="templates", autoescape=None)
    ```

    ## Use instead
    ```python
    from tornado import web

    app = web.Application(handlers, template_path="templates")
    ```

    Output that is already safe HTML can opt out where it is written: `{% raw html %}` in the
    template, or `{% autoescape None %}` at the top of one template file.

    ## When to enable it
    In the opt-in group `pedantic`: `extend-select = ["pedantic"]` or `["TOR012"]`. It found nothing on
    the real-application corpus, and it is not a definite error: applications that escape by hand turn
    autoescape off on purpose.

    ## Fix safety
    There is no automatic fix: templates written for no escaping may escape values that hold
    HTML on purpose, which has to be marked `{% raw %}` first.
    """

    code = "TOR012"
    name = "template-autoescape-disabled"
    opt_in = True
    framework = "tornado"
    severity = Severity.WARNING
    summary = "`autoescape=None` turns off HTML escaping in Tornado templates"
    guidelines = (
        Quote("tornado", "Template Rendering", "Implement proper template escaping"),
        Quote("tornado", "Template Rendering", "Use proper template engine configuration"),
    )
    node_types = (ast.Module, ast.Call)
    callees = callees_of(TEMPLATE_CLASSES)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        if isinstance(node, ast.Module):
            reported: set[int] = set()
            for setup in applications(model):
                value = setup.settings.get("autoescape")
                if value is not None and _is_none(model, value) and id(value) not in reported:
                    reported.add(id(value))
                    yield self._report(value, model, "the application's templates")
            return
        assert isinstance(node, ast.Call)
        name = model.qualified_name(node.func)
        if name not in TEMPLATE_CLASSES:
            return
        position = TEMPLATE_CLASSES[name]
        value = argument(node, position, "autoescape") if position is not None else keyword(node, "autoescape")
        if value is not None and _is_none(model, value):
            yield self._report(value, model, f"`{model.segment(node.func)}`")

    def _report(self, value: ast.expr, model: SemanticModel, where: str) -> Diagnostic:
        message = (
            f"`autoescape=None` turns off HTML escaping in {where}: any user-provided value becomes a cross-site "
            "scripting hole; keep the default and mark safe HTML with `{% raw %}`"
        )
        return self.diagnostic(value, model, message)


def _is_none(model: SemanticModel, value: ast.expr) -> bool:
    literal = setting_constant(model, value)
    return literal is not None and literal.value is None
