from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from ..guidelines import Quote
from ..handlers import is_starlette_endpoint
from ..model import FunctionInfo, SemanticModel, argument, keyword
from ..rule import Diagnostic, Rule, Severity
from ..frameworks.starlette import display

PARAMETER = re.compile(r"{([A-Za-z_][A-Za-z0-9_]*)(?::[A-Za-z_][A-Za-z0-9_]*)?}")
DEPENDENCY_MARKERS = frozenset({"fastapi.Depends", "fastapi.params.Depends", "fastapi.Security", "fastapi.params.Security"})
PATH_MARKERS = frozenset({"fastapi.Path", "fastapi.params.Path"})
ANNOTATED = frozenset({"typing.Annotated", "typing_extensions.Annotated"})
ALIAS_CHOICES = frozenset({"pydantic.AliasChoices", "pydantic.aliases.AliasChoices"})
#: annotations of parameters FastAPI would read from the query string when they are not in the path
SCALARS = frozenset({"builtins.int", "builtins.str", "builtins.float", "builtins.bool", "uuid.UUID"})
#: how many dependency functions are followed
MAX_DEPTH = 4


class PathParameterNotInSignature(Rule):
    """
    ## What it does
    Finds a `{parameter}` in the path of a FastAPI route decorator (`@app.get("/items/{item_id}")`,
    `@router.websocket(...)`, `api_route`…) that the function does not take: no parameter of that
    name (or with `Path(alias=...)` or `Path(validation_alias=...)` of that name), in the function
    or in the dependencies (`Depends(...)`) of this module that it, its decorator or its router
    use (a router's: where it is built, or where this module includes that router). A function
    with a dependency defined elsewhere or that is a class or an instance (`Depends(Guard())`, whose
    `__call__` may take the parameter), or one that reads `request.path_params`, is not checked.

    ## Why is this bad?
    FastAPI validates and passes on only the path parameters the function declares. An undeclared
    one still has to be in the URL, but its value is never converted, validated or used: usually
    the parameter was renamed on one side only. If the function's parameter has another name
    (`def read_item(id: int)` for `{item_id}`), FastAPI takes that parameter from the query string
    instead, and every request without `?id=` fails with a 422 error.

    ## Example
    ```python
    from fastapi import FastAPI

    app = FastAPI()


    @app.get("/items/{item_id}")
    async def read_item(id: int):
        return await load_item(id)
    ```

    ## Use instead
    ```python
    from fastapi import FastAPI

    app = FastAPI()


    @app.get("/items/{item_id}")
    async def read_item(item_id: int):
        return await load_item(item_id)
    ```

    ## Fix safety
    There is no automatic fix: the path or the function may be the one to change.
    """

    code = "STA020"
    name = "path-parameter-not-in-signature"
    framework = "starlette"
    severity = Severity.WARNING
    summary = "FastAPI: a `{param}` of the route's path that the function does not take"
    guidelines = (
        Quote(
            "starlette",
            "Routing and URL Patterns",
            "Use path parameters with type hints: `Route('/users/{user_id:int}', user_detail)` for automatic conversion and validation",
        ),
    )
    node_types = (ast.FunctionDef, ast.AsyncFunctionDef)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        function = model.function_info(node)
        handler = function.handler if function is not None else None
        if handler is None or handler.framework != "fastapi" or is_starlette_endpoint(handler):
            return
        decorator = handler.registration
        if not (isinstance(decorator, ast.Call) and decorator in function.node.decorator_list):  # type: ignore[union-attr]
            return
        path = argument(decorator, 0, "path")
        if not (isinstance(path, ast.Constant) and isinstance(path.value, str)):
            return
        wanted = PARAMETER.findall(path.value)
        if not wanted or any(attribute.attr == "path_params" for attribute in model.nodes_in(function, ast.Attribute)):  # type: ignore[arg-type]
            return
        taken = _taken(function, model, 0)  # type: ignore[arg-type]
        extra = _listed_dependencies(keyword(decorator, "dependencies"), model)
        routers = _router_dependencies(decorator, model)
        if taken is None or extra is None or routers is None:
            return  # a dependency this module does not define may take them
        missing = [name for name in dict.fromkeys(wanted) if name not in taken | extra | routers]
        for name in missing:
            message = (
                f"path parameter `{{{name}}}` is not a parameter of `{function.name}`: FastAPI matches it in the URL "  # type: ignore[union-attr]
                f"but neither validates nor passes it on; add `{name}: <type>` to the function"
            )
            guesses = _query_parameters(function, model, set(wanted))  # type: ignore[arg-type]
            if len(missing) == 1 and guesses:
                shown = ", ".join(f"`{guess}`" for guess in guesses)
                message += f" (FastAPI reads {shown} from the query string instead)"
            yield self.diagnostic(path, model, message)


def _parameters(function: FunctionInfo) -> list[tuple[ast.arg, ast.expr | None]]:
    """Each named parameter and its default."""
    args = function.node.args
    positional = [*args.posonlyargs, *args.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    return [*zip(positional, defaults), *zip(args.kwonlyargs, args.kw_defaults)]


def _markers(arg: ast.arg, default: ast.expr | None, model: SemanticModel) -> list[ast.Call]:
    """The calls that say what FastAPI does with a parameter: its default, and ``Annotated``
    metadata (also through module-level aliases: ``Identifier = Annotated[int, Path(...)]``)."""
    found = [default] if isinstance(default, ast.Call) else []
    annotation = display(arg.annotation, model)
    if isinstance(annotation, ast.Subscript) and model.qualified_name(annotation.value) in ANNOTATED:
        metadata = annotation.slice.elts[1:] if isinstance(annotation.slice, ast.Tuple) else []
        found += [item for item in (display(m, model) for m in metadata) if isinstance(item, ast.Call)]
    return found


def _path_names(marker: ast.Call, model: SemanticModel) -> set[str] | None:
    """The path parameter names a ``Path(...)`` reads: its ``alias`` and ``validation_alias``
    (a string, or ``AliasChoices`` of strings); None when they cannot be read."""
    names: set[str] = set()
    for option in ("alias", "validation_alias"):
        value = keyword(marker, option)
        if value is None:
            continue
        if isinstance(value, ast.Call) and model.qualified_name(value.func) in ALIAS_CHOICES:
            choices = value.args
        else:
            choices = [value]
        for choice in choices:
            if not (isinstance(choice, ast.Constant) and isinstance(choice.value, str)):
                return None
            names.add(choice.value)
    return names


def _taken(function: FunctionInfo, model: SemanticModel, depth: int) -> set[str] | None:
    """The names the function and the dependencies it uses take; None when a dependency is not
    a function of this module."""
    if depth > MAX_DEPTH:
        return None
    names: set[str] = set()
    for arg, default in _parameters(function):
        names.add(arg.arg)
        for marker in _markers(arg, default, model):
            callee = model.qualified_name(marker.func)
            if callee in PATH_MARKERS:
                aliases = _path_names(marker, model)
                if aliases is None:
                    return None
                names |= aliases
            elif callee in DEPENDENCY_MARKERS:
                taken = _dependency(marker, model, depth)
                if taken is None:
                    return None
                names |= taken
    return names


def _dependency(marker: ast.Call, model: SemanticModel, depth: int) -> set[str] | None:
    dependency = argument(marker, 0, "dependency")
    function = model.function_def(dependency) if dependency is not None else None
    return _taken(function, model, depth + 1) if function is not None else None


def _router_dependencies(decorator: ast.Call, model: SemanticModel) -> set[str] | None:
    """The names the dependencies of the decorator's router take: ``APIRouter(dependencies=...)``
    where the router is built, and the ``include_router(router, dependencies=...)`` that include
    this router (not another app's or router's)."""
    receiver = decorator.func.value  # type: ignore[attr-defined]
    built = display(receiver, model) if isinstance(receiver, ast.Name) else None
    listed = [keyword(built, "dependencies")] if isinstance(built, ast.Call) else []
    for call in model.nodes(ast.Call):
        func = call.func  # type: ignore[attr-defined]
        if isinstance(func, ast.Attribute) and func.attr == "include_router":
            included = argument(call, 0, "router")  # type: ignore[arg-type]
            if included is not None and _same_object(included, receiver, model):
                listed.append(keyword(call, "dependencies"))  # type: ignore[arg-type]
    names: set[str] = set()
    for dependencies in listed:
        taken = _listed_dependencies(dependencies, model)
        if taken is None:
            return None
        names |= taken
    return names


def _same_object(first: ast.expr, second: ast.expr, model: SemanticModel) -> bool:
    """Two expressions naming the same module-level object: one binding, or the same dotted text."""
    if isinstance(first, ast.Name) and isinstance(second, ast.Name):
        return first.id == second.id and model.lookup(first.id, first) is model.lookup(second.id, second)
    return model.segment(first) == model.segment(second)


def _listed_dependencies(listed: ast.expr | None, model: SemanticModel) -> set[str] | None:
    """The names a ``dependencies=[Depends(...)]`` list takes; None when one is not this module's."""
    if listed is None:
        return set()
    if not isinstance(listed, (ast.List, ast.Tuple)):
        return None
    names: set[str] = set()
    for item in listed.elts:
        if not (isinstance(item, ast.Call) and model.qualified_name(item.func) in DEPENDENCY_MARKERS):
            return None
        taken = _dependency(item, model, 0)
        if taken is None:
            return None
        names |= taken
    return names


def _query_parameters(function: FunctionInfo, model: SemanticModel, path: set[str]) -> list[str]:
    """Required parameters FastAPI reads from the query string: no default, a scalar annotation
    (or none), not in the path."""
    return [
        arg.arg
        for arg, default in _parameters(function)
        if default is None
        and arg.arg not in path
        and arg.arg not in ("self", "cls")
        and (arg.annotation is None or model.annotation_type(arg.annotation) in SCALARS)
    ]
