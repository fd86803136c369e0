"""The stand-in index of a first pass (``rules.project.recorded``): its questions, asked again of
the linked index, tell whether the lint made with it is the lint made with the index."""

from __future__ import annotations

from asyncguide.rules.model import SemanticModel
from asyncguide.rules.project.index import AnalysisOptions, ProjectIndex, ProjectView
from asyncguide.rules.project.recorded import AskedNames, RecordedIndex, agree
from asyncguide.rules.project.summary import summarize
from asyncguide.rules.runner import lint

DB = "import time\n\n\ndef query():\n    time.sleep(1)\n"
LOCAL = "import time\n\n\ndef nap():\n    time.sleep(1)\n\n\nasync def handler():\n    nap()\n"
CALLER = "from app.db import query\n\n\nasync def handler():\n    query()\n"
OPTIONS = AnalysisOptions(ends=("ASY100",))


def summary_of(source: str, module: str):
    model = SemanticModel.build(source, (3, 9))
    try:
        return summarize(model, module, f"/p/{module.replace('.', '/')}.py", False)
    finally:
        model.release()


def first_pass(source: str, module: str) -> tuple[list, RecordedIndex]:
    recorded = RecordedIndex(ProjectIndex({}, OPTIONS, "/p"))
    view = ProjectView(recorded, module, f"/p/{module.replace('.', '/')}.py")  # type: ignore[arg-type]
    result = lint(source, {"ASY200"}, resolver=AskedNames(), project=view)
    assert not result.internal_errors
    return result.diagnostics, recorded


def linked(*modules: tuple[str, str]) -> ProjectIndex:
    return ProjectIndex({module: summary_of(source, module) for source, module in modules}, OPTIONS, "/p")


def test_a_chain_in_the_module_itself_is_the_index_answer() -> None:
    diagnostics, recorded = first_pass(LOCAL, "app.local")
    assert [d.code for d in diagnostics] == ["ASY200"]
    assert recorded.summary() == summary_of(LOCAL, "app.local")
    assert agree(recorded.asked, linked((LOCAL, "app.local"), (DB, "app.db")))


def test_a_chain_into_another_module_is_another_answer() -> None:
    diagnostics, recorded = first_pass(CALLER, "app.api")
    assert diagnostics == []  # the stand-in knows no app.db
    assert [q.name for q in recorded.asked] == ["replaced", "blocking_chain"]
    assert not agree(recorded.asked, linked((CALLER, "app.api"), (DB, "app.db")))
    # a project where query does not block answers as the stand-in did
    assert agree(recorded.asked, linked((CALLER, "app.api"), ("def query():\n    return 1\n", "app.db")))


def test_the_resolver_stand_in_keeps_the_names_asked() -> None:
    asked = AskedNames()
    assert asked.is_coroutine_function("app.db.fetch") is None
    assert list(asked.names) == ["app.db.fetch"]
