"""Which version of a framework a linted project uses, read from its files and its environment.

Rules whose verdict depends on the framework's version (Starlette 1.0 removed APIs that 0.x only
deprecated) ask ``SemanticModel.framework_version("starlette")``; the CLI and the server pass a
``FrameworkVersions`` for the document's project root to ``runner.lint(..., versions=...)``.

A version is the release tuple, ``(0, 37, 2)``; None means unknown, which rules read as "the
newest release" (the code must keep working when the project upgrades). ``version(name)`` asks
these sources in order and takes the first answer:

1. Lock files at the project root, which pin every package the project installs, transitive
   ones included: ``uv.lock``, ``poetry.lock``, ``pylock.toml`` / ``pylock.*.toml`` and
   ``Pipfile.lock``.
2. Declared requirements: ``pyproject.toml`` (``[project]`` dependencies, optional dependencies
   and ``[dependency-groups]``; ``[tool.poetry]`` dependencies and groups) and
   ``requirements*.txt`` / ``requirements/*.txt`` (following ``-r`` and ``-c``). An exact pin
   (``==0.37.2``, Poetry's bare ``"0.37.2"``) is that version. A range with an upper bound
   (``<1.0``, ``~=0.37``, ``^0.37``, ``0.37.*``) says the project runs something just below the
   bound: the answer sorts above every release under the bound and below the bound itself
   (``(0, NEWEST)`` for ``<1.0``). A range without one (``>=0.27``) tells nothing: newer releases
   may be installed.
3. The installed distribution: in the project's own virtual environment (``.venv``, ``venv`` or
   ``env`` at the root, with a ``pyvenv.cfg``), else in the one jedi's default environment
   would pick (``$VIRTUAL_ENV``, ``$CONDA_PREFIX``; read directly, without starting an
   interpreter), else in the running interpreter.

For ``starlette``, a source that does not name Starlette but names FastAPI answers through
FastAPI's requirement (``FASTAPI_STARLETTE``): a FastAPI release before 0.133 requires Starlette
below 1.0.

Answers are cached per project root (``framework_versions``) and dropped when a file they came
from, or a candidate file, or the environment's ``site-packages`` folder changes (by mtime).

The files are the linted project's, so nothing in them is trusted: only regular files of bounded
size are read (``reading``), ``-r``/``-c`` includes are followed only inside the project (at most
``MAX_REQUIREMENT_FILES`` files), installed versions come from the names of ``*.dist-info``
folders (no file in an environment is read), and a file or table of an unexpected shape is
skipped with one line in ``FrameworkVersions.problems()``.
"""

from __future__ import annotations

import json
import os
import re
import sys
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from .config import TOML_TYPES, toml_type
from .reading import Unreadable, read_text

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10
    import tomli as tomllib

Version = tuple[int, ...]

#: the last component of a version "just below" an upper bound: above every real release number
NEWEST = sys.maxsize

#: FastAPI releases and the Starlette they allow: (first FastAPI release of a span, the newest
#: Starlette it allows, None when it has no upper bound). FastAPI 0.133.0 dropped the upper
#: bound (``starlette>=0.40.0``); every release before it capped Starlette below 1.0.
FASTAPI_STARLETTE: tuple[tuple[Version, Version | None], ...] = (
    ((0,), (0, NEWEST)),
    ((0, 133), None),
)

LOCK_FILES = ("uv.lock", "poetry.lock", "Pipfile.lock")
#: the most requirements files one reading follows through ``-r``/``-c`` includes
MAX_REQUIREMENT_FILES = 64
VIRTUAL_ENVIRONMENTS = (".venv", "venv", "env")
ENVIRONMENT_VARIABLES = ("VIRTUAL_ENV", "CONDA_PREFIX")

_RELEASE = re.compile(r"^\s*v?(\d+(?:\.\d+)*)")
_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
_CLAUSE = re.compile(r"(===|==|~=|!=|<=|>=|<|>|\^|~)?\s*([0-9][0-9A-Za-z.*+!-]*)")


class VersionLookup(Protocol):
    """What ``runner.lint`` accepts as ``versions``: the version of a distribution, or None."""

    def version(self, distribution: str) -> Version | None: ...


def normalize(name: str) -> str:
    """A distribution name as PEP 503 compares them: ``Starlette`` and ``starlette_`` alike."""
    return re.sub(r"[-_.]+", "-", name).lower().strip("-")


def parse_version(text: str) -> Version | None:
    """The release part of a version string: ``"0.37.2"`` -> ``(0, 37, 2)``, ``"1.0.0rc1"`` -> ``(1, 0, 0)``."""
    match = _RELEASE.match(text)
    return tuple(int(part) for part in match.group(1).split(".")) if match else None


def just_below(bound: Version) -> Version:
    """A version above every release under ``bound`` and below ``bound``: ``(1, 0)`` -> ``(0, NEWEST)``."""
    release = list(bound)
    while len(release) > 1 and release[-1] == 0:
        release.pop()
    if release == [0]:
        return (0,)
    release[-1] -= 1
    return (*release, NEWEST)


def _bump(release: Version, position: int) -> Version:
    """The release after ``release`` at ``position``: ``_bump((0, 37, 2), 1)`` -> ``(0, 38)``."""
    head = list(release[: position + 1]) + [0] * max(0, position + 1 - len(release))
    head[position] += 1
    return tuple(head)


def specifier_version(specifier: str) -> Version | None:
    """The version a requirement's specifier says the project runs: an exact pin's version, else
    the newest version its upper bounds allow (just below ``<1.0``, exactly ``<=0.39``), else
    None (no upper bound: any newer release may be installed).

    Accepts PEP 440 specifiers (``==0.37.2``, ``>=0.27,<1.0``, ``~=0.37``, ``==0.37.*``) and
    Poetry's (``0.37.2``, ``^0.37``, ``~0.37.1``, ``>=0.27 <1.0``, ``*``)."""
    newest: list[Version] = []
    for clause in re.split(r"[,|]| (?=[<>=!~^])", specifier):
        match = _CLAUSE.fullmatch(clause.strip())
        release = parse_version(match.group(2)) if match else None
        if match is None or release is None:
            continue
        operator, wildcard = match.group(1) or "==", match.group(2).endswith(".*")
        if operator in ("==", "===") and not wildcard:
            return release
        if operator == "==":
            newest.append(just_below(_bump(release, len(release) - 1)))
        elif operator == "<":
            newest.append(just_below(release))
        elif operator == "<=":
            newest.append(release)
        elif operator == "~=" and len(release) > 1:
            newest.append(just_below(_bump(release, len(release) - 2)))
        elif operator == "^":
            first = next((index for index, part in enumerate(release) if part), len(release) - 1)
            newest.append(just_below(_bump(release, first)))
        elif operator == "~":
            newest.append(just_below(_bump(release, 1 if len(release) > 1 else 0)))
    return min(newest) if newest else None


def is_exact(specifier: str) -> bool:
    """True for a pin to one release: ``==0.37.2``, ``===0.37.2``, Poetry's bare ``0.37.2``."""
    return any(
        re.fullmatch(r"(===?)?\s*[0-9][0-9A-Za-z.+!-]*", clause.strip()) is not None
        for clause in re.split(r"[,|]", specifier)
    )


def starlette_for_fastapi(fastapi: Version) -> Version | None:
    """The newest Starlette a FastAPI release allows (``FASTAPI_STARLETTE``); None: no limit."""
    allowed: Version | None = None
    for first_release, starlette in FASTAPI_STARLETTE:
        if fastapi >= first_release:
            allowed = starlette
    return allowed


# ---------------------------------------------------------------- requirement sources


def requirement_lines(path: Path, root: Path, problems: list[str], seen: set[Path] | None = None) -> Iterator[tuple[Path, str]]:
    """(file, requirement) for each requirement of a requirements file, following ``-r``/``-c``
    includes that stay inside ``root`` (the project), ``MAX_REQUIREMENT_FILES`` files at most.
    What is skipped on the way is described in ``problems``."""
    seen = set() if seen is None else seen
    resolved = path.resolve()
    if resolved in seen:
        return
    if len(seen) >= MAX_REQUIREMENT_FILES:
        problems.append(f"{path}: not read: more than {MAX_REQUIREMENT_FILES} requirements files are included")
        return
    seen.add(resolved)
    try:
        text = read_text(path, errors="replace")
    except Unreadable as error:
        problems.append(f"{path}: not read: {error}")
        return
    except OSError:
        return  # a missing include tells nothing
    for raw in text.replace("\\\n", " ").splitlines():
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        include = re.match(r"^(?:-r|-c|--requirement|--constraint)\s*=?\s*(\S+)", line)
        if include:
            included = path.parent / include.group(1)
            if included.resolve().is_relative_to(root.resolve()):
                yield from requirement_lines(included, root, problems, seen)
            else:
                problems.append(f"{path}: not following {include.group(1)}: it is outside the project")
            continue
        if line.startswith("-"):
            continue  # -e, --index-url and other options
        yield path, line


def parse_requirement(line: str) -> tuple[str, str] | None:
    """(normalized name, specifier) of a PEP 508 requirement; None for URLs and what is not one."""
    requirement = line.split(";", 1)[0].strip()
    match = _NAME.match(requirement)
    if match is None or "@" in requirement:
        return None
    rest = requirement[match.end() :].strip()
    if rest.startswith("["):
        rest = rest.split("]", 1)[-1].strip()
    return normalize(match.group(1)), rest.strip("() ")


class _Shapes:
    """Reads values out of a parsed TOML or JSON document, checking their shapes: a value of
    another shape reads as absent, and is described in ``problems`` once."""

    def __init__(self, path: Path, problems: list[str]):
        self.path = path
        self.problems = problems

    def get(self, table: dict[str, Any], key: str, shape: type, where: str) -> Any:
        """``table[key]`` when it has ``shape``; None when absent or of another shape."""
        return self.checked(table.get(key), shape, f"{where}{key}")

    def checked(self, value: Any, shape: type, where: str) -> Any:
        """``value`` when it has ``shape``; None when it is None or of another shape."""
        if value is None or isinstance(value, shape):
            return value
        return self.wrong(where, shape, value)

    def items(self, values: list[Any] | None, shape: type | tuple[type, ...], where: str) -> list[Any]:
        """The members of an array that have ``shape`` (one problem for those that do not)."""
        if values is None:
            return []
        kept = [value for value in values if isinstance(value, shape)]
        if len(kept) < len(values):
            self.wrong(f"{where}[…]", shape, next(value for value in values if not isinstance(value, shape)))
        return kept

    def wrong(self, where: str, shape: type | tuple[type, ...], value: Any) -> None:
        expected = " or ".join(TOML_TYPES[kind] for kind in (shape if isinstance(shape, tuple) else (shape,)))
        self.problems.append(f"{self.path}: ignored `{where}`: it should be {expected}, not {toml_type(value)}")


def _pyproject_requirements(document: dict[str, Any], shapes: _Shapes) -> Iterator[tuple[str, str]]:
    """(name, specifier) for each requirement a pyproject.toml declares."""
    project = shapes.get(document, "project", dict, "") or {}
    pep508 = shapes.items(shapes.get(project, "dependencies", list, "project."), str, "project.dependencies")
    extras = shapes.get(project, "optional-dependencies", dict, "project.") or {}
    for extra in extras:
        where = f"project.optional-dependencies.{extra}"
        pep508 += shapes.items(shapes.get(extras, extra, list, "project.optional-dependencies."), str, where)
    groups = shapes.get(document, "dependency-groups", dict, "") or {}
    for group in groups:
        # besides requirements, a group holds tables such as {include-group = "dev"}
        members = shapes.get(groups, group, list, "dependency-groups.") or []
        pep508 += [item for item in shapes.items(members, (str, dict), f"dependency-groups.{group}") if isinstance(item, str)]
    for line in pep508:
        parsed = parse_requirement(line)
        if parsed is not None:
            yield parsed
    tool = shapes.get(document, "tool", dict, "") or {}
    poetry = shapes.get(tool, "poetry", dict, "tool.") or {}
    tables = [
        shapes.get(poetry, "dependencies", dict, "tool.poetry.") or {},
        shapes.get(poetry, "dev-dependencies", dict, "tool.poetry.") or {},
    ]
    groups = shapes.get(poetry, "group", dict, "tool.poetry.") or {}
    for group in groups:
        table = shapes.get(groups, group, dict, "tool.poetry.group.") or {}
        tables.append(shapes.get(table, "dependencies", dict, f"tool.poetry.group.{group}.") or {})
    for table in tables:
        for name, value in table.items():
            if isinstance(value, dict):
                value = value.get("version")
            if isinstance(value, str):
                yield normalize(name), value
            elif isinstance(value, list):  # multiple-constraint dependencies: the first that pins
                for item in value:
                    if isinstance(item, dict) and isinstance(item.get("version"), str):
                        yield normalize(name), item["version"]


def _locked_versions(path: Path, shapes: _Shapes) -> Iterator[tuple[str, str]]:
    """(name, version) for each package a lock file pins."""
    if path.name == "Pipfile.lock":
        document = json.loads(read_text(path))
        if not isinstance(document, dict):
            shapes.wrong("(the document)", dict, document)
            return
        for section in ("default", "develop"):
            for name, entry in (shapes.get(document, section, dict, "") or {}).items():
                entry = shapes.checked(entry, dict, f"{section}.{name}") or {}
                if isinstance(entry.get("version"), str):
                    yield normalize(name), entry["version"].lstrip("=")
        return
    document = tomllib.loads(read_text(path))
    key = "packages" if "packages" in document and "package" not in document else "package"
    for entry in shapes.items(shapes.get(document, key, list, ""), dict, key):
        if isinstance(entry.get("name"), str) and isinstance(entry.get("version"), str):
            yield normalize(entry["name"]), entry["version"]


# ---------------------------------------------------------------- the lookup


@dataclass
class _Answers:
    """What one reading of the project's files and environment found."""

    locked: dict[str, Version] = field(default_factory=dict)
    declared: dict[str, Version] = field(default_factory=dict)
    #: every file read: a change to any of them (or a new candidate file) means reading again
    read: list[Path] = field(default_factory=list)
    #: what was skipped while reading (a file of the wrong shape, an include outside the project)
    problems: list[str] = field(default_factory=list)
    site_packages: list[Path] = field(default_factory=list)
    installed: dict[str, Version | None] = field(default_factory=dict)


class FrameworkVersions:
    """The versions of the distributions one project uses (see the module's docstring).

    ``root`` is the project's folder. ``site_packages`` names the folders to look for installed
    distributions in; None (the default) finds them: the project's virtual environment, the
    activated one, the running interpreter's.
    """

    def __init__(self, root: str | os.PathLike[str], site_packages: Iterable[str | os.PathLike[str]] | None = None):
        self.root = Path(root)
        self._site_packages = None if site_packages is None else [Path(p) for p in site_packages]
        self._answers: _Answers | None = None
        self._stamp: tuple[tuple[str, int], ...] | None = None
        self._lock = threading.Lock()

    def version(self, distribution: str) -> Version | None:
        """The version of ``distribution`` the project uses, None when nothing says."""
        name = normalize(distribution)
        with self._lock:
            answers = self._current()
            for source in (answers.locked, answers.declared):
                found = _from_source(source, name)
                if found is not _UNKNOWN:
                    return found  # type: ignore[return-value]
            return self._installed(answers, name)

    def problems(self) -> list[str]:
        """What reading the project's files skipped, one line each (the files are read if needed)."""
        with self._lock:
            return list(self._current().problems)

    # -- reading

    def _current(self) -> _Answers:
        stamp = self._stamp_now(self._answers.read if self._answers else [])
        if self._answers is None or stamp != self._stamp:
            self._answers = self._read()
            self._stamp = self._stamp_now(self._answers.read)
        return self._answers

    def _candidates(self) -> list[Path]:
        """The files at the root that may declare or pin requirements, existing or not."""
        found = [self.root / "pyproject.toml", *(self.root / name for name in LOCK_FILES)]
        try:
            with os.scandir(self.root) as entries:
                names = sorted(entry.name for entry in entries)
        except OSError:
            names = []
        found += [self.root / n for n in names if n.startswith("requirements") and n.endswith(".txt")]
        found += [self.root / n for n in names if n == "pylock.toml" or (n.startswith("pylock.") and n.endswith(".toml"))]
        folder = self.root / "requirements"
        if folder.is_dir():
            found += sorted(folder.glob("*.txt"))
        return found

    def _stamp_now(self, read: list[Path]) -> tuple[tuple[str, int], ...]:
        stamp = []
        for path in dict.fromkeys([*self._candidates(), *read, *self._environment()]):
            try:
                stamp.append((str(path), os.stat(path).st_mtime_ns))
            except OSError:
                stamp.append((str(path), -1))
        return tuple(stamp)

    def _read(self) -> _Answers:
        answers = _Answers(site_packages=self._environment())
        declared: list[tuple[str, str]] = []
        for path in self._candidates():
            if not path.is_file():
                continue
            answers.read.append(path)
            shapes = _Shapes(path, answers.problems)
            try:
                if path.name == "pyproject.toml":
                    declared += _pyproject_requirements(tomllib.loads(read_text(path)), shapes)
                elif path.suffix == ".txt":
                    for source, line in requirement_lines(path, self.root, answers.problems):
                        answers.read.append(source)
                        parsed = parse_requirement(line)
                        if parsed is not None:
                            declared.append(parsed)
                else:
                    for name, text in _locked_versions(path, shapes):
                        release = parse_version(text)
                        if release is not None:
                            answers.locked.setdefault(name, release)
            except (OSError, UnicodeDecodeError, ValueError, RecursionError) as error:
                # tomllib and json errors are ValueErrors; RecursionError: arrays nested thousands deep
                answers.problems.append(f"{path}: not read: {error}")
        _declare(answers.declared, declared)
        return answers

    # -- the environment

    def _environment(self) -> list[Path]:
        """The ``site-packages`` folders of the environment the project runs in."""
        if self._site_packages is not None:
            return self._site_packages
        for name in VIRTUAL_ENVIRONMENTS:
            prefix = self.root / name
            if (prefix / "pyvenv.cfg").is_file():
                return site_packages_of(prefix)
        for variable in ENVIRONMENT_VARIABLES:
            prefix_text = os.environ.get(variable)
            if prefix_text:
                return site_packages_of(Path(prefix_text))
        return [Path(p) for p in sys.path if p.endswith("site-packages") or p.endswith("dist-packages")]

    def _installed(self, answers: _Answers, name: str) -> Version | None:
        if name not in answers.installed:
            answers.installed[name] = _installed_version(answers.site_packages, name)
        return answers.installed[name]


_UNKNOWN = object()


def _from_source(source: dict[str, Version], name: str) -> Version | None | object:
    """The source's answer for ``name`` (Starlette through FastAPI), or ``_UNKNOWN``."""
    if name in source:
        return source[name]
    if name == "starlette" and "fastapi" in source:
        return starlette_for_fastapi(source["fastapi"])
    return _UNKNOWN


def _declare(declared: dict[str, Version], requirements: Iterable[tuple[str, str]]) -> None:
    """Record what declared requirements say, by name: the first exact pin, else the lowest of
    the versions their upper bounds allow (every declaration must hold)."""
    exact: dict[str, Version] = {}
    for name, specifier in requirements:
        found = specifier_version(specifier)
        if found is None:
            continue
        if is_exact(specifier):
            exact.setdefault(name, found)
        elif name not in declared or found < declared[name]:
            declared[name] = found
    declared.update(exact)


def site_packages_of(prefix: Path) -> list[Path]:
    """The ``site-packages`` folders of an environment's prefix (POSIX and Windows layouts)."""
    found = sorted(prefix.glob("lib*/python3*/site-packages"))
    windows = prefix / "Lib" / "site-packages"
    if windows.is_dir():
        found.append(windows)
    return found


#: an installed distribution's metadata folder: ``{name}-{version}.dist-info`` (wheel installs)
#: or ``{name}-{version}[-py3.x].egg-info`` (older ones), with the name's ``-`` escaped as ``_``
_METADATA_FOLDER = re.compile(r"^([^-]+)-([^-]+)(?:-.*)?\.(?:dist|egg)-info$")


def _installed_version(site_packages: list[Path], name: str) -> Version | None:
    """The version of the distribution installed in these folders, from its metadata folder's
    name: nothing in the environment is read (a project's own ``.venv`` is as untrusted as the
    rest of it)."""
    for folder in site_packages:
        try:
            with os.scandir(folder) as entries:
                names = sorted(entry.name for entry in entries)
        except OSError:
            continue
        for entry in names:
            match = _METADATA_FOLDER.match(entry)
            if match is not None and normalize(match.group(1)) == name:
                return parse_version(match.group(2))
    return None


_cache: dict[Path, FrameworkVersions] = {}
_cache_lock = threading.Lock()


def framework_versions(root: str | os.PathLike[str]) -> FrameworkVersions:
    """The lookup for the project at ``root``, one per root for the process (answers refresh
    themselves when the project's files change)."""
    key = Path(os.path.abspath(root))
    with _cache_lock:
        found = _cache.get(key)
        if found is None:
            found = _cache[key] = FrameworkVersions(key)
        return found
