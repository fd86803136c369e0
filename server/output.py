"""How ``asyncguide check`` prints its findings: text, JSON, SARIF 2.1.0, statistics, and the
formats CI services read: GitHub workflow commands, GitLab Code Quality, JUnit XML.

Positions are printed 1-based, columns counted in code points (``str`` characters); an end column
is the column just after the last character, as in SARIF. In a notebook, a finding's lines are those
of its cell, and the cell's number (1-based, every cell counted) goes with them: ``path:cell 3:2:5``
in text, as ruff prints it, a ``cell`` key in JSON, a ``cell`` property in SARIF.
"""

from __future__ import annotations

import json
import os
from xml.etree import ElementTree
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from urllib.parse import quote

from ..rules.documentation import DOCS_URL, rule_url
from ..rules.noqa import UNUSED_NOQA_CODE, UNUSED_NOQA_NAME
from ..rules.registry import all_rules
from ..rules.rule import Related
from . import __version__
from .check import SYNTAX_ERROR_CODE, SYNTAX_ERROR_NAME, FileResult, Finding, display_path
from .fingerprints import file_fingerprints

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SARIF_LEVELS = {"error": "error", "warning": "warning", "information": "note"}
#: SARIF's name for the folder the working directory's relative paths start from
SOURCE_ROOT = "%SRCROOT%"


def each_finding(results: Sequence[FileResult]) -> Iterator[tuple[FileResult, Finding]]:
    for result in results:
        for finding in result.findings:
            yield result, finding


def location(result: FileResult, finding: Finding) -> str:
    """``path:line:col``, or ``path:cell N:line:col`` in a notebook."""
    start = finding.diagnostic.range
    cell = "" if finding.cell is None else f"cell {finding.cell}:"
    return f"{result.display_path}:{cell}{start.start_line + 1}:{start.start_column + 1}"


def cell_prefix(finding: Finding) -> str:
    """``cell 3: `` before a notebook finding's message where a format has no place for the cell
    (GitHub annotations, GitLab Code Quality, JUnit): their lines are the cell's, not the file's."""
    return "" if finding.cell is None else f"cell {finding.cell}: "


def text_report(results: Sequence[FileResult]) -> str:
    """One ``path:line:col: CODE message`` line per finding, then a summary line."""
    lines = []
    for result, finding in each_finding(results):
        diagnostic = finding.diagnostic
        lines.append(f"{location(result, finding)}: {diagnostic.code} {diagnostic.message}")
        lines.extend(
            f"    {related_path(result, hop)}:{hop.line + 1}:{hop.column + 1}: {hop.message}" for hop in diagnostic.related
        )
    lines.extend(summary(results))
    return "\n".join(lines) + "\n"


def related_path(result: FileResult, related: Related) -> str:
    """Where a hop of a finding's chain is, as its own path is shown (its file when it has none)."""
    return result.display_path if related.path is None else display_path(Path(related.path))


def summary(results: Sequence[FileResult]) -> list[str]:
    findings = [finding for _, finding in each_finding(results)]
    fixed = sum(result.fixed for result in results)
    if fixed:
        total = fixed + len(findings)
        return [f"Found {_problems(total)} ({fixed} fixed, {len(findings)} remaining)."]
    if not findings:
        return ["All checks passed."]
    fixable = sum(finding.fixable for finding in findings)
    line = f"Found {_problems(len(findings))}" + (f" ({fixable} fixable with --fix)." if fixable else ".")
    hidden = sum(finding.unsafe_fix_hidden for finding in findings)
    if hidden:
        return [line, f"{hidden} more fixable with --fix --unsafe-fixes."]
    return [line]


def diff_summary(results: Sequence[FileResult]) -> str:
    fixes = sum(result.fixed for result in results)
    return f"Would fix {_problems(fixes)}." if fixes else "No fixes available."


def _problems(count: int) -> str:
    return f"{count} problem" if count == 1 else f"{count} problems"


def json_report(results: Sequence[FileResult]) -> str:
    """One JSON array; each finding an object with exactly the documented keys."""
    findings = []
    for result, finding in each_finding(results):
        diagnostic = finding.diagnostic
        position = diagnostic.range
        findings.append(
            {
                "code": diagnostic.code,
                "message": diagnostic.message,
                "path": result.display_path,
                "line": position.start_line + 1,
                "column": position.start_column + 1,
                "end_line": position.end_line + 1,
                "end_column": position.end_column + 1,
                "severity": diagnostic.severity.value,
                "fixable": finding.fixable,
                "cell": finding.cell,
                "related": [
                    {"path": related_path(result, hop), "line": hop.line + 1, "column": hop.column + 1, "message": hop.message}
                    for hop in diagnostic.related
                ],
            }
        )
    return json.dumps(findings, indent=2, ensure_ascii=False) + "\n"


def sarif_report(results: Sequence[FileResult]) -> str:
    """A SARIF 2.1.0 log with one run: every rule as a reporting descriptor, every finding a result."""
    descriptors = [_syntax_error_descriptor(), _unused_noqa_descriptor()] + [
        {
            "id": code,
            "name": rule.name,
            "shortDescription": {"text": rule.summary},
            "helpUri": rule_url(code),
            "defaultConfiguration": {"level": SARIF_LEVELS[rule.severity.value]},
        }
        for code, rule in all_rules().items()
    ]
    index_of = {descriptor["id"]: index for index, descriptor in enumerate(descriptors)}
    sarif_results = []
    for result, finding in each_finding(results):
        diagnostic = finding.diagnostic
        position = diagnostic.range
        sarif_result: dict = {
            "ruleId": diagnostic.code,
            "ruleIndex": index_of[diagnostic.code],
            "level": SARIF_LEVELS[diagnostic.severity.value],
            "message": {"text": diagnostic.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": artifact_uri(result.path), "uriBaseId": SOURCE_ROOT},
                        "region": {
                            "startLine": position.start_line + 1,
                            "startColumn": position.start_column + 1,
                            "endLine": position.end_line + 1,
                            "endColumn": position.end_column + 1,
                        },
                    }
                }
            ],
        }
        if finding.cell is not None:
            sarif_result["properties"] = {"cell": finding.cell}
        if diagnostic.related:
            sarif_result["codeFlows"] = [code_flow(result, diagnostic.related)]
        sarif_results.append(sarif_result)
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "asyncguide",
                        "version": __version__,
                        "informationUri": DOCS_URL,
                        "rules": descriptors,
                    }
                },
                "originalUriBaseIds": {SOURCE_ROOT: {"uri": Path.cwd().as_uri() + "/"}},
                "columnKind": "unicodeCodePoints",
                "results": sarif_results,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def code_flow(result: FileResult, related: Sequence[Related]) -> dict:
    """A finding's chain of calls as a SARIF code flow: one thread, one location per hop."""
    locations = [
        {
            "location": {
                "physicalLocation": {
                    "artifactLocation": {
                        "uri": artifact_uri(result.path if hop.path is None else Path(hop.path)),
                        "uriBaseId": SOURCE_ROOT,
                    },
                    "region": {"startLine": hop.line + 1, "startColumn": hop.column + 1},
                },
                "message": {"text": hop.message},
            }
        }
        for hop in related
    ]
    return {"threadFlows": [{"locations": locations}]}


def artifact_uri(path: Path) -> str:
    """The file's URI relative to the working folder (``%SRCROOT%``), with forward slashes and
    percent-escapes; ``../`` steps for a file outside it."""
    relative = Path(os.path.relpath(path, Path.cwd()))
    return quote(relative.as_posix())


def _syntax_error_descriptor() -> dict:
    return {
        "id": SYNTAX_ERROR_CODE,
        "name": SYNTAX_ERROR_NAME,
        "shortDescription": {"text": "The file could not be read or parsed as Python"},
        "defaultConfiguration": {"level": "error"},
    }


def _unused_noqa_descriptor() -> dict:
    return {
        "id": UNUSED_NOQA_CODE,
        "name": UNUSED_NOQA_NAME,
        "shortDescription": {"text": "A # noqa comment lists codes that suppress nothing on its line"},
        "helpUri": rule_url(UNUSED_NOQA_CODE),
        "defaultConfiguration": {"level": "warning"},
    }


def statistics(results: Sequence[FileResult]) -> list[tuple[str, int, int]]:
    """(code, findings, fixable findings) per code, most frequent first."""
    counts: Counter[str] = Counter()
    fixable: Counter[str] = Counter()
    for _, finding in each_finding(results):
        counts[finding.diagnostic.code] += 1
        fixable[finding.diagnostic.code] += finding.fixable
    return [(code, count, fixable[code]) for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]


def rule_name(code: str) -> str:
    rule = all_rules().get(code)
    return rule.name if rule is not None else {SYNTAX_ERROR_CODE: SYNTAX_ERROR_NAME, UNUSED_NOQA_CODE: UNUSED_NOQA_NAME}[code]


def statistics_text(results: Sequence[FileResult]) -> str:
    """``count  CODE  [*] rule-name`` lines (``[*]``: ``--fix`` fixes some of them)."""
    rows = statistics(results)
    if not rows:
        return "All checks passed.\n"
    width = max(len(str(count)) for _, count, _ in rows)
    lines = [f"{count:>{width}}  {code}  {'[*]' if fixable else '   '} {rule_name(code)}" for code, count, fixable in rows]
    return "\n".join(lines) + "\n"


def statistics_json(results: Sequence[FileResult]) -> str:
    rows = [
        {"code": code, "name": rule_name(code), "count": count, "fixable": fixable}
        for code, count, fixable in statistics(results)
    ]
    return json.dumps(rows, indent=2) + "\n"


#: GitHub workflow commands by severity
GITHUB_COMMANDS = {"error": "error", "warning": "warning", "information": "notice"}


def github_report(results: Sequence[FileResult]) -> str:
    """One GitHub Actions workflow command per finding (``::warning file=…,line=…::message``), which
    the run shows as an annotation on the pull request's diff."""
    lines = []
    for result, finding in each_finding(results):
        diagnostic = finding.diagnostic
        position = diagnostic.range
        properties = {
            "file": Path(result.display_path).as_posix(),
            "line": position.start_line + 1,
            "col": position.start_column + 1,
            "endLine": position.end_line + 1,
            "endColumn": position.end_column + 1,
            "title": f"{diagnostic.code} {rule_name(diagnostic.code)}",
        }
        rendered = ",".join(f"{key}={_github_property(str(value))}" for key, value in properties.items())
        message = _github_data(f"{cell_prefix(finding)}{diagnostic.code} {diagnostic.message}\n{annotation_details(diagnostic.code)}".rstrip())
        lines.append(f"::{GITHUB_COMMANDS[diagnostic.severity.value]} {rendered}::{message}")
    return "".join(line + "\n" for line in lines)


def annotation_details(code: str) -> str:
    """What an annotation adds under the message: the first guideline bullet the rule enforces and
    the rule's page."""
    rule = all_rules().get(code)
    if rule is None:
        return ""
    details = [f"Guideline ({quote.document}, {quote.section}): {quote.text}" for quote in rule.guidelines[:1]]
    return "\n".join([*details, rule_url(code)])


def _github_data(text: str) -> str:
    """Escape a workflow command's message, as the Actions runner unescapes it."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_property(text: str) -> str:
    return _github_data(text).replace(":", "%3A").replace(",", "%2C")


#: GitLab Code Quality severities by severity
GITLAB_SEVERITIES = {"error": "critical", "warning": "major", "information": "info"}


def gitlab_report(results: Sequence[FileResult]) -> str:
    """A GitLab Code Quality report: a JSON array, one issue per finding, each with a fingerprint
    that survives lines inserted above it (``fingerprints``)."""
    issues = []
    for result in results:
        path = Path(result.display_path).as_posix()
        for finding, fingerprint in zip(result.findings, file_fingerprints(result, path)):
            diagnostic = finding.diagnostic
            issues.append(
                {
                    "description": f"{cell_prefix(finding)}{diagnostic.code} {diagnostic.message}",
                    "check_name": diagnostic.code,
                    "fingerprint": fingerprint,
                    "severity": GITLAB_SEVERITIES[diagnostic.severity.value],
                    "location": {
                        "path": path,
                        "lines": {"begin": diagnostic.range.start_line + 1, "end": diagnostic.range.end_line + 1},
                    },
                }
            )
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"


def junit_report(results: Sequence[FileResult]) -> str:
    """JUnit XML: a test suite per file, a failing test case per finding; a file without findings
    has one passing test case, so CI lists what was checked."""
    suites = ElementTree.Element("testsuites", name="asyncguide")
    total = failures = 0
    for result in results:
        suite = ElementTree.SubElement(suites, "testsuite", name=result.display_path)
        for finding in result.findings:
            diagnostic = finding.diagnostic
            line, column = diagnostic.range.start_line + 1, diagnostic.range.start_column + 1
            case = ElementTree.SubElement(
                suite, "testcase", name=f"{diagnostic.code} at {cell_prefix(finding)}line {line}, column {column}",
                classname=result.display_path, file=result.display_path, line=str(line),
            )
            failure = ElementTree.SubElement(case, "failure", message=diagnostic.message, type=diagnostic.code)
            failure.text = f"{location(result, finding)}: {diagnostic.code} {diagnostic.message}"
        if not result.findings:
            ElementTree.SubElement(suite, "testcase", name="no findings", classname=result.display_path, file=result.display_path)
        cases = max(len(result.findings), 1)
        suite.set("tests", str(cases))
        suite.set("failures", str(len(result.findings)))
        suite.set("errors", "0")
        total += cases
        failures += len(result.findings)
    suites.set("tests", str(total))
    suites.set("failures", str(failures))
    suites.set("errors", "0")
    ElementTree.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(suites, encoding="unicode") + "\n"


#: ``--format`` -> the report it prints
REPORTS = {
    "text": text_report,
    "json": json_report,
    "sarif": sarif_report,
    "github": github_report,
    "gitlab": gitlab_report,
    "junit": junit_report,
}
