"""``asyncguide check``: lint or fix files, each with the settings of its nearest ``pyproject.toml``.

The main process finds the files and resolves their settings (so a configuration error stops the
run before any work, with exit code 2); ``check_file`` then reads, fixes and lints one file and
runs in worker processes (``--jobs``), so everything it receives and returns is picklable.
"""

from __future__ import annotations

import dataclasses
import difflib
import io
import logging
import os
import tokenize
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ..rules.config import Settings, find_pyproject, load_pyproject
from ..rules.fixes import fix_all
from ..rules.model import split_lines
from ..rules.notebooks import Notebook, NotebookError, updated_json
from ..rules.resolve import JediResolver
from ..rules.rule import Applicability, Diagnostic, Range, Severity
from ..rules.runner import InternalError, lint
from ..rules.versions import framework_versions
from .files import NOTEBOOK_SUFFIX, SourceFile, python_files

log = logging.getLogger("asyncguide")

#: the code of "this file could not be read or parsed"; no rule has it
SYNTAX_ERROR_CODE = "ASG000"
SYNTAX_ERROR_NAME = "syntax-error"

Mode = Literal["check", "fix", "diff"]


@dataclass(frozen=True)
class CheckOptions:
    """What the command line says; None leaves the file's own setting."""

    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] | None = None
    #: enabled on top of the file's selection (or of ``select``)
    extend_select: tuple[str, ...] = ()
    target_version: tuple[int, int] | None = None
    mode: Mode = "check"
    unsafe_fixes: bool = False
    jobs: int = 1
    #: apply ``exclude`` to files named on the command line (and to ``--stdin-filename``) too
    force_exclude: bool = False


@dataclass(frozen=True)
class FileTask:
    path: Path
    display_path: str
    codes: frozenset[str]
    target_version: tuple[int, int]
    mode: Mode
    unsafe_fixes: bool
    #: where imports resolve from for ASY110, and framework versions are read from (``rules.versions``):
    #: the nearest pyproject.toml's folder, else the checked root
    project_root: Path
    #: the text to check instead of the file's (read from stdin); fixes are then returned in
    #: ``FileResult.fixed_source``, not written
    text: str | None = None
    #: the file is a Jupyter notebook (``.ipynb``): its code cells are checked (``rules.notebooks``)
    notebook: bool = False


@dataclass(frozen=True)
class Finding:
    diagnostic: Diagnostic
    #: ``--fix`` fixes it with these settings (a safe fix, or an unsafe one with unsafe fixes on)
    fixable: bool
    #: it has an unsafe fix that ``--unsafe-fixes`` would enable
    unsafe_fix_hidden: bool = False
    #: the line it starts on, stripped of surrounding white space: fingerprints use it, so that
    #: a finding keeps its fingerprint when lines are inserted above it
    line_text: str = ""
    #: in a notebook, the number of the cell (1-based, every cell counted) that the diagnostic's
    #: range is in; the range is then the cell's lines
    cell: int | None = None


@dataclass
class FileResult:
    path: Path
    display_path: str
    findings: list[Finding] = field(default_factory=list)
    internal_errors: list[InternalError] = field(default_factory=list)
    #: fixes applied (``--fix``) or that would be (``--diff``)
    fixed: int = 0
    #: the unified diff ``--diff`` prints; empty when nothing would change
    diff: str = ""
    #: what failed outside a rule's check, one line each for stderr
    failures: list[str] = field(default_factory=list)
    #: the text after the fixes, for a ``FileTask.text`` fixed with ``--fix``
    fixed_source: str | None = None


class SettingsCache:
    """Each path's settings from its nearest ``pyproject.toml``; every pyproject is read once.

    Raises ``ConfigError`` for a bad ``[tool.asyncguide]`` table.
    """

    def __init__(self) -> None:
        self._pyproject_of_folder: dict[Path, Path | None] = {}
        self._settings: dict[Path | None, Settings] = {}
        self._codes: dict[Settings, frozenset[str]] = {}

    def for_path(self, path: Path) -> Settings:
        pyproject = self.pyproject_of(path if path.is_dir() else path.parent)
        if pyproject not in self._settings:
            self._settings[pyproject] = Settings() if pyproject is None else load_pyproject(pyproject)
        return self._settings[pyproject]

    def pyproject_of(self, folder: Path) -> Path | None:
        """``find_pyproject(folder)``, asked once per folder holding a pyproject.toml: a folder
        without one has the same answer as its parent."""
        if folder not in self._pyproject_of_folder:
            if folder.parent == folder or (folder / "pyproject.toml").is_file():
                self._pyproject_of_folder[folder] = find_pyproject(folder)
            else:
                self._pyproject_of_folder[folder] = self.pyproject_of(folder.parent)
        return self._pyproject_of_folder[folder]

    def is_excluded(self, path: Path) -> bool:
        return self.for_path(path).is_excluded(path)

    def codes_for(self, settings: Settings, path: Path) -> frozenset[str]:
        if settings.per_file_ignores:
            return settings.codes_for(path)
        if settings not in self._codes:  # the same for every file of this pyproject
            self._codes[settings] = settings.codes_for(None)
        return self._codes[settings]


def with_options(settings: Settings, options: CheckOptions) -> Settings:
    """The file's settings with the command line's choices on top (``--select`` replaces the
    configured ``select`` and ``extend-select``, ``--extend-select`` adds to them; ``--ignore``
    replaces ``ignore``)."""
    configured_extension = () if options.select is not None else settings.extend_select
    return settings.with_overrides(
        select=options.select,
        extend_select=configured_extension + options.extend_select,
        ignore=options.ignore,
        target_version=options.target_version,
    )


def run_check(paths: Sequence[str], options: CheckOptions) -> list[FileResult]:
    """Check every Python file under ``paths``. Raises ``ConfigError`` and ``FileNotFoundError``."""
    settings_cache = SettingsCache()
    sources = python_files(paths, settings_cache.is_excluded, options.force_exclude)
    tasks = [file_task(source, settings_cache, options) for source in sources]
    return run_tasks(tasks, options.jobs)


def check_text(text: str, filename: str, options: CheckOptions) -> FileResult | None:
    """Check ``text`` (read from stdin) as if it were the file ``filename``: that path's settings,
    reported under that path; the path need not exist. None when ``--force-exclude`` excludes the
    path. Raises ``ConfigError``."""
    settings_cache = SettingsCache()
    path = Path(os.path.abspath(filename))
    if options.force_exclude and settings_cache.is_excluded(path):
        return None
    working_folder = Path.cwd()
    source = SourceFile(path, working_folder if working_folder in path.parents else path.parent)
    task = dataclasses.replace(file_task(source, settings_cache, options), text=text)
    return check_file(task)


def file_task(source: SourceFile, settings_cache: SettingsCache, options: CheckOptions) -> FileTask:
    settings = with_options(settings_cache.for_path(source.path), options)
    return FileTask(
        path=source.path,
        display_path=display_path(source.path),
        codes=settings_cache.codes_for(settings, source.path),
        target_version=settings.target_version,
        mode=options.mode,
        unsafe_fixes=options.unsafe_fixes or settings.unsafe_fixes,
        project_root=settings.root or source.root,
        notebook=source.path.suffix == NOTEBOOK_SUFFIX,
    )


def display_path(path: Path) -> str:
    """The path relative to the working folder when it is under it, else absolute."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def run_tasks(tasks: list[FileTask], jobs: int) -> list[FileResult]:
    if jobs <= 1 or len(tasks) <= 1:
        return [check_file(task) for task in tasks]
    workers = min(jobs, len(tasks))
    # a few chunks per worker: fewer round trips than one file each, and still balanced
    chunksize = max(1, len(tasks) // (workers * 4))
    with ProcessPoolExecutor(max_workers=workers, initializer=quiet_engine_logging) as pool:
        return list(pool.map(check_file, tasks, chunksize=chunksize))


def quiet_engine_logging() -> None:
    """Keep the engine's log records (a failing rule logs its traceback) off stderr: the CLI
    reports internal errors itself, once, in one line. With a handler on its logger, Python's
    last-resort stderr handler stays unused; records still reach handlers an embedder configured."""
    logger = logging.getLogger("asyncguide")
    if not any(isinstance(handler, logging.NullHandler) for handler in logger.handlers):
        logger.addHandler(logging.NullHandler())


def check_file(task: FileTask) -> FileResult:
    result = FileResult(task.path, task.display_path)
    if task.text is not None:
        source, encoding = task.text, "utf-8"
    else:
        try:
            source, encoding = read_source(task.path)
        except (OSError, SyntaxError, UnicodeDecodeError) as error:  # SyntaxError: a bad coding cookie
            result.findings.append(Finding(unreadable(f"cannot read the file: {error}"), fixable=False))
            return result
    notebook = None
    if task.notebook:
        try:
            notebook = Notebook.from_json(source)
        except NotebookError as error:
            result.findings.append(Finding(unreadable(str(error)), fixable=False))
            return result
    # ASY110 asks it whether imported callees are coroutine functions; jedi loads only then
    resolver = JediResolver(str(task.path), str(task.project_root))
    if task.mode != "check":
        if notebook is None:
            source = fix_file(task, source, encoding, resolver, result)
        else:
            notebook = fix_notebook(task, source, notebook, resolver, result)
    if task.mode == "diff":
        return result
    code = source if notebook is None else notebook.text
    try:
        linted = lint(
            code, task.codes, task.target_version, resolver, framework_versions(task.project_root), notebook=task.notebook
        )
    except Exception as error:  # noqa: BLE001 - an engine bug on one file must not stop the run
        log.exception("checking %s failed", task.path)
        result.failures.append(f"internal error while checking {task.display_path}: {type(error).__name__}: {error}")
        return result
    lines = linted.model.lines if linted.model is not None else split_lines(code)
    for diagnostic in linted.diagnostics:
        result.findings.append(
            in_cell(
                Finding(
                    diagnostic,
                    fixable=diagnostic.fix is Applicability.SAFE or (diagnostic.fix is Applicability.UNSAFE and task.unsafe_fixes),
                    unsafe_fix_hidden=diagnostic.fix is Applicability.UNSAFE and not task.unsafe_fixes,
                    line_text=line_text(lines, diagnostic.range.start_line),
                ),
                notebook,
            )
        )
    if linted.syntax_error is not None:
        error = linted.syntax_error
        finding = Finding(
            Diagnostic(SYNTAX_ERROR_CODE, error.message, error.range, Severity.ERROR),
            fixable=False,
            line_text=line_text(lines, error.range.start_line),
        )
        result.findings.append(in_cell(finding, notebook))
    result.internal_errors = linted.internal_errors
    return result


def in_cell(finding: Finding, notebook: Notebook | None) -> Finding:
    """The finding with its range in the lines of its notebook cell; as it is outside notebooks."""
    if notebook is None:
        return finding
    place = notebook.locate(finding.diagnostic.range.start_line)
    if place is None:
        return finding
    cell, line = place
    start = finding.diagnostic.range
    moved = Range(line, start.start_column, start.end_line - cell.start_line, start.end_column)
    return dataclasses.replace(finding, diagnostic=dataclasses.replace(finding.diagnostic, range=moved), cell=cell.number)


def fix_notebook(task: FileTask, raw: str, notebook: Notebook, resolver: JediResolver, result: FileResult) -> Notebook:
    """Fix the notebook's cells (``--fix``: write the notebook; ``--diff``: record a diff per cell)
    and return the notebook to lint. Only the ``source`` of the changed cells changes in the file."""
    try:
        versions = framework_versions(task.project_root)
        fixed = fix_all(notebook.text, task.codes, task.target_version, task.unsafe_fixes, resolver, versions, notebook=True)
    except Exception as error:  # noqa: BLE001 - a broken fix must not stop the run
        log.exception("fixing %s failed", task.path)
        result.failures.append(
            f"internal error while fixing {task.display_path} (left unchanged): {type(error).__name__}: {error}"
        )
        return notebook
    if fixed.source == notebook.text:
        return notebook
    sources = notebook.cell_sources(fixed.source)
    if sources is None:
        result.failures.append(f"cannot fix {task.display_path}: a fix would change a line with IPython syntax (left unchanged)")
        return notebook
    updated = updated_json(raw, sources)
    if task.mode == "diff":
        by_index = {cell.index: cell for cell in notebook.cells}
        result.diff = "".join(
            unified_diff(by_index[index].source, sources[index], f"{task.display_path}:cell {index + 1}")
            for index in sorted(sources)
        )
    elif task.text is not None:
        result.fixed_source = updated
    else:
        try:
            task.path.write_bytes(updated.encode("utf-8"))
        except OSError as error:
            result.failures.append(f"cannot write the fixes to {task.display_path}: {error}")
            return notebook
    result.fixed = fixed.applied
    return Notebook.from_json(updated)


def fix_file(task: FileTask, source: str, encoding: str, resolver: JediResolver, result: FileResult) -> str:
    """Fix the file (``--fix``: write it; ``--diff``: record the diff) and return the text to lint.

    A fix that raises, or a file that cannot be written, leaves the file as it was and is reported.
    """
    try:
        versions = framework_versions(task.project_root)
        fixed = fix_all(source, task.codes, task.target_version, task.unsafe_fixes, resolver, versions)
    except Exception as error:  # noqa: BLE001 - a broken fix must not stop the run
        log.exception("fixing %s failed", task.path)
        result.failures.append(
            f"internal error while fixing {task.display_path} (left unchanged): {type(error).__name__}: {error}"
        )
        return source
    if fixed.source == source:
        return source
    if task.mode == "diff":
        result.diff = unified_diff(source, fixed.source, task.display_path)
    elif task.text is not None:
        result.fixed_source = fixed.source
    else:
        try:
            task.path.write_bytes(fixed.source.encode(encoding))
        except (OSError, UnicodeEncodeError) as error:
            result.failures.append(f"cannot write the fixes to {task.display_path}: {error}")
            return source
    result.fixed = fixed.applied
    return fixed.source


def read_source(path: Path) -> tuple[str, str]:
    """The file's text, line endings kept, and its encoding (PEP 263 cookie or BOM, else UTF-8)."""
    return decode_source(path.read_bytes())


def decode_source(raw: bytes) -> tuple[str, str]:
    """Python source as text, line endings kept, and its encoding. Raises ``SyntaxError`` for a
    bad coding cookie, ``UnicodeDecodeError``."""
    encoding, _ = tokenize.detect_encoding(io.BytesIO(raw).readline)
    return raw.decode(encoding), encoding


def line_text(lines: list[str], line: int) -> str:
    return lines[line].strip() if line < len(lines) else ""


def unreadable(message: str) -> Diagnostic:
    return Diagnostic(SYNTAX_ERROR_CODE, message, Range(0, 0, 0, 0), Severity.ERROR)


def unified_diff(before: str, after: str, path: str) -> str:
    """A ``git apply``/``patch -p1`` compatible diff of one file."""
    posix = Path(path).as_posix()
    lines = difflib.unified_diff(_diff_lines(before), _diff_lines(after), f"a/{posix}", f"b/{posix}")
    return "".join(lines)


def _diff_lines(text: str) -> list[str]:
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += "\n\\ No newline at end of file\n"
    return lines


def exit_status(results: Sequence[FileResult], mode: Mode) -> int:
    """2 when asyncguide failed on a file (a rule or a fix raised, fixes could not be written): the
    report is incomplete, whatever it found, as with a configuration error. Otherwise 1 when
    something is left to report (``--diff``: something would change), else 0."""
    if any(result.internal_errors or result.failures for result in results):
        return 2
    if mode == "diff":
        return int(any(result.diff for result in results))
    return int(any(result.findings for result in results))

