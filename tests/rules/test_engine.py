"""The runner, selection, suppression, crash isolation, and fix application."""

from __future__ import annotations

import ast
import textwrap
from collections.abc import Iterator

import pytest

from asyncguide.rules import registry, runner
from asyncguide.rules.fixes import FixContext, apply_edits, fix_all
from asyncguide.rules.guidelines import Quote
from asyncguide.rules.model import SemanticModel
from asyncguide.rules.rule import Diagnostic, Edit, Range, Rule

SLEEPY = "import time\n\nasync def f():\n    time.sleep(1)\n"


def codes(source: str, enabled=("ASY100",)) -> list[tuple[int, str]]:
    return [(d.range.start_line + 1, d.code) for d in runner.lint(source, set(enabled)).diagnostics]


def test_selection_by_code_and_prefix() -> None:
    assert "ASY100" in registry.select(["ASY"])
    assert "ASY100" in registry.select(["ASY1"])
    assert registry.select(["ASY100"]) == {"ASY100"}
    assert "ASY100" not in registry.select(["ASY"], ignore=["ASY100"])
    assert "ASY100" in registry.select(["ASY"], ignore=["ASY1"], extend_select=["ASY100"])
    default_group = {code for code, rule in registry.all_rules().items() if not rule.opt_in}
    assert registry.select(None) == default_group
    with pytest.raises(registry.SelectionError, match="XYZ"):
        registry.select(["XYZ"])


def test_opt_in_rules_are_selected_only_by_their_code_or_group() -> None:
    opt_in = {code for code, rule in registry.all_rules().items() if rule.opt_in}
    assert "STA004" in opt_in
    for selection in (None, ["ALL"], ["STA"], ["STA0"], ["STA00"]):
        assert not opt_in & registry.select(selection), selection
    assert "STA004" in registry.select(["STA004"])
    assert "STA004" in registry.select(None, extend_select=["STA004"])
    assert registry.select(["OPINION"]) == opt_in
    with_group = registry.select(None, extend_select=["OPINION"])
    assert with_group == registry.select(None) | opt_in
    # the group names each of its rules as precisely as a code: a prefix ignore does not undo it,
    # a code ignore does
    assert "STA004" in registry.select(None, ignore=["STA"], extend_select=["OPINION"])
    assert "STA004" not in registry.select(None, ignore=["STA004"], extend_select=["OPINION"])
    assert "STA004" not in registry.select(None, ignore=["OPINION"], extend_select=["STA004"])
    assert registry.expand(["OPINION"]) == opt_in
    assert "STA004" in registry.expand(["STA"])  # ignoring or per-file-ignoring a prefix covers it


@pytest.mark.parametrize(
    "comment, suppressed",
    [
        ("# noqa", True),
        ("# noqa: ASY100", True),
        ("# noqa:ASY100", True),
        ("# noqa: ASY101, ASY100", True),
        ("# NOQA: asy100", True),
        ("# noqa: ASY101", False),
        ("# a comment", False),
    ],
)
def test_noqa_on_the_diagnostic_line(comment: str, suppressed: bool) -> None:
    source = f"import time\n\nasync def f():\n    time.sleep(1)  {comment}\n"
    assert codes(source) == ([] if suppressed else [(4, "ASY100")])


def test_skip_file_comment_before_code() -> None:
    assert runner.lint("#!/usr/bin/env python\n# asyncguide: skip-file\n" + SLEEPY, {"ASY100"}).skipped
    late = SLEEPY + "# asyncguide: skip-file\n"
    assert codes(late) == [(4, "ASY100")]


def test_syntax_error_is_reported_not_raised() -> None:
    result = runner.lint("async def f(:\n    pass\n", {"ASY100"})
    assert result.diagnostics == []
    assert result.syntax_error is not None and result.syntax_error.range.start_line == 0
    assert "SyntaxError" in result.syntax_error.message
    assert runner.lint("x = 1\x00\n", {"ASY100"}).syntax_error is not None


@pytest.fixture
def exploding_rule() -> Iterator[str]:
    """A rule that raises on every call, registered for one test only."""

    class Exploding(Rule):
        """## What it does\nx\n## Why is this bad?\nx\n## Example\nx\n## Use instead\nx\n## Fix safety\nx"""

        code = "ASY999"
        name = "exploding-test-rule"
        framework = "asyncio"
        summary = "raises on every call"
        guidelines = (Quote("asyncio", "Timeouts and Delays", "Create proper sleep calls"),)
        node_types = (ast.Call,)

        def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
            raise RuntimeError("boom")

    yield Exploding.code
    registry._rules.pop(Exploding.code)
    runner._instances.pop(Exploding.code, None)


def test_a_raising_rule_does_not_stop_the_others(exploding_rule: str) -> None:
    result = runner.lint(SLEEPY, {"ASY100", exploding_rule})
    assert [d.code for d in result.diagnostics] == ["ASY100"]
    assert result.internal_errors == [runner.InternalError(exploding_rule, "RuntimeError: boom")]


def test_apply_edits_in_code_points_on_non_ascii_lines() -> None:
    source = "a = '🙂'; b = 1\nc = 2\n"
    edits = [Edit(Range(0, 13, 0, 14), "x"), Edit(Range(1, 0, 1, 0), "# note\n")]
    assert apply_edits(source, edits) == "a = '🙂'; b = x\n# note\nc = 2\n"


def test_crlf_sources_keep_their_line_breaks() -> None:
    source = "import time\r\n\r\nasync def f():\r\n    time.sleep(1)\r\n"
    fixed = fix_all(source, {"ASY100"}).source
    assert fixed == "import time\r\nimport asyncio\r\n\r\nasync def f():\r\n    await asyncio.sleep(1)\r\n"


@pytest.mark.parametrize(
    "source, line",
    [
        ('"""Docstring."""\n\nx = 1\n', 1),
        ("#!/usr/bin/env python\n# comment\n\n@decorator\ndef f(): ...\n", 3),
        ("from __future__ import annotations\nimport os\n\nx = 1\n", 2),
        ("", 0),
        ("# only a comment\n", 1),
    ],
)
def test_new_imports_go_after_docstring_and_leading_imports(source: str, line: int) -> None:
    edit = FixContext(source).add_import("asyncio")
    assert edit == Edit(Range(line, 0, line, 0), "import asyncio\n")


def test_an_import_is_added_once_and_aliases_are_reused() -> None:
    source = textwrap.dedent(
        """
        import time

        async def f():
            time.sleep(1)
            time.sleep(2)
        """
    )
    fixed = fix_all(source, {"ASY100"}).source
    assert fixed.count("import asyncio") == 1
    aliased = fix_all("import asyncio as aio\nimport time\nasync def f():\n    time.sleep(1)\n", {"ASY100"}).source
    assert "await aio.sleep(1)" in aliased and "import asyncio\n" not in aliased


def test_import_after_a_last_line_without_line_break() -> None:
    source = "import time"
    edit = FixContext(source).add_import("asyncio")
    assert apply_edits(source, [edit]) == "import time\nimport asyncio"


def test_fix_all_converges_and_leaves_valid_code() -> None:
    source = "import time\nasync def f():\n    x = time.sleep(1).real\n    time.sleep(2)\n"
    result = fix_all(source, {"ASY100"})
    ast.parse(result.source)
    assert "(await asyncio.sleep(1)).real" in result.source
    assert result.applied == 2 and result.rounds == 1
    assert runner.lint(result.source, {"ASY100"}).diagnostics == []


@pytest.fixture
def restating_rule() -> Iterator[str]:
    """A rule that restates ASY100 more precisely, registered for one test only."""

    class Restating(Rule):
        """## What it does\nx\n## Why is this bad?\nx\n## Example\nx\n## Use instead\nx\n## Fix safety\nx"""

        code = "ASY998"
        name = "restating-test-rule"
        framework = "asyncio"
        summary = "restates ASY100"
        guidelines = (Quote("asyncio", "Timeouts and Delays", "Create proper sleep calls"),)
        node_types = (ast.Call,)
        supersedes = ("ASY100",)

        def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
            if model.qualified_name(node.func) == "time.sleep":
                yield self.diagnostic(node, model, "restated")

    yield Restating.code
    registry._rules.pop(Restating.code)
    runner._instances.pop(Restating.code, None)


def test_a_more_specific_rule_supersedes_a_general_one_at_the_same_place(restating_rule: str) -> None:
    assert codes(SLEEPY, {"ASY100", restating_rule}) == [(4, restating_rule)]
    assert codes(SLEEPY, {"ASY100"}) == [(4, "ASY100")]
    suppressed = SLEEPY.replace("time.sleep(1)", f"time.sleep(1)  # noqa: {restating_rule}")
    assert codes(suppressed, {"ASY100", restating_rule}) == []


def test_blocking_calls_in_framework_handlers_get_that_frameworks_advice_and_quotes() -> None:
    source = textwrap.dedent(
        """
        import time, requests
        from aiohttp import web
        from tornado.web import RequestHandler
        routes = web.RouteTableDef()

        @routes.get("/")
        async def index(request):
            requests.get("http://upstream")
            time.sleep(1)

        class Page(RequestHandler):
            async def get(self):
                requests.get("http://upstream")

        async def plain():
            requests.get("http://upstream")
        """
    )
    found = runner.lint(source, {"ASY100", "ASY101"}).diagnostics
    messages = {(d.range.start_line, d.code): d for d in found}
    in_aiohttp = messages[(8, "ASY101")]
    assert "aiohttp handler `index`" in in_aiohttp.message
    assert "the application's shared `aiohttp.ClientSession`" in in_aiohttp.message
    assert "await asyncio.to_thread(...)" in in_aiohttp.message
    assert "to_thread" not in messages[(9, "ASY100")].message  # sleeping belongs in asyncio.sleep
    assert "@run_on_executor" in messages[(13, "ASY101")].message
    assert "handler" not in messages[(16, "ASY101")].message
    texts = [q.text for q in runner.rule_instance("ASY101").quotes(in_aiohttp)]
    assert "Create proper ClientSession usage" in texts and "Create appropriate handler functions" in texts
    assert runner.rule_instance("ASY101").quotes(messages[(16, "ASY101")]) == registry.rule("ASY101").guidelines
