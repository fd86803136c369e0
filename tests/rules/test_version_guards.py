"""``SemanticModel.python_versions``: the Python releases a node may run on, from the target version
up, narrowed by ``sys.version_info`` guards; and the version-aware rules that use it."""

from __future__ import annotations

import ast
import textwrap

import pytest

from asyncguide.rules.model import ALL_VERSIONS, NO_VERSIONS, SemanticModel, VersionRange
from asyncguide.rules.runner import lint


def versions_of(source: str, marker: str = "target", target: tuple[int, int] = (3, 9)) -> VersionRange:
    """The versions of the call named ``marker`` (``target()`` unless told) in ``source``."""
    model = SemanticModel.build(textwrap.dedent(source), target)
    calls = [c for c in model.nodes(ast.Call) if isinstance(c.func, ast.Name) and c.func.id == marker]
    assert len(calls) == 1, f"{marker}() should appear once"
    return model.python_versions(calls[0])


def span(text: str) -> str:
    return str(versions_of(text))


# ---------------------------------------------------------------- VersionRange


def test_version_range_reaches_includes_and_combines() -> None:
    older = VersionRange((3, 9), (3, 13))
    assert not older.reaches((3, 14)) and older.reaches((3, 13)) and older.reaches((3, 10))
    assert older.includes((3, 9)) and not older.includes((3, 14)) and not older.includes((3, 8))
    newer = VersionRange((3, 12))
    assert newer.reaches((3, 14)) and newer.reaches((3, 99))
    assert older.intersection(newer) == VersionRange((3, 12), (3, 13))
    assert VersionRange((3, 14)).intersection(older).empty
    assert older.hull(VersionRange((3, 15))) == VersionRange((3, 9))
    assert older.hull(NO_VERSIONS) == older and NO_VERSIONS.hull(older) == older
    assert not NO_VERSIONS.reaches((3, 0)) and NO_VERSIONS.empty and not ALL_VERSIONS.empty
    assert [str(r) for r in (older, newer, VersionRange((3, 11), (3, 11)), NO_VERSIONS)] == [
        "3.9–3.13",
        "3.12+",
        "3.11",
        "no Python 3 release",
    ]


# ---------------------------------------------------------------- the target version


def test_unguarded_code_runs_from_the_target_version_to_the_newest() -> None:
    assert versions_of("target()\n") == VersionRange((3, 9))
    assert versions_of("target()\n", target=(3, 12)) == VersionRange((3, 12))


def test_a_branch_below_the_target_version_never_runs() -> None:
    source = """
    import sys
    if sys.version_info < (3, 11):
        target()
    """
    assert versions_of(source) == VersionRange((3, 9), (3, 10))
    assert versions_of(source, target=(3, 11)).empty


# ---------------------------------------------------------------- if / elif / else


@pytest.mark.parametrize(
    ("test", "body", "orelse"),
    [
        ("sys.version_info >= (3, 14)", "3.14+", "3.9–3.13"),
        ("sys.version_info < (3, 14)", "3.9–3.13", "3.14+"),
        # (3, 14, 0, "final", 0) is greater than (3, 14): ``>`` keeps 3.14, ``<=`` leaves it out
        ("sys.version_info > (3, 14)", "3.14+", "3.9–3.13"),
        ("sys.version_info <= (3, 14)", "3.9–3.13", "3.14+"),
        # a micro version splits its minor: 3.11 may take either branch
        ("sys.version_info >= (3, 11, 2)", "3.11+", "3.9–3.11"),
        ("sys.version_info < (3, 11, 0)", "3.9–3.10", "3.11+"),
        ("(3, 11) <= sys.version_info", "3.11+", "3.9–3.10"),
        ("sys.version_info[:2] >= (3, 12)", "3.12+", "3.9–3.11"),
        ("sys.version_info[0:2] == (3, 12)", "3.12", "3.9+"),
        ("sys.version_info[:2] != (3, 12)", "3.9+", "3.12"),
        ("sys.version_info.minor >= 12", "3.12+", "3.9–3.11"),
        ("sys.version_info[1] < 12", "3.9–3.11", "3.12+"),
        ("sys.version_info.major == 2", "no Python 3 release", "3.9+"),
        ("sys.version_info[0] >= 3", "3.9+", "no Python 3 release"),
        ("sys.version_info < (3,)", "no Python 3 release", "3.9+"),
        ("sys.version_info >= (4, 0)", "no Python 3 release", "3.9+"),
        ("(3, 10) <= sys.version_info < (3, 12)", "3.10–3.11", "3.9+"),
        ("not sys.version_info >= (3, 13)", "3.9–3.12", "3.13+"),
        ("sys.version_info >= (3, 11) and sys.platform == 'win32'", "3.11+", "3.9+"),
        ("sys.version_info < (3, 10) or sys.version_info >= (3, 13)", "3.9+", "3.10–3.12"),
    ],
)
def test_if_branches_follow_the_test(test: str, body: str, orelse: str) -> None:
    source = f"""
    import sys
    if {test}:
        target()
    else:
        other()
    """
    assert span(source) == body
    assert str(versions_of(source, "other")) == orelse


def test_elif_branches_take_every_earlier_test_as_false() -> None:
    source = """
    import sys
    if sys.version_info >= (3, 13):
        newest()
    elif sys.version_info >= (3, 11):
        middle()
    else:
        oldest()
    """
    assert [str(versions_of(source, name)) for name in ("newest", "middle", "oldest")] == ["3.13+", "3.11–3.12", "3.9–3.10"]


def test_nested_guards_narrow_each_other() -> None:
    source = """
    import sys
    if sys.version_info >= (3, 10):
        def helper():
            if sys.version_info < (3, 12):
                target()
    """
    assert span(source) == "3.10–3.11"


def test_the_test_itself_and_code_after_the_if_are_not_narrowed() -> None:
    source = """
    import sys
    if sys.version_info >= (3, 11) and probe():
        pass
    target()
    """
    assert span(source) == "3.9+"
    assert str(versions_of(source, "probe")) == "3.11+"


# ---------------------------------------------------------------- spellings of sys.version_info


def test_aliases_of_sys_and_version_info_are_guards() -> None:
    assert span("import sys as system\nif system.version_info >= (3, 12):\n    target()\n") == "3.12+"
    assert span("from sys import version_info as v\nif v < (3, 12):\n    target()\n") == "3.9–3.11"


@pytest.mark.parametrize(
    "test",
    [
        "version_info >= (3, 12)",  # a local name, not sys's
        "sys.version_info == (3, 12)",  # the five-field tuple never equals it: a bug, not a guard
        "sys.version_info >= (3, 12, 0, 0)",  # would compare the release level with a number
        "sys.version_info >= minimum",
        "sys.version >= '3.12'",
        "sys.version_info[2] >= 1",
        "sys.version_info >= (3, 1000)",
        "platform.python_version_tuple() >= ('3', '12')",
    ],
)
def test_other_tests_are_no_guards(test: str) -> None:
    source = f"""
    import platform
    import sys
    version_info = (3, 8)
    minimum = (3, 12)
    if {test}:
        target()
    """
    assert span(source) == "3.9+"


# ---------------------------------------------------------------- module constants


def test_a_module_constant_assigned_once_is_a_guard() -> None:
    source = """
    import sys
    from typing import Final
    PY312 = sys.version_info >= (3, 12)
    PY311: Final = sys.version_info >= (3, 11)
    NOT_312 = not PY312

    def helper():
        if PY312:
            newer()
        if not PY311:
            older()
        if NOT_312:
            middle()
        return ok() if PY311 else fallback()
    """
    assert [str(versions_of(source, name)) for name in ("newer", "older", "middle", "ok", "fallback")] == [
        "3.12+",
        "3.9–3.10",
        "3.9–3.11",
        "3.11+",
        "3.9–3.10",
    ]


@pytest.mark.parametrize(
    "assignments",
    [
        "PY312 = sys.version_info >= (3, 12)\nPY312 = False",  # assigned twice
        "PY312 = OTHER = sys.version_info >= (3, 12)",  # several targets
        "PY312, OTHER = sys.version_info >= (3, 12), 1",  # unpacked
        "PY312 = sys.version_info >= (3, 12)\ndef reset():\n    global PY312\n    PY312 = False",
        "from compat import PY312",  # another module's constant
    ],
)
def test_names_that_may_change_are_no_guards(assignments: str) -> None:
    source = "import sys\n" + assignments + "\nif PY312:\n    target()\n"
    assert span(source) == "3.9+"


def test_a_local_name_shadowing_the_constant_is_no_guard() -> None:
    source = """
    import sys
    PY312 = sys.version_info >= (3, 12)
    def helper(PY312):
        if PY312:
            target()
    """
    assert span(source) == "3.9+"


# ---------------------------------------------------------------- and, or, conditional expressions


def test_and_or_narrow_the_operands_after_the_guard() -> None:
    source = """
    import inspect, sys
    ok = inspect.iscoroutinefunction(f) or (sys.version_info < (3, 14) and target(f))
    """
    assert span(source) == "3.9–3.13"
    assert span("import sys\nx = sys.version_info >= (3, 11) or target()\n") == "3.9–3.10"
    assert span("import sys\nx = probe() and sys.version_info >= (3, 11) and target()\n") == "3.11+"
    # an operand before the guard is evaluated on every version
    assert span("import sys\nx = target() and sys.version_info >= (3, 11)\n") == "3.9+"


def test_conditional_expressions_narrow_their_branches() -> None:
    source = "import sys\nx = newer() if sys.version_info >= (3, 12) else older()\n"
    assert str(versions_of(source, "newer")) == "3.12+"
    assert str(versions_of(source, "older")) == "3.9–3.11"


# ---------------------------------------------------------------- early exits


def test_statements_after_an_if_that_leaves_the_block_are_narrowed() -> None:
    source = """
    import sys
    def pick(f):
        before()
        if sys.version_info >= (3, 14):
            return f
        target(f)
    """
    assert span(source) == "3.9–3.13"
    assert str(versions_of(source, "before")) == "3.9+"


@pytest.mark.parametrize(
    ("exit_statement", "expected"),
    [
        ("raise RuntimeError('needs 3.11')", "3.11+"),
        ("sys.exit(1)", "3.11+"),
        ("pass", "3.9+"),
        ("if probe():\n                return", "3.9+"),  # indented as the source around it
    ],
)
def test_early_exits_count_only_when_the_branch_cannot_complete(exit_statement: str, expected: str) -> None:
    source = f"""
    import sys
    def run():
        if sys.version_info < (3, 11):
            {exit_statement}
        target()
    """
    assert span(source) == expected


def test_early_exits_in_a_loop_and_with_an_else() -> None:
    loop = """
    import sys
    for item in items:
        if sys.version_info < (3, 12):
            continue
        target()
    after()
    """
    assert span(loop) == "3.12+"
    assert str(versions_of(loop, "after")) == "3.9+"
    both = """
    import sys
    def run():
        if sys.version_info >= (3, 12):
            newer()
        else:
            return
        target()
    """
    assert span(both) == "3.12+"


def test_a_module_level_exit_narrows_everything_after_it() -> None:
    source = """
    import sys
    if sys.version_info < (3, 10):
        raise ImportError("needs Python 3.10")

    class Client:
        async def run(self):
            target()
    """
    assert span(source) == "3.10+"


def test_assert_and_try_are_not_guards() -> None:
    asserted = "import sys\ndef f():\n    assert sys.version_info >= (3, 12)\n    target()\n"
    assert span(asserted) == "3.9+"
    tried = "import sys\ntry:\n    from asyncio import TaskGroup\nexcept ImportError:\n    target()\n"
    assert span(tried) == "3.9+"


# ---------------------------------------------------------------- the rules


AIOHTTP_GUARDS = """
import asyncio
import inspect
import sys

def add_route(handler):
    if inspect.iscoroutinefunction(handler) or (
        sys.version_info < (3, 14) and asyncio.iscoroutinefunction(handler)
    ):
        pass
"""


def test_version_guarded_compatibility_code_is_silent_in_the_rules() -> None:
    assert lint(AIOHTTP_GUARDS, {"ASY124"}).diagnostics == []
    unguarded = AIOHTTP_GUARDS.replace("sys.version_info < (3, 14) and ", "")
    assert [d.code for d in lint(unguarded, {"ASY124"}).diagnostics] == ["ASY124"]


@pytest.mark.parametrize(
    ("code", "statement", "threshold"),
    [
        ("ASY124", "asyncio.iscoroutinefunction(print)", (3, 14)),
        ("ASY125", "asyncio.set_event_loop_policy(None)", (3, 14)),
        ("ASY117", "asyncio.wait([asyncio.sleep(1)])", (3, 11)),
        ("ASY118", "asyncio.Lock(loop=None)", (3, 10)),
    ],
)
def test_each_rule_fires_only_where_its_version_may_run(code: str, statement: str, threshold: tuple[int, int]) -> None:
    def findings(guard: str, target: tuple[int, int] = (3, 9)) -> int:
        source = f"import asyncio\nimport sys\nif {guard}:\n    {statement}\n"
        return len(lint(source, {code}, target).diagnostics)

    minor = threshold[1]
    assert findings(f"sys.version_info < (3, {minor})") == 0
    assert findings(f"sys.version_info < (3, {minor + 1})") == 1
    assert findings(f"sys.version_info >= (3, {minor - 1})") == 1
    assert findings(f"not sys.version_info >= (3, {minor})") == 0
    # a branch for Pythons older than the target version never runs
    assert findings(f"sys.version_info < (3, {minor + 1})", target=(3, minor + 1)) == 0
