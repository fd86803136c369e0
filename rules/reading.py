"""Reading a linted project's files: regular files only, of bounded size, never blocking.

A checked tree may hold anything under a ``.py`` or ``requirements.txt`` name: a FIFO (reading
it waits for a writer forever), a link to ``/dev/zero`` (reading it never ends), a socket, a
file of gigabytes. ``read_bytes`` opens without blocking, checks what it opened, and reads at
most ``MAX_FILE_BYTES``; what it refuses raises an ``OSError`` subclass, so callers that already
skip unreadable files skip these too.
"""

from __future__ import annotations

import os
import stat

#: the largest file asyncguide reads (source, pyproject.toml, requirements, lock files, .gitignore)
MAX_FILE_BYTES = 16 * 1024 * 1024

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


class Unreadable(OSError):
    """What ``read_bytes`` refuses to read; the message says why, without the path."""


class NotRegularFile(Unreadable):
    """The path is a FIFO, a socket, a device or a folder (after following symlinks)."""


class FileTooLarge(Unreadable):
    """The file is larger than the limit it was read with."""


def kind_of(mode: int) -> str:
    return next((name for is_kind, name in _KINDS if is_kind(mode)), "not a regular file")


def read_bytes(path: str | os.PathLike[str], limit: int = MAX_FILE_BYTES) -> bytes:
    """The contents of a regular file of at most ``limit`` bytes.

    Raises ``NotRegularFile``, ``FileTooLarge``, or the ``OSError`` of opening or reading it.
    """
    # stat first: opening a socket fails with an obscure ENXIO, and this names what it is
    mode = os.stat(path).st_mode
    if not stat.S_ISREG(mode):
        raise NotRegularFile(f"not a regular file ({kind_of(mode)})")
    # O_NONBLOCK: if the path was swapped for a FIFO since the stat, opening it does not wait for a writer
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with open(descriptor, "rb", closefd=True) as file:
        opened = os.fstat(descriptor)
        if not stat.S_ISREG(opened.st_mode):
            raise NotRegularFile(f"not a regular file ({kind_of(opened.st_mode)})")
        if opened.st_size > limit:
            raise FileTooLarge(f"larger than {limit // (1024 * 1024)} MiB")
        data = file.read(limit + 1)  # the file may have grown since the fstat
    if len(data) > limit:
        raise FileTooLarge(f"larger than {limit // (1024 * 1024)} MiB")
    return data


def read_text(path: str | os.PathLike[str], limit: int = MAX_FILE_BYTES, errors: str = "strict") -> str:
    """``read_bytes`` decoded as UTF-8 (``UnicodeDecodeError`` unless ``errors`` says otherwise)."""
    return read_bytes(path, limit).decode("utf-8", errors)

