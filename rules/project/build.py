"""The index of a project on disk: each file summarised (or its summary taken from the cache),
then linked into a ``ProjectIndex``.

The cache keys of the summaries (``summary_keys``) make the index's ``fingerprint``: a caller
that only needs to know whether the index changed (the CLI, to reuse earlier results) reads no
summary and links nothing."""

from __future__ import annotations

import gc
import hashlib
import io
import os
import tokenize
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..config import Settings
from ..model import SemanticModel
from ..reading import read_bytes
from .cache import DiskCache, FileDigests, digest_of
from .index import AnalysisOptions, ProjectIndex, chain_end_codes
from .modules import module_name, source_roots
from .summary import ModuleSummary, summarize


@dataclass(frozen=True)
class ProjectFile:
    path: Path
    module: str
    is_package: bool


def analysis_options(settings: Settings) -> AnalysisOptions:
    return AnalysisOptions(settings.max_depth, settings.non_blocking, settings.blocking, chain_end_codes(settings.codes_for(None)))


def project_files(root: str | os.PathLike[str], paths: Iterable[Path], settings: Settings) -> list[ProjectFile]:
    """The Python files among ``paths`` that are modules of the project at ``root``, named."""
    roots = source_roots(root, settings.source_roots)
    found = []
    for path in paths:
        if Path(path).suffix != ".py":  # notebooks are checked, but are no modules to import
            continue
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
        raw = read_bytes(file.path)
    except OSError:
        return None
    cache = DiskCache(cache_root, "summaries") if cache_root is not None else None
    key = _summary_key(cache, digest_of(raw), file) if cache is not None else ""
    if cache is not None:
        cached = cache.get(key)
        if isinstance(cached, ModuleSummary):
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


def keep_summary(cache_root: str | os.PathLike[str], content_digest: str, file: ProjectFile, summary: ModuleSummary) -> None:
    """Put a summary made elsewhere (from a lint's model: ``server.check.first_pass``) in the
    project's cache, as ``summarize_file`` would have; ``content_digest``: of the file's bytes."""
    cache = DiskCache(cache_root, "summaries")
    cache.put(_summary_key(cache, content_digest, file), summary)


def _summary_key(cache: DiskCache, content_digest: str, file: ProjectFile) -> str:
    return cache.key(content_digest, str(file.path), file.module, str(file.is_package))


def summary_keys(root: str | os.PathLike[str], files: list[ProjectFile], digests: FileDigests) -> dict[ProjectFile, str]:
    """The cache key of each readable file's summary (its bytes' digest, path and module name)."""
    cache = DiskCache(root, "summaries")
    keys = {}
    for file in files:
        content_digest = digests.digest(file.path)
        if content_digest is not None:
            keys[file] = _summary_key(cache, content_digest, file)
    return keys


def cached_summaries(root: str | os.PathLike[str], keys: dict[ProjectFile, str]) -> dict[ProjectFile, ModuleSummary]:
    """The summaries the project's cache holds of the files ``keys`` names (``summary_keys``)."""
    cache = DiskCache(root, "summaries")
    found = {}
    for file, key in keys.items():
        cached = cache.get(key)
        if isinstance(cached, ModuleSummary):
            found[file] = cached
    return found


def fingerprint(settings: Settings, keys: dict[ProjectFile, str]) -> str:
    """What tells apart indexes whose answers may differ: the analysis settings and every summary's key."""
    digest = hashlib.sha256(repr(analysis_options(settings)).encode())
    for key in keys.values():
        digest.update(key.encode())
    return digest.hexdigest()


def build_index(
    root: str | os.PathLike[str],
    files: list[ProjectFile],
    settings: Settings,
    use_cache: bool = True,
    map_: Callable[..., Iterator] = map,
    keys: dict[ProjectFile, str] | None = None,
    made: dict[ProjectFile, ModuleSummary | None] | None = None,
) -> ProjectIndex:
    """Summarise every file and link the summaries. ``made``: the summaries the caller has made
    already (None for a file that does not parse). The cache is read for the others (``keys``:
    the files' ``summary_keys``, when the caller has them); only the files it misses go to
    ``map_``, which may spread the work over processes. With the cache, the index has a
    ``fingerprint``."""
    found: dict[ProjectFile, ModuleSummary | None] = dict(made or {})
    if use_cache:
        if keys is None:
            keys = summary_keys(root, files, FileDigests(None))
        found.update(cached_summaries(root, {file: key for file, key in keys.items() if file not in found}))
    missed = [file for file in files if file not in found]
    if missed:
        cache_root = str(root) if use_cache else None
        jobs = [(file, cache_root, settings.target_version) for file in missed]
        found.update(zip(missed, map_(summarize_file, jobs)))
    modules: dict[str, ModuleSummary] = {}
    for file in files:
        summary = found.get(file)
        # two files may claim one module (``app.py`` beside ``app/``): the first, sorted by path, wins
        if summary is not None and file.module not in modules:
            modules[file.module] = summary
    return ProjectIndex(modules, analysis_options(settings), str(root), fingerprint(settings, keys) if use_cache and keys is not None else "")
