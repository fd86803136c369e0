"""Which files ``asyncguide check`` reads: the ``.py`` files and Jupyter notebooks (``.ipynb``)
under the given paths.

Inside a git work tree git decides what is ignored (``git ls-files --cached --others
--exclude-standard``: tracked files, and untracked ones no ``.gitignore`` rule ignores). Outside
git, the walk skips the usual tool and environment folders (``SKIPPED_FOLDERS``) and honours the
``.gitignore`` files it meets with ``GitIgnore``, a matcher for the common subset of the syntax.
Both ways skip virtual environments (folders holding a ``pyvenv.cfg``) and whatever the caller's
``is_excluded`` rejects (the ``exclude`` globs of ``[tool.asyncguide]``). A file named on the
command line is always checked, unless ``--force-exclude`` (pre-commit names every file).
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

#: folders a walk outside git never enters (a folder named on the command line is still walked)
SKIPPED_FOLDERS = frozenset(
    {
        ".git", ".hg", ".svn", ".bzr", ".venv", "venv", ".tox", ".nox", ".eggs", "__pycache__",
        ".mypy_cache", ".pytest_cache", ".ruff_cache", "node_modules", "site-packages", "build", "dist",
    }
)


#: Jupyter notebooks, checked by default (as ruff does): their code cells (``rules.notebooks``)
NOTEBOOK_SUFFIX = ".ipynb"
#: the files a folder's walk picks up
SOURCE_SUFFIXES = (".py", NOTEBOOK_SUFFIX)


@dataclass(frozen=True)
class SourceFile:
    path: Path  # absolute
    #: the folder argument it was found under; for a file named directly, the working folder when
    #: the file is under it (where a user runs the command from: usually the project), else its folder
    root: Path


def python_files(
    arguments: Iterable[str | os.PathLike[str]], is_excluded: Callable[[Path], bool], force_exclude: bool = False
) -> list[SourceFile]:
    """Every file to check under ``arguments`` (files and folders), each once, sorted by path. A file
    named in ``arguments`` is checked even when ``is_excluded`` rejects it, unless ``force_exclude``.

    Raises ``FileNotFoundError`` for an argument that does not exist.
    """
    found: dict[Path, SourceFile] = {}
    for argument in arguments:
        path = Path(os.path.abspath(argument))
        if path.is_file():
            if force_exclude and is_excluded(path):
                continue
            working_folder = Path.cwd()
            root = working_folder if working_folder in path.parents else path.parent
            found.setdefault(path, SourceFile(path, root))
        elif path.is_dir():
            for file in folder_python_files(path, is_excluded):
                found.setdefault(file, SourceFile(file, path))
        else:
            raise FileNotFoundError(f"no such file or folder: {argument}")
    return sorted(found.values(), key=lambda source: source.path)


def folder_python_files(folder: Path, is_excluded: Callable[[Path], bool]) -> list[Path]:
    listed = git_listed_files(folder)
    if listed is None:
        return list(walk_python_files(folder, is_excluded))
    skipped_folders: dict[Path, bool] = {}

    def is_skipped_folder(path: Path) -> bool:
        if path not in skipped_folders:
            skipped_folders[path] = is_virtual_environment(path) or is_excluded(path)
        return skipped_folders[path]

    files = []
    for path in listed:
        if path.is_dir():
            # a nested repository or submodule, which git does not look inside; a symlink to a
            # folder could lead back up the tree, so it is not followed (as os.walk does not)
            if not path.is_symlink():
                files.extend(folder_python_files(path, is_excluded))
        elif (
            path.suffix in SOURCE_SUFFIXES
            and path.is_file()
            and not is_excluded(path)
            and not any(is_skipped_folder(parent) for parent in _folders_between(folder, path))
        ):
            files.append(path)
    return files


def git_listed_files(folder: Path) -> list[Path] | None:
    """The files git does not ignore under ``folder``, or None outside a git work tree (or without git).

    A folder that git itself ignores (``asyncguide check .venv/lib/...``) is walked without git.
    """
    try:
        inside = _git(folder, "rev-parse", "--is-inside-work-tree")
        if inside is None or inside.strip() != "true" or _git(folder, "check-ignore", "-q", ".") is not None:
            return None
        listing = _git(folder, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    except OSError:  # no git executable
        return None
    if listing is None:
        return None
    # ls-files prints paths relative to the folder it runs in; a nested repository ends with "/"
    return [folder / entry.rstrip("/") for entry in listing.split("\0") if entry]


def _git(folder: Path, *arguments: str) -> str | None:
    """git's stdout, or None when it exits non-zero."""
    completed = subprocess.run(
        ["git", "-C", str(folder), *arguments], capture_output=True, text=True, encoding="utf-8", check=False
    )
    return completed.stdout if completed.returncode == 0 else None


def _folders_between(root: Path, path: Path) -> Iterator[Path]:
    for folder in path.parents:
        if folder == root:
            return
        yield folder


def is_virtual_environment(folder: Path) -> bool:
    return (folder / "pyvenv.cfg").is_file()


def walk_python_files(root: Path, is_excluded: Callable[[Path], bool]) -> Iterator[Path]:
    """The ``.py`` and ``.ipynb`` files under ``root``, without git: usual folders skipped,
    ``.gitignore`` honoured."""
    ignores: dict[Path, GitIgnore] = {}
    for current, folders, files in os.walk(root):
        here = Path(current)
        inherited = ignores.get(here.parent, GitIgnore()) if here != root else GitIgnore()
        ignore = ignores[here] = inherited.extended(here / ".gitignore", root)
        relative = here.relative_to(root).as_posix()
        prefix = "" if relative == "." else f"{relative}/"
        folders[:] = sorted(
            name
            for name in folders
            if name not in SKIPPED_FOLDERS
            and not ignore.ignores(prefix + name, is_folder=True)
            and not is_virtual_environment(here / name)
            and not is_excluded(here / name)
        )
        for name in sorted(files):
            if name.endswith(SOURCE_SUFFIXES) and not ignore.ignores(prefix + name, is_folder=False) and not is_excluded(here / name):
                yield here / name


@dataclass(frozen=True)
class IgnorePattern:
    #: the folder of the .gitignore it comes from, relative to the walk's root ("" for the root)
    base: str
    regex: re.Pattern[str]
    negated: bool
    folders_only: bool


@dataclass(frozen=True)
class GitIgnore:
    """``.gitignore`` patterns: ``#`` comments, ``!`` negation, a trailing ``/`` for folders only,
    a ``/`` at the start or in the middle to anchor at the file's folder, ``*``, ``?``, ``[...]``
    and ``**``. The last matching pattern decides; an ignored folder is not entered, so nothing
    under it can be re-included (as in git)."""

    patterns: tuple[IgnorePattern, ...] = ()

    def extended(self, gitignore: Path, root: Path) -> GitIgnore:
        """These patterns, then those of ``gitignore`` (when the file exists)."""
        try:
            text = gitignore.read_text("utf-8", errors="replace")
        except OSError:
            return self
        base = gitignore.parent.relative_to(root).as_posix()
        base = "" if base == "." else base
        return GitIgnore(self.patterns + tuple(parse_gitignore(text, base)))

    def ignores(self, relative_path: str, is_folder: bool) -> bool:
        """Whether the path (relative to the walk's root, with ``/``) is ignored."""
        ignored = False
        for pattern in self.patterns:
            if pattern.folders_only and not is_folder:
                continue
            if pattern.base:
                if not relative_path.startswith(pattern.base + "/"):
                    continue
                path = relative_path[len(pattern.base) + 1 :]
            else:
                path = relative_path
            if pattern.regex.fullmatch(path):
                ignored = not pattern.negated
        return ignored


def parse_gitignore(text: str, base: str = "") -> list[IgnorePattern]:
    patterns = []
    for line in text.splitlines():
        line = line.rstrip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        if negated:
            line = line[1:]
        elif line.startswith("\\"):  # "\#" and "\!" start a literal pattern
            line = line[1:]
        folders_only = line.endswith("/")
        line = line.rstrip("/")
        if not line:
            continue
        anchored = "/" in line
        line = line.lstrip("/")
        regex = _translate(line) if anchored else f"(?:.*/)?{_translate(line)}"
        patterns.append(IgnorePattern(base, re.compile(regex), negated, folders_only))
    return patterns


def _translate(pattern: str) -> str:
    """A gitignore glob as a regular expression over ``/``-separated paths."""
    out = []
    index = 0
    while index < len(pattern):
        if pattern.startswith("**/", index):
            out.append("(?:.*/)?")
            index += 3
        elif pattern.startswith("/**", index) and index + 3 == len(pattern):
            out.append("/.*")
            index += 3
        elif pattern[index] == "*":
            out.append("[^/]*")
            while index < len(pattern) and pattern[index] == "*":
                index += 1
        elif pattern[index] == "?":
            out.append("[^/]")
            index += 1
        elif pattern[index] == "[" and "]" in pattern[index + 2 :]:
            end = pattern.index("]", index + 2)
            members = pattern[index + 1 : end]
            if members.startswith("!"):
                members = "^" + members[1:]
            out.append("[" + members.replace("\\", "\\\\") + "]")
            index = end + 1
        elif pattern[index] == "\\" and index + 1 < len(pattern):
            out.append(re.escape(pattern[index + 1]))
            index += 2
        else:
            out.append(re.escape(pattern[index]))
            index += 1
    return "".join(out)
