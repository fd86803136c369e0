"""``asyncguide check``: lint or fix files, each with the settings of its nearest ``pyproject.toml``.

The main process finds the files and resolves their settings (so a configuration error stops the
run before any work, with exit code 2); ``check_file`` then reads, fixes and lints one file and
runs in worker processes (``--jobs``), so everything it receives and returns is picklable.

Each file belongs to a project (``SettingsCache.project_of``): the nearest folder above it that
holds a ``pyproject.toml``, a ``setup.cfg`` or a git work tree, found from the file, not from
the working folder. The project's other modules are indexed with it (``find_projects``), less
the projects nested in it; a file with no project above it is indexed with the other files
checked only. Its settings still come from its nearest ``pyproject.toml`` with a
``[tool.asyncguide]`` table (``SettingsCache.for_path``), read only for the files checked.

A plain check over an unchanged tree reads no source file and links no index: the files'
digests come from their stamps (``FileDigests``), the index's fingerprint from the summaries'
keys, and every result from the cache (``cached_entry``); the index is built when a file is linted.
After an edit, the index's fingerprint is another: the index is linked from the summaries (the
cache's, and the edited files' made anew), and a cached result is kept when its lint's questions
to the index and the resolver, kept with it (``ResultEntry``), get the same answers
(``answers_hold``); only the edited files, and those whose answers changed, are linted again.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import gc
import io
import logging
import os
import pickle
import tokenize
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from ..rules.config import Settings, find_pyproject, load_pyproject
from ..rules.model import split_lines
from ..rules.notebooks import Notebook, NotebookError, updated_json
from ..rules.reading import Unreadable, read_bytes
from ..rules.resolve import JediResolver
from ..rules.rule import Applicability, Diagnostic, Range, Severity
from ..rules.project.build import (
    ProjectFile, analysis_options, build_index, cached_summaries, fingerprint, keep_summary, project_files,
    summarize_source, summary_keys,
)
from ..rules.project.index import PROJECT_RULES, ProjectIndex, ProjectView
from ..rules.project.cache import DiskCache, FileDigests, code_stamp, digest_of
from ..rules.project.recorded import (
    Answer, AskedNames, Question, RecordedIndex, RecordedResolver, agree, kept, same_answers,
)
from ..rules.project.summary import ModuleSummary, summarize
from ..rules.runner import CoroutineResolver, InternalError, LintResult, SyntaxErrorInfo, lint
from ..rules.versions import framework_versions
from .files import NOTEBOOK_SUFFIX, SourceFile, is_repository, python_files, walk_python_files
from .writing import replace_file

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
    #: read and write the project's cache of summaries and results (``rules.project.cache``)
    use_cache: bool = True


@dataclass(frozen=True)
class FileTask:
    path: Path
    display_path: str
    codes: frozenset[str]
    target_version: tuple[int, int]
    mode: Mode
    unsafe_fixes: bool
    #: where imports resolve from for ASY110, and framework versions are read from (``rules.versions``):
    #: its project's folder (``SettingsCache.project_of``), else the checked root
    project_root: Path
    #: the folder named on the command line the file was found under (``SourceFile.root``):
    #: ``--fix`` writes nothing outside it
    checked_root: Path
    #: what its pyproject.toml's settings ignored for its shape (``Settings.warnings``)
    settings_warnings: tuple[str, ...] = ()
    #: the text to check instead of the file's (read from stdin); fixes are then returned in
    #: ``FileResult.fixed_source``, not written
    text: str | None = None
    #: the file is a Jupyter notebook (``.ipynb``): its code cells are checked (``rules.notebooks``)
    notebook: bool = False
    #: the file's module in its project's index (``project_indexes``), when it is one
    module: str | None = None
    is_package: bool = False
    #: read and write the project's result cache
    use_cache: bool = True


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
    #: what was skipped on purpose (a FIFO, a symlink leading out of the checked folder, a part
    #: of the project's metadata of the wrong shape), one line each for stderr; files of one
    #: project repeat its warnings, which are printed once. Notes leave the exit status alone.
    notes: list[str] = field(default_factory=list)
    #: the text after the fixes, for a ``FileTask.text`` fixed with ``--fix``
    fixed_source: str | None = None
    #: the file ``--fix`` and ``--add-noqa`` write: the path, or a symlink's target when that is
    #: inside the checked folder; None for a symlink leading out of it (``write_target``)
    write_target: Path | None = None


class SettingsCache:
    """Each path's settings from its nearest ``pyproject.toml``; every pyproject is read once.

    Raises ``ConfigError`` for a bad ``[tool.asyncguide]`` table.
    """

    def __init__(self) -> None:
        self._pyproject_of_folder: dict[Path, Path | None] = {}
        self._project_of_folder: dict[Path, Path | None] = {}
        self._settings: dict[Path | None, Settings] = {}
        self._codes: dict[Settings, frozenset[str]] = {}

    def for_path(self, path: Path) -> Settings:
        return self.for_folder(path if path.is_dir() else path.parent)

    def for_folder(self, folder: Path) -> Settings:
        pyproject = self.pyproject_of(folder)
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

    def project_of(self, folder: Path) -> Path | None:
        """The folder of the project ``folder`` is in: the nearest at or above it that holds a
        ``pyproject.toml``, a ``setup.cfg`` or a git work tree (``PROJECT_MARKERS``); None when
        none does. Reads no file, so that another project's broken configuration stops no run."""
        if folder not in self._project_of_folder:
            if is_project(folder):
                self._project_of_folder[folder] = folder
            else:
                self._project_of_folder[folder] = None if folder.parent == folder else self.project_of(folder.parent)
        return self._project_of_folder[folder]

    def is_excluded(self, path: Path) -> bool:
        """Whether the ``exclude`` of the settings of the folder holding ``path`` rejects it: a
        folder is entered or not by the settings it is in, not by its own (a nested project's
        settings are read when a file of it is checked)."""
        return self.for_folder(path.parent).is_excluded(path)

    def codes_for(self, settings: Settings, path: Path) -> frozenset[str]:
        if settings.per_file_ignores:
            return settings.codes_for(path)
        if settings not in self._codes:  # the same for every file of this pyproject
            self._codes[settings] = settings.codes_for(None)
        return self._codes[settings]


#: what makes a folder a project's (``SettingsCache.project_of``), besides a git work tree
PROJECT_MARKERS = ("pyproject.toml", "setup.cfg")


def is_project(folder: Path) -> bool:
    return any((folder / marker).is_file() for marker in PROJECT_MARKERS) or is_repository(folder)


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


#: project folder -> the index of its modules, for the worker that checks its files (``check_file``)
project_indexes: dict[Path, ProjectIndex] = {}


@dataclass
class Project:
    """A project the checked files belong to: its module files and the fingerprint of its index.
    The index itself is built (summaries read from the cache or made, then linked) only when a
    file of the project is linted (``index``)."""

    root: Path
    settings: Settings
    files: list[ProjectFile]
    #: the cache key of each readable file's summary; None without the cache
    keys: dict[ProjectFile, str] | None
    fingerprint: str
    #: the summaries the index takes as they are: read from the cache, or made from the models of
    #: the first pass (``first_pass``; None for a file that does not parse)
    made: dict[ProjectFile, ModuleSummary | None] = field(default_factory=dict)
    _index: ProjectIndex | None = None

    def __post_init__(self) -> None:
        self.file_at = {file.path: file for file in self.files}

    def first_pass_context(self) -> tuple[str, ProjectIndex]:
        """What a first pass (``first_pass``) of one of its files is given: the fingerprint of the
        index, and the stand-in index (no module; the analysis options and folder of the index)."""
        return self.fingerprint, ProjectIndex({}, analysis_options(self.settings), str(self.root))

    def index(self, jobs: int) -> ProjectIndex:
        if self._index is None:
            use_cache = self.keys is not None
            spread = functools.partial(map_in_processes, jobs)
            self._index = build_index(self.root, self.files, self.settings, use_cache, spread, self.keys, self.made)
        return self._index


def map_in_processes(
    jobs: int, function: Callable, items: list, initializer: Callable | None = None, initargs: tuple = ()
) -> list:
    """``map`` over at most ``jobs`` worker processes, each started with ``initializer(*initargs)``
    (default: ``quiet_engine_logging``); in this process when there is one item or one job."""
    if jobs <= 1 or len(items) <= 1:
        return list(map(function, items))
    # imported here: multiprocessing takes ~10 ms to import, a run from the cache spreads nothing
    from concurrent.futures import ProcessPoolExecutor

    workers = min(jobs, len(items))
    # a few chunks per worker: fewer round trips than one item each, and still balanced
    chunksize = max(1, len(items) // (workers * 4))
    with ProcessPoolExecutor(workers, initializer=initializer or quiet_engine_logging, initargs=initargs) as pool:
        return list(pool.map(function, items, chunksize=chunksize))


@dataclass
class CheckRun:
    """What one run knows of the projects its files belong to."""

    projects: dict[Path, Project] = field(default_factory=dict)
    #: per project folder, the digests of its files (stamped in its cache)
    digests: dict[Path, FileDigests] = field(default_factory=dict)

    def digests_of(self, root: Path, use_cache: bool) -> FileDigests:
        if root not in self.digests:
            self.digests[root] = FileDigests(root if use_cache else None)
        return self.digests[root]

    def save(self) -> None:
        for digests in self.digests.values():
            digests.save()


def run_check(paths: Sequence[str], options: CheckOptions) -> list[FileResult]:
    """Check every Python file under ``paths``. Raises ``ConfigError`` and ``FileNotFoundError``.

    Each file's project (its ``project_root``) is indexed as a whole first, the files not checked
    included, so that ASY200 and ASY110 follow calls into the project's other modules."""
    settings_cache = SettingsCache()
    versions_used.cache_clear()  # a run reads the framework versions anew
    project_notes.cache_clear()
    sources = python_files(paths, settings_cache.is_excluded, options.force_exclude)
    tasks = [file_task(source, settings_cache, options) for source in sources]
    run = CheckRun()
    find_projects(run, tasks, settings_cache, options)
    tasks = [name_module(task, run.projects.get(task.project_root)) for task in tasks]
    results = run_tasks(run, tasks, options.jobs)
    run.save()
    return results


def find_projects(run: CheckRun, tasks: list[FileTask], settings_cache: SettingsCache, options: CheckOptions) -> None:
    """The project of each of the tasks' files (not when no rule needs its index): its module
    files, and their summaries' cache keys. A project's folder is walked as ``check`` walks a
    folder, less the folders of other projects inside it (``is_project``), with the project's own
    ``exclude``; the files checked are added. Files with no project above them are indexed with
    the files checked only."""
    roots = dict.fromkeys(task.project_root for task in tasks if PROJECT_RULES & task.codes)
    for root in roots:
        settings = with_options(settings_cache.for_folder(root), options)
        checked = {task.path for task in tasks if task.project_root == root}
        if settings_cache.project_of(root) == root:
            # the project's own exclude applies throughout: other projects' settings are never read
            def outside(path: Path, settings: Settings = settings) -> bool:
                return settings.is_excluded(path) or (path.is_dir() and is_project(path))

            checked.update(walk_python_files(root, outside))
        files = project_files(root, sorted(checked), settings)
        keys = summary_keys(root, files, run.digests_of(root, options.use_cache)) if options.use_cache else None
        run.projects[root] = Project(root, settings, files, keys, fingerprint(settings, keys) if keys is not None else "")


def name_module(task: FileTask, project: Project | None) -> FileTask:
    """The task, told which module of its project its file is."""
    if project is None:
        return task
    named = project.file_at.get(task.path)
    if named is None:
        return task
    return replace(task, module=named.module, is_package=named.is_package)


def check_text(text: str, filename: str, options: CheckOptions) -> FileResult | None:
    """Check ``text`` (read from stdin) as if it were the file ``filename``: that path's settings,
    reported under that path; the path need not exist. None when ``--force-exclude`` excludes the
    path. Raises ``ConfigError``."""
    settings_cache = SettingsCache()
    project_notes.cache_clear()  # a run reads the project's metadata anew
    path = Path(os.path.abspath(filename))
    if options.force_exclude and settings_cache.is_excluded(path):
        return None
    working_folder = Path.cwd()
    source = SourceFile(path, working_folder if working_folder in path.parents else path.parent)
    task = dataclasses.replace(file_task(source, settings_cache, options), text=text)
    # the file's project is indexed from disk; ASY200 puts this text's summary in place of the file's
    run = CheckRun()
    find_projects(run, [task], settings_cache, options)
    project = run.projects.get(task.project_root)
    start_worker({} if project is None else {project.root: project.index(options.jobs)})
    result = check_file(name_module(task, project))
    run.save()
    return result


def file_task(source: SourceFile, settings_cache: SettingsCache, options: CheckOptions) -> FileTask:
    settings = with_options(settings_cache.for_path(source.path), options)
    return FileTask(
        path=source.path,
        display_path=display_path(source.path),
        codes=settings_cache.codes_for(settings, source.path),
        target_version=settings.target_version,
        mode=options.mode,
        unsafe_fixes=options.unsafe_fixes or settings.unsafe_fixes,
        project_root=settings_cache.project_of(source.path.parent) or source.root,
        checked_root=source.root,
        settings_warnings=settings.warnings,
        notebook=source.path.suffix == NOTEBOOK_SUFFIX,
        use_cache=options.use_cache,
    )


def display_path(path: Path) -> str:
    """The path relative to the working folder when it is under it, else absolute."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def run_tasks(run: CheckRun, tasks: list[FileTask], jobs: int) -> list[FileResult]:
    """Each task's result: from the result cache, else linted, in worker processes with ``jobs``
    above 1. The index of a project is built only for a project one of whose files is linted.

    A module of a project is parsed once: its first pass (``first_pass``) lints it before the
    index exists and summarises it from the same model; the index is then linked, and only the
    files whose lint gets other answers from the index (or jedi) are linted again."""
    quiet_engine_logging()
    results: dict[Path, FileResult | None] = {}
    # cached results linted with another index, kept if their questions get the same answers from this one
    stale: list[tuple[FileTask, ResultCache, ResultEntry]] = []
    for task in tasks:
        found = cached_entry(run, task)
        results[task.path] = None
        if found is not None and found[1].index_fingerprint == index_fingerprint(run, task):
            results[task.path] = cached_result(task, found[1])
        elif found is not None:
            stale.append((task, *found))
    stale_paths = {task.path for task, _, _ in stale}
    missed = [task for task in tasks if results[task.path] is None and task.path not in stale_paths]
    missed_paths = {task.path for task in missed}
    linted_roots = {task.project_root for task in missed} | {task.project_root for task, _, _ in stale}
    passes = first_passes(run, missed, linted_roots, jobs)
    results.update((path, done.result) for path, done in passes.items() if done is not None)
    indexes = {root: project.index(jobs) for root, project in run.projects.items() if root in linted_roots}
    start_worker(indexes)
    for task, cache, entry in stale:
        if answers_hold(task, entry):
            results[task.path] = cached_result(task, entry)
            cache.put(replace(entry, index_fingerprint=index_fingerprint(run, task)))  # the next run's fast path
    # the files with no first pass, and those whose first pass asked what the index may answer otherwise
    remaining: list[FileTask | FirstPass] = [
        passes.get(task.path) or task
        for task in tasks
        if (task.path in stale_paths and results[task.path] is None)
        or (task.path in missed_paths and (results[task.path] is None or not passes[task.path].settled))
    ]
    linted = map_in_processes(jobs, finish_file, remaining, start_worker, (indexes,))
    results.update(zip((item.task.path if isinstance(item, FirstPass) else item.path for item in remaining), linted))
    return [results[task.path] for task in tasks]  # type: ignore[misc]


def first_passes(run: CheckRun, missed: list[FileTask], linted_roots: set[Path], jobs: int) -> dict[Path, FirstPass | None]:
    """The first pass (``first_pass``) of each task that takes one, by path; their summaries, and
    those the cache holds, are kept for the projects' indexes (``Project.made``)."""
    for root, project in run.projects.items():
        if root in linted_roots and project.keys is not None:
            project.made.update(cached_summaries(root, project.keys))
    first = [task for task in missed if takes_first_pass(task, run.projects.get(task.project_root))]
    jobs_of_first = [(task, *run.projects[task.project_root].first_pass_context()) for task in first]
    passes = dict(zip((task.path for task in first), map_in_processes(jobs, first_pass, jobs_of_first)))
    for task in first:
        done = passes[task.path]
        if done is not None:
            project = run.projects[task.project_root]
            project.made[project.file_at[task.path]] = done.summary
    return passes


def start_worker(indexes: dict[Path, ProjectIndex]) -> None:
    quiet_engine_logging()
    project_indexes.clear()
    project_indexes.update(indexes)


def quiet_engine_logging() -> None:
    """Keep the engine's log records (a failing rule logs its traceback) off stderr: the CLI
    reports internal errors itself, once, in one line. With a handler on its logger, Python's
    last-resort stderr handler stays unused; records still reach handlers an embedder configured."""
    logger = logging.getLogger("asyncguide")
    if not any(isinstance(handler, logging.NullHandler) for handler in logger.handlers):
        logger.addHandler(logging.NullHandler())


def new_result(task: FileTask) -> FileResult:
    """The file's result before it is linted: where its fixes may be written, and the warnings
    about its settings and its project's metadata."""
    result = FileResult(task.path, task.display_path, write_target=write_target(task.path, task.checked_root))
    result.notes.extend(f"warning: {warning}" for warning in (*task.settings_warnings, *project_notes(task.project_root)))
    return result


@functools.cache
def project_notes(project_root: Path) -> tuple[str, ...]:
    """What reading the project's metadata for framework versions skipped (one reading per run)."""
    return tuple(framework_versions(project_root).problems())


def check_file(task: FileTask, resolver: CoroutineResolver | None = None) -> FileResult:
    # As ``runner.lint`` does while it lints: the models made here (the lint's, the fixes') are
    # full of reference cycles, and the collector, run again and again as they are made, would
    # trace each several times (a third of a check's time); taken apart (``release``) when done,
    # they go by reference counting, and the collector finds little when it runs again.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _check_file(task, resolver)
    finally:
        if collecting:
            gc.enable()


def _check_file(task: FileTask, resolver: CoroutineResolver | None = None) -> FileResult:
    """``check_file``; ``resolver``: the one ``task_resolver`` gave for the task, with what it
    learned (jedi's answers), when the caller has it."""
    result = new_result(task)
    versions = framework_versions(task.project_root)
    read = read_task(task, result)
    if read is None:
        return result
    source, encoding, content_digest = read
    notebook = None
    if task.notebook:
        try:
            notebook = Notebook.from_json(source)
        except NotebookError as error:
            result.findings.append(Finding(unreadable(str(error)), fixable=False))
            return result
    project = project_view(task)
    resolver = resolver or task_resolver(task, project)
    if task.mode != "check":
        if notebook is None:
            source = fix_file(task, source, encoding, resolver, result, project)
        else:
            notebook = fix_notebook(task, source, notebook, resolver, result)
    if task.mode == "diff":
        return result
    code = source if notebook is None else notebook.text
    cache = result_cache(task)
    # a result to cache keeps its lint's questions, which a run with another index asks again (``answers_hold``)
    asked_index = RecordedIndex(project.index) if cache is not None and project is not None else None
    asked_resolver = RecordedResolver(resolver, project) if cache is not None else None
    lint_view = project if asked_index is None else replace(project, index=asked_index)  # type: ignore[arg-type]
    try:
        linted = lint(
            code, task.codes, task.target_version, asked_resolver or resolver, versions, notebook=task.notebook, project=lint_view
        )
    except Exception as error:  # noqa: BLE001 - an engine bug on one file must not stop the run
        log.exception("checking %s failed", task.path)
        result.failures.append(f"internal error while checking {task.display_path}: {type(error).__name__}: {error}")
        return result
    lines = linted.model.lines if linted.model is not None else split_lines(code)
    if linted.model is not None:
        linted.model.release()
    if cache is not None and asked_resolver is not None and not linted.internal_errors:
        index = project_indexes.get(task.project_root)
        entry = ResultEntry(
            content_digest, index.fingerprint if index is not None else "", CachedResult.of(linted, lambda line: line_text(lines, line))
        )
        questions = kept(asked_index.asked, project) if asked_index is not None and project is not None else ()
        cache.put(entry.with_asked(Asked(questions, tuple(asked_resolver.answers.values()), in_index=project is not None)))
    return add_findings(task, result, linted, lambda line: line_text(lines, line), notebook)


def read_task(task: FileTask, result: FileResult) -> tuple[str, str, str] | None:
    """The task's text, its encoding, and the digest of its bytes ("" for a text from stdin);
    None when the file cannot be read or decoded, ``result`` then saying so."""
    if task.text is not None:
        return task.text, "utf-8", ""
    try:
        raw = read_bytes(task.path)
        source, encoding = decode_source(raw)
    except Unreadable as error:
        result.notes.append(f"skipped {task.display_path}: {error}")
        return None
    except (OSError, SyntaxError, UnicodeDecodeError) as error:  # SyntaxError: a bad coding cookie
        result.findings.append(Finding(unreadable(f"cannot read the file: {error}"), fixable=False))
        return None
    return source, encoding, digest_of(raw)


def project_view(task: FileTask) -> ProjectView | None:
    """Where the task's file is in its project's index (in this worker), when it is a module of it."""
    index = project_indexes.get(task.project_root)
    indexed = index.modules.get(task.module) if index is not None and task.module is not None else None
    if indexed is None or indexed.path != str(task.path):  # not a file that lost its module to another
        return None
    return ProjectView(index, task.module, str(task.path), task.is_package)  # type: ignore[arg-type]


def task_resolver(task: FileTask, project: ProjectView | None) -> CoroutineResolver:
    """What tells ASY110 and the other coroutine rules whether imported callees are coroutine
    functions: the project's index for the project's own modules, jedi (loaded only then) for
    the others."""
    resolver = JediResolver(str(task.path), str(task.project_root))
    return project.resolver(fallback=resolver) if project is not None else resolver


def takes_first_pass(task: FileTask, project: Project | None) -> bool:
    """Whether the task's file is linted before its project's index exists (``first_pass``): a
    plain check of a module of a project whose index is to be built, with the settings its
    summary is made with, when the cache has no summary of it."""
    return (
        project is not None
        and task.module is not None
        and project.file_at[task.path] not in project.made
        and task.mode == "check"
        and task.text is None
        and task.target_version == project.settings.target_version
    )


@dataclass
class FirstPass:
    """A module linted before its project's index existed, and summarised from the same model."""

    task: FileTask
    #: the result, final when ``settled``
    result: FileResult
    summary: ModuleSummary | None
    #: the names the lint asked the resolver (``AskedNames``), and its questions to the index
    #: (``RecordedIndex``): the index and jedi answer them once the index is linked (``finish_file``)
    asked: tuple[str, ...]
    questions: list[Question]
    #: the result cache's entry for the file, and what it keeps once the answers agree (with the
    #: questions and the resolver's answers then, ``Asked``)
    pending: tuple[ResultCache, ResultEntry] | None

    @property
    def settled(self) -> bool:
        """Whether the result is final as it is: the lint asked nothing an index may answer
        otherwise (ASY200 takes its copy of the index, ``replaced``, whether it asks it or not)."""
        return not self.asked and all(question.name == "replaced" for question in self.questions)


def first_pass(job: tuple[FileTask, str, ProjectIndex]) -> FirstPass | None:
    """Lint a module of a project (``takes_first_pass``) without its index, and summarise it
    from the lint's model: the file is parsed and walked once for both. The lint is the one made
    with the index when the index answers what it asked as the stand-ins did (``finish_file``,
    ``rules.project.recorded``); its result is then cached with the index's fingerprint and those
    questions. ``job``:
    the task, that fingerprint, and the stand-in index (no module, the project's analysis options
    and folder). None when the lint failed: the file is then checked as usual, after the index."""
    task, fingerprint_of_index, standin = job
    collecting = gc.isenabled()
    gc.disable()  # as ``check_file`` does
    try:
        result = new_result(task)
        read = read_task(task, result)
        if read is None:
            return FirstPass(task, result, None, (), [], None)
        source, _, content_digest = read
        path = str(task.path)
        module: str = task.module  # type: ignore[assignment]
        asked, recorded = AskedNames(), RecordedIndex(standin)
        project = ProjectView(recorded, module, path, task.is_package)  # type: ignore[arg-type]
        versions = framework_versions(task.project_root)
        try:
            linted = lint(source, task.codes, task.target_version, asked, versions, project=project)
        except Exception:  # noqa: BLE001 - checked again after the index, which reports it
            return None
        if linted.model is not None:
            # ASY200 placed the document in the index with its summary, made from this model
            summary = recorded.summary() or summarize(linted.model, module, path, task.is_package)
            lines = linted.model.lines
            linted.model.release()
        else:
            # a file skipped by its comment is still a module of the project; one that does not
            # parse has no summary
            summary = summarize_source(source, module, path, task.is_package, task.target_version) if linted.skipped else None
            lines = split_lines(source)
        if summary is not None and task.use_cache:
            keep_summary(task.project_root, content_digest, ProjectFile(task.path, module, task.is_package), summary)
        done = FirstPass(task, result, summary, tuple(asked.names), recorded.asked, None)
        cache = result_cache(task)
        if cache is not None and not linted.internal_errors:
            cached = CachedResult.of(linted, lambda line: line_text(lines, line))
            entry = ResultEntry(content_digest, fingerprint_of_index, cached)
            if done.settled:
                # nothing to ask again: its copy of the index (``replaced``) was asked nothing. A
                # module with a summary is in the index, unless another file claims its module
                cache.put(entry.with_asked(Asked((), (), in_index=summary is not None)))
            else:
                done.pending = (cache, entry)
        add_findings(task, result, linted, lambda line: line_text(lines, line), None)
        return done
    finally:
        if collecting:
            gc.enable()


def finish_file(item: FileTask | FirstPass) -> FileResult:
    """A task's result once its project's index is linked: checked, or for a first pass
    (``first_pass``), its result when the resolver's answers to what it asked are all false, as
    the first pass's were, and the index answers its questions as the stand-in did; else
    checked again, with what the resolver learned."""
    if isinstance(item, FileTask):
        return check_file(item)
    project = project_view(item.task)
    resolver = task_resolver(item.task, project)
    if project is None or not agree(item.questions, project.index):  # None: its module is another file's
        return check_file(item.task, resolver)
    asked = RecordedResolver(resolver, project)
    if any(asked.is_coroutine_function(name) for name in item.asked):
        return check_file(item.task, resolver)
    if item.pending is not None:
        cache, entry = item.pending
        cache.put(entry.with_asked(Asked(kept(item.questions, project), tuple(asked.answers.values()), in_index=True)))
    return item.result


def cached_entry(run: CheckRun, task: FileTask) -> tuple[ResultCache, ResultEntry] | None:
    """The file's entry in the project's result cache, when it holds one for the file as it is
    (its bytes' digest from its stamp), whatever index it was linted with."""
    cache = result_cache(task)
    if cache is None:
        return None  # reading the file for nothing is avoided
    content_digest = run.digests_of(task.project_root, task.use_cache).digest(task.path)
    entry = cache.get() if content_digest is not None else None
    if entry is None or entry.content_digest != content_digest:
        return None
    return cache, entry


def index_fingerprint(run: CheckRun, task: FileTask) -> str:
    """The fingerprint of the index of the task's project ("" with none: no rule of its files asks one)."""
    project = run.projects.get(task.project_root)
    return project.fingerprint if project is not None else ""


def cached_result(task: FileTask, entry: ResultEntry) -> FileResult:
    cached = entry.result
    linted = LintResult(list(cached.diagnostics), cached.syntax_error)
    return add_findings(task, new_result(task), linted, lambda line: cached.line_texts.get(line, ""), None)


def answers_hold(task: FileTask, entry: ResultEntry) -> bool:
    """Whether the result kept in ``entry``, linted with another index, is the one this run's
    index (linked in this process) would give: the file is placed in it as it was, and its
    lint's questions to the index and the resolver get the answers they got
    (``rules.project.recorded``)."""
    asked = entry.asked()
    view = project_view(task)
    if asked is None or (view is not None) != asked.in_index:
        return False
    if view is not None and not agree(asked.questions, view.index):
        return False
    index = project_indexes.get(task.project_root)
    return same_answers(asked.answers, view, index, lambda: JediResolver(str(task.path), str(task.project_root)))


def add_findings(
    task: FileTask, result: FileResult, linted: LintResult, line_text_of: Callable[[int], str], notebook: Notebook | None
) -> FileResult:
    """The lint's diagnostics (and syntax error) as the run's findings for the file; ``line_text_of``
    gives the stripped text of a line of what was linted (in a notebook, its cells joined)."""
    for diagnostic in linted.diagnostics:
        result.findings.append(
            in_cell(
                Finding(
                    diagnostic,
                    fixable=diagnostic.fix is Applicability.SAFE or (diagnostic.fix is Applicability.UNSAFE and task.unsafe_fixes),
                    unsafe_fix_hidden=diagnostic.fix is Applicability.UNSAFE and not task.unsafe_fixes,
                    line_text=line_text_of(diagnostic.range.start_line),
                ),
                notebook,
            )
        )
    if linted.syntax_error is not None:
        error = linted.syntax_error
        finding = Finding(
            Diagnostic(SYNTAX_ERROR_CODE, error.message, error.range, Severity.ERROR),
            fixable=False,
            line_text=line_text_of(error.range.start_line),
        )
        result.findings.append(in_cell(finding, notebook))
    result.internal_errors = linted.internal_errors
    return result


#: the distributions whose versions rules may ask (``SemanticModel.framework_version``): a cached
#: result is for the versions it was linted with
FRAMEWORK_DISTRIBUTIONS = ("starlette", "fastapi", "aiohttp", "sanic", "tornado")


@dataclass(frozen=True)
class CachedResult:
    """What the result cache holds for a file: its lint's findings, and the stripped text of the
    lines they start on (fingerprints use it), so that a hit reads no source."""

    diagnostics: tuple[Diagnostic, ...]
    syntax_error: SyntaxErrorInfo | None
    line_texts: dict[int, str]

    @classmethod
    def of(cls, linted: LintResult, line_text_of: Callable[[int], str]) -> CachedResult:
        starts = [diagnostic.range.start_line for diagnostic in linted.diagnostics]
        if linted.syntax_error is not None:
            starts.append(linted.syntax_error.range.start_line)
        return cls(tuple(linted.diagnostics), linted.syntax_error, {line: line_text_of(line) for line in starts})


@dataclass(frozen=True)
class Asked:
    """What a lint asked of the project's index and of the resolver, with the answers
    (``rules.project.recorded``): another index must give them for its result to stand."""

    #: the questions to the index (``RecordedIndex``), and the resolver's answers (``RecordedResolver``)
    questions: tuple[Question, ...]
    answers: tuple[Answer, ...]
    #: whether the file was a module of the project's index (``project_view``)
    in_index: bool


@dataclass(frozen=True)
class ResultEntry:
    """A file's entry in the result cache: the result of its lint, for the file's bytes with
    ``content_digest``, and what the lint asked (``Asked``). ``index_fingerprint``: the index known
    to answer as the lint was answered, whose runs take the result as it is."""

    content_digest: str
    index_fingerprint: str
    result: CachedResult
    #: the ``Asked``, pickled: unpickled only when another index is to answer it, so that a run
    #: over an unchanged tree reads the results alone
    asked_pickle: bytes = b""

    def with_asked(self, asked: Asked) -> ResultEntry:
        return replace(self, asked_pickle=pickle.dumps(asked, protocol=pickle.HIGHEST_PROTOCOL))

    def asked(self) -> Asked | None:
        """The ``Asked``; None when it cannot be read."""
        try:
            found = pickle.loads(self.asked_pickle)
        except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
            return None
        return found if isinstance(found, Asked) else None


@dataclass
class ResultCache:
    """A file's entry in the project's cache (``rules.project.cache``), keyed by its path and
    every other thing its lint depends on that no question to the index or the resolver tells:
    rules, target version, framework versions, the CLI's code. One entry per file and settings:
    a new lint of the file replaces it, whatever its bytes and index were."""

    cache: DiskCache
    key: str

    def get(self) -> ResultEntry | None:
        found = self.cache.get(self.key)
        return found if isinstance(found, ResultEntry) else None

    def put(self, entry: ResultEntry) -> None:
        self.cache.put(self.key, entry)


def cacheable(task: FileTask) -> bool:
    """Only plain checks of Python files are cached: fixes write files, and are not repeated from a
    cache; a text from stdin is not the file's; a notebook's findings are placed in its cells."""
    return task.use_cache and task.mode == "check" and task.text is None and not task.notebook


def result_cache(task: FileTask) -> ResultCache | None:
    """The cache entry of the file's result."""
    if not cacheable(task):
        return None
    cache = DiskCache(task.project_root, "results")
    key = cache.key(
        str(task.path),
        code_stamp(__package__),  # how results are made and kept here (``ResultEntry``)
        task.module or "",
        ",".join(sorted(task.codes)),
        repr(task.target_version),
        versions_used(task.project_root),
    )
    return ResultCache(cache, key)


@functools.cache
def versions_used(project_root: Path) -> str:
    """The framework versions the project's files name, as of this run (one reading per project)."""
    versions = framework_versions(project_root)
    return repr([versions.version(name) for name in FRAMEWORK_DISTRIBUTIONS])


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


def fix_notebook(task: FileTask, raw: str, notebook: Notebook, resolver: CoroutineResolver, result: FileResult) -> Notebook:
    """Fix the notebook's cells (``--fix``: write the notebook; ``--diff``: record a diff per cell)
    and return the notebook to lint. Only the ``source`` of the changed cells changes in the file,
    written as ``fix_file`` writes."""
    if task.mode == "fix" and task.text is None and result.write_target is None:
        result.notes.append(f"not fixing {task.display_path}: {outside_note(task.path)}")
        return notebook
    from ..rules.fixes import fix_all  # libcst: only when fixing

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
            replace_file(result.write_target, updated.encode("utf-8"))
        except OSError as error:
            result.failures.append(f"cannot write the fixes to {task.display_path} (left unchanged): {error}")
            return notebook
    result.fixed = fixed.applied
    return Notebook.from_json(updated)


def fix_file(
    task: FileTask, source: str, encoding: str, resolver: CoroutineResolver, result: FileResult, project: ProjectView | None
) -> str:
    """Fix the file (``--fix``: write it; ``--diff``: record the diff) and return the text to lint
    (``project``: its place in the project's index, for ASY200).

    A fix that raises, or a file that cannot be written, leaves the file as it was and is reported.
    A symlink is fixed by writing its target, and only when that is inside the checked folder.
    """
    if task.mode == "fix" and task.text is None and result.write_target is None:
        result.notes.append(f"not fixing {task.display_path}: {outside_note(task.path)}")
        return source
    from ..rules.fixes import fix_all  # libcst: only when fixing

    try:
        versions = framework_versions(task.project_root)
        fixed = fix_all(source, task.codes, task.target_version, task.unsafe_fixes, resolver, versions, project=project)
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
            replace_file(result.write_target, fixed.source.encode(encoding))
        except (OSError, UnicodeEncodeError) as error:
            result.failures.append(f"cannot write the fixes to {task.display_path} (left unchanged): {error}")
            return source
    result.fixed = fixed.applied
    return fixed.source


def write_target(path: Path, checked_root: Path) -> Path | None:
    """The file to write for ``path``: its target when a symlink (never the link itself); None
    when that is outside ``checked_root``, whose files alone asyncguide may rewrite."""
    target = path.resolve()
    return target if target.is_relative_to(checked_root.resolve()) else None


def outside_note(path: Path) -> str:
    return f"it is a symlink to {path.resolve()}, outside the checked folder"


def read_source(path: Path) -> tuple[str, str]:
    """The file's text, line endings kept, and its encoding (PEP 263 cookie or BOM, else UTF-8).

    Raises ``Unreadable`` for what is not a regular file or too large to be source."""
    return decode_source(read_bytes(path))


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

