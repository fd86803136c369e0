"""The cache of ``asyncguide check`` over an unchanged tree: files known by their size and
modification time are not read again, results come back as they were, and a change is seen."""

from __future__ import annotations

import json
import os
import pickle
import time
from pathlib import Path

import pytest
from asyncguide.rules import reading
from asyncguide.rules.project import build as project_build
from asyncguide.rules.project import cache as project_cache
from asyncguide.server import check

from .conftest import Run, run_main, write

DB = "import time\n\n\ndef query():\n    time.sleep(1)\n"
API = "from app.db import query\n\n\nasync def handler():\n    query()  # the caller\n"
HOUR_AGO = time.time() - 3600


@pytest.fixture
def app(project: Path) -> Path:
    write(project, "pyproject.toml", "[project]\nname = 'app'\n")
    for relative, text in (("app/__init__.py", ""), ("app/db.py", DB), ("app/api.py", API)):
        os.utime(write(project, relative, text), (HOUR_AGO, HOUR_AGO))
    return project


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The source files read from here on, by the digests, the summaries and the lint."""
    seen: list[str] = []

    def counting(path: str | os.PathLike[str], limit: int = reading.MAX_FILE_BYTES) -> bytes:
        seen.append(os.fspath(path))
        return reading.read_bytes(path, limit)

    monkeypatch.setattr(project_cache, "read_bytes", counting)
    monkeypatch.setattr(project_build, "read_bytes", counting)
    monkeypatch.setattr(check, "read_bytes", counting)
    return seen


def test_an_unchanged_tree_is_not_read_again(app: Path, capsys: pytest.CaptureFixture[str], reads: list[str]) -> None:
    first = run_main(capsys, "check", "--extend-select", "ASY200", "--jobs", "1", "--format", "json")
    assert reads  # the first run reads every file, and stamps the ones not changed just now
    reads.clear()
    second = run_main(capsys, "check", "--extend-select", "ASY200", "--jobs", "1", "--format", "json")
    assert reads == []
    assert (second.exit_code, second.stdout) == (first.exit_code, first.stdout)
    assert '"line_text"' not in second.stdout and "ASY200" in second.stdout


def test_text_output_from_the_cache_is_the_same(app: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Fingerprints use the text of the finding's line, which a cached result keeps."""
    runs = [run_main(capsys, "check", "--extend-select", "ASY200", "--jobs", "1", *arguments) for arguments in [(), (), ("--format", "gitlab"), ("--format", "gitlab")]]
    assert runs[0].stdout == runs[1].stdout and "ASY200" in runs[0].stdout
    assert runs[2].stdout == runs[3].stdout and "fingerprint" in runs[2].stdout


def test_a_changed_file_is_read_again(app: Path, capsys: pytest.CaptureFixture[str], reads: list[str]) -> None:
    assert run_main(capsys, "check", "--select", "ASY200", "--jobs", "1").exit_code == 1
    db = app / "app" / "db.py"
    db.write_text("def query():\n    return 1\n")  # a new size and modification time
    reads.clear()
    changed = run_main(capsys, "check", "--select", "ASY200", "--jobs", "1")
    assert (changed.exit_code, changed.stdout) == (0, "All checks passed.\n")
    assert str(db) in reads


def test_a_file_changed_just_now_is_not_stamped(tmp_path: Path) -> None:
    """Its timestamp could stay the same through another change within the file system's clock tick."""
    fresh = write(tmp_path, "fresh.py", "x = 1\n")
    settled = write(tmp_path, "settled.py", "y = 2\n")
    os.utime(settled, (HOUR_AGO, HOUR_AGO))
    digests = project_cache.FileDigests(tmp_path)
    assert digests.digest(fresh) == project_cache.digest_of(b"x = 1\n")
    assert digests.digest(settled) == project_cache.digest_of(b"y = 2\n")
    digests.save()
    again = project_cache.FileDigests(tmp_path)
    fresh.write_text("x = 3\n")  # the same size, within the same moment
    assert again.digest(fresh) == project_cache.digest_of(b"x = 3\n")
    assert again.digest(settled) == project_cache.digest_of(b"y = 2\n")
    assert again.digest(tmp_path / "missing.py") is None


def test_stamps_of_deleted_files_are_dropped(tmp_path: Path) -> None:
    kept, deleted, learnt = (write(tmp_path, name, "x = 1\n") for name in ("kept.py", "deleted.py", "learnt.py"))
    for path in (kept, deleted, learnt):
        os.utime(path, (HOUR_AGO, HOUR_AGO))
    digests = project_cache.FileDigests(tmp_path)
    digests.digest(kept)
    digests.digest(deleted)
    digests.save()
    deleted.unlink()
    again = project_cache.FileDigests(tmp_path)
    again.digest(learnt)  # something new to write
    again.save()
    with open(tmp_path / project_cache.FOLDER / "stamps", "rb") as file:
        assert set(pickle.load(file)) == {str(kept), str(learnt)}


# --- an edit of one file: the other files' results stand when the index answers their questions as before

OTHER = "def helper():\n    return 1\n\n\nasync def run():\n    return helper()\n"
TASKS = "async def notify():\n    return 1\n"
SERVICE = "from app.tasks import notify\n\n\nasync def handle():\n    notify()\n"
CLIENTS = "class Client:\n    async def fetch(self):\n        return 1\n\n\nclient = Client()\n"
WORKER = "from app.clients import client\n\n\nasync def work():\n    client.fetch()\n"


@pytest.fixture
def bigger_app(app: Path) -> Path:
    """``app`` with a module no other uses, a coroutine function called unawaited from another
    module (ASY110, the index answers), and a method of an object of another module (jedi answers)."""
    for relative, text in (
        ("app/other.py", OTHER), ("app/tasks.py", TASKS), ("app/service.py", SERVICE),
        ("app/clients.py", CLIENTS), ("app/worker.py", WORKER),
    ):
        os.utime(write(app, relative, text), (HOUR_AGO, HOUR_AGO))
    return app


@pytest.fixture
def linked(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The project folders whose index is linked from here on."""
    roots: list[Path] = []
    build = check.build_index

    def counting(root, *arguments, **keywords):
        roots.append(Path(root))
        return build(root, *arguments, **keywords)

    monkeypatch.setattr(check, "build_index", counting)
    return roots


def edit(path: Path, text: str) -> None:
    """Write ``path`` with a modification time of its own, old enough to be stamped."""
    edit.count = getattr(edit, "count", 0) + 1
    path.write_text(text, "utf-8")
    os.utime(path, (HOUR_AGO + edit.count, HOUR_AGO + edit.count))


def check_json(capsys: pytest.CaptureFixture[str], *arguments: str) -> Run:
    return run_main(capsys, "check", "--jobs", "1", "--format", "json", *arguments)


def codes_of(run: Run, relative: str) -> list[str]:
    return [finding["code"] for finding in json.loads(run.stdout) if finding["path"] == relative]


def test_a_helper_edited_relints_its_caller(bigger_app: Path, capsys: pytest.CaptureFixture[str], reads: list[str]) -> None:
    assert codes_of(check_json(capsys), "app/api.py") == ["ASY200"]
    db, api = bigger_app / "app" / "db.py", bigger_app / "app" / "api.py"
    for text, expected in (("def query():\n    return 1\n", []), ("import time\n\n\ndef query():\n    time.sleep(2)\n", ["ASY200"])):
        edit(db, text)
        reads.clear()
        edited = check_json(capsys)
        assert codes_of(edited, "app/api.py") == expected
        assert set(reads) == {str(db), str(api)}  # the edited file, and the caller whose answer changed
        assert edited.stdout == check_json(capsys, "--no-cache").stdout


def test_an_unrelated_edit_relints_only_the_edited_file(
    bigger_app: Path, capsys: pytest.CaptureFixture[str], reads: list[str], linked: list[Path]
) -> None:
    first = check_json(capsys)
    other = bigger_app / "app" / "other.py"
    edit(other, OTHER + "\n\ndef added():\n    time.sleep(1)\n")  # a new function: another index
    reads.clear()
    linked.clear()
    edited = check_json(capsys)
    assert set(reads) == {str(other)}
    assert linked == [bigger_app]  # the index is linked, to answer the others' questions
    assert (edited.exit_code, edited.stdout) == (first.exit_code, first.stdout)
    assert edited.stdout == check_json(capsys, "--no-cache").stdout
    # the results kept are known to stand with this index: the next run takes them as they are
    reads.clear()
    linked.clear()
    assert check_json(capsys).stdout == first.stdout
    assert (reads, linked) == ([], [])


def test_a_coroutine_function_made_plain_and_back_in_another_module(
    bigger_app: Path, capsys: pytest.CaptureFixture[str], reads: list[str]
) -> None:
    assert codes_of(check_json(capsys), "app/service.py") == ["ASY110"]
    edits = (("def notify():\n    return 1\n", []), (TASKS, ["ASY110"]))
    assert_edits_relint(bigger_app, capsys, reads, "app/tasks.py", "app/service.py", edits)


def test_what_jedi_answered_about_the_project_is_asked_again(
    bigger_app: Path, capsys: pytest.CaptureFixture[str], reads: list[str]
) -> None:
    """The index cannot place ``client.fetch`` (``client`` is an object): jedi answers, from clients.py."""
    assert codes_of(check_json(capsys), "app/worker.py") == ["ASY110"]
    edits = ((CLIENTS.replace("async def", "def"), []), (CLIENTS, ["ASY110"]))
    assert_edits_relint(bigger_app, capsys, reads, "app/clients.py", "app/worker.py", edits)


def test_a_file_keeps_one_result_entry(bigger_app: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Edits replace the entry of the edited file, and the entries kept get the new index's fingerprint."""
    results = bigger_app / project_cache.FOLDER / "results"
    check_json(capsys)
    entries = sorted(results.rglob("*"))
    for number in range(3):
        edit(bigger_app / "app" / "other.py", OTHER + f"\n\ndef added_{number}():\n    return {number}\n")
        check_json(capsys)
    assert sorted(results.rglob("*")) == entries
    assert len([entry for entry in entries if entry.is_file()]) == 8  # one for each file of app


def test_a_module_deleted_relints_its_importer(bigger_app: Path, capsys: pytest.CaptureFixture[str], reads: list[str]) -> None:
    assert codes_of(check_json(capsys), "app/service.py") == ["ASY110"]
    (bigger_app / "app" / "tasks.py").unlink()
    reads.clear()
    deleted = check_json(capsys)
    assert codes_of(deleted, "app/service.py") == []  # jedi finds no notify either
    assert set(reads) == {str(bigger_app / "app" / "service.py")}
    assert deleted.stdout == check_json(capsys, "--no-cache").stdout


def test_edits_checked_in_worker_processes(bigger_app: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """With ``--jobs 2`` the entries are written by the workers, and kept or not in this process."""
    check_json(capsys, "--jobs", "2")
    edit(bigger_app / "app" / "db.py", "def query():\n    return 1\n")
    edit(bigger_app / "app" / "tasks.py", "def notify():\n    return 1\n")
    edited = check_json(capsys, "--jobs", "2")
    assert codes_of(edited, "app/api.py") == codes_of(edited, "app/service.py") == []
    assert edited.stdout == check_json(capsys, "--no-cache").stdout


def assert_edits_relint(
    app: Path, capsys: pytest.CaptureFixture[str], reads: list[str], edited: str, importer: str, edits: tuple[tuple[str, list[str]], ...]
) -> None:
    """For each (text, codes) of ``edits``: with ``edited`` given that text, a cached check reads
    only it and ``importer``, finds ``codes`` in ``importer``, and says what ``--no-cache`` says."""
    for text, expected in edits:
        edit(app / edited, text)
        reads.clear()
        checked = check_json(capsys)
        assert codes_of(checked, importer) == expected
        assert set(reads) == {str(app / edited), str(app / importer)}
        assert checked.stdout == check_json(capsys, "--no-cache").stdout
