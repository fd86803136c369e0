"""The on-disk cache of ``asyncguide check``: ``.asyncguide_cache/`` in the project's folder.

Two kinds of entries, each in its own folder: module summaries (``summaries``), and the CLI's
lint results per file (``results``, see ``server.check``). An entry is keyed by everything it
depends on, hashed with the engine's own code (``code_stamp``): for a summary, the digest of the
file's bytes, its path and module name (the project's settings apply when summaries are linked,
after the cache); for a result, the file's path and the settings and framework versions it was
linted with, and the CLI's code. A result's entry holds the digest of the bytes it was linted
from and what its lint asked of the project's index and of the coroutine resolver, with the
answers, so that an edit of another file does not undo it; a new lint of the file replaces it. Entries are written to a
temporary file and renamed into place, so concurrent runs never read half an entry; an entry
that cannot be read is a miss. The folder holds a ``.gitignore`` that ignores everything in it.

Beside them, ``stamps`` remembers each file's digest with its size and modification time
(``FileDigests``), so that a run over an unchanged tree reads no file: what ruff and git do.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import os
import pickle
import stat
import time
from pathlib import Path
from typing import Any

from ..reading import read_bytes

FOLDER = ".asyncguide_cache"


@functools.cache
def code_stamp(package: str) -> str:
    """What tells apart the releases of one of asyncguide's packages, and the states of its code in
    a checkout (an editable install keeps its version number through every change): the path,
    size and modification time of each of its files. Cheaper than reading the installed version
    (``importlib.metadata`` alone takes ~30 ms to import)."""
    digest = hashlib.sha256()
    spec = importlib.util.find_spec(package)
    for folder in (spec.submodule_search_locations if spec is not None else None) or ():
        for current, folders, files in os.walk(folder):
            folders[:] = sorted(name for name in folders if name != "__pycache__")
            for name in sorted(files):
                try:
                    status = os.stat(os.path.join(current, name))
                except OSError:
                    continue
                digest.update(f"{current}/{name}\0{status.st_size}\0{status.st_mtime_ns}\n".encode())
    return digest.hexdigest()


class DiskCache:
    """One kind of entries (``"summaries"``, ``"results"``) of a project's cache folder."""

    def __init__(self, project_root: str | os.PathLike[str], kind: str):
        self.folder = Path(project_root) / FOLDER / kind
        self._engine = code_stamp(__package__.rpartition(".")[0])

    def key(self, *parts: str) -> str:
        """The key of an entry that depends on ``parts`` (and on the engine's code)."""
        digest = hashlib.sha256()
        for part in (self._engine, *parts):
            digest.update(part.encode())
            digest.update(b"\0")
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
            _write_ignore_file(self.folder.parent)
            _write_atomically(folder / key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:
            pass


#: a file changed this recently when it was read may change again within the same timestamp
#: (file systems whose clock is coarse): its stamp is not kept, and the next run reads it again
RACY_NANOSECONDS = 2_000_000_000


class FileDigests:
    """The sha256 of files' bytes. With a project folder, remembered in its cache as
    ``path -> (size, mtime_ns, digest)``: a file whose size and modification time are as recorded
    is not read again. ``save`` writes what was learnt."""

    def __init__(self, project_root: str | os.PathLike[str] | None):
        self._file = Path(project_root) / FOLDER / "stamps" if project_root is not None else None
        self._stamps: dict[str, tuple[int, int, str]] = self._load()
        self._learnt = False

    def _load(self) -> dict[str, tuple[int, int, str]]:
        if self._file is None:
            return {}
        try:
            with open(self._file, "rb") as file:
                found = pickle.load(file)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
            return {}
        return found if isinstance(found, dict) else {}

    def digest(self, path: str | os.PathLike[str]) -> str | None:
        """The digest of the file's bytes; None when it cannot be read (``reading.read_bytes``)."""
        name = os.fspath(path)
        try:
            status = os.stat(name)
        except OSError:
            return None
        stamped = self._stamps.get(name)
        if stamped is not None and stamped[:2] == (status.st_size, status.st_mtime_ns) and stat.S_ISREG(status.st_mode):
            return stamped[2]
        try:
            found = digest_of(read_bytes(name))
        except OSError:
            return None
        if self._file is not None and time.time_ns() - status.st_mtime_ns > RACY_NANOSECONDS:
            # the stat was taken before the read: a change since then has a later mtime, a miss next time
            self._stamps[name] = (status.st_size, status.st_mtime_ns, found)
            self._learnt = True
        return found

    def save(self) -> None:
        """Write the stamps learnt since loading (a cache that cannot be written is only slower),
        leaving out those of files that are gone, so the file does not grow with every file ever
        deleted. Concurrent runs may overwrite each other's stamps: each stamp is checked before use."""
        if self._file is None or not self._learnt:
            return
        self._stamps = {name: stamp for name, stamp in self._stamps.items() if os.path.lexists(name)}
        try:
            self._file.parent.mkdir(parents=True, exist_ok=True)
            _write_ignore_file(self._file.parent)
            _write_atomically(self._file, pickle.dumps(self._stamps, protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:
            pass
        self._learnt = False


def digest_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _write_ignore_file(cache_folder: Path) -> None:
    ignore = cache_folder / ".gitignore"
    if not ignore.exists():
        _write_atomically(ignore, b"# made by asyncguide\n*\n")


def _write_atomically(path: Path, data: bytes) -> None:
    import tempfile  # (here: with shutil and random, ~5 ms of the language server's start otherwise)

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
