"""The language server on a slow file system: reading a project's metadata for framework versions
takes seconds. A server reading them on its event loop would answer nothing meanwhile. Run as
``python -m tests.server.server_with_slow_metadata``."""

from __future__ import annotations

import sys
import time

from asyncguide.rules.versions import FrameworkVersions
from asyncguide.server.cli import main

#: how long each reading of a project's files takes
DELAY_SECONDS = 3

_read = FrameworkVersions._read


def slow_read(self: FrameworkVersions):  # type: ignore[no-untyped-def]
    time.sleep(DELAY_SECONDS)
    return _read(self)


FrameworkVersions._read = slow_read  # type: ignore[method-assign]

if __name__ == "__main__":
    sys.exit(main(["serve"]))
