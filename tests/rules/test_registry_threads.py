"""The registry loads the rule packs once, whichever thread asks first: the language server's
worker threads (building the project index) and its event loop's thread (linting the first
document) ask at the same moment, and neither may see a registry still being filled.

Run in a fresh interpreter, where no rule is loaded yet.
"""

from __future__ import annotations

import json
import subprocess
import sys

ASK_FROM_THREADS = """
import json, threading
from asyncguide.rules import registry

barrier = threading.Barrier(8)
seen = []

def ask():
    barrier.wait()
    seen.append(len(registry.all_rules()))

threads = [threading.Thread(target=ask) for _ in range(8)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(json.dumps({"seen": seen, "all": len(registry.all_rules())}))
"""


def test_threads_asking_at_once_all_see_every_rule() -> None:
    for _ in range(3):  # the race needs threads to meet while the packs load: give it chances
        completed = subprocess.run([sys.executable, "-c", ASK_FROM_THREADS], capture_output=True, text=True, check=True)
        counts = json.loads(completed.stdout)
        assert counts["all"] > 200
        assert counts["seen"] == [counts["all"]] * 8
