"""The project's own say (``non-blocking``, ``blocking``), and the index answering the coroutine
rules about the project's own ``async def``\\ s."""

from __future__ import annotations

import pytest

from asyncguide.rules.config import ConfigError, settings_from_table

DB = """
import time

def query():
    time.sleep(1)

def cached():
    time.sleep(1)
"""


def test_non_blocking_cuts_chains_and_blocking_adds_apis(make_project):
    project = make_project(
        {
            "app/__init__.py": "",
            "app/db.py": DB,
            "app/api.py": """
                import sdk
                from sdk.client import Client

                from app.db import cached, query

                def wrapper():
                    return sdk.send()

                async def handler(client: Client):
                    query()  # expect: ASY200
                    cached()
                    sdk.send()  # expect: ASY200
                    wrapper()  # expect: ASY200
                    client.call()  # expect: ASY200
                    sdk.other()
            """,
        },
        non_blocking=("app.db.cached",),
        blocking=("sdk.send", "sdk.client.Client.*"),
    )
    found = project.check_markers()
    assert found[1].message == "sdk.send() blocks the event loop: the project lists `sdk.send` as blocking"
    assert found[2].message == "wrapper() blocks the event loop: it calls `sdk.send()` (line 7)"


def test_non_blocking_can_name_a_blocking_api(make_project):
    project = make_project(
        {"app/__init__.py": "", "app/db.py": DB, "app/api.py": "from app.db import query\n\nasync def h():\n    query()\n"},
        non_blocking=("time.sleep",),
    )
    assert project.lint("app/api.py") == []


@pytest.mark.parametrize(
    ("table", "key"),
    [
        ({"max-depth": 0}, "max-depth"),
        ({"max-depth": True}, "max-depth"),
        ({"blocking": "sdk.send"}, "blocking"),
        ({"non-blocking": [""]}, "non-blocking"),
        ({"source-roots": [1]}, "source-roots"),
    ],
)
def test_bad_values_name_the_key(table, key):
    with pytest.raises(ConfigError) as raised:
        settings_from_table(table)
    assert raised.value.key == key


def test_settings_read(make_project):
    settings = settings_from_table({"max-depth": 3, "non-blocking": ["a.b"], "blocking": ["c.*"], "source-roots": ["lib"]})
    assert (settings.max_depth, settings.non_blocking, settings.blocking, settings.source_roots) == (3, ("a.b",), ("c.*",), ("lib",))


def test_unawaited_coroutine_of_another_module_without_jedi(make_project):
    project = make_project(
        {
            "app/__init__.py": "",
            "app/db.py": """
                async def fetch_user(user_id):
                    return user_id

                def plain(user_id):
                    return user_id

                class Repository:
                    async def load(self):
                        return 1
            """,
            "app/api.py": """
                from .db import Repository, fetch_user, plain

                async def handler(repository: Repository):
                    fetch_user(1)  # expect: ASY110
                    await fetch_user(1)
                    plain(1)
                    repository.load()  # expect: ASY110
            """,
        }
    )
    project.check_markers(codes=("ASY110",))


def test_a_chain_ends_at_an_opt_in_rule_s_calls_only_once_it_is_enabled(make_project):
    """Reading a file is ASY103's, an opt-in rule: its chains are followed only when it is on."""
    files = {
        "app/__init__.py": "",
        "app/store.py": """
            def load():
                with open("state.json") as file:
                    return file.read()
        """,
        "app/api.py": """
            from app.store import load

            async def handler():
                return load()
        """,
    }
    assert make_project(files).lint("app/api.py") == []
    enabled = make_project(files, extend_select=("ASY103",))
    [finding] = enabled.lint("app/api.py")
    assert finding.code == "ASY200" and "`open()`" in finding.message
