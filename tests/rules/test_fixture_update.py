"""``python -m tests.rules.fixture --update [CODE ...]``: rewrites the fixed files of every fixture,
or only of the codes (or code prefixes) named; run here on copies of two fixable rules' fixtures."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .fixture import FIXTURES, Fixture, main

#: two fixable rules of different packs, with their fixtures
COPIED = ("asyncio/ASY100.py", "aiohttp/AIO002.py")


@pytest.fixture
def fixtures(tmp_path: Path) -> Path:
    """Copies of the two fixtures, without their fixed files."""
    for relative in COPIED:
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(FIXTURES / relative, tmp_path / relative)
    return tmp_path


def written(root: Path) -> list[str]:
    return sorted(path.name for path in root.glob("*/*.fixed.py"))


def test_update_without_codes_rewrites_every_fixed_file(fixtures: Path) -> None:
    main(["--update"], fixtures)
    assert written(fixtures) == ["AIO002.fixed.py", "ASY100.fixed.py"]
    fixture = Fixture(fixtures / "asyncio/ASY100.py")
    assert fixture.fixed_path.read_text("utf-8") == fixture.fixed() != fixture.source


def test_update_with_a_code_rewrites_only_its_fixed_file(fixtures: Path) -> None:
    main(["--update", "ASY100"], fixtures)
    assert written(fixtures) == ["ASY100.fixed.py"]


def test_update_with_a_prefix_rewrites_the_fixed_files_of_the_codes_it_starts(fixtures: Path) -> None:
    main(["--update", "AIO"], fixtures)
    assert written(fixtures) == ["AIO002.fixed.py"]


def test_update_with_a_code_without_fixture_fails_before_writing(fixtures: Path) -> None:
    with pytest.raises(SystemExit, match="no fixture for TOR999"):
        main(["--update", "ASY100", "TOR999"], fixtures)
    assert written(fixtures) == []


def test_fixture_tool_needs_update(fixtures: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        main([], fixtures)
    assert raised.value.code == 2
    assert "--update" in capsys.readouterr().err
    assert written(fixtures) == []
