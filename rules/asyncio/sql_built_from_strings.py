from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..guidelines import Quote
from ..model import SemanticModel, argument, keyword
from ..rule import Diagnostic, Rule, Severity

#: the methods of connections, cursors, pools and sessions that take SQL as their first argument
QUERY_METHODS = frozenset(
    {
        "execute",
        "executemany",
        "execute_many",
        "execute_fetchall",
        "fetch",
        "fetchrow",
        "fetchval",
        "fetchall",
        "fetchone",
        "fetch_all",
        "fetch_one",
        "fetch_val",
    }
)

#: top-level modules of database drivers and toolkits: an instance of one of their classes is a database
DATABASE_MODULES = frozenset(
    {
        "sqlite3",
        "psycopg2",
        "psycopg",
        "asyncpg",
        "aiomysql",
        "aiosqlite",
        "aiopg",
        "databases",
        "sqlalchemy",
        "sqlmodel",
        "pymysql",
        "MySQLdb",
    }
)

#: words in a receiver's name (``conn``, ``self._db``, ``pg_pool``, ``dbSession``) that say it is a database
DATABASE_WORDS = frozenset(
    {"conn", "connection", "con", "cursor", "cur", "db", "database", "pool", "session", "tx", "transaction"}
)

#: ``text()`` wrappers whose argument is the SQL
_SQL_WRAPPERS = frozenset({"sqlalchemy.text", "sqlalchemy.sql.text", "sqlalchemy.sql.expression.text"})

_SQL_WORDS = re.compile(
    r"\b(select|insert|update|delete|from|where|values|into|join|order\s+by|group\s+by|having|limit|"
    r"create|drop|alter|truncate|returning|set)\b",
    re.IGNORECASE,
)
#: statements that take no bind parameters at all: the identifiers and settings in DDL (``CREATE
#: DATABASE``, ``ALTER TABLE``), ``SET`` / ``SHOW`` and the like can only be formatted into the text
_UNPARAMETERISED_STATEMENT = re.compile(
    r"^\s*(create|drop|alter|truncate|grant|revoke|comment|set|reset|show|vacuum|analyze|listen|unlisten|use|pragma|"
    r"savepoint|release|rollback\s+to|attach|detach)\b",
    re.IGNORECASE,
)
#: how functions that escape or quote a value or an identifier for SQL are named
_ESCAPING = re.compile(r"escape|quote", re.IGNORECASE)
_WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
_CONSTANT_NAME = re.compile(r"^_*[A-Z][A-Z0-9_]*$")
#: ``%`` conversions that only accept numbers (and ``%%``): they cannot carry SQL
_PERCENT_CONVERSION = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?([a-zA-Z%])")
_NUMERIC_CONVERSIONS = frozenset("diouxXeEfFgG%")
#: format-spec types that only accept numbers (``{n:d}``, ``{price:.2f}``)
_NUMERIC_SPECS = frozenset("bdnoxXeEfFgG%")
#: builtins whose result is a number, safe to interpolate
_NUMERIC_CALLS = frozenset({"builtins.int", "builtins.float", "builtins.len", "builtins.bool"})


@dataclass(frozen=True)
class _BuiltSql:
    how: str  # "an f-string", "`%` formatting"…
    literal: str  # the literal parts, to tell SQL from other text


class SqlBuiltFromStrings(Rule):
    """
    ## What it does
    Finds SQL built by string formatting — an f-string, `%`, `.format()` or `+` with values that
    are not literals — and passed, directly or through a variable assigned in the same function,
    to `execute()`, `executemany()`, `fetch()`, `fetchrow()`, `fetchval()`, `fetchall()`,
    `fetchone()` (and `databases`' `fetch_all()` / `fetch_one()` / `fetch_val()` /
    `execute_many()`) of a database connection, cursor, pool or session.

    A receiver counts as a database when the module says it is an instance of a driver's class
    (sqlite3, psycopg2/psycopg, asyncpg, aiomysql, aiosqlite, aiopg, databases, SQLAlchemy,
    pymysql, MySQLdb) or its name says so (`conn`, `cursor`, `cur`, `db`, `pool`, `session`,
    `tx`…). Only SQL-looking strings count: their literal parts contain `SELECT`, `INSERT`,
    `WHERE`, `FROM`… Values that cannot carry SQL are allowed: literals, names bound only to
    literals, `ALL_CAPS` constants, `int()`/`float()`/`len()` results, numeric conversions
    (`%d`, `{n:d}`), placeholder lists built from literals (`", ".join("?" * len(ids))`,
    `", ".join(f"${i + 1}" for i in range(n))`), and names taken from or checked against an
    allow-list (`for column in SORTABLE`, `if column not in {"name", "email"}: raise ...`), and
    what a function named for escaping or quoting returns (`escape_sqlite(table)`,
    `quote_ident(name)`).
    Statements that take no parameters at all are left alone: DDL (`CREATE DATABASE {name}`,
    `ALTER TABLE`, `GRANT`), `SET` / `SHOW` and the like, whose identifiers and settings can only
    be written into the text.

    ## Why is this bad?
    A value formatted into SQL becomes SQL: a user id of `1 OR 1=1`, or a name containing a
    quote, changes what the statement does — the classic SQL injection, reading or destroying
    data. Every driver takes the values separately (`$1` for asyncpg, `%s` for psycopg, `?` for
    sqlite3/aiosqlite, `:name` for SQLAlchemy and databases) and sends them apart from the
    statement, so no value is ever parsed as SQL. It is also faster: drivers can prepare and cache
    a statement whose text does not change with every value.

    ## Example
    ```python
    async def get_user(pool, user_id):
        return await pool.fetchrow(f"SELECT * FROM users WHERE id = {user_id}")
    ```

    ## Use instead
    ```python
    async def get_user(pool, user_id):
        return await pool.fetchrow("SELECT * FROM users WHERE id = $1", user_id)
    ```

    ## Fix safety
    No fix: the placeholder style depends on the driver, and identifiers (table or column names)
    cannot be parameters at all: they need an allow-list.
    """

    code = "ASY122"
    name = "sql-built-from-strings"
    framework = "asyncio"
    severity = Severity.ERROR
    summary = "SQL built with string formatting is passed to a database: use query parameters"
    guidelines = (
        Quote("asyncio", "Streams and Protocols", "Use proper connection management"),
        Quote("starlette", "Security Implementation", "Validate and sanitize all user inputs, especially path parameters and query strings"),
        Quote("aiohttp", "Security", "Create proper input validation"),
        Quote("aiohttp", "Extensions and Third-Party Integration", "Use proper database integration"),
        Quote("sanic", "Security", "Create proper input validation"),
        Quote("tornado", "Database Integration", "Implement proper query execution"),
    )
    node_types = (ast.Call,)
    callees = QUERY_METHODS

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if not (isinstance(node.func, ast.Attribute) and node.func.attr in QUERY_METHODS):
            return
        query = argument(node, 0, "query") or keyword(node, "sql") or keyword(node, "operation")
        if query is None or not _is_database(node.func.value, model):
            return
        if isinstance(query, ast.Call) and model.qualified_name(query.func) in _SQL_WRAPPERS:
            query = argument(query, 0, "text")
            if query is None:
                return
        built = _built_sql(query, model) or _built_through_variable(query, node, model)
        if built is None or not _SQL_WORDS.search(built.literal) or _UNPARAMETERISED_STATEMENT.match(built.literal):
            return
        receiver = model.segment(node.func.value)
        method = f"{receiver}.{node.func.attr}" if len(receiver) <= 40 and "\n" not in receiver else node.func.attr
        message = (
            f"SQL built with {built.how} is passed to `{method}()` in {model.context_label(node)}: "
            "use placeholders and pass the values as parameters, or the values can inject SQL"
        )
        yield self.diagnostic(query, model, message)


def _is_database(receiver: ast.expr, model: SemanticModel) -> bool:
    instance = model.instance_type(receiver)
    if instance is not None and instance.split(".")[0] in DATABASE_MODULES:
        return True
    name = _receiver_name(receiver)
    return name is not None and any(word.lower() in DATABASE_WORDS for word in _WORDS.findall(name))


def _receiver_name(receiver: ast.expr) -> str | None:
    """The name a receiver goes by: ``conn``, ``self._db`` -> ``_db``, ``conn.cursor()`` -> ``cursor``."""
    while isinstance(receiver, (ast.Await, ast.Call)):
        receiver = receiver.value if isinstance(receiver, ast.Await) else receiver.func
    if isinstance(receiver, ast.Name):
        return receiver.id
    if isinstance(receiver, ast.Attribute):
        return receiver.attr
    return None


def _built_sql(expr: ast.expr, model: SemanticModel) -> _BuiltSql | None:
    """How ``expr`` formats values into a string, with its literal parts; None for a literal or
    a string whose formatted values are all safe."""
    if isinstance(expr, ast.JoinedStr):
        values = [v for v in expr.values if isinstance(v, ast.FormattedValue)]
        if not values or all(_is_safe_formatted(v, model) for v in values):
            return None
        return _BuiltSql("an f-string", _fstring_literal(expr))
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Mod):
        template = _literal_text(expr.left, model)
        if template is None or _only_numeric_conversions(template) or _is_safe(expr.right, model):
            return None
        if isinstance(expr.right, ast.Tuple) and all(_is_safe(e, model) for e in expr.right.elts):
            return None
        return _BuiltSql("`%` formatting", template)
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "format":
        template = _literal_text(expr.func.value, model)
        if template is None:
            return None
        passed = [*expr.args, *(k.value for k in expr.keywords)]
        if all(_is_safe(value, model) for value in passed):
            return None
        return _BuiltSql("`.format()`", template)
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
        parts = _concatenated(expr)
        literal = []
        unsafe = False
        for part in parts:
            text = _literal_text(part, model)
            if text is not None:
                literal.append(text)
            elif isinstance(part, ast.JoinedStr):
                literal.append(_fstring_literal(part))
                unsafe = unsafe or _built_sql(part, model) is not None
            else:
                unsafe = unsafe or not _is_safe(part, model)
        return _BuiltSql("string concatenation", "".join(literal)) if unsafe and literal else None
    return None


def _built_through_variable(query: ast.expr, call: ast.Call, model: SemanticModel) -> _BuiltSql | None:
    """The SQL a variable holds when it was built (or extended with ``+=``) in the call's own function."""
    if not isinstance(query, ast.Name):
        return None
    binding = model.lookup(query.id, query)
    function = model.enclosing_function(call)
    own_scope = function.scope if function is not None else model.module_scope
    if binding is None or binding.scope is not own_scope or binding.value is None:
        return None
    built = _built_sql(binding.value, model)
    literal = built.literal if built is not None else (_literal_text(binding.value, model) or "")
    for extension in model.nodes(ast.AugAssign):
        assert isinstance(extension, ast.AugAssign)
        if not (
            isinstance(extension.target, ast.Name)
            and extension.target.id == query.id
            and isinstance(extension.op, ast.Add)
            and model.enclosing_function(extension) is function
            and binding.position < (extension.lineno, extension.col_offset) < (call.lineno, call.col_offset)
        ):
            continue
        added = _built_sql(extension.value, model)
        if added is not None:
            built = built or added
            literal += added.literal
        elif isinstance(extension.value, ast.JoinedStr):
            literal += _fstring_literal(extension.value)
        elif _literal_text(extension.value, model) is not None:
            literal += _literal_text(extension.value, model) or ""
        elif not _is_safe(extension.value, model):
            built = built or _BuiltSql("string concatenation", "")
    return _BuiltSql(built.how, literal) if built is not None else None


def _concatenated(expr: ast.expr) -> list[ast.expr]:
    """The operands of a chain of ``+``, left to right (without recursion: chains can be long)."""
    operands: list[ast.expr] = []
    pending = [expr]
    while pending:
        current = pending.pop()
        if isinstance(current, ast.BinOp) and isinstance(current.op, ast.Add):
            pending.extend((current.right, current.left))
        else:
            operands.append(current)
    return operands


def _fstring_literal(expr: ast.JoinedStr) -> str:
    return "".join(v.value for v in expr.values if isinstance(v, ast.Constant) and isinstance(v.value, str))


def _literal_text(expr: ast.expr, model: SemanticModel) -> str | None:
    """The text of a string literal, or of a name bound only to one (``QUERY = "SELECT ..."``)."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return expr.value
    if isinstance(expr, ast.Name):
        value = _constant_value(expr, model)
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            return value.value
    return None


def _constant_value(name: ast.Name, model: SemanticModel) -> ast.Constant | None:
    """The literal a name is bound to, when every binding of it in its scope is that one literal."""
    binding = model.lookup(name.id, name)
    if binding is None or not isinstance(binding.value, ast.Constant):
        return None
    bindings = binding.scope.bindings.get(name.id, [])
    return binding.value if len(bindings) == 1 else None


def _is_safe(expr: ast.expr, model: SemanticModel) -> bool:
    """True for a value that cannot carry SQL into a string: a literal, a constant, a number, a
    placeholder list built from literals."""
    if isinstance(expr, ast.Constant):
        return True
    if isinstance(expr, ast.Name):
        if _CONSTANT_NAME.match(expr.id) or _constant_value(expr, model) is not None or _allow_listed(expr, model):
            return True
        binding = model.lookup(expr.id, expr)
        return binding is not None and binding.value is not None and binding.kind == "assignment" and _is_placeholders(binding.value, model)
    if isinstance(expr, ast.Attribute):
        return bool(_CONSTANT_NAME.match(expr.attr)) or expr.attr == "__tablename__"
    if isinstance(expr, ast.Call):
        callee = expr.func.id if isinstance(expr.func, ast.Name) else expr.func.attr if isinstance(expr.func, ast.Attribute) else ""
        if _ESCAPING.search(callee):
            return True  # `escape_sqlite(table)`, `quote_ident(name)`: made safe to write into SQL
        return model.qualified_name(expr.func) in _NUMERIC_CALLS or _is_placeholders(expr, model)
    if isinstance(expr, ast.BinOp):
        return _is_placeholders(expr, model)
    return False


def _allow_listed(name: ast.Name, model: SemanticModel) -> bool:
    """A name (a column, a table) taken from an allow-list, or checked against one earlier in its
    function: ``for column in SORTABLE_COLUMNS``, ``if column not in ("name", "created"): raise``."""
    binding = model.lookup(name.id, name)
    if binding is not None and binding.kind == "loop" and isinstance(binding.node, (ast.For, ast.AsyncFor, ast.comprehension)):
        if _is_allow_list(binding.node.iter):
            return True
    function = model.enclosing_function(name)
    checks = model.nodes_in(function, ast.Compare) if function is not None else []
    return any(
        isinstance(check, ast.Compare)
        and isinstance(check.left, ast.Name)
        and check.left.id == name.id
        and len(check.ops) == 1
        and isinstance(check.ops[0], (ast.In, ast.NotIn))
        and _is_allow_list(check.comparators[0])
        and (check.lineno, check.col_offset) < (name.lineno, name.col_offset)
        for check in checks
    )


def _is_allow_list(expr: ast.expr) -> bool:
    """A collection of literals, a constant (``ALLOWED_COLUMNS``, ``Model.FIELDS``) or its ``.keys()``."""
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "keys" and not expr.args:
        expr = expr.func.value
    if isinstance(expr, (ast.Set, ast.Tuple, ast.List)):
        return all(isinstance(e, ast.Constant) for e in expr.elts)
    if isinstance(expr, ast.Dict):
        return all(isinstance(k, ast.Constant) for k in expr.keys)
    if isinstance(expr, ast.Name):
        return bool(_CONSTANT_NAME.match(expr.id))
    return isinstance(expr, ast.Attribute) and bool(_CONSTANT_NAME.match(expr.attr))


def _is_safe_formatted(value: ast.FormattedValue, model: SemanticModel) -> bool:
    spec = value.format_spec
    if isinstance(spec, ast.JoinedStr) and len(spec.values) == 1:
        text = spec.values[0]
        if isinstance(text, ast.Constant) and isinstance(text.value, str) and text.value[-1:] in _NUMERIC_SPECS:
            return True  # `{n:d}`, `{price:.2f}`: only numbers format this way
    return _is_safe(value.value, model)


def _only_numeric_conversions(template: str) -> bool:
    conversions = _PERCENT_CONVERSION.findall(template)
    return bool(conversions) and all(c in _NUMERIC_CONVERSIONS for c in conversions)


def _is_placeholders(expr: ast.expr, model: SemanticModel) -> bool:
    """``", ".join("?" * len(ids))``, ``",".join(["%s"] * n)``, ``", ".join(f"${i}" for i in range(n))``,
    ``"?, " * n``: placeholders made from literals, whatever the count."""
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Mult):
        return any(
            isinstance(side, ast.Constant) or (isinstance(side, ast.List) and all(isinstance(e, ast.Constant) for e in side.elts))
            for side in (expr.left, expr.right)
        )
    if not (isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "join"):
        return False
    if not isinstance(expr.func.value, ast.Constant) or len(expr.args) != 1:
        return False
    return _are_placeholder_items(expr.args[0], model)


def _are_placeholder_items(items: ast.expr, model: SemanticModel) -> bool:
    """What a placeholder list joins: literals, ``f"${i}"`` over a counter, or a name bound to such
    a list."""
    if isinstance(items, ast.Name):
        binding = model.lookup(items.id, items)
        return binding is not None and binding.kind == "assignment" and isinstance(binding.value, ast.ListComp) and _are_placeholder_items(binding.value, model)
    if isinstance(items, (ast.GeneratorExp, ast.ListComp)):
        element = items.elt
        if isinstance(element, ast.JoinedStr):
            numbers = {name for g in items.generators for name in _counters(g, model)}
            return all(
                isinstance(v, ast.Constant) or (isinstance(v, ast.FormattedValue) and _is_number_of(v.value, numbers))
                for v in element.values
            )
        return isinstance(element, ast.Constant)
    return _is_placeholders(items, model)


def _counters(generator: ast.comprehension, model: SemanticModel) -> list[str]:
    """The names a comprehension's loop binds to numbers: ``i`` of ``for i in range(n)`` and of
    ``for i, value in enumerate(values)``."""
    iterable, target = generator.iter, generator.target
    if not isinstance(iterable, ast.Call):
        return []
    callee = model.qualified_name(iterable.func)
    if callee == "builtins.range" and isinstance(target, ast.Name):
        return [target.id]
    if callee == "builtins.enumerate" and isinstance(target, ast.Tuple) and target.elts and isinstance(target.elts[0], ast.Name):
        return [target.elts[0].id]
    return []


def _is_number_of(expr: ast.expr, numbers: set[str]) -> bool:
    """A counter, or arithmetic on counters and number literals (``i + 1``)."""
    if isinstance(expr, ast.Name):
        return expr.id in numbers
    if isinstance(expr, ast.Constant):
        return isinstance(expr.value, int)
    return isinstance(expr, ast.BinOp) and _is_number_of(expr.left, numbers) and _is_number_of(expr.right, numbers)
