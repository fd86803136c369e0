#!/usr/bin/env python3
"""Match the corpus findings against the triage record, and list or record verdicts.

``findings.json`` is the last run of ``collect.py``; ``verdicts.tsv`` says, for findings read in
context, whether each is worth acting on (README.md has the guideline). A verdict names a finding
by project, path, line and code, so it holds as long as the pins in ``projects.txt`` do.

    triage.py pending [--batch K/N] [--sample N] [--code ASY150] [--project lnbits] [--context 6]
        the findings without a verdict, each with the code around it. A batch is the K-th of N
        parts of all findings (whole files, in path order), the same whatever has been judged,
        so that N people can judge at once. ``--sample N`` keeps N findings of each rule code
        (all of a rarer one), the same N whatever has been judged: a stratified sample, which
        ``--batch`` then splits;
    triage.py record PROJECT PATH LINE CODE VERDICT REASON...
    triage.py record -
        add verdicts (``-``: TSV rows on standard input, in the columns of verdicts.tsv);
    triage.py report
        what a new run changed (findings to judge, vanished true positives, vanished false
        positives), the table per rule, and summary.json, which docs/generate.py turns into
        docs/precision.md and the line on each rule's page.

Only the standard library: run it with any Python 3.10+.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
FINDINGS_FILE = HERE / "findings.json"
VERDICTS_FILE = HERE / "verdicts.tsv"
SUMMARY_FILE = HERE / "summary.json"
SOURCES = HERE.parent / ".precision"

COLUMNS = ("project", "path", "line", "code", "verdict", "reason")
VERDICTS = ("TP", "FP", "debatable")

Key = tuple[str, str, int, str]  # project, path, line, code


@dataclass(frozen=True)
class Verdict:
    project: str
    path: str
    line: int
    code: str
    verdict: str
    reason: str

    @property
    def key(self) -> Key:
        return (self.project, self.path, self.line, self.code)

    def row(self) -> str:
        return "\t".join((self.project, self.path, str(self.line), self.code, self.verdict, self.reason))


def finding_key(finding: dict) -> Key:
    return (finding["project"], finding["path"], finding["line"], finding["code"])


def load_run() -> dict:
    return json.loads(FINDINGS_FILE.read_text("utf-8"))


def parse_verdict(fields: list[str], where: str) -> Verdict:
    if len(fields) != len(COLUMNS):
        raise SystemExit(f"{where}: expected {len(COLUMNS)} tab-separated columns ({', '.join(COLUMNS)})")
    project, path, line, code, verdict, reason = (field.strip() for field in fields)
    if not line.isdigit():
        raise SystemExit(f"{where}: line {line!r} is not a number")
    if verdict not in VERDICTS:
        raise SystemExit(f"{where}: verdict {verdict!r} is not one of {', '.join(VERDICTS)}")
    if not reason:
        raise SystemExit(f"{where}: give a one-line reason")
    return Verdict(project, path, int(line), code, verdict, reason)


def load_verdicts() -> dict[Key, Verdict]:
    verdicts: dict[Key, Verdict] = {}
    lines = VERDICTS_FILE.read_text("utf-8").splitlines() if VERDICTS_FILE.exists() else []
    for number, line in enumerate(lines, 1):
        if not line.strip() or line == "\t".join(COLUMNS):
            continue  # the header: after a union merge of two branches it may stand twice
        where = f"{VERDICTS_FILE.name}:{number}"
        verdict = parse_verdict(line.split("\t"), where)
        if verdict.key in verdicts and verdicts[verdict.key] != verdict:
            raise SystemExit(
                f"{where}: a second, different verdict for {verdict.key} (two branches judged it differently?): "
                "keep one of the two lines"
            )
        verdicts[verdict.key] = verdict
    return verdicts


def save_verdicts(verdicts: dict[Key, Verdict]) -> None:
    """Sorted by finding, so that verdicts recorded on different branches seldom touch."""
    rows = [verdicts[key].row() for key in sorted(verdicts)]
    VERDICTS_FILE.write_text("\n".join(["\t".join(COLUMNS), *rows]) + "\n", "utf-8")


def batches(findings: list[dict], count: int) -> list[list[dict]]:
    """``findings`` in ``count`` parts of about equal size, each file's findings in one part."""
    by_file: dict[tuple[str, str], list[dict]] = {}
    for finding in sorted(findings, key=lambda f: (f["project"], f["path"], f["line"], f["code"])):
        by_file.setdefault((finding["project"], finding["path"]), []).append(finding)
    parts: list[list[dict]] = [[] for _ in range(count)]
    done = 0
    for file_findings in by_file.values():
        # the part whose share of all findings this file starts in
        index = min(count - 1, done * count // max(len(findings), 1))
        parts[index].extend(file_findings)
        done += len(file_findings)
    return parts


def sample(findings: list[dict], per_code: int) -> list[dict]:
    """``per_code`` findings of each code, chosen by a hash of the finding (so the same whatever has
    been judged, and spread over projects), in the order of ``findings``."""

    def rank(finding: dict) -> str:
        return hashlib.sha256("\t".join(map(str, finding_key(finding))).encode()).hexdigest()

    by_code: dict[str, list[dict]] = {}
    for finding in findings:
        by_code.setdefault(finding["code"], []).append(finding)
    chosen = {id(f) for code_findings in by_code.values() for f in sorted(code_findings, key=rank)[:per_code]}
    return [finding for finding in findings if id(finding) in chosen]


def context(finding: dict, version: str, lines: int) -> str:
    source = SOURCES / f"{finding['project']}-{version}" / finding["path"]
    if not source.exists():
        return f"    ({source} is missing: run `collect.py fetch`)"
    text = source.read_text("utf-8", "replace").splitlines()
    first = max(1, finding["line"] - lines)
    last = min(len(text), finding["line"] + lines)
    return "\n".join(
        f"{'>' if number == finding['line'] else ' '}{number:>6}  {text[number - 1]}" for number in range(first, last + 1)
    )


def pending(arguments: argparse.Namespace) -> None:
    run = load_run()
    verdicts = load_verdicts()
    findings = run["findings"]
    if arguments.sample:
        findings = sample(findings, arguments.sample)
    if arguments.batch:
        number, _, count = arguments.batch.partition("/")
        if not (number.isdigit() and count.isdigit() and 1 <= int(number) <= int(count)):
            raise SystemExit("--batch takes K/N, with 1 <= K <= N")
        findings = batches(findings, int(count))[int(number) - 1]
    shown = [
        f for f in findings
        if finding_key(f) not in verdicts
        and (not arguments.code or f["code"] in arguments.code)
        and (not arguments.project or f["project"] == arguments.project)
    ]
    for finding in shown:
        print(f"== {finding['project']}\t{finding['path']}\t{finding['line']}\t{finding['code']}")
        print(f"   {finding['message']}")
        print(context(finding, run["projects"][finding["project"]]["version"], arguments.context))
        print()
    print(f"{len(shown)} findings to judge. Record each with:")
    print("  benchmarks/precision/triage.py record PROJECT PATH LINE CODE TP|FP|debatable 'one-line reason'")


def record(arguments: argparse.Namespace) -> None:
    verdicts = load_verdicts()
    known = {finding_key(f) for f in load_run()["findings"]}
    if arguments.fields == ["-"]:
        new = [parse_verdict(line.split("\t"), f"stdin:{n}") for n, line in enumerate(sys.stdin, 1) if line.strip()]
    else:
        if len(arguments.fields) < len(COLUMNS):
            raise SystemExit(f"record takes {' '.join(c.upper() for c in COLUMNS)} (or - for TSV on stdin)")
        fields = [*arguments.fields[:5], " ".join(arguments.fields[5:])]
        new = [parse_verdict(fields, "arguments")]
    for verdict in new:
        if verdict.key not in known:
            raise SystemExit(f"no finding {verdict.key} in {FINDINGS_FILE.name}")
        if verdict.key in verdicts and verdicts[verdict.key] != verdict and not arguments.replace:
            raise SystemExit(f"{verdict.key} already has a verdict ({verdicts[verdict.key].verdict}); use --replace")
        verdicts[verdict.key] = verdict
    save_verdicts(verdicts)
    print(f"recorded {len(new)}; {len(verdicts)} verdicts in {VERDICTS_FILE.name}")


def summary(run: dict, verdicts: dict[Key, Verdict]) -> dict:
    """The figures per rule code, and for the whole corpus, that the docs show."""
    rules: dict[str, Counter] = {}
    for finding in run["findings"]:
        counts = rules.setdefault(finding["code"], Counter())
        counts["findings"] += 1
        verdict = verdicts.get(finding_key(finding))
        if verdict is not None:
            counts["judged"] += 1
            counts[verdict.verdict] += 1
    total: Counter = Counter()
    for counts in rules.values():
        total.update(counts)

    def figures(counts: Counter) -> dict:
        return {
            "findings": counts["findings"], "judged": counts["judged"],
            "TP": counts["TP"], "FP": counts["FP"], "debatable": counts["debatable"],
        }

    return {
        "python": run["python"],
        "asyncguide": run["asyncguide"],
        "projects": run["projects"],
        "total": figures(total),
        "estimated": estimate(rules.values()),
        "rules": {code: figures(rules[code]) for code in sorted(rules)},
    }


def estimate(rules: Iterable[Counter]) -> dict:
    """The verdicts over all findings of the rules with judged findings, each rule's judged share
    extrapolated to its findings: what a stratified sample says about the whole corpus."""
    judged = [counts for counts in rules if counts["judged"]]
    return {
        "findings": sum(counts["findings"] for counts in judged),
        **{
            verdict: round(sum(counts[verdict] * counts["findings"] / counts["judged"] for counts in judged), 1)
            for verdict in VERDICTS
        },
    }


def render_summary(data: dict) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def report(arguments: argparse.Namespace) -> None:
    run = load_run()
    verdicts = load_verdicts()
    keys = {finding_key(f) for f in run["findings"]}
    to_judge = sum(1 for f in run["findings"] if finding_key(f) not in verdicts)
    vanished = [v for key, v in sorted(verdicts.items()) if key not in keys]
    print(f"{len(run['findings'])} findings, {to_judge} to judge (triage.py pending)")
    for verdict in vanished:
        if verdict.verdict == "TP":
            print(f"vanished TP: {verdict.project}\t{verdict.path}\t{verdict.line}\t{verdict.code}\t{verdict.reason}")
    gone = Counter(v.verdict for v in vanished)
    print(f"vanished: {gone['TP']} TP, {gone['FP']} FP, {gone['debatable']} debatable")
    data = summary(run, verdicts)
    print(f"{'code':<8} {'findings':>8} {'judged':>7} {'TP':>4} {'FP':>4} {'deb.':>5} {'precision':>9}")
    for code, figures in [*data["rules"].items(), ("all", data["total"])]:
        decided = figures["TP"] + figures["FP"]
        precision = f"{figures['TP'] / decided:.0%}" if decided else "-"
        print(f"{code:<8} {figures['findings']:>8} {figures['judged']:>7} {figures['TP']:>4} {figures['FP']:>4} "
              f"{figures['debatable']:>5} {precision:>9}")
    estimated = data["estimated"]
    if estimated["findings"]:
        decided = estimated["TP"] + estimated["FP"]
        print(f"estimated over the {estimated['findings']} findings of rules with verdicts: "
              f"precision {estimated['TP'] / decided:.0%}, debatable {estimated['debatable'] / estimated['findings']:.0%}"
              if decided else f"estimated over the {estimated['findings']} findings of rules with verdicts: all debatable")
    save_verdicts(verdicts)  # sorted again after a union merge
    SUMMARY_FILE.write_text(render_summary(data), "utf-8")
    print(f"wrote {SUMMARY_FILE}; run docs/generate.py to update the docs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("pending", help="findings without a verdict, with their code")
    listing.add_argument("--batch", help="K/N: only the K-th of N parts of the corpus")
    listing.add_argument("--sample", type=int, metavar="N", help="only N findings of each rule code (a stratified sample)")
    listing.add_argument("--code", action="append", help="only this rule code (repeatable)")
    listing.add_argument("--project", help="only this project")
    listing.add_argument("--context", type=int, default=6, help="lines of code shown each side (default 6)")
    listing.set_defaults(run=pending)
    recording = commands.add_parser("record", help="add verdicts")
    recording.add_argument("fields", nargs="+", help="PROJECT PATH LINE CODE VERDICT REASON..., or - for TSV rows on stdin")
    recording.add_argument("--replace", action="store_true", help="change an existing verdict")
    recording.set_defaults(run=record)
    reporting = commands.add_parser("report", help="match the run against the verdicts; write summary.json")
    reporting.set_defaults(run=report)
    arguments = parser.parse_args()
    arguments.run(arguments)


if __name__ == "__main__":
    main()
