"""Which module a file of the project is: its dotted name, from the project's source roots.

The source roots are the project's folder (where its ``pyproject.toml`` is, or the folder checked),
its ``src/`` folder when it has one, and the folders ``[tool.asyncguide] source-roots`` names,
relative to the project folder. A file's module is its path under the deepest root holding it:
``src/app/db.py`` is ``app.db``, ``app/__init__.py`` is the package ``app``. Folders without an
``__init__.py`` are namespace packages and count the same way.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path


def source_roots(project_root: str | os.PathLike[str], configured: Iterable[str] = ()) -> tuple[Path, ...]:
    """The project's source roots, deepest first (a file is named from the deepest that holds it)."""
    root = Path(os.path.abspath(project_root))
    roots = [root]
    if (root / "src").is_dir():
        roots.append(root / "src")
    roots.extend(Path(os.path.abspath(root / folder)) for folder in configured)
    unique = dict.fromkeys(roots)
    return tuple(sorted(unique, key=lambda path: len(path.parts), reverse=True))


def module_name(path: str | os.PathLike[str], roots: Iterable[Path]) -> tuple[str, bool] | None:
    """The dotted name of the module at ``path`` and whether it is a package (``__init__.py``);
    None when no root holds it or a part of its path is not an identifier."""
    absolute = Path(os.path.abspath(path))
    for root in roots:
        try:
            relative = absolute.relative_to(root)
        except ValueError:
            continue
        parts = list(relative.with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts.pop()
        if parts and all(part.isidentifier() for part in parts):
            return ".".join(parts), is_package
        return None
    return None


def absolute_name(name: str, package: str) -> str:
    """A name as a relative import spells it, made absolute from ``package`` (the importing
    module's package): ``.db.query`` in package ``app`` is ``app.db.query``, ``..x`` is ``x``."""
    if not name.startswith("."):
        return name
    rest = name.lstrip(".")
    for _ in range(len(name) - len(rest) - 1):
        package = package.rpartition(".")[0]
    return f"{package}.{rest}" if package and rest else package or rest
