"""mkdocs hook: nav entries that stand for every page of a folder.

In ``mkdocs.yml``'s nav, an entry whose value is a folder (``Rules: rules/``) becomes a section
listing that folder's pages: its ``index.md`` first, then the others by file name. So a new rule
page, or a new editor page, appears in the nav without an edit to ``mkdocs.yml``. A folder with
no pages drops its entry instead of breaking the strict build.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig


def folder_pages(docs_dir: Path, folder: str) -> list[str]:
    """The Markdown pages of ``folder`` (relative to the docs), ``index.md`` first.

    mkdocs titles each page by its heading, or, where a comment comes first (the generated rule
    pages), by its file name: the rule's code, which keeps the long list of rules short.
    """
    pages = sorted((docs_dir / folder).glob("*.md"), key=lambda path: (path.name != "index.md", path.name))
    return [path.relative_to(docs_dir).as_posix() for path in pages]


def expand(entries: list[Any], docs_dir: Path) -> list[Any]:
    expanded: list[Any] = []
    for entry in entries:
        if isinstance(entry, dict):
            [(title, value)] = entry.items()
            if isinstance(value, str) and value.endswith("/"):
                pages = folder_pages(docs_dir, value)
                if pages:
                    expanded.append({title: pages})
                continue
            if isinstance(value, list):
                expanded.append({title: expand(value, docs_dir)})
                continue
        expanded.append(entry)
    return expanded


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    if config.nav is not None:
        config.nav = expand(config.nav, Path(config.docs_dir))
    return config
