"""jedi in processes forked from one that used it (``check --jobs``): each asks its own subprocess."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from asyncguide.rules.resolve import JediResolver

NAMES = ("pkg.db.fetch", "pkg.db.connect")


def answers(root: str) -> tuple[bool | None, ...]:
    resolver = JediResolver(str(Path(root, "views.py")), root)
    return tuple(resolver.is_coroutine_function(name) for name in NAMES)


def test_forked_children_and_their_parent_keep_their_answers(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "db.py").write_text("async def fetch():\n    return 1\n\n\ndef connect():\n    return 2\n")
    root = str(tmp_path)
    assert answers(root) == (True, False)  # jedi's helper subprocess now runs for this process
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork")) as pool:
        assert list(pool.map(answers, [root] * 8)) == [(True, False)] * 8
    assert answers(root) == (True, False)
