"""Configuration: ``[tool.asyncguide]`` in the nearest ``pyproject.toml``.

Keys (kebab-case, as in the file):

=================== ================================================== =====================
key                 meaning                                            default
=================== ================================================== =====================
select              codes, prefixes or a group to enable               every default rule
ignore              codes or prefixes to disable                       none
extend-select       codes or prefixes enabled on top of ``select``     none
per-file-ignores    glob -> codes or prefixes disabled in those files  none
exclude             globs of paths ``asyncguide check`` skips          none
target-version      oldest Python the code runs on, ``py39``…``py314`` ``py39``
unsafe-fixes        offer and apply unsafe fixes as well               false
=================== ================================================== =====================

An unknown key or a bad value raises ``ConfigError`` naming the file and key; the CLI exits 2,
the server shows a warning and uses the defaults.
"""

from __future__ import annotations

import fnmatch
import os
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePath
from typing import Any

from .registry import SelectionError, expand, select

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10
    import tomli as tomllib

TARGET_VERSIONS = {f"py3{minor}": (3, minor) for minor in range(9, 15)}
DEFAULT_TARGET = (3, 9)


class ConfigError(ValueError):
    def __init__(self, message: str, path: Path | None = None, key: str | None = None):
        where = f"{path}: " if path else ""
        what = f"[tool.asyncguide] {key}: " if key else ""
        super().__init__(f"{where}{what}{message}")
        self.path = path
        self.key = key


@dataclass(frozen=True)
class Settings:
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    exclude: tuple[str, ...] = ()
    target_version: tuple[int, int] = DEFAULT_TARGET
    unsafe_fixes: bool = False
    #: the folder holding the pyproject.toml these came from; globs are relative to it
    root: Path | None = None
    source: Path | None = field(default=None, compare=False)

    def codes_for(self, path: str | os.PathLike[str] | None) -> frozenset[str]:
        """The rule codes enabled for one file, per-file-ignores applied."""
        codes = select(self.select, self.ignore, self.extend_select)
        if path is None or not self.per_file_ignores:
            return codes
        ignored: set[str] = set()
        for pattern, selectors in self.per_file_ignores:
            if matches(path, pattern, self.root):
                ignored |= expand(selectors)
        return codes - ignored

    def is_excluded(self, path: str | os.PathLike[str]) -> bool:
        return any(matches(path, pattern, self.root) for pattern in self.exclude)

    def with_overrides(self, **changes: Any) -> Settings:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def matches(path: str | os.PathLike[str], pattern: str, root: Path | None) -> bool:
    """A glob against a path: relative to ``root`` when under it, and against any trailing part."""
    pure = PurePath(os.path.abspath(path))
    if root is not None:
        try:
            pure = pure.relative_to(os.path.abspath(root))
        except ValueError:
            pass
    text = pure.as_posix()
    pattern = pattern.rstrip("/")
    parts = text.split("/")
    candidates = ["/".join(parts[i:]) for i in range(len(parts))] + parts
    return any(fnmatch.fnmatchcase(candidate, pattern) for candidate in candidates)


def find_pyproject(start: str | os.PathLike[str]) -> Path | None:
    """The nearest ``pyproject.toml`` at or above ``start`` that has a ``[tool.asyncguide]`` table,
    else the nearest ``pyproject.toml`` at all."""
    start_path = Path(os.path.abspath(start))
    folder = start_path if start_path.is_dir() else start_path.parent
    nearest: Path | None = None
    for candidate_dir in (folder, *folder.parents):
        candidate = candidate_dir / "pyproject.toml"
        if candidate.is_file():
            nearest = nearest or candidate
            try:
                if "asyncguide" in tomllib.loads(candidate.read_text("utf-8")).get("tool", {}):
                    return candidate
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
                return candidate  # broken: load_settings reports it
    return nearest


def load_settings(start: str | os.PathLike[str]) -> Settings:
    """Settings for a file or folder, from its nearest ``pyproject.toml`` (defaults when none)."""
    pyproject = find_pyproject(start)
    if pyproject is None:
        return Settings()
    return load_pyproject(pyproject)


def load_pyproject(path: Path) -> Settings:
    try:
        document = tomllib.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"cannot read: {error}", path) from error
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"not valid TOML: {error}", path) from error
    table = document.get("tool", {}).get("asyncguide", {})
    return settings_from_table(table, path)


def settings_from_table(table: Any, path: Path | None = None) -> Settings:
    """Validate a ``[tool.asyncguide]`` table (kebab-case keys) into Settings."""
    if not isinstance(table, dict):
        raise ConfigError("must be a table", path)
    unknown = sorted(set(table) - set(_PARSERS))
    if unknown:
        raise ConfigError(f"unknown key; the keys are {', '.join(sorted(_PARSERS))}", path, unknown[0])
    values: dict[str, Any] = {}
    for key, value in table.items():
        try:
            values[key.replace("-", "_")] = _PARSERS[key](value)
        except (ValueError, TypeError) as error:
            raise ConfigError(str(error), path, key) from error
    root = path.parent if path else None
    return Settings(**values, root=root, source=path)


def parse_selectors(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TypeError("must be a list of rule codes or prefixes, such as [\"ASY\", \"STA001\"]")
    selectors = tuple(v.strip().upper() for v in value)
    try:
        expand(selectors)
    except SelectionError as error:
        raise ValueError(str(error)) from error
    return selectors


def _per_file_ignores(value: Any) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not isinstance(value, dict):
        raise TypeError("must be a table of glob = [codes], such as { \"tests/*\" = [\"ASY121\"] }")
    return tuple((str(glob), parse_selectors(codes)) for glob, codes in value.items())


def _globs(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TypeError("must be a list of glob patterns")
    return tuple(value)


def parse_target_version(value: Any) -> tuple[int, int]:
    if value not in TARGET_VERSIONS:
        raise ValueError(f"{value!r} is not one of {', '.join(TARGET_VERSIONS)}")
    return TARGET_VERSIONS[value]


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError("must be true or false")
    return value


_PARSERS = {
    "select": parse_selectors,
    "ignore": parse_selectors,
    "extend-select": parse_selectors,
    "per-file-ignores": _per_file_ignores,
    "exclude": _globs,
    "target-version": parse_target_version,
    "unsafe-fixes": _boolean,
}
