"""The on-disk cache of module summaries: ``.asyncguide_cache/`` in the project's folder.

An entry is keyed by everything its summary depends on: the file's bytes, its path and module
name, and the asyncguide release (whose blocking tables the summary applies). The project's
settings are not in the key: ``blocking``, ``non-blocking`` and ``max-depth`` apply when the
summaries are linked, after the cache. Entries are written to a temporary file and renamed into
place, so concurrent runs never read half an entry; an entry that cannot be read is a miss.
The folder holds a ``.gitignore`` that ignores everything in it.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from .summary import ModuleSummary

FOLDER = ".asyncguide_cache"
#: bumped when the summary's shape changes, so that old entries are misses
FORMAT = "1"


def _release() -> str:
    try:
        return version("asyncguide")
    except PackageNotFoundError:  # pragma: no cover - running from a checkout without install
        return "unknown"


class SummaryCache:
    def __init__(self, project_root: str | os.PathLike[str]):
        self.folder = Path(project_root) / FOLDER / "summaries"
        self._release = _release()

    def key(self, content: bytes, path: str, module: str, is_package: bool) -> str:
        digest = hashlib.sha256()
        for part in (FORMAT, self._release, path, module, str(is_package)):
            digest.update(part.encode())
            digest.update(b"\0")
        digest.update(content)
        return digest.hexdigest()

    def get(self, key: str) -> ModuleSummary | None:
        try:
            with open(self.folder / key[:2] / key, "rb") as file:
                found = pickle.load(file)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
            return None
        return found if isinstance(found, ModuleSummary) else None

    def put(self, key: str, summary: ModuleSummary) -> None:
        """Store an entry; a cache that cannot be written is only slower, never an error."""
        folder = self.folder / key[:2]
        try:
            folder.mkdir(parents=True, exist_ok=True)
            ignore = self.folder.parent / ".gitignore"
            if not ignore.exists():
                _write_atomically(ignore, b"# made by asyncguide\n*\n")
            _write_atomically(folder / key, pickle.dumps(summary, protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:
            pass


def _write_atomically(path: Path, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.chmod(temporary, 0o644)  # mkstemp makes it private; the cache is the project's
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
