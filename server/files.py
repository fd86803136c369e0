"""Which files ``asyncguide check`` reads: the ``.py`` files and Jupyter notebooks (``.ipynb``)
under the given paths.

git is never run: git executes commands a repository's own configuration names
(``core.fsmonitor``, hooks, filters), so running it in a linted tree would run that tree's code.
The walk reads git's ignore files itself instead (``GitIgnore``): the ``.gitignore`` of every
folder from the repository's root down, and ``.git/info/exclude``. Inside a git repository (a
``.git`` at or above the walked folder) that is all it skips, besides ``.git``; outside git it also
skips the usual tool and environment folders (``SKIPPED_FOLDERS``). Both ways skip virtual
environments (folders holding a ``pyvenv.cfg``) and whatever the caller's ``is_excluded`` rejects
(the ``exclude`` globs of ``[tool.asyncguide]``). A file named on the command line is always
checked, unless ``--force-exclude`` (pre-commit names every file); a folder named on it is walked
even when an ignore file above it ignores it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..rules.reading import read_text

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

    A file named directly need not be a regular file: ``check.check_file`` skips what it cannot
    read as one. Raises ``FileNotFoundError`` for an argument that does not exist.
    """
    found: dict[Path, SourceFile] = {}
    for argument in arguments:
        path = Path(os.path.abspath(argument))
        if path.is_dir():
            for file in walk_python_files(path, is_excluded):
                found.setdefault(file, SourceFile(file, path))
        elif path.exists():
            if force_exclude and is_excluded(path):
                continue
            working_folder = Path.cwd()
            root = working_folder if working_folder in path.parents else path.parent
            found.setdefault(path, SourceFile(path, root))
        else:
            raise FileNotFoundError(f"no such file or folder: {argument}")
    return sorted(found.values(), key=lambda source: source.path)


def is_virtual_environment(folder: Path) -> bool:
    return (folder / "pyvenv.cfg").is_file()


def walk_python_files(root: Path, is_excluded: Callable[[Path], bool]) -> Iterator[Path]:
    """The ``.py`` and ``.ipynb`` files under ``root`` that neither git's ignore files nor the rules
    of the module's docstring skip. Folder symlinks are not followed (one could lead back up the tree)."""
    repository = repository_root(root)
    ignore = ignores_above(repository, root) if repository is not None else None
    if ignore is None or ignore.ignores(root.as_posix(), is_folder=True):
        repository, ignore = None, GitIgnore()  # outside git, or a folder git ignores: walk it as outside git
    # (the ignore patterns, inside a repository) for each folder the walk reached
    states: dict[Path, tuple[GitIgnore, bool]] = {}
    for current, folders, files in os.walk(root):
        here = Path(current)
        if here == root:
            inherited, in_repository = ignore, repository is not None
        else:
            inherited, in_repository = states[here.parent]
        if here != repository and is_repository(here):  # a nested repository: its own rules only
            inherited, in_repository = repository_excludes(here), True
        here_ignore = inherited.extended(here / ".gitignore")
        states[here] = (here_ignore, in_repository)
        prefix = here.as_posix().rstrip("/") + "/"
        folders[:] = sorted(
            name
            for name in folders
            if name != ".git"
            and (in_repository or name not in SKIPPED_FOLDERS)
            and not here_ignore.ignores(prefix + name, is_folder=True)
            and not is_virtual_environment(here / name)
            and not is_excluded(here / name)
        )
        for name in sorted(files):
            if name.endswith(SOURCE_SUFFIXES) and not here_ignore.ignores(prefix + name, is_folder=False) and not is_excluded(here / name):
                yield here / name


def repository_root(folder: Path) -> Path | None:
    """The nearest repository at or above ``folder``, or None outside git."""
    return next((candidate for candidate in (folder, *folder.parents) if is_repository(candidate)), None)


def is_repository(folder: Path) -> bool:
    """A work tree's root: a ``.git`` folder with a ``HEAD`` (as git requires), or a ``.git`` file
    (worktrees and submodules)."""
    git = folder / ".git"
    return (git / "HEAD").is_file() or git.is_file()


def repository_excludes(repository: Path) -> GitIgnore:
    """The patterns of the repository's ``info/exclude`` (in ``.git``, or in the folder a ``.git``
    file points to, ``gitdir: ...``; for a worktree, in the common folder its ``commondir`` names)."""
    git = repository / ".git"
    if git.is_file():
        try:
            pointer = read_text(git, errors="replace").strip()
        except OSError:
            return GitIgnore()
        if not pointer.startswith("gitdir:"):
            return GitIgnore()
        git = repository / pointer[len("gitdir:") :].strip()
        try:
            git = git / read_text(git / "commondir", errors="replace").strip()
        except OSError:
            pass  # not a worktree: the git folder is the common one
    return GitIgnore().extended(git / "info" / "exclude", base=repository)


def ignores_above(repository: Path, folder: Path) -> GitIgnore | None:
    """The patterns that apply to ``folder``'s contents from the ignore files of the repository's
    root down to ``folder``'s parent; None when a folder on the way is itself ignored."""
    chain = [folder, *folder.parents]
    ignore = repository_excludes(repository)
    for current in reversed(chain[1 : chain.index(repository) + 1]):  # the repository's root first
        if current != repository and ignore.ignores(current.as_posix(), is_folder=True):
            return None
        ignore = ignore.extended(current / ".gitignore")
    return ignore


@dataclass(frozen=True)
class IgnorePattern:
    #: the folder of the ignore file it comes from, as a ``/``-separated path ("" for paths relative to it)
    base: str
    regex: re.Pattern[str]
    negated: bool
    folders_only: bool


@dataclass(frozen=True)
class GitIgnore:
    """git's ignore patterns (gitignore(5)): ``#`` comments, ``!`` negation, a trailing ``/`` for
    folders only, a ``/`` at the start or in the middle to anchor at the ignore file's folder,
    ``*``, ``?``, ``[...]`` and ``**``, ``\\`` escapes, trailing spaces dropped unless escaped.
    Patterns added later take precedence (a deeper ``.gitignore`` over a shallower one, any
    ``.gitignore`` over ``info/exclude``); the last matching pattern decides. An ignored folder is
    not entered, so nothing under it can be re-included (as in git)."""

    patterns: tuple[IgnorePattern, ...] = ()

    def extended(self, ignore_file: Path, base: Path | None = None) -> GitIgnore:
        """These patterns, then those of ``ignore_file`` (when it exists), anchored at ``base``
        (default: the file's folder)."""
        try:
            text = read_text(ignore_file, errors="replace")
        except OSError:
            return self
        anchor = (ignore_file.parent if base is None else base).as_posix().rstrip("/")
        return GitIgnore(self.patterns + tuple(parse_gitignore(text, anchor)))

    def ignores(self, path: str, is_folder: bool) -> bool:
        """Whether the ``/``-separated path (absolute, or relative like the patterns' bases) is ignored."""
        ignored = False
        for pattern in self.patterns:
            if pattern.folders_only and not is_folder:
                continue
            if pattern.base:
                if not path.startswith(pattern.base + "/"):
                    continue
                relative = path[len(pattern.base) + 1 :]
            else:
                relative = path
            if pattern.regex.fullmatch(relative):
                ignored = not pattern.negated
        return ignored


def parse_gitignore(text: str, base: str = "") -> list[IgnorePattern]:
    patterns = []
    for line in text.splitlines():
        line = _TRAILING_SPACES.sub("", line)
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")  # "\!" and "\#" start a literal pattern: _translate unescapes them
        if negated:
            line = line[1:]
        folders_only = line.endswith("/")
        if folders_only:
            line = line[:-1]  # one slash: "a//" keeps one, and like git then matches nothing
        if not line:
            continue
        anchored = "/" in line
        if line.startswith("/"):
            line = line[1:]
        try:
            regex = re.compile(_translate(line, anchored) if anchored else f"(?:.*/)?{_translate(line, anchored)}", re.DOTALL)
        except re.error:  # a range such as [z-a]: git matches nothing with it either
            continue
        patterns.append(IgnorePattern(base, regex, negated, folders_only))
    return patterns


#: trailing spaces, but not one escaped with a backslash ("name\ " keeps its last space)
_TRAILING_SPACES = re.compile(r"(?<!\\) +$")


def _translate(pattern: str, anchored: bool) -> str:
    """A gitignore glob as a regular expression over ``/``-separated paths.

    ``**`` matches across folders when it stands alone between slashes (or the pattern's ends);
    elsewhere it is one ``*``. As in git, which compares an anchored pattern's literal beginning
    (up to its first wildcard) before matching the rest, a ``**`` right after that beginning
    counts as standing at the start.
    """
    start = next((index for index, char in enumerate(pattern) if char in "*?[\\"), len(pattern)) if anchored else 0
    out = []
    index = 0
    while index < len(pattern):
        if pattern[index] == "*":
            end = index
            while end < len(pattern) and pattern[end] == "*":
                end += 1
            alone = end - index > 1 and (index == start or pattern[index - 1] == "/")
            if alone and end == len(pattern):
                out.append(".*")
            elif alone and pattern[end] == "/":
                out.append("(?:.*/)?")
                end += 1
            else:
                out.append("[^/]*")
            index = end
        elif pattern[index] == "?":
            out.append("[^/]")
            index += 1
        elif pattern[index] == "[" and (end := _bracket_end(pattern, index)) != -1:
            out.append(_bracket(pattern[index + 1 : end]))
            index = end + 1
        elif pattern[index] == "\\" and index + 1 < len(pattern):
            out.append(re.escape(pattern[index + 1]))
            index += 2
        else:
            out.append(re.escape(pattern[index]))
            index += 1
    return "".join(out)


def _bracket_end(pattern: str, start: int) -> int:
    """The index of the ``]`` closing the bracket expression at ``start``, -1 when none does (the
    ``[`` is then literal). A ``]`` first in the brackets (after ``!`` or ``^``) is a member."""
    first = start + 1
    if pattern[first : first + 1] in ("!", "^"):
        first += 1
    return pattern.find("]", first + 1)


def _bracket(members: str) -> str:
    """A bracket expression's members (``a-z``, ``!0-9``, ``\\]``) as a regular expression class;
    it never matches ``/``."""
    negated = members[:1] in ("!", "^")
    if negated:
        members = members[1:]
    out = []
    index = 0
    while index < len(members):
        if members[index] == "\\" and index + 1 < len(members):
            out.append(re.escape(members[index + 1]))
            index += 2
            continue
        is_range = members[index] == "-" and 0 < index < len(members) - 1
        out.append("-" if is_range else re.escape(members[index]))
        index += 1
    return f"[^/{''.join(out)}]" if negated else f"(?!/)[{''.join(out)}]"
