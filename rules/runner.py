"""Lint one document: parse and walk once, run every enabled rule, apply suppressions.

A rule that raises does not stop the others: the failure is logged and returned as an
``InternalError`` (the CLI prints it on stderr, the server logs it), and the run goes on.
"""

from __future__ import annotations

import ast
import gc
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import chain, repeat
from typing import Protocol

from . import registry
from .model import PARSE_LOCK, SemanticModel, split_lines
from .newer_syntax import newer_syntax, newer_syntax_message
from .noqa import UNUSED_NOQA_CODE, NoqaComments
from .registry import all_rules
from .rule import Diagnostic, Range, Rule
from .versions import VersionLookup

log = logging.getLogger("asyncguide")

_SKIP_FILE = re.compile(r"^\s*#\s*asyncguide:\s*skip-file\s*$")


class CoroutineResolver(Protocol):
    """Answers what one file cannot: is this imported callee a coroutine function?

    ``True``/``False`` when known, ``None`` when not (yet) known. The CLI resolves with jedi on
    demand; the server answers from a cache that jedi fills off the keystroke path.
    """

    def is_coroutine_function(self, qualified_name: str) -> bool | None: ...


@dataclass(frozen=True)
class InternalError:
    code: str
    message: str


@dataclass(frozen=True)
class SyntaxErrorInfo:
    message: str
    range: Range
    #: the Python whose syntax the file uses, when the running one is older (``newer_syntax``)
    needs_python: tuple[int, int] | None = None


@dataclass
class LintResult:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    syntax_error: SyntaxErrorInfo | None = None
    internal_errors: list[InternalError] = field(default_factory=list)
    skipped: bool = False  # "# asyncguide: skip-file"
    #: the module's semantic model, when it parsed (the server keeps it for hovers on API names)
    model: SemanticModel | None = None
    #: the ``previous`` model given to ``lint`` is unusable: the build re-used its statements, then failed
    previous_spoiled: bool = False


_instances: dict[str, Rule] = {}


def rule_instance(code: str) -> Rule:
    instance = _instances.get(code)
    if instance is None:
        defined = registry.rule(code)
        if defined is None:
            raise KeyError(code)
        instance = _instances[code] = defined()
    return instance


def is_skipped(source: str) -> bool:
    """True when a ``# asyncguide: skip-file`` comment stands before the first line of code."""
    # Most files answer within their first lines: split only the start of a long text (its last
    # line may be cut short, so it does not count), and the whole only when that did not answer.
    head = source[:_SKIP_FILE_HEAD]
    if len(head) < len(source):
        answer = _skip_comment_first(head.splitlines()[:-1])
        if answer is not None:
            return answer
    return bool(_skip_comment_first(source.splitlines()))


#: how much of a text ``is_skipped`` reads first
_SKIP_FILE_HEAD = 4096


def _skip_comment_first(lines: list[str]) -> bool | None:
    """True or False when these lines tell whether the skip-file comment comes before code; None
    when they are all blank or other comments."""
    for line in lines:
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            return False
        if _SKIP_FILE.match(stripped):
            return True
    return None


def lint(
    source: str,
    codes: Iterable[str],
    target_version: tuple[int, int] = (3, 9),
    resolver: CoroutineResolver | None = None,
    versions: VersionLookup | None = None,
    previous: SemanticModel | None = None,
    notebook: bool = False,
    project=None,
) -> LintResult:
    """The diagnostics of the enabled ``codes`` for one document, suppressions applied.

    ``versions`` tells the versions of the frameworks the document's project uses
    (``versions.FrameworkVersions``); without it every version is unknown, read as the newest.
    ``previous``, the model of an earlier lint of the same document, makes parsing after a small
    edit cheaper (``SemanticModel.build``); it must not be used afterwards, only released.
    ``notebook`` says ``source`` is a notebook's code cells, joined (``rules.notebooks``).
    ``project`` (a ``project.index.ProjectView``) places the document in its project's index,
    for the rules that follow calls across modules (ASY200).
    """
    # Parsing and the walk make tens of thousands of objects in reference cycles (parent links);
    # the collector, triggered again and again while they are made, traces the growing model each
    # time. Collecting once after the lint costs much less (a quarter to a third of a lint's time,
    # amortized over lints, on 1,000 to 7,000 lines).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _lint(source, codes, target_version, resolver, versions, previous, notebook, project)
    finally:
        if collecting:
            gc.enable()


def _lint(
    source: str,
    codes: Iterable[str],
    target_version: tuple[int, int],
    resolver: CoroutineResolver | None,
    versions: VersionLookup | None,
    previous: SemanticModel | None,
    notebook: bool,
    project,
) -> LintResult:
    if is_skipped(source):
        return LintResult(skipped=True)
    try:
        model = SemanticModel.build(source, target_version, previous, notebook)
    except SyntaxError as error:
        return LintResult(syntax_error=syntax_error_info(source, error))
    except (ValueError, RecursionError, MemoryError) as error:
        # null bytes, nesting too deep for the parser or the walk: not Python we can read
        info = SyntaxErrorInfo(str(error) or type(error).__name__, Range(0, 0, 0, 0))
        return LintResult(syntax_error=info, previous_spoiled=previous is not None)
    model.resolver = resolver
    model.versions = versions
    model.project = project
    codes = set(codes)
    model.enabled_codes = frozenset(codes)
    result = LintResult(model=model)
    rules = all_rules()
    for code in sorted(codes & rules.keys()):
        rule = rule_instance(code)
        if rule.framework != "asyncio" and not model.uses(rule.framework):
            continue
        try:
            for node_type in rule.node_types:
                nodes = (
                    model.calls_named(rule.callees)
                    if node_type is ast.Call and rule.callees is not None
                    else model.nodes(node_type)
                )
                # One extend per rule and node type, the checks chained in C: with ~200 rules over
                # thousands of calls, a Python-level loop per node is a large share of a lint.
                result.diagnostics.extend(chain.from_iterable(map(rule.check, nodes, repeat(model))))
        except Exception as error:  # noqa: BLE001 - a broken rule must not stop the others
            log.exception("rule %s failed", code)
            result.internal_errors.append(InternalError(code, f"{type(error).__name__}: {error}"))
    noqa = NoqaComments(model)
    result.diagnostics = [d for d in drop_superseded(result.diagnostics) if not noqa.suppresses(d)]
    if UNUSED_NOQA_CODE in codes:
        result.diagnostics.extend(d for d in noqa.unused(codes, rules) if not noqa.suppresses(d))
    result.diagnostics.sort(key=lambda d: (d.range, d.code))
    return result


def drop_superseded(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Drop diagnostics that a more specific rule restates at the same start (``Rule.supersedes``)."""
    superseded = {
        (code, d.range.start_line, d.range.start_column)
        for d in diagnostics
        for code in rule_instance(d.code).supersedes
    }
    if not superseded:
        return diagnostics
    return [d for d in diagnostics if (d.code, d.range.start_line, d.range.start_column) not in superseded]


def syntax_error_info(source: str, error: SyntaxError) -> SyntaxErrorInfo:
    lines = split_lines(source)
    line = max((error.lineno or 1) - 1, 0)
    line = min(line, len(lines) - 1)
    column = max((error.offset or 1) - 1, 0)
    column = min(column, len(lines[line]))
    end_column = len(lines[line]) if column >= len(lines[line]) else column + 1
    where = Range(line, column, line, max(end_column, column))
    found = newer_syntax(source, error)
    if found is not None:
        return SyntaxErrorInfo(f"SyntaxError: {newer_syntax_message(found)}", where, found.python)
    return SyntaxErrorInfo(f"SyntaxError: {error.msg}", where)


def parses(source: str) -> bool:
    try:
        with PARSE_LOCK:
            ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True
