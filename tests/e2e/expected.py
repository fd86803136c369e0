"""What an editor should show for a file, according to the asyncguide command line tool.

    python3 expected.py [--asyncguide BIN] FILE

prints JSON: ``diagnostics`` (code, message, 1-based line and column, the guideline bullets the
rule quotes) from ``asyncguide check --format json`` and ``asyncguide rules --format json``, and
``fixed``, the file's text after ``asyncguide check --fix`` (run on a copy). The editors' tests
compare what they see with this, so nothing they expect is written by hand.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


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
