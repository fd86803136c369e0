"""Writing a fixed file all or nothing.

Writing in place truncates the file first: a full disk or a crash mid-write would leave it cut
short. ``replace_file`` writes a temporary file in the same folder, flushes it to disk, gives it
the file's permission bits (and its owner and group, where the process may), and renames it over
the file in one step; on any failure the temporary file is removed and the file is untouched.
A hard link to the file keeps the old contents (the rename gives the path a new file).
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path


def replace_file(path: Path, data: bytes) -> None:
    """Replace the contents of the existing file ``path`` (not a symlink: pass its target) with
    ``data``. Raises ``OSError`` with the file as it was."""
    status = os.stat(path)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with open(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, stat.S_IMODE(status.st_mode))
        _keep_owner(temporary, status)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _sync_folder(path.parent)


def _keep_owner(temporary: str, status: os.stat_result) -> None:
    """Give the temporary file the original's owner and group, as far as the process may: only
    root may give a file away, but an owner may set any group it belongs to."""
    if not hasattr(os, "chown"):
        return
    for owner in (status.st_uid, -1):
        try:
            os.chown(temporary, owner, status.st_gid)
            return
        except OSError:
            continue


def _sync_folder(folder: Path) -> None:
    """Flush the rename to disk (POSIX; elsewhere a folder cannot be opened, and this is skipped)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass  # some file systems cannot sync a folder; the rename itself already happened
    finally:
        os.close(descriptor)
