"""What an editor should show for a file, according to the asyncguide command line tool.

    python3 expected.py [--asyncguide BIN] FILE

prints JSON: ``diagnostics`` (code, message, 1-based line and column, the guideline bullets the
rule quotes) from ``asyncguide check --format json`` and ``asyncguide rules --format json``, and
``fixed``, the file's text after ``asyncguide check --fix`` (run on a copy). The editors' tests
compare what they see with this.

``FRAMEWORK_FINDINGS`` is written by hand instead: the (line, code) of every finding in the
workspace's five framework files, which the editors must show; tests/cli/test_e2e_workspace.py
checks that ``asyncguide check`` finds exactly these, so the editors and the engine agree.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

#: workspace file -> (1-based line, code) of each finding with the default rules, in line order
FRAMEWORK_FINDINGS: dict[str, list[tuple[int, str]]] = {
    "asyncio_jobs.py": [
        (11, "ASY101"),  # requests.get() in a coroutine
        (16, "ASY102"),  # subprocess.run() in a coroutine
        (21, "ASY111"),  # asyncio.create_task() whose task nobody keeps
        (22, "ASY100"),  # time.sleep() in a coroutine
        (26, "ASY110"),  # fetch_feed() never awaited
    ],
    "fastapi_orders.py": [
        (11, "STA013"),  # CORSMiddleware: every origin, with credentials
        (18, "STA012"),  # @app.on_event("startup")
        (25, "ASY100"),  # time.sleep() in a path operation
        (26, "STA011"),  # asyncio.create_task() in a path operation, task dropped
        (32, "ASY101"),  # requests.get() in a path operation
    ],
    "aiohttp_proxy.py": [
        (9, "AIO005"),  # ssl=False
        (13, "AIO019"),  # plain def route handler
        (19, "AIO012"),  # HTTP exception returned instead of raised
        (26, "AIO028"),  # Flask-style <name> in the route path
    ],
    "sanic_users.py": [
        (12, "SAN002"),  # handler without the request parameter
        (18, "ASY100"),  # time.sleep() in a handler
        (19, "SAN008"),  # handler returns a dict
        (22, "SAN016"),  # listener for an event Sanic does not have
        (27, "SAN004"),  # app.run() without a __main__ guard
    ],
    "tornado_chat.py": [
        (11, "TOR004"),  # blocking HTTPClient in a coroutine handler
        (13, "TOR009"),  # self.write() of a list
        (15, "TOR021"),  # "pots": a misspelt post
        (21, "TOR011"),  # set_secure_cookie, renamed in Tornado 6.3
    ],
}


def run(command: list[str]) -> str:
    """stdout of an ``asyncguide`` command that exits with 0 (nothing found) or 1 (findings)."""
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed with {result.returncode}:\n{result.stderr}")
    return result.stdout


def expectations(asyncguide: str, file: Path) -> dict:
    found = json.loads(run([asyncguide, "check", "--format", "json", str(file)]))
    rules = {rule["code"]: rule for rule in json.loads(run([asyncguide, "rules", "--format", "json"]))}
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / file.name
        shutil.copyfile(file, copy)
        run([asyncguide, "check", "--fix", str(copy)])
        fixed = copy.read_text("utf-8")
    diagnostics = [
        {
            "code": item["code"],
            "message": item["message"],
            "line": item["line"],
            "column": item["column"],
            "quotes": [quote["text"] for quote in rules[item["code"]]["guidelines"]],
        }
        for item in found
    ]
    return {"diagnostics": diagnostics, "fixed": fixed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--asyncguide", default=shutil.which("asyncguide") or "asyncguide")
    parser.add_argument("file", type=Path)
    args = parser.parse_args()
    json.dump(expectations(args.asyncguide, args.file.resolve()), sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
