from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity, callees_of
from ..frameworks.tornado import handler_class

#: template objects that compile (and cache) templates: building one throws the cache away
TEMPLATE_FACTORIES = {
    "tornado.template.Loader": "loader",
    "tornado.template.DictLoader": "loader",
    "tornado.template.Template": "template",
}


class TemplateLoaderPerRequest(Rule):
    """
    ## What it does
    Finds `tornado.template.Loader(...)`, `DictLoader(...)` and `Template(...)` created inside the
    methods of a Tornado request handler, which run once per request.

    ## Why is this bad?
    A `Loader` compiles each template the first time it is asked for it and keeps the compiled
    code; a `Template` compiles its source when it is built. Tornado creates a new handler for every
    request, so a loader or template made in a handler method recompiles the template, and re-reads
    the file, on every request, which costs far more than rendering. `self.render()` uses the
    application's loader (the `template_path` setting), which is created once and caches.

    ## Example
    ```python
    from tornado import template, web

    class ReportHandler(web.RequestHandler):
        def get(self):
            loader = template.Loader("templates")
            self.write(loader.load("report.html").generate(rows=load_rows()))
    ```

    ## Use instead
    ```python
    from tornado import web

    class ReportHandler(web.RequestHandler):
        def get(self):
            self.render("report.html", rows=load_rows())

    app = web.Application([(r"/report", ReportHandler)], template_path="templates")
    ```

    Or build the loader once at module level (or in the `Application`) and share it.

    ## When to enable it
    In the opt-in group `pedantic`: `extend-select = ["pedantic"]` or `["TOR025"]`. It found nothing on
    the real-application corpus, and it is not a definite error: a template loader per request is a
    performance matter.

    ## Fix safety
    There is no automatic fix: where the shared loader lives is the application's choice.
    """

    code = "TOR025"
    name = "template-loader-per-request"
    opt_in = True
    framework = "tornado"
    severity = Severity.WARNING
    summary = "template `Loader` / `Template` built per request in a Tornado handler"
    guidelines = (
        Quote("tornado", "Template Rendering", "Create effective template caching"),
        Quote("tornado", "Template Rendering", "Use proper template engine configuration"),
    )
    node_types = (ast.Call,)
    callees = callees_of(TEMPLATE_FACTORIES)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        name = model.qualified_name(node.func)
        if name not in TEMPLATE_FACTORIES:
            return
        function = model.enclosing_function(node)
        while function is not None and function.outer.kind == "function":
            function = function.outer.function  # a closure runs when its method does
        if function is None or function.outer.kind != "class" or not handler_class(model, function.class_info):
            return
        kind = TEMPLATE_FACTORIES[name]
        message = (
            f"`{model.segment(node.func)}(...)` in {model.context_label(node)} builds a new {kind} for every request, "
            "recompiling the template each time; render with `self.render()` and the `template_path` setting, "
            f"or build the {kind} once at module level"
        )
        yield self.diagnostic(node, model, message)
