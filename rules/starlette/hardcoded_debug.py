from __future__ import annotations

import ast
from collections.abc import Iterator

from ..fixes import FixContext
from ..guidelines import Quote
from ..model import SemanticModel, argument, keyword
from ..rule import Applicability, Diagnostic, Edit, Fix, FixAvailability, Range, Rule, Severity, callees_of

#: application classes -> whether ``debug`` is also their first positional parameter
APPLICATIONS = {
    "starlette.applications.Starlette": True,
    "starlette.Starlette": True,
    "fastapi.FastAPI": False,
    "fastapi.applications.FastAPI": False,
}

CONFIG_CLASS = "starlette.config.Config"
#: names tried, in order, for the ``Config`` instance the fix creates
CONFIG_NAMES = ("config", "env_config", "app_config")


class HardcodedDebug(Rule):
    """
    ## What it does
    Finds `debug=True` written as a literal in `Starlette(...)` or `FastAPI(...)` (or `True` as
    `Starlette`'s first positional argument).

    ## Why is this bad?
    In debug mode the app answers every unhandled exception with the full traceback, source lines
    around each frame included, to whoever sent the request. A literal `True` ships to production
    the moment the module does: the guideline asks for debug mode in development only, switched by
    environment-based configuration.

    ## Example
    ```python
    from starlette.applications import Starlette

    app = Starlette(debug=True, routes=routes)
    ```

    ## Use instead
    ```python
    from starlette.applications import Starlette
    from starlette.config import Config

    config = Config(".env")
    app = Starlette(debug=config("DEBUG", cast=bool, default=False), routes=routes)
    ```

    Development machines set `DEBUG=true` in their environment or `.env` file; production sets
    nothing and runs without debug.

    ## When to enable it
    In the opt-in group `pedantic`: `extend-select = ["pedantic"]` or `["STA002"]`. A hard-coded debug
    or reload flag is most often in a development entry point or demo code (under `if __name__ ==
    "__main__":`, a local run script), where it is what the author wants; the rule cannot tell that
    entry point from the production one. Enable it to make sure no such flag reaches a deployed
    application.

    ## Fix safety
    Unsafe: the app stops running in debug mode until `DEBUG` is set in the environment (or the
    `.env` file), which changes what developers see on errors. The fix reads the flag with
    Starlette's `Config` (FastAPI apps have it too, Starlette being a FastAPI dependency): it reuses
    a module-level `Config` instance, or adds `config = Config(".env")` before the statement that
    creates the first such app (Starlette warns when `.env` does not exist), and adds
    `from starlette.config import Config` if needed.
    """

    code = "STA002"
    name = "hardcoded-debug"
    opt_in = True
    framework = "starlette"
    severity = Severity.WARNING
    summary = "`debug=True` hard-coded in `Starlette(...)`/`FastAPI(...)` shows tracebacks to clients"
    guidelines = (
        Quote(
            "starlette",
            "Application Structure and Configuration",
            "Enable debug mode only in development: `app = Starlette(debug=True, routes=routes)` for development, `debug=False` for production",
        ),
        Quote(
            "starlette",
            "Application Structure and Configuration",
            "Use `Config` and `Secret` types for environment-based configuration management with `.env` files",
        ),
    )
    node_types = (ast.Call,)
    callees = callees_of(APPLICATIONS)
    fix_availability = FixAvailability.ALWAYS
    fix_title = "Read `debug` from `Config` (`DEBUG`, default `False`)"

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        flag = _literal_debug(node, model)
        if flag is None:
            return
        callee = model.segment(node.func)
        message = (
            f"`debug=True` is hard-coded in `{callee}(...)`: every unhandled error sends its traceback "
            f"to the client; read it from configuration, e.g. `config(\"DEBUG\", cast=bool, default=False)`"
        )
        yield self.diagnostic(flag, model, message, fix=Applicability.UNSAFE)

    def fix(self, diagnostic: Diagnostic, context: FixContext) -> Fix | None:
        model = context.model
        flag = context.node_at(diagnostic.range, ast.Constant)
        call = model.parent(flag) if flag is not None else None
        if isinstance(call, ast.keyword):
            call = model.parent(call)
        if not isinstance(call, ast.Call) or _literal_debug(call, model) is not flag:
            return None
        edits: list[Edit] = []
        config = _existing_config(model, call)
        if config is None:
            config = next((name for name in CONFIG_NAMES if _is_free(model, name, call)), None)
            if config is None:
                return None
            reference, import_edit = _config_class(context, call)
            line = _first_line(_first_flagged_statement(model))
            statement = Edit(Range(line, 0, line, 0), f'{config} = {reference}(".env"){context.newline}')
            if import_edit is not None and import_edit.range == statement.range:
                # both go right after the imports: one edit keeps the import first
                statement = Edit(statement.range, import_edit.new_text + statement.new_text)
            elif import_edit is not None:
                edits.append(import_edit)
            edits.append(statement)
        edits.append(context.replace(flag, f'{config}("DEBUG", cast=bool, default=False)'))
        return Fix(self.fix_title, Applicability.UNSAFE, tuple(edits))


def _literal_debug(call: ast.Call, model: SemanticModel) -> ast.Constant | None:
    """The literal ``True`` passed as ``debug`` to an application class, if the call is one."""
    positional = APPLICATIONS.get(model.qualified_name(call.func) or "")
    if positional is None:
        return None
    flag = argument(call, 0, "debug") if positional else keyword(call, "debug")
    return flag if isinstance(flag, ast.Constant) and flag.value is True else None


def _existing_config(model: SemanticModel, call: ast.Call) -> str | None:
    """The name of a module-level ``Config`` instance visible at ``call``, if there is one."""
    runs_later = model.enclosing_function(call) is not None
    for name, bindings in model.module_scope.bindings.items():
        binding = bindings[-1]
        if binding.kind == "assignment" and binding.value is not None and model.instance_type(binding.value) == CONFIG_CLASS:
            defined_before = runs_later or binding.position < (call.lineno, call.col_offset)
            if defined_before and model.lookup(name, call) is binding:
                return name
    return None


def _config_class(context: FixContext, call: ast.Call) -> tuple[str, Edit | None]:
    """How to name ``Config``: an existing import, else ``from starlette.config import Config``
    when the name is free, else ``import starlette.config``."""
    reference, import_edit = context.import_name("starlette.config", "Config")
    if import_edit is not None and _is_free(context.model, "Config", call):
        return "Config", context.add_from_import("starlette.config", "Config")
    return reference, import_edit


def _is_free(model: SemanticModel, name: str, call: ast.Call) -> bool:
    return name not in model.module_scope.bindings and model.lookup(name, call) is None


def _top_level_statement(model: SemanticModel, node: ast.AST) -> ast.stmt:
    for ancestor in model.ancestors(node):
        if model.parent(ancestor) is model.tree:
            return ancestor  # type: ignore[return-value]
    raise AssertionError("a call always stands in a module-level statement")


def _first_flagged_statement(model: SemanticModel) -> ast.stmt:
    """The first module-level statement creating an app with a literal ``debug=True``: every fix
    puts the new ``Config`` there, so fixing several apps at once adds it once."""
    return min(
        (_top_level_statement(model, call) for call in model.nodes(ast.Call) if _literal_debug(call, model) is not None),  # type: ignore[arg-type]
        key=_first_line,
    )


def _first_line(statement: ast.stmt) -> int:
    """The 0-based first line of a statement, its decorators included."""
    decorators = getattr(statement, "decorator_list", None) or ()
    return min([statement.lineno, *(d.lineno for d in decorators)]) - 1
