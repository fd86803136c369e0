"""Syntax errors that are newer syntax: which construct, which Python it needs; other errors stay
plain syntax errors."""

from __future__ import annotations

import ast
import sys

import pytest

from asyncguide.rules.newer_syntax import newer_syntax, newer_syntax_message
from asyncguide.rules.runner import lint

#: (source, the PEP, the Python that accepts it)
NEWER = {
    "type statement": ("type Point = tuple[float, float]\n", 695, (3, 12)),
    "generic type statement": ("type Pair[T] = tuple[T, T]\n", 695, (3, 12)),
    "generic function": ("def first[T](items: list[T]) -> T:\n    return items[0]\n", 695, (3, 12)),
    "generic coroutine": ("async def first[T](items: list[T]) -> T:\n    return items[0]\n", 695, (3, 12)),
    "generic class": ("class Box[T: int](Base):\n    pass\n", 695, (3, 12)),
    "generic method": ("class Box:\n    def get[T](self) -> T:\n        pass\n", 695, (3, 12)),
    "type parameter default": ("def f[T = int]() -> T:\n    pass\n", 696, (3, 13)),
    "except without parentheses": ("try:\n    pass\nexcept ValueError, TypeError:\n    pass\n", 758, (3, 14)),
    "except* without parentheses": ("try:\n    pass\nexcept* ValueError, TypeError:\n    pass\n", 758, (3, 14)),
    "f-string nesting its quotes": ('x = f"{d["a"]}"\n', 701, (3, 12)),
    "f-string with a backslash": ("x = f\"{'\\n'.join(lines)}\"\n", 701, (3, 12)),
    "f-string broken over lines": ('url = (\n    f"{\n        base\n    }/hook"\n)\n', 701, (3, 12)),
    "f-string with a comment": ("x = f'''{a # why\n}'''\n", 701, (3, 12)),
    "nested f-string nesting quotes": ("x = f'{f'{a}'}'\n", 701, (3, 12)),
    "template string": ('x = t"hello {name}"\n', 750, (3, 14)),
}

#: errors in every Python
BROKEN = {
    "bad parameter list": "def f(:\n    pass\n",
    "except with several types bound with as": "try:\n    pass\nexcept ValueError, TypeError as e:\n    pass\n",
    "unterminated replacement field": 'x = f"{a"\n',
    "unterminated string in a replacement field": 'x = f"{a["b}"\n',
    "f-string that is just broken": 'x = f"{}"\n',
    "type as a name, then a typo": "type = 3\ndef f(:\n    pass\n",
}


def syntax_error(source: str) -> SyntaxError:
    with pytest.raises(SyntaxError) as error:
        ast.parse(source)
    return error.value


@pytest.mark.parametrize(("source", "pep", "python"), NEWER.values(), ids=NEWER.keys())
def test_newer_constructs_are_recognised(source: str, pep: int, python: tuple[int, int]) -> None:
    if sys.version_info[:2] >= python:
        pytest.skip(f"Python {sys.version_info[:2]} parses it")
    found = newer_syntax(source, syntax_error(source))
    assert found is not None
    assert (found.pep, found.python) == (pep, python)


@pytest.mark.parametrize("source", BROKEN.values(), ids=BROKEN.keys())
def test_real_syntax_errors_are_not_newer_syntax(source: str) -> None:
    assert newer_syntax(source, syntax_error(source), running=(3, 10)) is None


def test_a_construct_the_running_python_has_is_a_real_error() -> None:
    """``except*`` is 3.11 syntax: on 3.11 and later, an error at an ``except*`` is a real one."""
    source = "try:\n    pass\nexcept* :\n    pass\n"
    error = SyntaxError("invalid syntax", ("x.py", 3, 7, "except* :\n", 3, 8))
    assert newer_syntax(source, error, running=(3, 11)) is None
    found = newer_syntax(source, error, running=(3, 10))
    assert found is not None and (found.pep, found.python) == (654, (3, 11))


def test_the_message_names_the_construct_and_the_python_to_run() -> None:
    source = NEWER["type statement"][0]
    found = newer_syntax(source, syntax_error(source), running=(3, 11))
    assert found is not None
    assert newer_syntax_message(found, running=(3, 11)) == (
        "a `type` statement (PEP 695) needs Python 3.12; asyncguide runs on Python 3.11 and cannot parse "
        "this file: run asyncguide with Python ≥ 3.12"
    )


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="this Python parses PEP 695")
def test_lint_says_which_python_the_file_needs() -> None:
    result = lint("import asyncio\n\n\ntype Handler = object\n", set())
    assert result.syntax_error is not None
    assert result.syntax_error.needs_python == (3, 12)
    assert result.syntax_error.message.startswith("SyntaxError: a `type` statement (PEP 695) needs Python 3.12")
    assert result.syntax_error.range.start_line == 3


def test_lint_keeps_plain_syntax_errors_plain() -> None:
    result = lint("def f(:\n    pass\n", set())
    assert result.syntax_error is not None
    assert result.syntax_error.needs_python is None
    assert result.syntax_error.message == "SyntaxError: invalid syntax"
