"""A lint made before the project's index exists, and how to tell it is the lint made with it.

A lint is a function of the document and of the answers its rules get from two oracles: the
resolver (``runner.CoroutineResolver``: is this imported callee a coroutine function?) and the
project's index (ASY200, through ``ProjectView``). ``server.check`` lints a module first with
stand-ins that answer as if the project were this module alone and keep every question asked
(``AskedNames``, ``RecordedIndex``); once the index is linked, ``agree`` asks the real oracles
the same questions. When every answer is the same, the rules took the same paths and the lint is
the one the index would have given; otherwise the module is linted again, with the index.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .index import ProjectIndex
from .summary import ModuleSummary


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
    """The stand-in index of a first pass: ``standin`` (the project as this module alone, with
    the project's analysis options and folder) answers, and every question is kept in ``asked``.

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


def agree(asked: list[Question], index: ProjectIndex) -> bool:
    """Whether the real index (the document's view's) answers every question as the stand-in did."""
    indexes = {0: index}
    for question in asked:
        current = indexes[question.index]
        if question.name == "replaced":
            indexes[question.answer] = current.replaced(*question.arguments)
            continue
        value = getattr(current, question.name)
        answer = value(*question.arguments, **question.keywords) if callable(value) else value
        if answer != question.answer:
            return False
    return True
