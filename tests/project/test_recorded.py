"""The stand-in index of a first pass (``rules.project.recorded``): its questions, asked again of
the linked index, tell whether the lint made with it is the lint made with the index. So do the
questions a cached result keeps, asked of another index and of jedi."""

from __future__ import annotations

from asyncguide.rules.model import SemanticModel
from asyncguide.rules.project.index import AnalysisOptions, IndexResolver, ProjectIndex, ProjectView
from asyncguide.rules.project.recorded import AskedNames, RecordedIndex, RecordedResolver, agree, kept, same_answers
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


def test_a_kept_question_leaves_out_the_summary_the_index_holds() -> None:
    _, recorded = first_pass(CALLER, "app.api")
    index = linked((CALLER, "app.api"), ("def query():\n    return 1\n", "app.db"))
    kept_questions = kept(recorded.asked, ProjectView(index, "app.api", "/p/app/api.py"))
    assert (kept_questions[0].name, kept_questions[0].arguments) == ("replaced", ())
    assert agree(kept_questions, index)
    assert not agree(kept_questions, linked((CALLER, "app.api"), (DB, "app.db")))
    # an index holding another summary of the module keeps the document's
    other = linked(("async def handler():\n    pass\n", "app.api"))
    assert kept(recorded.asked, ProjectView(other, "app.api", "/p/app/api.py"))[0].arguments == recorded.asked[0].arguments


class Jedi:
    """A stand-in for jedi: the answers it is given, and the names it was asked about."""

    def __init__(self, answers: dict[str, bool | None]):
        self.answers = answers
        self.asked: list[str] = []

    def is_coroutine_function(self, name: str) -> bool | None:
        self.asked.append(name)
        return self.answers.get(name)


def test_the_resolver_answers_are_asked_again_of_the_index_and_of_jedi_where_they_may_differ() -> None:
    index = linked(("async def fetch():\n    return 1\n\n\nclient = object()\n", "app.db"), (CALLER, "app.api"))
    view = ProjectView(index, "app.api", "/p/app/api.py")
    jedi = Jedi({"app.db.client.get": False, "aiohttp.web.run_app": False})
    recorder = RecordedResolver(IndexResolver(index, "app.api", False, jedi), view)
    for name in (".db.fetch", "app.db.client.get", "aiohttp.web.run_app"):
        recorder.is_coroutine_function(name)
    answers = list(recorder.answers.values())
    assert [(a.answer, a.from_index) for a in answers] == [(True, True), (False, False), (False, False)]
    jedi.asked.clear()
    assert same_answers(answers, view, index, lambda: jedi)
    # the index answers for fetch; jedi is asked again about the object of the project only
    assert jedi.asked == ["app.db.client.get"]
    plain = linked(("def fetch():\n    return 1\n\n\nclient = object()\n", "app.db"), (CALLER, "app.api"))
    assert not same_answers(answers, ProjectView(plain, "app.api", "/p/app/api.py"), plain, lambda: jedi)
    jedi.answers["app.db.client.get"] = True
    assert not same_answers(answers, view, index, lambda: jedi)
