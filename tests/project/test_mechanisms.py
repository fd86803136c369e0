"""ASY200 across modules, one mechanism per test, each with look-alikes that must stay silent."""

from __future__ import annotations

DB = """
import time

def query():
    time.sleep(1)

def pure():
    return 1
"""


def test_cross_module_chain_names_callee_blocking_call_and_place(make_project):
    project = make_project(
        {
            "app/__init__.py": "",
            "app/db.py": DB,
            "app/service.py": """
                from app.db import pure, query

                def fetch():
                    return query()

                def harmless():
                    return pure()
            """,
            "app/api.py": """
                from app.service import fetch, harmless

                async def handler():
                    fetch()  # expect: ASY200
                    harmless()
            """,
        }
    )
    found = project.check_markers()
    assert found[0].message == "fetch() blocks the event loop: it reaches `time.sleep()` via query() (app/db.py:4)"
    hops = [(hop.path.rsplit("/", 2)[-2:], hop.line + 1, hop.message) for hop in found[0].related]
    assert hops == [
        (["app", "service.py"], 4, "fetch() calls query()"),
        (["app", "db.py"], 4, "query() calls `time.sleep()`, which blocks"),
    ]


def test_direct_helper_in_another_module(make_project):
    project = make_project(
        {
            "app/__init__.py": "",
            "app/db.py": DB,
            "app/api.py": """
                import app.db
                import app.db as database
                from app import db

                async def handler():
                    app.db.query()  # expect: ASY200
                    database.query()  # expect: ASY200
                    db.query()  # expect: ASY200
                    db.pure()
            """,
        }
    )
    found = project.check_markers()
    assert found[0].message == "app.db.query() blocks the event loop: it calls `time.sleep()` (app/db.py:4)"


def test_reexport_through_package_init_and_star_import(make_project):
    project = make_project(
        {
            "app/__init__.py": "from .db import query\n",
            "app/db.py": DB,
            "app/everything.py": """
                from app.db import *
                __all__ = ["query"]
            """,
            "app/limited.py": """
                from app.hidden import *
            """,
            "app/hidden.py": """
                import time
                __all__ = ["shown"]

                def shown():
                    return 1

                def secret():
                    time.sleep(1)
            """,
            "app/api.py": """
                from app import query
                from app.everything import query as query_again
                from app.limited import secret

                async def handler():
                    query()  # expect: ASY200
                    query_again()  # expect: ASY200
                    secret()
            """,
        }
    )
    project.check_markers()


def test_relative_imports_and_aliases(make_project):
    project = make_project(
        {
            "app/__init__.py": "",
            "app/db.py": DB,
            "app/services/__init__.py": "",
            "app/services/users.py": """
                from ..db import query
                from .. import db
                from ..db import query as run_query

                load = query
                other = db.pure

                def fetch():
                    return run_query()
            """,
            "app/services/api.py": """
                from . import users
                from .users import fetch, load, other

                async def handler():
                    fetch()  # expect: ASY200
                    load()  # expect: ASY200
                    users.db.query()  # expect: ASY200
                    other()
            """,
        }
    )
    project.check_markers()


def test_methods_through_known_instance_types(make_project):
    project = make_project(
        {
            "app/__init__.py": "",
            "app/client.py": """
                import requests

                class Client:
                    def __init__(self):
                        self.session = requests.Session()

                    def get(self, url):
                        return self.session.get(url)

                    def close(self):
                        return None

                class Special(Client):
                    pass
            """,
            "app/service.py": """
                from app.client import Client, Special

                class Service:
                    client: Client

                    def __init__(self, backup: Client):
                        self.main = Client()
                        self.backup = backup

                    def main_call(self):
                        return self.main.get("u")

                    def backup_call(self):
                        return self.backup.get("u")

                    def annotated_call(self):
                        return self.client.get("u")

                    def closing(self):
                        return self.main.close()
            """,
            "app/api.py": """
                from app.client import Client, Special
                from app.service import Service

                async def handler(service: Service, unknown):
                    service.main_call()  # expect: ASY200
                    service.backup_call()  # expect: ASY200
                    service.annotated_call()  # expect: ASY200
                    service.closing()
                    Special().get("u")  # expect: ASY200
                    unknown.get("u")
                    unknown.main_call()
            """,
        }
    )
    project.check_markers()


def test_constructor_property_and_partial(make_project):
    project = make_project(
        {
            "app/__init__.py": "",
            "app/things.py": """
                import time

                class Slow:
                    def __init__(self):
                        time.sleep(1)

                class Quick:
                    def __init__(self):
                        self.ready = True

                class Config:
                    @property
                    def text(self):
                        time.sleep(1)
                        return "text"

                    @property
                    def name(self):
                        return "config"

                def work(x):
                    time.sleep(x)
            """,
            "app/api.py": """
                import functools
                from functools import partial

                from app.things import Config, Quick, Slow, work

                async def handler(config: Config):
                    Slow()  # expect: ASY200
                    Quick()
                    config.text  # expect: ASY200
                    config.name
                    job = functools.partial(work, 1)
                    job()  # expect: ASY200
                    partial(work, 2)()  # expect: ASY200
            """,
        }
    )
    project.check_markers()


def test_callbacks_scheduled_on_the_loop(make_project):
    project = make_project(
        {
            "app/__init__.py": "",
            "app/db.py": DB,
            "app/api.py": """
                import asyncio
                from functools import partial

                from app.db import pure, query

                def schedule(loop):
                    loop.call_soon(query)

                async def handler():
                    loop = asyncio.get_running_loop()
                    loop.call_soon(query)  # expect: ASY200
                    loop.call_later(1, partial(query))  # expect: ASY200
                    loop.call_at(loop.time() + 1, lambda: query())  # expect: ASY200
                    loop.call_soon(pure)
                    task = asyncio.create_task(asyncio.sleep(1))
                    task.add_done_callback(lambda _: query())  # expect: ASY200
                    schedule(loop)  # expect: ASY200
            """,
        }
    )
    project.check_markers()


def test_recursion_and_cycles_terminate(make_project):
    project = make_project(
        {
            "app/__init__.py": "",
            "app/a.py": """
                from app import b

                def ping(n):
                    return b.pong(n - 1) if n else 0

                def loop_forever(n):
                    return loop_forever(n + 1)
            """,
            "app/b.py": """
                import time
                from app import a

                def pong(n):
                    a.ping(n)
                    time.sleep(1)

                def quiet(n):
                    return quiet_too(n)

                def quiet_too(n):
                    return quiet(n)
            """,
            "app/api.py": """
                from app.a import loop_forever, ping
                from app.b import quiet

                async def handler():
                    ping(3)  # expect: ASY200
                    loop_forever(0)
                    quiet(1)
            """,
        }
    )
    project.check_markers()


def _chain_files(length: int) -> dict[str, str]:
    """``step0`` calls ``step1``… and the last sleeps: ``length`` functions, one module each."""
    files = {"app/__init__.py": ""}
    for number in range(length - 1):
        files[f"app/m{number}.py"] = f"from app.m{number + 1} import step{number + 1}\n\ndef step{number}():\n    step{number + 1}()\n"
    last = length - 1
    files[f"app/m{last}.py"] = f"import time\n\ndef step{last}():\n    time.sleep(1)\n"
    return files


def test_depth_limit(make_project):
    files = _chain_files(9)
    files["app/api.py"] = "from app.m0 import step0\nfrom app.m1 import step1\n\nasync def handler():\n    step0()\n    step1()\n"
    default = make_project(files)
    # eight functions deep (step1…step8) is within the default depth; nine (step0…) is not
    assert [d.range.start_line + 1 for d in default.lint("app/api.py")] == [6]
    deeper = make_project(files, max_depth=9)
    assert [d.range.start_line + 1 for d in deeper.lint("app/api.py")] == [5, 6]
    shallow = make_project(files, max_depth=2)
    assert shallow.lint("app/api.py") == []


#: blocking lines with noqa comments: one naming ASY200, one the direct rule, one another rule
NOQA_DB = """
                import time

                def pause():
                    time.sleep(0.001)  # noqa: ASY200 - a deliberate pause behind a lock

                def nap():
                    time.sleep(1)  # noqa: ASY100

                def rest():
                    time.sleep(1)  # noqa: ASY101
"""


def test_noqa_on_the_blocking_line_silences_the_chains_ending_there(make_project):
    project = make_project(
        {
            "app/__init__.py": "",
            "app/db.py": NOQA_DB,
            "app/api.py": """
                from app.db import nap, pause, rest

                async def handler():
                    pause()
                    nap()
                    rest()  # expect: ASY200
                    rest()  # noqa: ASY200
            """,
        }
    )
    project.check_markers()


def test_noqa_that_cuts_chains_is_used_for_asg001(make_project):
    project = make_project(
        {
            "app/__init__.py": "",
            "app/db.py": NOQA_DB
            + """
                def idle():
                    return 1  # noqa: ASY200
            """,
        }
    )
    codes = ("ASY200", "ASY100", "ASY101", "ASG001")
    unused = [(d.range.start_line + 1, d.message) for d in project.lint("app/db.py", codes) if d.code == "ASG001"]
    assert unused == [
        (10, "`# noqa` lists codes that suppress nothing here (unused: ASY101)"),
        (13, "`# noqa` lists codes that suppress nothing here (unused: ASY200)"),
    ]
    # without ASY200 no chain is cut: the codes are unused
    alone = [d.range.start_line + 1 for d in project.lint("app/db.py", ("ASY100", "ASG001")) if d.code == "ASG001"]
    assert alone == [4, 7, 10, 13]


def test_offload_primitives_keep_the_work_off_the_loop(make_project):
    project = make_project(
        {
            "app/__init__.py": "",
            "app/db.py": DB,
            "app/api.py": """
                import asyncio
                import functools

                import anyio
                import anyio.to_thread

                from app.db import pure, query

                async def handler():
                    loop = asyncio.get_running_loop()
                    await asyncio.to_thread(query)
                    await asyncio.to_thread(functools.partial(query))
                    await loop.run_in_executor(None, query)
                    await loop.run_in_executor(None, lambda: query())
                    await anyio.to_thread.run_sync(query)
                    await asyncio.to_thread(pure, query())  # expect: ASY200
                    await loop.run_in_executor(None, pure, query())  # expect: ASY200
            """,
        }
    )
    project.check_markers()


def test_async_helpers_generators_and_unknown_decorators_are_not_followed(make_project):
    project = make_project(
        {
            "app/__init__.py": "",
            "app/db.py": """
                import functools
                import time

                from app.registry import register

                async def coroutine():
                    time.sleep(1)

                def rows():
                    time.sleep(1)
                    yield 1

                @register
                def registered():
                    time.sleep(1)

                @functools.lru_cache
                def cached(key):  # runs once per new key: followed (without parameters, once: not)
                    time.sleep(1)

                @staticmethod
                def static():
                    time.sleep(1)
            """,
            "app/registry.py": "def register(f):\n    return f\n",
            "app/api.py": """
                from app.db import cached, coroutine, registered, rows

                async def handler():
                    await coroutine()
                    rows()
                    registered()
                    cached(1)  # expect: ASY200
            """,
        }
    )
    project.check_markers()


def test_src_layout_namespace_packages_and_configured_source_roots(make_project):
    project = make_project(
        {
            "src/app/db.py": DB,
            "src/app/api.py": """
                from app.db import query
                from lib.tools import slow

                async def handler():
                    query()  # expect: ASY200
                    slow()  # expect: ASY200
            """,
            "vendor/lib/tools.py": "import time\n\ndef slow():\n    time.sleep(1)\n",
        },
        source_roots=("vendor",),
    )
    index = project.index()
    assert {"app.db", "app.api", "lib.tools"} <= set(index.modules)
    project.check_markers()


def test_same_module_helpers_without_a_project(make_project):
    from asyncguide.rules.runner import lint

    source = "import time\n\ndef helper():\n    time.sleep(1)\n\nasync def handler():\n    helper()\n"
    found = lint(source, ["ASY200"]).diagnostics
    assert [d.message for d in found] == ["helper() blocks the event loop: it calls `time.sleep()` (line 4)"]
