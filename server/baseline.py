"""Baselines: the findings a code base had when it adopted asyncguide, so that later runs report
only new ones (``asyncguide check --baseline FILE``; ``--write-baseline`` records them).

The file is JSON: ``{"asyncguide-baseline": 1, "findings": [...]}``, each finding with its
``fingerprint`` (``fingerprints``) and, for people reading the file, its ``path``, ``code``, ``line``
and ``message``. Paths are relative to the baseline's folder, so the baseline matches from whatever
folder asyncguide runs in.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from pathlib import Path

from .check import FileResult, Finding
from .fingerprints import file_fingerprints

FORMAT_KEY = "asyncguide-baseline"
FORMAT_VERSION = 1


class BaselineError(ValueError):
    """The baseline file cannot be read or is not a baseline."""


def baseline_path_of(result: FileResult, baseline: Path) -> str:
    """The file's path relative to the baseline's folder, with ``/``."""
    return Path(os.path.relpath(result.path, baseline.absolute().parent)).as_posix()


def fingerprinted(results: Sequence[FileResult], baseline: Path) -> Iterator[tuple[FileResult, Finding, str]]:
    for result in results:
        fingerprints = file_fingerprints(result, baseline_path_of(result, baseline))
        for finding, fingerprint in zip(result.findings, fingerprints):
            yield result, finding, fingerprint


def write_baseline(results: Sequence[FileResult], baseline: Path) -> int:
    """Record every finding of ``results`` in ``baseline``; returns how many. Raises ``OSError``."""
    entries = [
        {
            "fingerprint": fingerprint,
            "path": baseline_path_of(result, baseline),
            "code": finding.diagnostic.code,
            "line": finding.diagnostic.range.start_line + 1,
            "message": finding.diagnostic.message,
        }
        for result, finding, fingerprint in fingerprinted(results, baseline)
    ]
    entries.sort(key=lambda entry: (entry["path"], entry["line"], entry["code"]))
    document = {FORMAT_KEY: FORMAT_VERSION, "findings": entries}
    baseline.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", "utf-8")
    return len(entries)


def read_baseline(baseline: Path) -> frozenset[str]:
    """The fingerprints recorded in ``baseline``. Raises ``BaselineError``."""
    try:
        document = json.loads(baseline.read_text("utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise BaselineError(f"{baseline}: cannot read the baseline: {error}") from error
    except json.JSONDecodeError as error:
        raise BaselineError(f"{baseline}: the baseline is not valid JSON: {error}") from error
    if not isinstance(document, dict) or document.get(FORMAT_KEY) != FORMAT_VERSION:
        raise BaselineError(f"{baseline}: not an asyncguide baseline (write one with --write-baseline)")
    findings = document.get("findings")
    if not isinstance(findings, list) or not all(isinstance(entry, dict) and isinstance(entry.get("fingerprint"), str) for entry in findings):
        raise BaselineError(f"{baseline}: every entry of \"findings\" needs a \"fingerprint\" string")
    return frozenset(entry["fingerprint"] for entry in findings)


def drop_baseline_findings(results: Sequence[FileResult], baseline: Path, known: frozenset[str]) -> int:
    """Remove from ``results`` the findings recorded in the baseline; returns how many were removed."""
    dropped = 0
    for result in results:
        fingerprints = file_fingerprints(result, baseline_path_of(result, baseline))
        kept = [finding for finding, fingerprint in zip(result.findings, fingerprints) if fingerprint not in known]
        dropped += len(result.findings) - len(kept)
        result.findings = kept
    return dropped
