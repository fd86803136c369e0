"""The index of a project on disk: each file summarised (or its summary taken from the cache),
then linked into a ``ProjectIndex``."""

from __future__ import annotations

import gc
import io
import os
import tokenize
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..config import Settings
from ..model import SemanticModel
from .cache import SummaryCache
from .index import AnalysisOptions, ProjectIndex
from .modules import module_name, source_roots
from .summary import ModuleSummary, summarize


@dataclass(frozen=True)
class ProjectFile:
    path: Path
    module: str
    is_package: bool


def analysis_options(settings: Settings) -> AnalysisOptions:
    return AnalysisOptions(settings.max_depth, settings.non_blocking, settings.blocking)


def project_files(root: str | os.PathLike[str], paths: Iterable[Path], settings: Settings) -> list[ProjectFile]:
    """The files among ``paths`` that are modules of the project at ``root``, named."""
    roots = source_roots(root, settings.source_roots)
    found = []
    for path in paths:
        named = module_name(path, roots)
        if named is not None:
            found.append(ProjectFile(Path(path), *named))
    return found


def summarize_source(
    source: str, module: str, path: str | None, is_package: bool = False, target_version: tuple[int, int] = (3, 9)
) -> ModuleSummary | None:
    """A summary of a module's text, or None when it does not parse."""
    collecting = gc.isenabled()
    gc.disable()  # as ``runner.lint`` does: the walk makes many reference cycles
    try:
        try:
            model = SemanticModel.build(source, target_version)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None
        summary = summarize(model, module, path, is_package)
        model.release()
        return summary
    finally:
        if collecting:
            gc.enable()


def summarize_file(job: tuple[ProjectFile, str | None, tuple[int, int]]) -> ModuleSummary | None:
    """The summary of one file, from the cache of the project at ``cache_root`` when it has it
    (None: no cache); None when the file cannot be read or parsed. One argument, for ``map``."""
    file, cache_root, target_version = job
    try:
        raw = file.path.read_bytes()
    except OSError:
        return None
    cache = SummaryCache(cache_root) if cache_root is not None else None
    key = cache.key(raw, str(file.path), file.module, file.is_package) if cache is not None else ""
    if cache is not None:
        cached = cache.get(key)
        if cached is not None:
            return cached
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(raw).readline)
        source = raw.decode(encoding)
    except (SyntaxError, UnicodeDecodeError, LookupError):
        return None
    summary = summarize_source(source, file.module, str(file.path), file.is_package, target_version)
    if summary is not None and cache is not None:
        cache.put(key, summary)
    return summary


def build_index(
    root: str | os.PathLike[str],
    files: list[ProjectFile],
    settings: Settings,
    use_cache: bool = True,
    map_: Callable[..., Iterator] = map,
) -> ProjectIndex:
    """Summarise every file (``map_`` may spread the work over processes) and link the summaries."""
    cache_root = str(root) if use_cache else None
    jobs = [(file, cache_root, settings.target_version) for file in files]
    modules = {}
    for file, summary in zip(files, map_(summarize_file, jobs)):
        # two files may claim one module (``app.py`` beside ``app/``): the first, sorted by path, wins
        if summary is not None and file.module not in modules:
            modules[file.module] = summary
    return ProjectIndex(modules, analysis_options(settings), str(root))
