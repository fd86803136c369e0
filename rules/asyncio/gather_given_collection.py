from __future__ import annotations

import ast
from collections.abc import Iterator

from ..fixes import FixContext
from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Applicability, Diagnostic, Fix, FixAvailability, Rule, Severity, callees_of
from .gather_exceptions_discarded import GATHER_FUNCTIONS

#: expressions that build a collection, not an awaitable
COLLECTIONS = (ast.List, ast.Tuple, ast.Set, ast.ListComp, ast.SetComp, ast.GeneratorExp)


class GatherGivenCollection(Rule):
    """
    ## What it does
    Finds `asyncio.gather()` given one list, tuple, set or comprehension of awaitables instead of
    the awaitables themselves: `asyncio.gather([fetch(a), fetch(b)])`,
    `asyncio.gather(fetch(u) for u in urls)`.

    ## Why is this bad?
    `gather()` takes each awaitable as its own argument (`*aws`), unlike `asyncio.wait()`, which
    takes one collection. Given a list, it tries to await the list and raises
    `TypeError: An asyncio.Future, a coroutine or an awaitable is required`, and the coroutines in
    the list are never awaited.

    ## Example
    ```python
    results = await asyncio.gather([fetch(url) for url in urls])
    ```

    ## Use instead
    ```python
    results = await asyncio.gather(*[fetch(url) for url in urls])
    ```

    ## Fix safety
    Safe: a `*` before the collection passes its items as the arguments `gather()` expects; the
    call used to raise.
    """

    code = "ASY159"
    name = "gather-given-collection"
    framework = "asyncio"
    severity = Severity.ERROR
    summary = "`asyncio.gather()` given a list instead of awaitables: `TypeError`"
    guidelines = (Quote("asyncio", "Future and Result Handling", "Implement proper future composition"),)
    node_types = (ast.Call,)
    callees = callees_of(GATHER_FUNCTIONS)
    fix_availability = FixAvailability.ALWAYS
    fix_title = "Unpack the collection: `gather(*...)`"

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if model.qualified_name(node.func) not in GATHER_FUNCTIONS:
            return
        if len(node.args) != 1 or not isinstance(node.args[0], COLLECTIONS):
            return
        collection = node.args[0]
        message = (
            f"`asyncio.gather()` in {model.context_label(node)} is given one collection, which it cannot await "
            "(`TypeError`), and the coroutines in it never run; unpack it: `asyncio.gather(*...)`"
        )
        yield self.diagnostic(collection, model, message, fix=Applicability.SAFE)

    def fix(self, diagnostic: Diagnostic, context: FixContext) -> Fix | None:
        collection = context.node_at(diagnostic.range, *COLLECTIONS)
        if collection is None:
            return None
        text = context.text(collection)
        call = context.model.parent(collection)
        if isinstance(call, ast.Call) and context.text(call) == context.text(call.func) + text:
            # a bare generator argument shares the call's parentheses: keep them, starred inside
            return Fix(self.fix_title, Applicability.SAFE, (context.replace(collection, f"(*{text})"),))
        return Fix(self.fix_title, Applicability.SAFE, (context.replace(collection, f"*{text}"),))
