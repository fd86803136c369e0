"""The shipped guideline documents are the seeds, parsed completely."""

from __future__ import annotations

from pathlib import Path

import pytest

from asyncguide.rules import guidelines

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
SEED_FILES = {
    "sanic": "000_45647e2c01c753c5.txt",
    "tornado": "001_039ed74d66780715.txt",
    "asyncio": "002_e1ee32acd8fffb2b.txt",
    "aiohttp": "003_7c0374470da5fe20.txt",
    "starlette": "004_28ec78e2d5a3cfb0.txt",
}


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not beside this checkout")
@pytest.mark.parametrize("document", sorted(SEED_FILES))
def test_shipped_copy_is_the_seed(document: str) -> None:
    assert guidelines.document_text(document) == (SEEDS / SEED_FILES[document]).read_text("utf-8")


def test_every_bullet_is_found() -> None:
    counts = {document: len(guidelines.bullets(document)) for document in guidelines.DOCUMENTS}
    assert counts == {"asyncio": 136, "starlette": 77, "aiohttp": 136, "sanic": 128, "tornado": 120}
    assert len(guidelines.all_bullets()) == 597


def test_bullets_carry_their_section_and_verbatim_text() -> None:
    sleep = next(b for b in guidelines.bullets("asyncio") if b.text == "Create proper sleep calls")
    assert sleep.section == "Timeouts and Delays"
    assert sleep.title == "asyncio › Timeouts and Delays"
    critical = [b for b in guidelines.bullets("starlette") if b.text.startswith("**CRITICAL**")]
    assert critical and all(b.section for b in critical)
    lines = guidelines.document_text("starlette").splitlines()
    for bullet in guidelines.bullets("starlette"):
        assert lines[bullet.line - 1] == f"- {bullet.text}"


def test_bullets_inside_code_blocks_are_not_guidance() -> None:
    assert not any(b.text.startswith("#") or "import " in b.text for b in guidelines.all_bullets())
