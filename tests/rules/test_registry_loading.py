"""Loading the rule packs from two threads at once: both get every rule.

The language server lints on its event loop while its project index is built in worker threads,
and both ask the registry; whichever asks second while the packs are still loading must wait for
them, not get the few rules registered so far (its selection of codes was then cached for good)."""

from __future__ import annotations

import json
import subprocess
import sys

#: a fresh process, where the packs are not loaded yet
TWO_THREADS = """
import json, threading
from asyncguide.rules import registry

counts = []
started = threading.Event()

def load():
    started.set()
    counts.append(len(registry.all_rules()))

thread = threading.Thread(target=load)
thread.start()
started.wait()
counts.append(len(registry.all_rules()))
thread.join()
print(json.dumps(counts))
"""


def test_a_second_thread_waits_for_every_rule() -> None:
    from asyncguide.rules.registry import all_rules

    result = subprocess.run([sys.executable, "-c", TWO_THREADS], capture_output=True, text=True, check=True)
    assert json.loads(result.stdout) == [len(all_rules())] * 2
