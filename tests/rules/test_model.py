"""The semantic model: names through imports and aliases, scopes, async context, instance types."""

from __future__ import annotations

import ast
import textwrap

from asyncguide.rules.model import SemanticModel


def build(source: str) -> SemanticModel:
    return SemanticModel.build(textwrap.dedent(source))


def call_named(model: SemanticModel, text: str) -> ast.Call:
    """The first call whose source text starts with ``text``."""
    return next(c for c in model.nodes(ast.Call) if model.segment(c).startswith(text))


def test_imports_and_aliases_resolve() -> None:
    model = build(
        """
        import asyncio as aio
        import os.path
        from time import sleep as zzz
        from concurrent import futures
        aio.sleep(1)
        zzz(1)
        os.path.join("a")
        futures.ThreadPoolExecutor()
        open("f")
        """
    )
    names = [model.qualified_name(c.func) for c in model.nodes(ast.Call)]
    assert names == ["asyncio.sleep", "time.sleep", "os.path.join", "concurrent.futures.ThreadPoolExecutor", "builtins.open"]


def test_relative_imports_keep_their_dots() -> None:
    model = build("from .db import fetch\nfrom .. import util\nfetch()\nutil.go()\n")
    assert [model.qualified_name(c.func) for c in model.nodes(ast.Call)] == [".db.fetch", "..util.go"]


def test_local_names_shadow_imports_and_builtins() -> None:
    model = build(
        """
        import time
        def open(path): ...
        async def f(time):
            time.sleep(1)
            open("x")
        """
    )
    assert model.qualified_name(call_named(model, "time.sleep").func) is None
    assert model.qualified_name(call_named(model, "open").func) is None
    assert model.function_def(call_named(model, "open").func).name == "open"


def test_assigned_aliases_are_seen_through() -> None:
    model = build("import time\nnap = time.sleep\nnap(1)\n")
    assert model.qualified_name(call_named(model, "nap").func) == "time.sleep"


def test_instance_types_from_constructors_annotations_with_and_self() -> None:
    model = build(
        """
        import requests, sqlite3
        import aiohttp
        from typing import Optional
        s = requests.Session()
        s.get("u")
        conn = sqlite3.connect("db")
        conn.cursor().execute("q")
        async def f(session: aiohttp.ClientSession, maybe: Optional[aiohttp.ClientSession], other: "str"):
            session.get("u")
            maybe.post("u")
            async with aiohttp.ClientSession() as client:
                client.put("u")
        class Repo:
            def __init__(self):
                self.http = requests.Session()
            def load(self):
                self.http.delete("u")
        """
    )
    names = {model.segment(c): model.qualified_name(c.func) for c in model.nodes(ast.Call)}
    assert names['s.get("u")'] == "requests.Session.get"
    assert names['conn.cursor().execute("q")'] == "sqlite3.Cursor.execute"
    assert names['session.get("u")'] == "aiohttp.ClientSession.get"
    assert names['maybe.post("u")'] == "aiohttp.ClientSession.post"
    assert names['client.put("u")'] == "aiohttp.ClientSession.put"
    assert names['self.http.delete("u")'] == "requests.Session.delete"


def test_async_context_excludes_nested_def_lambda_and_class_body() -> None:
    model = build(
        """
        import time
        async def outer():
            time.sleep(1)
            [time.sleep(2) for _ in range(1)]
            def inner():
                time.sleep(3)
            callback = lambda: time.sleep(4)
            class Local:
                time.sleep(5)
        def sync():
            time.sleep(6)
        time.sleep(7)
        """
    )
    in_async = {model.segment(c): model.in_async_context(c) for c in model.nodes(ast.Call) if "sleep" in model.segment(c)}
    assert in_async == {
        "time.sleep(1)": True,
        "time.sleep(2)": True,
        "time.sleep(3)": False,
        "time.sleep(4)": False,
        "time.sleep(5)": False,
        "time.sleep(6)": False,
        "time.sleep(7)": False,
    }


def test_functions_know_whether_they_await() -> None:
    model = build(
        """
        async def a(x):
            await x
        async def b(xs):
            async for _ in xs: pass
        async def c(cm):
            async with cm: pass
        async def d():
            def nested():
                pass
            return 1
        async def e(xs):
            return [y async for y in xs]
        """
    )
    assert {f.name: f.awaits for f in model.functions if f.is_async} == {"a": True, "b": True, "c": True, "d": False, "e": True}


def test_methods_classes_and_local_subclasses() -> None:
    model = build(
        """
        from tornado.web import RequestHandler as RH
        class Base(RH):
            def helper(self): ...
        class Page(Base):
            def get(self):
                self.helper()
        """
    )
    page = next(c for c in model.classes if c.name == "Page")
    assert model.is_subclass(page, "tornado.web.RequestHandler")
    assert model.function_def(call_named(model, "self.helper").func).qualname == "Base.helper"
    assert model.enclosing_function(call_named(model, "self.helper")).qualname == "Page.get"


def test_frameworks_are_detected_through_imports() -> None:
    model = build("import fastapi\nfrom sanic import Sanic\n")
    assert model.uses("starlette") and model.uses("fastapi") and model.uses("sanic")
    assert not model.uses("aiohttp") and not model.uses("tornado")


def test_ranges_count_code_points_not_bytes() -> None:
    model = build('x = "é🙂漢"; time.sleep(1)\n')
    call = model.nodes(ast.Call)[0]
    line = model.lines[0]
    r = model.range_of(call)
    assert line[r.start_column : r.end_column] == "time.sleep(1)"


def test_lines_split_only_on_python_line_breaks() -> None:
    model = build("x = '\x0c'\ny = 1\x0c\nz = f()\n")
    call = model.nodes(ast.Call)[0]
    assert model.range_of(call).start_line == 2
    assert model.segment(call) == "f()"


def test_bound_to_gives_the_binding_that_keeps_a_value() -> None:
    model = build(
        """
        import asyncio
        async def f():
            task = asyncio.create_task(g())
            kept: asyncio.Task = asyncio.create_task(g())
            await asyncio.create_task(g())
            tasks.append(asyncio.create_task(g()))
            if (found := asyncio.create_task(g())):
                pass
        """
    )
    calls = [c for c in model.nodes(ast.Call) if model.segment(c).startswith("asyncio.create_task")]
    bound = [model.bound_to(c) for c in calls]
    assert [b.name if b else None for b in bound] == ["task", "kept", None, None, "found"]


def test_parameter_of_gives_the_function_a_name_reads_a_parameter_of() -> None:
    model = build(
        """
        def handler(self, request, *, flag):
            request.json
            flag
            callback = lambda item: item
            local = 1
            local
        """
    )
    names = {name.id: model.parameter_of(name) for name in model.nodes(ast.Name) if isinstance(name.ctx, ast.Load)}
    function, parameter = names["request"]
    assert function.name == "handler" and parameter.arg == "request"
    assert names["flag"][1].arg == "flag"
    assert names["item"] is None and names["local"] is None


def test_sole_local_binding_only_for_names_bound_once_in_their_function() -> None:
    model = build(
        """
        MODULE = 1
        def f(flag):
            once = {"a": 1}
            twice = []
            if flag:
                twice = {}
            return once, twice, MODULE, flag
        """
    )
    names = {n.id: model.sole_local_binding(n) for n in model.nodes(ast.Name) if isinstance(n.ctx, ast.Load)}
    assert names["once"] is not None and isinstance(names["once"].value, ast.Dict)
    assert names["twice"] is None and names["MODULE"] is None
    assert names["flag"] is not None and names["flag"].kind == "parameter"


def test_statement_list_finds_the_list_and_index_of_a_statement() -> None:
    model = build(
        """
        def handler():
            try:
                first()
                second()
            except ValueError:
                handled()
            else:
                otherwise()
            finally:
                last()
            match command:
                case "go":
                    go()
        """
    )

    def place(text: str) -> tuple[str, str, int] | None:
        statement = model.parent(call_named(model, text))
        found = model.statement_list(statement)
        if found is None:
            return None
        owner, statements, index = found
        assert statements[index] is statement
        field = next(name for name in ("body", "orelse", "finalbody") if getattr(owner, name, None) is statements)
        return type(owner).__name__, field, index

    assert place("second") == ("Try", "body", 1)
    assert place("handled") == ("ExceptHandler", "body", 0)
    assert place("otherwise") == ("Try", "orelse", 0)
    assert place("last") == ("Try", "finalbody", 0)
    assert place("go") == ("match_case", "body", 0)
    # asked again, from the index the first question made
    assert place("first") == ("Try", "body", 0) and place("second") == ("Try", "body", 1)
    assert model.statement_list(call_named(model, "first")) is None  # an expression stands in no statement list
