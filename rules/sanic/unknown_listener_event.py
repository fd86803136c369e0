from __future__ import annotations

import ast
from collections.abc import Iterator

from ..fixes import FixContext
from ..guidelines import Quote
from ..handlers import SANIC_LISTENER_EVENTS
from ..model import SemanticModel, argument
from ..rule import Applicability, Diagnostic, Fix, FixAvailability, Rule, Severity
from ..frameworks.sanic import BLUEPRINT, instance, may_be_sanic, replace_string, string, within_one_edit

#: names that stand for exactly one event: the signal each server event is sent as (a listener
#: must name the event, not the signal), and the ``app.run(before_start=...)`` arguments of early Sanic
EVENT_ALIASES = {
    "server.init.before": "before_server_start",
    "server.init.after": "after_server_start",
    "server.shutdown.before": "before_server_stop",
    "server.shutdown.after": "after_server_stop",
    "before_start": "before_server_start",
    "after_start": "after_server_start",
    "before_stop": "before_server_stop",
    "after_stop": "after_server_stop",
}
#: other frameworks' names for start-up and shutdown: named in the message, not fixed (which
#: of Sanic's events was meant is the author's choice)
FOREIGN_EVENTS = {
    "startup": "before_server_start",
    "on_startup": "before_server_start",
    "start": "before_server_start",
    "shutdown": "after_server_stop",
    "on_shutdown": "after_server_stop",
    "stop": "after_server_stop",
}


class UnknownListenerEvent(Rule):
    """
    ## What it does
    Finds Sanic listeners registered for an event Sanic does not have:
    `@app.listener("before_server_starts")`, `@bp.listener("startup")`,
    `app.register_listener(setup_db, "after_sever_start")`, `app.listener(close_db, "server.shutdown.after")`.
    Sanic's events are `before_server_start`, `after_server_start`, `before_server_stop`,
    `after_server_stop`, `main_process_start`, `main_process_ready`, `main_process_stop`,
    `reload_process_start`, `reload_process_stop`, `before_reload_trigger` and
    `after_reload_trigger`, in any case (`"BEFORE_SERVER_START"` works too).
    On an object the module cannot tell is a Sanic app (one imported from another module), only
    names close to one of these are reported: other libraries have listeners with events of their own.

    ## Why is this bad?
    Sanic looks the event up by name in its `ListenerEvent` enumeration (`ListenerEvent[event.upper()]`),
    and an unknown name raises `KeyError`: for an app when the decorator runs, that is when the
    module is imported; for a blueprint when it is added to the app. The application does not
    start, and the traceback points into Sanic rather than at the typo. Signal names such as
    `"server.init.before"` fail the same way (a listener takes the event's name), and so do the
    names of early Sanic versions (`"before_start"`).

    ## Example
    ```python
    @app.listener("before_server_starts")
    async def setup_db(app):
        app.ctx.db = await asyncpg.create_pool(app.config.DATABASE_URL)
    ```

    ## Use instead
    ```python
    @app.before_server_start
    async def setup_db(app):
        app.ctx.db = await asyncpg.create_pool(app.config.DATABASE_URL)
    ```
    or `@app.listener("before_server_start")`.

    ## Fix safety
    Safe, when the name is one edit (an inserted, missing, changed or swapped letter) or a change
    of case away from exactly one event, is the signal of a server event (`"server.init.before"`
    → `"before_server_start"`, which Sanic sends as that very signal), or is an early Sanic name
    for one (`"before_start"`, `"after_stop"`…, the `app.run()` arguments of Sanic 0.x): the fix
    writes the event's name, keeping the string's quotes. Other names (`"startup"`) are not
    fixed: which event was meant is not clear.
    """

    code = "SAN016"
    name = "unknown-listener-event"
    framework = "sanic"
    severity = Severity.ERROR
    summary = "Sanic listener registered for an event Sanic does not have: `KeyError` at start-up"
    guidelines = (
        Quote("sanic", "Database Integration", "Implement proper database initialization"),
        Quote("sanic", "Database Integration", "Use proper connection lifecycle management"),
    )
    node_types = (ast.Call,)
    callees = frozenset({"listener", "register_listener"})
    fix_availability = FixAvailability.SOMETIMES
    fix_title = "Use the event Sanic knows"

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        func = node.func
        if not (isinstance(func, ast.Attribute) and func.attr in ("listener", "register_listener")):
            return
        if not may_be_sanic(model, func.value):
            return
        if func.attr == "register_listener":
            event = argument(node, 1, "event")
        else:  # ``@app.listener("<event>")`` or ``app.listener(function, "<event>")``
            event = argument(node, 0, "listener_or_event")
            if string(event) is None:
                event = argument(node, 1, "event_or_none")
        value = string(event)
        if value is None or value.upper() in (known.upper() for known in SANIC_LISTENER_EVENTS):
            return
        meant = nearest_event(value)
        owner = instance(model, func.value)
        if owner is None and meant is None:
            return  # an object this module cannot type, with events of its own: maybe not Sanic's
        if owner == BLUEPRINT:
            when = "when the blueprint is added to the app"
        elif model.enclosing_function(node) is None:
            when = "when the module is imported"
        else:
            when = f"when {model.context_label(node)} runs"
        if meant is not None:
            advice = f'use `"{meant}"`'
        elif value.strip().lower() in FOREIGN_EVENTS:
            advice = f'Sanic\'s event for that is `"{FOREIGN_EVENTS[value.strip().lower()]}"`'
        else:
            advice = "use one of " + ", ".join(f"`{known}`" for known in SANIC_LISTENER_EVENTS)
        message = f'`"{value}"` is not a Sanic listener event: Sanic raises `KeyError` {when}; {advice}'
        fix = Applicability.SAFE if meant else None
        yield self.diagnostic(event, model, message, fix=fix, data={"event": meant} if meant else None)  # type: ignore[arg-type]

    def fix(self, diagnostic: Diagnostic, context: FixContext) -> Fix | None:
        meant = diagnostic.data.get("event")
        literal = context.node_at(diagnostic.range, ast.Constant)
        if meant not in SANIC_LISTENER_EVENTS or not isinstance(literal, ast.Constant):
            return None
        return Fix(f'Use `"{meant}"`', Applicability.SAFE, (replace_string(context, literal, meant),))


def nearest_event(value: str) -> str | None:
    """The listener event ``value`` stands for: the one an alias names (``EVENT_ALIASES``), else the
    one event it is one edit (or a change of case, or surrounding spaces) away from."""
    folded = value.strip().lower()
    if folded in EVENT_ALIASES:
        return EVENT_ALIASES[folded]
    close = [event for event in SANIC_LISTENER_EVENTS if within_one_edit(folded, event)]
    return close[0] if len(close) == 1 else None
