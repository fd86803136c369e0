"""What a rule is, and what it produces: diagnostics, and (lazily) fixes made of text edits.

A rule is one class in one file of a pack folder (``rules/<framework>/<name>.py``). Defining the
class records it (``defined_rules``); ``registry``, built on this module, loads the packs and
selects among their rules. The class's docstring is its documentation, with the sections
``## What it does``, ``## Why is this bad?``, ``## Example``, ``## Use instead`` and
``## Fix safety``; ``asyncguide explain`` and the docs pages are generated from it.

Positions are 0-based lines and 0-based columns counted in code points (``str`` indices). The
stdlib ``ast`` counts columns in UTF-8 bytes; ``SemanticModel.range_of`` converts.
"""

from __future__ import annotations

import ast
import enum
import inspect
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from .guidelines import Quote
from .semantic.positions import Range

if TYPE_CHECKING:
    from .fixes import FixContext
    from .model import SemanticModel


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFORMATION = "information"


class Applicability(enum.Enum):
    """Whether a fix may be applied without review. "Fix all" applies only safe fixes."""

    SAFE = "safe"
    UNSAFE = "unsafe"


class FixAvailability(enum.Enum):
    """What a rule promises about fixes, for listings: every finding, some, or none."""

    ALWAYS = "always"
    SOMETIMES = "sometimes"
    NEVER = "never"


@dataclass(frozen=True)
class Edit:
    """Replace the text in ``range`` with ``new_text`` (an empty range inserts)."""

    range: Range
    new_text: str


@dataclass(frozen=True)
class Fix:
    title: str
    applicability: Applicability
    edits: tuple[Edit, ...]


@dataclass(frozen=True)
class Related:
    """A place a diagnostic points to besides its own range: one hop of a chain of calls."""

    #: the file, absolute; None for the diagnostic's own document
    path: str | None
    line: int
    column: int
    message: str


@dataclass
class Diagnostic:
    code: str
    message: str
    range: Range
    severity: Severity
    #: the applicability of the fix this diagnostic offers, or None when it has none
    fix: Applicability | None = None
    #: JSON-serialisable facts the rule's ``fix`` needs later (sent to editors and back)
    data: dict[str, Any] = field(default_factory=dict)
    #: further places that explain it, in order (LSP ``relatedInformation``, SARIF ``codeFlows``)
    related: tuple[Related, ...] = ()

    @property
    def fixable(self) -> bool:
        return self.fix is not None


_DOC_SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead", "Fix safety")


def callees_of(*tables: Iterable[str]) -> frozenset[str] | None:
    """``Rule.callees`` for a rule that looks up callees' qualified names in ``tables``: the last
    part of each; None (every call) when a table holds a pattern (``requests.*``)."""
    names = [name for table in tables for name in table]
    if any(name.endswith("*") for name in names):
        return None
    return frozenset(name.rpartition(".")[2] for name in names)


_CODE = re.compile(r"^[A-Z]{3}[0-9]{3}$")
#: every rule class defined so far, by code (``Rule.__init_subclass__``): ``registry`` loads the
#: packs, which define their rules, and selects among these
_defined: dict[str, type[Rule]] = {}


def defined_rules() -> dict[str, type[Rule]]:
    """Every rule class defined so far, by code, in the order they were defined."""
    return _defined


def _define(rule: type[Rule]) -> None:
    if not _CODE.match(rule.code):
        raise ValueError(f"{rule.__name__}: code {rule.code!r} is not three capitals and three digits")
    existing = _defined.get(rule.code)
    if existing is not None and existing.__qualname__ != rule.__qualname__:
        raise ValueError(f"{rule.code} is claimed by both {existing.__name__} and {rule.__name__}")
    _defined[rule.code] = rule


class Rule:
    """Base class of every rule. Subclasses set the class attributes and implement ``check``.

    ``node_types`` names the ``ast`` node classes the rule inspects: the engine's single walk
    indexes nodes by type, and ``check`` is called once per node of those types with the finished
    ``SemanticModel``. A rule that looks at the module as a whole sets ``node_types = (ast.Module,)``.

    A rule that inspects calls only of some callees names them in ``callees``: ``check`` then
    gets only the calls that go by one of those names (``SemanticModel.calls_named``), not every
    call of the module. Most rules look at a few callees; without it each would be called for
    each of the thousand calls of a long module, on every keystroke.
    """

    code: ClassVar[str]
    name: ClassVar[str]  # kebab-case, e.g. "blocking-sleep-in-async"
    framework: ClassVar[str]  # a key of guidelines.DOCUMENTS; "asyncio" rules apply everywhere
    severity: ClassVar[Severity] = Severity.WARNING
    summary: ClassVar[str]  # one line, for listings
    guidelines: ClassVar[tuple[Quote, ...]]
    node_types: ClassVar[tuple[type[ast.AST], ...]]
    fix_availability: ClassVar[FixAvailability] = FixAvailability.NEVER
    #: in the opt-in group (``registry.OPT_IN_GROUP``): off unless selected by its code or the group's
    #: name. For rules that are strict, opinionated or have occasional false positives: a preference,
    #: a hardening step that not every deployment needs, demo-level code
    opt_in: ClassVar[bool] = False
    fix_title: ClassVar[str | None] = None
    #: codes of more general rules that this one restates, more precisely, at the same place
    #: (STA011 "fire-and-forget task in an endpoint" restates ASY111 "discarded task"): where
    #: both report at the same start, only this rule's diagnostic is kept
    supersedes: ClassVar[tuple[str, ...]] = ()
    #: when set, the ``ast.Call`` nodes given to ``check`` are only those whose callee's name (the
    #: last part of its qualified name, or the name or attribute it is called by) is one of these:
    #: every call the rule may report or needs to see must go by one of them
    callees: ClassVar[frozenset[str] | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "code" in cls.__dict__:
            _define(cls)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        raise NotImplementedError

    @classmethod
    def cited_guidelines(cls) -> tuple[Quote, ...]:
        """Every bullet the rule may quote: its ``guidelines``, and any it adds in some contexts."""
        return cls.guidelines

    def quotes(self, diagnostic: Diagnostic) -> tuple[Quote, ...]:
        """The bullets to quote for one diagnostic (hovers): by default the rule's ``guidelines``."""
        return self.guidelines

    def fix(self, diagnostic: Diagnostic, context: FixContext) -> Fix | None:
        """Build the fix for one of this rule's diagnostics. Called only when a fix is asked for."""
        return None

    def diagnostic(
        self,
        node: ast.AST,
        model: SemanticModel,
        message: str,
        *,
        fix: Applicability | None = None,
        data: dict[str, Any] | None = None,
    ) -> Diagnostic:
        """A diagnostic of this rule spanning ``node``."""
        return Diagnostic(self.code, message, model.range_of(node), self.severity, fix, data or {})

    @classmethod
    def documentation(cls) -> dict[str, str]:
        """The docstring's sections, by heading (``"Why is this bad?"`` → its Markdown)."""
        doc = inspect.cleandoc(cls.__doc__ or "")
        parts = re.split(r"^## (.+)$", doc, flags=re.MULTILINE)
        return {heading.strip(): body.strip() for heading, body in zip(parts[1::2], parts[2::2])}

    @classmethod
    def missing_documentation(cls) -> list[str]:
        sections = cls.documentation()
        return [heading for heading in _DOC_SECTIONS if not sections.get(heading)]
