"""The cache of ``asyncguide check`` over an unchanged tree: files known by their size and
modification time are not read again, results come back as they were, and a change is seen."""

from __future__ import annotations

import os
import pickle
import time
from pathlib import Path

import pytest

from asyncguide.rules import reading
from asyncguide.rules.project import cache as project_cache
from asyncguide.server import check

from .conftest import run_main, write

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
    """The source files read from here on, by the digests and by the lint."""
    seen: list[str] = []

    def counting(path: str | os.PathLike[str], limit: int = reading.MAX_FILE_BYTES) -> bytes:
        seen.append(os.fspath(path))
        return reading.read_bytes(path, limit)

    monkeypatch.setattr(project_cache, "read_bytes", counting)
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
