"""What several framework packs need to know about database code (no rule here).

- Transactions opened by hand: ``opens_transaction`` tells a ``x.execute("BEGIN")`` (or
  ``START TRANSACTION``) call, ``is_rollback`` a ``x.execute("ROLLBACK")``, ``rolled_back_near``
  whether a function, or its class, rolls back somewhere; ``started_transaction`` and
  ``transaction_rolled_back`` follow asyncpg's manual ``tr = conn.transaction(); await
  tr.start()`` form. A transaction opened so and never rolled back stays open when a statement
  fails or the request is cancelled.
- Synchronous ORMs: ``SYNC_SQLALCHEMY`` (data: SQLAlchemy's synchronous session, engine and
  connection classes -> their asyncio replacement) and ``IO_METHODS`` (their methods that wait
  for the database); ``sync_sqlalchemy_call`` finds such a call by the receiver's type,
  ``sessionmaker_session`` sees the sessions a ``sessionmaker()`` factory makes, whose type
  ``SemanticModel.instance_type`` does not follow (a call of an instance), and
  ``sync_orm_replacement`` puts both together for the rules.

Each pack decides where these matter (a coroutine, a handler method) and words its own message.
"""

from __future__ import annotations

import ast
import re

from .model import FunctionInfo, SemanticModel, argument

# ---------------------------------------------------------------- transactions opened by hand

#: SQL that opens a transaction by hand
BEGIN = re.compile(r"^\s*(BEGIN|START\s+TRANSACTION)\b[^;]*;?\s*$", re.IGNORECASE)
#: SQL that undoes one
ROLLBACK = re.compile(r"^\s*ROLLBACK\b", re.IGNORECASE)
#: driver methods that run one statement
EXECUTE_METHODS = frozenset({"execute", "exec_driver_sql"})
#: the calls a rollback goes by: a ROLLBACK statement run, or the driver's ``rollback()``
ROLLBACK_CALLEES = EXECUTE_METHODS | {"rollback"}


def sql_statement(call: ast.Call) -> str | None:
    """The literal SQL of a ``x.execute("...")`` call."""
    if isinstance(call.func, ast.Attribute) and call.func.attr in EXECUTE_METHODS and call.args:
        first = call.args[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            return first.value
    return None


def opens_transaction(call: ast.Call) -> bool:
    """True for ``x.execute("BEGIN")``, ``x.execute("START TRANSACTION")`` and the like."""
    statement = sql_statement(call)
    return statement is not None and BEGIN.match(statement) is not None


def is_rollback(call: ast.Call) -> bool:
    """True for ``x.execute("ROLLBACK")`` and the like."""
    statement = sql_statement(call)
    return statement is not None and ROLLBACK.match(statement) is not None


def rolled_back_near(model: SemanticModel, function: FunctionInfo) -> bool:
    """True when a rollback (``x.execute("ROLLBACK")`` or ``x.rollback()``, as with psycopg, aiomysql
    and aiopg) stands in ``function``, the functions nested in it, or, for a method, any method of
    its class: a handler may open the transaction in ``prepare`` and roll it back in ``on_finish``
    or ``write_error``."""
    holder = function.class_info.node if function.outer.kind == "class" and function.class_info else function.node
    for call in model.calls_named(ROLLBACK_CALLEES):
        rollback = is_rollback(call) or (isinstance(call.func, ast.Attribute) and call.func.attr == "rollback")
        if rollback and any(ancestor is holder for ancestor in model.ancestors(call)):
            return True
    return False


def started_transaction(model: SemanticModel, call: ast.Call) -> ast.Name | None:
    """The name ``tr`` when ``call`` is ``tr.start()`` and ``tr`` is bound, once in its function,
    to ``<connection>.transaction()`` (asyncpg's manual form); else None."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr == "start" and isinstance(func.value, ast.Name)):
        return None
    binding = model.sole_local_binding(func.value)
    value = binding.value if binding is not None and binding.kind == "assignment" else None
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr == "transaction":
        return func.value
    return None


def transaction_rolled_back(model: SemanticModel, transaction: ast.Name) -> bool:
    """True when the transaction ``transaction`` names has ``.rollback()`` called on it somewhere,
    or is handed on (returned, passed, stored), so that code elsewhere may roll it back."""
    binding = model.lookup(transaction.id, transaction)
    if binding is None:
        return True
    for reference in model.references(binding):
        use, at = model.value_use(reference)
        if use == "receiver":
            if isinstance(at, ast.Attribute) and at.attr == "rollback":
                return True
        elif use not in ("discarded", "other"):
            return True
    return False


# ---------------------------------------------------------------- synchronous ORMs

_ASYNC_SESSION = "`sqlalchemy.ext.asyncio.AsyncSession` (`async_sessionmaker`)"

#: SQLAlchemy's synchronous session and connection classes, by the spellings ``instance_type``
#: gives -> what to use in async code instead
SYNC_SQLALCHEMY = {
    "sqlalchemy.orm.Session": _ASYNC_SESSION,
    "sqlalchemy.orm.session.Session": _ASYNC_SESSION,
    "sqlalchemy.orm.scoped_session": _ASYNC_SESSION,
    "sqlalchemy.Engine": "`sqlalchemy.ext.asyncio.create_async_engine`",
    "sqlalchemy.engine.Engine": "`sqlalchemy.ext.asyncio.create_async_engine`",
    "sqlalchemy.Connection": "`sqlalchemy.ext.asyncio.AsyncConnection`",
    "sqlalchemy.engine.Connection": "`sqlalchemy.ext.asyncio.AsyncConnection`",
}
#: their methods that talk to the database
IO_METHODS = frozenset(
    {"execute", "scalar", "scalars", "query", "get", "commit", "rollback", "flush", "refresh", "merge", "delete",
     "connect", "begin", "exec_driver_sql"}
)  # fmt: skip
#: factories whose instances, called, make a ``Session`` (or the class given as ``class_``)
SESSIONMAKERS = frozenset({"sqlalchemy.orm.sessionmaker", "sqlalchemy.orm.session.sessionmaker"})
#: the synchronous session classes a factory may be told to make
SYNC_SESSIONS = frozenset({"sqlalchemy.orm.Session", "sqlalchemy.orm.session.Session"})


def sync_sqlalchemy_call(model: SemanticModel, call: ast.Call) -> str | None:
    """The asyncio replacement to name when ``call`` is ``x.<IO method>(...)`` on a synchronous
    SQLAlchemy session, engine or connection known by its type (``SYNC_SQLALCHEMY``); else None."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr in IO_METHODS):
        return None
    return SYNC_SQLALCHEMY.get(model.instance_type(func.value) or "")


def sync_orm_replacement(model: SemanticModel, call: ast.Call) -> str | None:
    """The asyncio replacement to name when ``call`` waits for the database through SQLAlchemy's
    synchronous ORM: ``sync_sqlalchemy_call``, or an IO method of a session a ``sessionmaker()``
    factory made. None for a call awaited or yielded: something awaitable, an asyncio session
    whatever its receiver looks like."""
    if isinstance(model.parent(call), (ast.Await, ast.Yield)):
        return None
    replacement = sync_sqlalchemy_call(model, call)
    if replacement is None and isinstance(call.func, ast.Attribute) and call.func.attr in IO_METHODS:
        if sessionmaker_session(model, call.func.value):
            replacement = SYNC_SQLALCHEMY["sqlalchemy.orm.Session"]
    return replacement


def sessionmaker_session(model: SemanticModel, expr: ast.expr) -> bool:
    """True when ``expr`` is a synchronous session made by a ``sessionmaker()`` factory:
    ``Session()`` or ``Session.begin()`` where ``Session = sessionmaker(...)``, or a name bound to
    one (``session = Session()``, ``with Session() as session``). A factory told to make another
    class (``sessionmaker(engine, class_=AsyncSession)``, SQLAlchemy 1.4's asyncio spelling) does
    not count."""
    made = _bound_value(model, expr) if isinstance(expr, ast.Name) else expr
    if not isinstance(made, ast.Call):
        return False
    factory = made.func
    if isinstance(factory, ast.Attribute) and factory.attr == "begin":
        factory = factory.value
    setup = _bound_value(model, factory) if isinstance(factory, ast.Name) else None
    if not (isinstance(setup, ast.Call) and model.qualified_name(setup.func) in SESSIONMAKERS):
        return False
    made_class = argument(setup, 1, "class_")
    return made_class is None or model.qualified_name(made_class) in SYNC_SESSIONS


def _bound_value(model: SemanticModel, name: ast.Name) -> ast.expr | None:
    """The value an unannotated ``name = <value>`` or ``with <value> as name`` gave ``name``."""
    binding = model.lookup(name.id, name)
    if binding is None or binding.kind not in ("assignment", "with") or binding.annotation is not None:
        return None
    return binding.value
