"""The on-disk cache of ``asyncguide check``: ``.asyncguide_cache/`` in the project's folder.

Two kinds of entries, each in its own folder: module summaries (``summaries``), and the CLI's
lint results per file (``results``, see ``server.check``). An entry is keyed by everything it
depends on, hashed with the asyncguide release: for a summary, the file's bytes, its path and
module name (the project's settings apply when summaries are linked, after the cache); for a
result, the file's bytes and the settings, framework versions and project index it was linted
with. Entries are written to a temporary file and renamed into place, so concurrent runs never
read half an entry; an entry that cannot be read is a miss. The folder holds a ``.gitignore``
that ignores everything in it.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import tempfile
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from typing import Any

FOLDER = ".asyncguide_cache"
#: bumped when the summary's shape or what it records changes, so that old entries are misses
FORMAT = "3"


@functools.cache
def _release() -> str:
    try:
        return version("asyncguide")
    except PackageNotFoundError:  # pragma: no cover - running from a checkout without install
        return "unknown"


class DiskCache:
    """One kind of entries (``"summaries"``, ``"results"``) of a project's cache folder."""

    def __init__(self, project_root: str | os.PathLike[str], kind: str):
        self.folder = Path(project_root) / FOLDER / kind
        self._release = _release()

    def key(self, content: bytes, *parts: str) -> str:
        digest = hashlib.sha256()
        for part in (FORMAT, self._release, *parts):
            digest.update(part.encode())
            digest.update(b"\0")
        digest.update(content)
        return digest.hexdigest()

    def get(self, key: str) -> Any:
        """The entry, or None when there is none or it cannot be read."""
        try:
            with open(self.folder / key[:2] / key, "rb") as file:
                return pickle.load(file)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
            return None

    def put(self, key: str, value: Any) -> None:
        """Store an entry; a cache that cannot be written is only slower, never an error."""
        folder = self.folder / key[:2]
        try:
            folder.mkdir(parents=True, exist_ok=True)
            ignore = self.folder.parent / ".gitignore"
            if not ignore.exists():
                _write_atomically(ignore, b"# made by asyncguide\n*\n")
            _write_atomically(folder / key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
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
