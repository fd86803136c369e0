from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel, argument
from ..rule import Diagnostic, Rule, Severity, callees_of
from ..frameworks.sanic import APP, BLUEPRINT, qualified

#: the names Sanic accepts for applications and blueprints (``sanic.base.root.VALID_NAME``)
VALID_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_\-]*$")
#: one character of a valid name, for names built with an f-string
_NAME_CHARACTER = re.compile(r"[a-zA-Z0-9_\-]")
#: the classes whose constructor validates the name -> how messages call them
NAMED_CLASSES = {APP: "Sanic", BLUEPRINT: "Blueprint"}
#: an example of a valid name, by class, for messages
EXAMPLE_NAMES = {"Sanic": "MyApp", "Blueprint": "my_blueprint"}


class InvalidAppName(Rule):
    """
    ## What it does
    Finds `Sanic(...)` and `Blueprint(...)` called without a name, or with a name Sanic rejects:
    a name must start with a letter or `_` and hold only letters, digits, `_` and `-` (so no
    spaces, dots or slashes). Literal names are checked, and the literal parts of f-strings.

    ## Why is this bad?
    Since Sanic 21.x the name is required: `Sanic()` fails with `TypeError` (older releases raised
    `SanicException: Sanic instance cannot be unnamed`). An invalid name raises `SanicException:
    Sanic instance named 'My App' uses an invalid format` when the module is imported, so the
    application never starts. Sanic uses the name to build route names (`MyApp.get_user`) and to
    find the app again (`Sanic.get_app("MyApp")`).

    ## Example
    ```python
    from sanic import Blueprint, Sanic

    app = Sanic()
    admin = Sanic("Admin Panel")
    v1 = Blueprint("api.v1", url_prefix="/v1")
    ```

    ## Use instead
    ```python
    from sanic import Blueprint, Sanic

    app = Sanic("Shop")
    admin = Sanic("AdminPanel")
    v1 = Blueprint("api_v1", url_prefix="/v1")
    ```

    `Sanic(__name__)` is not reported, though it fails the same way when the module is imported as
    part of a package (`shop.server` holds a dot): prefer a literal name.

    ## Fix safety
    There is no automatic fix: the name shows in route names and `url_for` calls, and
    `Sanic.get_app(name)` elsewhere may look it up.
    """

    code = "SAN007"
    name = "invalid-app-name"
    framework = "sanic"
    severity = Severity.ERROR
    summary = "`Sanic()`/`Blueprint()` without a name, or with a name Sanic rejects at start-up"
    guidelines = (
        Quote("sanic", "Sanic Project Structure", "Implement proper application factory patterns"),
        Quote("sanic", "Routing", "Use proper route naming"),
        Quote("sanic", "Sanic Project Structure", "Use proper Blueprints organization"),
    )
    node_types = (ast.Call,)
    callees = callees_of(NAMED_CLASSES)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        title = NAMED_CLASSES.get(qualified(model, node.func) or "")
        if title is None:
            return
        if any(isinstance(arg, ast.Starred) for arg in node.args) or any(k.arg is None for k in node.keywords):
            return  # the name may come from *args or **kwargs
        name = argument(node, 0, "name")
        if name is None or (isinstance(name, ast.Constant) and name.value is None):
            message = (
                f"`{title}()` has no name: Sanic requires one and fails at start-up; "
                f'name it, e.g. `{title}("{EXAMPLE_NAMES[title]}")`'
            )
            yield self.diagnostic(node, model, message)
            return
        problem = _name_problem(name)
        if problem is not None:
            message = (
                f"{title} name {problem}: Sanic raises `SanicException` (invalid format) when this runs; a name starts "
                "with a letter or `_` and holds only letters, digits, `_` and `-`"
            )
            yield self.diagnostic(name, model, message)


def _name_problem(name: ast.expr) -> str | None:
    """What makes a literal (or f-string) name invalid, or None when it is valid or unknown."""
    if isinstance(name, ast.Constant):
        if isinstance(name.value, str) and not VALID_NAME.match(name.value):
            return f"`{name.value!r}` is invalid" if name.value else "is empty"
        return None
    if not isinstance(name, ast.JoinedStr):
        return None
    literal_parts = [part.value for part in name.values if isinstance(part, ast.Constant) and isinstance(part.value, str)]
    for text in literal_parts:
        bad = next((character for character in text if not _NAME_CHARACTER.match(character)), None)
        if bad is not None:
            return f"contains {bad!r}"
    first = name.values[0] if name.values else None
    if isinstance(first, ast.Constant) and isinstance(first.value, str) and first.value[:1].isdigit():
        return f"starts with {first.value[0]!r}"
    return None
