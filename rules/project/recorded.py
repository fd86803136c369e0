"""A lint made before the project's index exists, and how to tell it is the lint made with it.

A lint is a function of the document and of the answers its rules get from two oracles: the
resolver (``runner.CoroutineResolver``: is this imported callee a coroutine function?) and the
project's index (ASY200, through ``ProjectView``). ``server.check`` lints a module first with
stand-ins that answer as if the project were this module alone and keep every question asked
(``AskedNames``, ``RecordedIndex``); once the index is linked, ``agree`` asks the real oracles
the same questions. When every answer is the same, the rules took the same paths and the lint is
the one the index would have given; otherwise the module is linted again, with the index.

The same reasoning keeps a cached result (``server.check.ResultEntry``) through edits of other
files: its lint's questions are kept with it (``RecordedIndex`` around the real index as well,
``RecordedResolver``), and a later run asks them again of its own index (``agree``,
``same_answers``) instead of linting the file again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from .index import ProjectIndex, ProjectView
from .modules import absolute_name
from .summary import ModuleSummary

if TYPE_CHECKING:
    from ..runner import CoroutineResolver


class AskedNames:
    """The stand-in resolver: it cannot tell yet, and keeps the names it was asked about.

    The coroutine rules read an answer as a truth value: a lint whose questions all get a false
    answer (None, False) from the real resolver is the lint made with this one."""

    def __init__(self) -> None:
        self.names: dict[str, None] = {}

    def is_coroutine_function(self, qualified_name: str) -> bool | None:
        self.names[qualified_name] = None
        return None


class _EveryName:
    """Contains every name: the stand-in's ``property_names``."""

    def __contains__(self, name: object) -> bool:
        return True


@dataclass
class Question:
    """One question to an index: ``index`` (0: the document's view's; then those ``replaced``
    returned, in order) asked ``name(*arguments, **keywords)``; ``answer``, or, for ``replaced``,
    the number of the index it returned."""

    index: int
    name: str
    arguments: tuple
    keywords: dict[str, Any]
    answer: Any = None


@dataclass
class RecordedIndex:
    """An index that keeps every question asked of it in ``asked``; ``standin`` answers. In a
    first pass, the stand-in is the project as this module alone (with the project's analysis
    options and folder); for a lint whose result is cached, the project's index.

    Two questions are prefilters, answered "maybe" and not kept: ``may_block`` (False only when
    ``blocking_chain`` surely is None) and ``property_names`` (only reads of those may have a
    chain). Asking ``blocking_chain`` where the real index would not have is then harmless: its
    answer is None, and it is compared like any other."""

    standin: ProjectIndex
    asked: list[Question] = field(default_factory=list)
    number: int = 0

    property_names = _EveryName()

    def may_block(self, target: str) -> bool:
        return True

    def replaced(self, summary: ModuleSummary) -> RecordedIndex:
        number = 1 + max((q.answer for q in self.asked if q.name == "replaced"), default=0)
        self.asked.append(Question(self.number, "replaced", (summary,), {}, number))
        return RecordedIndex(self.standin.replaced(summary), self.asked, number)

    def summary(self) -> ModuleSummary | None:
        """The summary of the document the lint put in its copy of the index (ASY200 does, made
        from the lint's model), if it did."""
        for question in self.asked:
            if question.name == "replaced":
                return question.arguments[0]
        return None

    def __getattr__(self, name: str) -> Any:
        value = getattr(self.standin, name)
        if not callable(value):
            self.asked.append(Question(self.number, name, (), {}, value))
            return value

        def asking(*arguments: Any, **keywords: Any) -> Any:
            answer = value(*arguments, **keywords)
            self.asked.append(Question(self.number, name, arguments, keywords, answer))
            return answer

        return asking


def agree(asked: Iterable[Question], index: ProjectIndex) -> bool:
    """Whether the real index (the document's view's) answers every question as the stand-in did.
    A ``replaced`` without its summary (``kept``) is given the summary the index holds."""
    indexes = {0: index}
    for question in asked:
        current = indexes[question.index]
        if question.name == "replaced":
            indexes[question.answer] = current.replaced(*question.arguments) if question.arguments else current
            continue
        value = getattr(current, question.name)
        answer = value(*question.arguments, **question.keywords) if callable(value) else value
        if answer != question.answer:
            return False
    return True


def kept(asked: Iterable[Question], view: ProjectView) -> tuple[Question, ...]:
    """The questions to keep with a cached result, less the document's summary given to
    ``replaced`` where the index holds that very summary of the module (the usual case): it is the
    summary of the file's bytes, whose digest the cache entry keeps, and would be most of it."""
    own = view.index.modules.get(view.module)
    return tuple(
        replace(question, arguments=()) if question.name == "replaced" and question.arguments[0] == own else question
        for question in asked
    )


@dataclass(frozen=True)
class Answer:
    """What the resolver answered about a name, and whether the project's index gave the answer
    (``IndexResolver.places``), else jedi."""

    name: str
    answer: bool | None
    from_index: bool


class RecordedResolver:
    """A resolver that keeps every answer ``resolver`` gives (``answers``); ``view``: the
    document's place in the project's index, which answers for the names it places."""

    def __init__(self, resolver: CoroutineResolver, view: ProjectView | None):
        self.resolver = resolver
        self._index_resolver = view.resolver() if view is not None else None
        self.answers: dict[str, Answer] = {}

    def is_coroutine_function(self, qualified_name: str) -> bool | None:
        answer = self.resolver.is_coroutine_function(qualified_name)
        from_index = self._index_resolver is not None and self._index_resolver.places(qualified_name)
        self.answers[qualified_name] = Answer(qualified_name, answer, from_index)
        return answer


def same_answers(
    answers: Iterable[Answer], view: ProjectView | None, index: ProjectIndex | None, jedi: Callable[[], CoroutineResolver]
) -> bool:
    """Whether the resolver of a document placed by ``view`` in ``index`` (the project's; None
    without one) gives each of ``answers`` again. The index answers for the names it places; jedi
    (``jedi()``, made only when needed) is asked again about the others that it may now answer
    otherwise: names in the project's packages (and relative ones), and names the index placed
    before. A name of an installed package keeps jedi's answer, as any cached result assumes."""
    index_resolver = view.resolver() if view is not None else None
    package = index_resolver.package if index_resolver is not None else ""
    unplaced = []
    for answer in answers:
        if index_resolver is not None and index_resolver.places(answer.name):
            if index_resolver.is_coroutine_function(answer.name) != answer.answer:
                return False
        else:
            unplaced.append(answer)
    if not unplaced:
        return True
    top_levels = frozenset(module.partition(".")[0] for module in (index.modules if index is not None else ()))
    for_jedi = []
    for answer in unplaced:
        name = absolute_name(answer.name, package) if package else answer.name
        if answer.from_index or name.startswith(".") or name.partition(".")[0] in top_levels:
            for_jedi.append(answer)
    if not for_jedi:
        return True
    jedi_resolver = jedi()  # after the index's answers: they are cheaper, and may settle it
    return all(jedi_resolver.is_coroutine_function(answer.name) == answer.answer for answer in for_jedi)
