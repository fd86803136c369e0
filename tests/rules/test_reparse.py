"""Re-parsing after an edit (``reparse``) gives exactly the tree a full parse gives, or declines."""

from __future__ import annotations

import ast
import gc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asyncguide.rules.model import SemanticModel, split_lines
from asyncguide.rules.registry import all_rules
from asyncguide.rules.reparse import reparse
from asyncguide.rules.runner import lint

from .fixture import readable_here

FIXTURES = [path for path in sorted(Path(__file__).parent.glob("fixtures/*/*.py")) if readable_here(path)]
#: what edits type: code, brackets and quotes left open, line continuations, indentation, comments
TYPED = st.lists(
    st.sampled_from([*"abc_ ():[]{}'\"\\#@=.,+\t", "def ", "async ", "await ", "    ", '"""', "else:", "lambda"]),
    max_size=6,
).map("".join)


def full_dump(source: str) -> str | None:
    try:
        return ast.dump(ast.parse(source), include_attributes=True)
    except (SyntaxError, ValueError):
        return None


def edited(source: str, line: int, start: int, length: int, typed: str) -> str:
    """``source`` with part of one line replaced by ``typed`` (no line break: the edits reparse takes)."""
    lines = source.split("\n")
    text = lines[line]
    start = min(start, len(text))
    lines[line] = text[:start] + typed + text[start + length :]
    return "\n".join(lines)


@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::SyntaxWarning")  # typed backslashes
@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    fixture=st.sampled_from(FIXTURES),
    where=st.floats(0, 1, exclude_max=True),
    start=st.integers(0, 40),
    length=st.integers(0, 6),
    typed=TYPED,
)
def test_reparse_is_a_full_parse_or_declines(fixture: Path, where: float, start: int, length: int, typed: str) -> None:
    source = fixture.read_text("utf-8")
    tree = ast.parse(source)
    lines = split_lines(source)
    changed = edited(source, int(where * len(lines)), start, length, typed)
    result = reparse(tree, lines, changed, split_lines(changed))
    expected = full_dump(changed)
    if result is not None:
        assert ast.dump(result, include_attributes=True) == expected
    # with the line count kept, the original tree's statements are re-used as they are, never altered
    assert ast.dump(tree, include_attributes=True) == ast.dump(ast.parse(source), include_attributes=True)


@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::SyntaxWarning")  # typed backslashes
@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    fixture=st.sampled_from(FIXTURES),
    where=st.floats(0, 1, exclude_max=True),
    removed=st.integers(0, 3),
    added=st.lists(st.tuples(st.sampled_from(["", "    ", "        ", "\t"]), TYPED), max_size=3),
)
def test_adding_and_removing_lines_is_a_full_parse_or_declines(
    fixture: Path, where: float, removed: int, added: list[tuple[str, str]]
) -> None:
    """Enter, pasting, deleting lines: the statements after the change move."""
    source = fixture.read_text("utf-8")
    lines = source.split("\n")
    at = int(where * len(lines))
    lines[at : at + removed] = [indentation + typed for indentation, typed in added]
    changed = "\n".join(lines)
    result = reparse(ast.parse(source), split_lines(source), changed, split_lines(changed))
    if result is not None:
        assert ast.dump(result, include_attributes=True) == full_dump(changed)


@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::SyntaxWarning")
@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    fixture=st.sampled_from(FIXTURES),
    joined=st.floats(0, 1, exclude_max=True),
    split=st.floats(0, 1, exclude_max=True),
    column=st.integers(0, 40),
)
def test_moving_a_line_break_is_a_full_parse_or_declines(fixture: Path, joined: float, split: float, column: int) -> None:
    """Changes over several lines that keep their number: one line joined to the next, another split."""
    source = fixture.read_text("utf-8")
    lines = source.split("\n")
    at = int(joined * (len(lines) - 1))
    lines[at : at + 2] = [lines[at] + lines[at + 1]]
    where = int(split * len(lines))
    lines[where : where + 1] = [lines[where][:column], lines[where][column:]]
    changed = "\n".join(lines)
    result = reparse(ast.parse(source), split_lines(source), changed, split_lines(changed))
    if result is not None:
        assert ast.dump(result, include_attributes=True) == full_dump(changed)


EXAMPLE = '''\
import asyncio
import time


@decorated
async def handler():
    time.sleep(1)  # first


def helper():
    return "text"
'''


@pytest.mark.parametrize(
    ("old", "new", "reparsed"),
    [
        ("# first", "# second", True),  # a comment
        ('"text"', '"other"', True),  # the last statement
        ("import asyncio", "import asyncio as aio", True),  # the first
        ("@decorated", "@decorated()", True),  # a decorator line belongs to its function
        ('    return "text"', '    return ("text"', False),  # a bracket left open
        ("async def handler", "@second\nasync def handler", True),  # a line added: the statements after move
        ("\n\n@decorated", "\n\n\n\n@decorated", True),  # blank lines added between statements
        ("def helper():", "    def helper():", False),  # indented into the statement before
        ("import asyncio", "import asyncio \\", False),  # a continuation into the next statement
        ("    time.sleep(1)", "    time.sleep(2)", True),  # inside a function
        ("    time.sleep(1)", "    if x:", False),  # a block left without its body
        ("import time", "import time; import os", True),  # two statements on one line
    ],
)
def test_reparse_reuses_what_the_edit_left_alone(old: str, new: str, reparsed: bool) -> None:
    tree = ast.parse(EXAMPLE)
    changed = EXAMPLE.replace(old, new, 1)
    result = reparse(tree, split_lines(EXAMPLE), changed, split_lines(changed))
    assert (result is not None) == reparsed
    if result is not None:
        assert ast.dump(result, include_attributes=True) == full_dump(changed)
        assert len({id(s) for s in result.body} & {id(s) for s in tree.body}) >= len(tree.body) - 1


EXAMPLE_NESTED = '''\
class Handler:
    async def get(self):
        first()
        second()

    def put(self):
        third()
'''


@pytest.mark.parametrize(
    "indented",
    [
        "       second()",  # a block's indentation changed: the block no longer parses
        "\t\tsecond()",  # as many characters as before, not as many columns
    ],
)
def test_reparse_declines_a_block_whose_indentation_changed(indented: str) -> None:
    changed = EXAMPLE_NESTED.replace("        second()", indented)
    assert full_dump(changed) is None
    assert reparse(ast.parse(EXAMPLE_NESTED), split_lines(EXAMPLE_NESTED), changed, split_lines(changed)) is None


def test_reparse_declines_a_clause_typed_between_methods() -> None:
    """Found by hypothesis: an ``else:`` at column 0 between two methods joined the statement the
    block was parsed in, and was lost, when that statement was an ``if``."""
    changed = EXAMPLE_NESTED.replace("        second()\n\n", "        second()\nelse:a\n")
    assert full_dump(changed) is None
    assert reparse(ast.parse(EXAMPLE_NESTED), split_lines(EXAMPLE_NESTED), changed, split_lines(changed)) is None


def test_reparse_inside_a_method_re_uses_the_other_methods() -> None:
    tree = ast.parse(EXAMPLE_NESTED)
    changed = EXAMPLE_NESTED.replace("second()", "second(1)")
    result = reparse(tree, split_lines(EXAMPLE_NESTED), changed, split_lines(changed))
    assert result is not None
    assert ast.dump(result, include_attributes=True) == full_dump(changed)
    get, put = result.body[0].body
    assert put is tree.body[0].body[1]
    assert get.body[0] is tree.body[0].body[0].body[0]
    assert get is not tree.body[0].body[0]  # a copy: the previous tree is left as it was
    assert tree.body[0].body[0].body[1].value.args == []


def test_reparse_with_windows_line_endings() -> None:
    source = EXAMPLE.replace("\n", "\r\n")
    changed = source.replace("# first", "# second")
    result = reparse(ast.parse(source), split_lines(source), changed, split_lines(changed))
    assert result is not None
    assert ast.dump(result, include_attributes=True) == full_dump(changed)


@pytest.mark.parametrize("fixture", FIXTURES[::7], ids=lambda p: p.stem)
def test_a_model_built_from_the_previous_one_lints_the_same(fixture: Path) -> None:
    source = fixture.read_text("utf-8")
    codes = list(all_rules())
    previous = SemanticModel.build(source)
    lines = source.split("\n")
    middle = len(lines) // 2
    lines[middle] += "  # edited"
    changed = "\n".join(lines)
    reused = lint(changed, codes, previous=previous)
    previous.release()  # releasing the previous model leaves the statements the new one re-used alone
    fresh = lint(changed, codes)
    assert reused.diagnostics == fresh.diagnostics
    assert reused.syntax_error == fresh.syntax_error


def test_models_sharing_statements_are_freed_by_reference_counting() -> None:
    gc.collect()
    collecting = gc.isenabled()
    gc.disable()
    try:
        previous = SemanticModel.build(EXAMPLE)
        model = SemanticModel.build(EXAMPLE.replace("# first", "# second"), previous=previous)
        assert model.tree.body[0] is previous.tree.body[0]
        previous.release()
        model.release()
        del previous, model
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        assert gc.garbage == []
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        if collecting:
            gc.enable()
