"""Where a line's ``# noqa`` comment goes (``CommentLines``), and suppression through it."""

from __future__ import annotations

from asyncguide.rules.noqa import CommentLines
from asyncguide.rules.runner import lint

SOURCE = (
    'x = """one\n'          # 0: inside a string spanning lines -> 1
    'two""" + \\\n'         # 1: continued with a backslash -> 2
    "    f(1,\n"            # 2: in brackets, a comment can go here
    "      2)\n"            # 3
    "y = 1\n"               # 4
)


def test_comment_lines() -> None:
    lines = CommentLines(SOURCE)
    assert [lines[line] for line in range(6)] == [2, 2, 2, 3, 4, 5]


def test_lines_asked_out_of_order_and_code_the_tokenizer_rejects() -> None:
    lines = CommentLines(SOURCE)
    assert (lines[3], lines[0]) == (3, 2)
    broken = CommentLines('x = """never closed\ny = 1\n')
    assert [broken[0], broken[1]] == [0, 1]


def test_noqa_after_the_string_suppresses_a_finding_starting_inside_it() -> None:
    source = 'import time\n\n\nasync def poll():\n    time.sleep(len("""\n    """))  # noqa: ASY100\n    await poll()\n'
    assert lint(source, {"ASY100"}).diagnostics == []
    assert [d.code for d in lint(source.replace("  # noqa: ASY100", ""), {"ASY100"}).diagnostics] == ["ASY100"]
    # a noqa further down, after the statement ended, is another line's
    later = source.replace("  # noqa: ASY100", "").replace("await poll()", "await poll()  # noqa: ASY100")
    assert [d.code for d in lint(later, {"ASY100"}).diagnostics] == ["ASY100"]


def test_unused_noqa_codes_are_reported_only_when_asg001_is_enabled() -> None:
    source = (
        "import time\n\n\nasync def poll():\n"
        "    time.sleep(1)  # noqa: ASY100, ASY101\n"  # ASY101 suppresses nothing
        "    await poll()  # noqa: E501, TOR001\n"  # another tool's code; a rule that is not enabled
    )
    assert lint(source, {"ASY100", "ASY101"}).diagnostics == []
    found = lint(source, {"ASY100", "ASY101", "ASG001"}).diagnostics
    assert [(d.code, d.range.start_line, d.message) for d in found] == [
        ("ASG001", 4, "`# noqa` lists codes that suppress nothing here (unused: ASY101)"),
        ("ASG001", 5, "`# noqa` lists codes that suppress nothing here (not enabled: TOR001)"),
    ]
    start = source.splitlines()[4].index("# noqa")
    assert (found[0].range.start_column, found[0].range.end_column) == (start, start + len("# noqa: ASY100, ASY101"))


def test_a_noqa_listing_asg001_keeps_its_unused_codes() -> None:
    source = "import time\n\n\nasync def poll():\n    time.sleep(1)  # noqa: ASY100, ASY101, ASG001\n"
    assert lint(source, {"ASY100", "ASY101", "ASG001"}).diagnostics == []
