"""Stable fingerprints of findings, for GitLab Code Quality reports and baselines.

A fingerprint hashes the file's path, the code, the text of the line the finding starts on (white
space around it stripped) and how many findings with the same three came before it in the file. It
does not hash the line number, so inserting or removing lines above a finding keeps its fingerprint;
editing the finding's own line changes it, as it should.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import PurePath

from .check import FileResult


def file_fingerprints(result: FileResult, path: str) -> list[str]:
    """A fingerprint for each of ``result``'s findings, in order; ``path`` names the file in them."""
    posix = PurePath(path).as_posix()
    seen: Counter[tuple[str, str]] = Counter()
    fingerprints = []
    for finding in result.findings:
        key = (finding.diagnostic.code, finding.line_text)
        occurrence = seen[key]
        seen[key] += 1
        text = "\0".join((posix, finding.diagnostic.code, finding.line_text, str(occurrence)))
        fingerprints.append(hashlib.sha256(text.encode("utf-8")).hexdigest())
    return fingerprints
