"""The ``asyncguide`` command: ``check``, ``rules``, ``explain``, ``guidelines``, ``serve``.

Exit codes: 0 nothing found, 1 findings (``--fix``: findings left; ``--diff``: something would
change), 2 a usage or configuration error, or asyncguide failed on a file (a rule or a fix raised,
fixes could not be written), whatever it found (one line on stderr each, never a traceback).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..rules.config import TARGET_VERSIONS, ConfigError
from ..rules.documentation import render_markdown
from ..rules.registry import SelectionError, all_rules, expand, group_of
from . import __version__

if TYPE_CHECKING:
    from .check import FileResult

EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="asyncguide", description="Lint async Python web services.")
    parser.add_argument("--version", action="version", version=f"asyncguide {__version__}", help="show the version and exit")
    commands = parser.add_subparsers(dest="command", required=True)

    check = commands.add_parser(
        "check",
        help="lint Python files and folders",
        description="Lint the .py files under each PATH (folders recursively, git-ignored and excluded paths skipped).",
        epilog="Exit codes: 0 no findings, 1 findings (with --fix: findings left; with --diff: changes to make), "
        "2 usage or configuration error, or asyncguide failed on a file (an internal error in a rule or a fix, "
        "fixes that could not be written).",
    )
    check.add_argument("paths", nargs="*", metavar="PATH", help="files and folders (default: .); - reads stdin")
    check.add_argument(
        "--format", choices=("text", "json", "sarif", "github", "gitlab", "junit"), default="text",
        help="output format (default: text)",
    )
    check.add_argument("--output-file", "-o", type=Path, metavar="PATH", help="write the report to PATH instead of stdout")
    check.add_argument("--exit-zero", action="store_true", help="exit with 0 even when there are findings (errors still exit with 2)")
    check.add_argument(
        "--select", type=selector_list, metavar="CODES",
        help="comma-separated codes or prefixes to enable, instead of the configured select and extend-select",
    )
    check.add_argument(
        "--ignore", type=selector_list, metavar="CODES",
        help="comma-separated codes or prefixes to disable, instead of the configured ignore",
    )
    check.add_argument(
        "--extend-select", type=selector_list, metavar="CODES",
        help="comma-separated codes or prefixes to enable on top of the selection (ASG001: unused noqa codes)",
    )
    check.add_argument("--fix", action="store_true", help="apply safe fixes in place")
    check.add_argument(
        "--unsafe-fixes", action="store_true",
        help="apply (with --fix, --diff) and count as fixable the unsafe fixes too",
    )
    check.add_argument("--diff", action="store_true", help="print the changes --fix would make as a unified diff; write nothing")
    check.add_argument("--statistics", action="store_true", help="print the number of findings per code instead of each finding")
    check.add_argument(
        "--jobs", "-j", type=positive_int, default=os.cpu_count() or 1, metavar="N",
        help="processes to check files with (default: one per core)",
    )
    check.add_argument(
        "--no-cache", action="store_true",
        help="neither read nor write the project's .asyncguide_cache/ (module summaries, earlier results)",
    )
    check.add_argument(
        "--target-version", choices=list(TARGET_VERSIONS),
        help="oldest Python the code runs on, instead of the configured target-version",
    )
    check.add_argument(
        "--stdin-filename", metavar="PATH",
        help="read the source from stdin and check it as PATH (its settings, its name in the report); "
        "with --fix, print the fixed source on stdout and the report on stderr",
    )
    check.add_argument(
        "--force-exclude", action="store_true",
        help="apply the exclude setting to files named on the command line and to --stdin-filename too",
    )
    check.add_argument("--add-noqa", action="store_true", help="add # noqa: CODE comments to the lines of the current findings")
    check.add_argument(
        "--baseline", type=Path, metavar="FILE",
        help="report only the findings that FILE (written with --write-baseline) does not record",
    )
    check.add_argument("--write-baseline", action="store_true", help="record the current findings in the --baseline FILE")

    rules = commands.add_parser("rules", help="list every rule", description="List every rule.")
    rules.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")

    explain = commands.add_parser("explain", help="show a rule's documentation", description="Show a rule's documentation.")
    explain.add_argument("code", metavar="CODE", help="a rule code, such as ASY100")

    guidelines = commands.add_parser(
        "guidelines",
        help="show the guideline map and its coverage",
        description="Show every guideline bullet: the rules enforcing it, why it is not statically checkable, "
        "or that no rule covers it yet; with the counts per document.",
    )
    guidelines.add_argument(
        "--framework", type=str.lower, choices=("asyncio", "starlette", "fastapi", "aiohttp", "sanic", "tornado"),
        help="only this framework's document (fastapi: the Starlette one)",
    )
    guidelines.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")

    serve = commands.add_parser("serve", help="run the language server")
    serve.add_argument("--tcp", action="store_true", help="listen on TCP instead of stdio")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=2087)
    return parser


def selector_list(text: str) -> tuple[str, ...]:
    """``"ASY100, asy11"`` → ``("ASY100", "ASY11")``; each must name at least one rule."""
    selectors = tuple(part.strip().upper() for part in text.split(",") if part.strip())
    try:
        expand(selectors)
    except SelectionError as error:
        raise argparse.ArgumentTypeError(f"{error}; `asyncguide rules` lists the codes") from error
    return selectors


def positive_int(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive whole number")
    return number


def main(argv: list[str] | None = None) -> int:
    try:
        return dispatch(argv)
    except BrokenPipeError:
        # The reader went away (`asyncguide rules | head`): stop quietly, as Unix tools do, and
        # send what Python still flushes at exit to /dev/null instead of a second traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def dispatch(argv: list[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "check":
        if args.diff and (args.format != "text" or args.statistics or args.output_file):
            parser.error("--diff prints a unified diff; it cannot be combined with --format, --statistics or --output-file")
        if args.statistics and args.format not in ("text", "json"):
            parser.error("--statistics prints text or JSON")
        if args.write_baseline and args.baseline is None:
            parser.error("--write-baseline needs --baseline FILE")
        if sum((args.fix or args.diff, args.add_noqa, args.write_baseline)) > 1:
            parser.error("--add-noqa, --write-baseline and --fix/--diff are separate runs: use one of them")
        if reads_stdin(args):
            if args.paths not in ([], ["-"]):
                parser.error("reading stdin (- or --stdin-filename) checks nothing else: name no other PATH")
            if args.add_noqa or args.write_baseline:
                parser.error("--add-noqa and --write-baseline work on files, not stdin")
        return check_command(args)
    if args.command == "rules":
        return rules_command(args.format)
    if args.command == "explain":
        return explain_command(args.code)
    if args.command == "guidelines":
        return guidelines_command(args.framework, args.format)
    from .start_up import StartUp

    start_up = StartUp()  # before lsprotocol's classes are defined (see there)
    from .lsp import run

    run(tcp=args.tcp, host=args.host, port=args.port, start_up=start_up)
    return 0


def reads_stdin(args: argparse.Namespace) -> bool:
    return args.stdin_filename is not None or "-" in args.paths


def check_command(args: argparse.Namespace) -> int:
    from .baseline import BaselineError, drop_baseline_findings, read_baseline
    from .check import CheckOptions, check_text, decode_source, exit_status, quiet_engine_logging, run_check
    from .output import REPORTS, diff_summary, statistics_json, statistics_text

    options = CheckOptions(
        select=args.select,
        ignore=args.ignore,
        extend_select=args.extend_select or (),
        target_version=TARGET_VERSIONS.get(args.target_version),
        mode="diff" if args.diff else "fix" if args.fix else "check",
        unsafe_fixes=args.unsafe_fixes,
        jobs=args.jobs,
        force_exclude=args.force_exclude,
        use_cache=not args.no_cache,
    )
    quiet_engine_logging()
    stdin_text = stdin_encoding = None
    try:
        if reads_stdin(args):
            stdin_text, stdin_encoding = decode_source(sys.stdin.buffer.read())
            checked = check_text(stdin_text, args.stdin_filename or "-", options)
            results = [] if checked is None else [checked]
        else:
            results = run_check(args.paths or ["."], options)
        if args.baseline is not None and not args.write_baseline:
            drop_baseline_findings(results, args.baseline, read_baseline(args.baseline))
    except (ConfigError, FileNotFoundError, BaselineError, SyntaxError, UnicodeDecodeError) as error:
        return usage_error(str(error))
    for note in dict.fromkeys(note for result in results for note in result.notes):
        print(f"asyncguide: {note}", file=sys.stderr)
    for result in results:
        for internal_error in dict.fromkeys(result.internal_errors):
            print(
                f"asyncguide: internal error in rule {internal_error.code} on {result.display_path}: {internal_error.message}",
                file=sys.stderr,
            )
        for failure in result.failures:
            print(f"asyncguide: {failure}", file=sys.stderr)
    if args.add_noqa:
        return add_noqa_command(results)
    if args.write_baseline:
        return write_baseline_command(results, args.baseline)
    report_stream = sys.stdout
    if stdin_text is not None and options.mode == "fix":
        # the editor replaces its buffer with stdout: the source (fixed, or as it came when
        # --force-exclude excluded it), and nothing else
        fixed = next((result.fixed_source for result in results if result.fixed_source is not None), stdin_text)
        sys.stdout.buffer.write(fixed.encode(stdin_encoding))
        sys.stdout.flush()
        report_stream = sys.stderr
    if options.mode == "diff":
        sys.stdout.write("".join(result.diff for result in results))
        print(diff_summary(results), file=sys.stderr)
    else:
        if args.statistics:
            report = statistics_json(results) if args.format == "json" else statistics_text(results)
        else:
            report = REPORTS[args.format](results)
        if args.output_file is None:
            report_stream.write(report)
        else:
            try:
                args.output_file.parent.mkdir(parents=True, exist_ok=True)
                args.output_file.write_text(report, "utf-8")
            except OSError as error:
                return usage_error(f"cannot write the report to {args.output_file}: {error}")
    status = exit_status(results, options.mode)
    return 0 if status == 1 and args.exit_zero else status


def add_noqa_command(results: list[FileResult]) -> int:
    from .add_noqa import add_noqa
    from .check import exit_status

    changed, failures = add_noqa(results)
    for failure in failures:
        print(f"asyncguide: {failure}", file=sys.stderr)
    print(f"Added noqa comments to {changed} line{'' if changed == 1 else 's'}.", file=sys.stderr)
    return 2 if failures or exit_status(results, "check") == 2 else 0


def write_baseline_command(results: list[FileResult], baseline: Path) -> int:
    from .baseline import write_baseline
    from .check import exit_status

    try:
        recorded = write_baseline(results, baseline)
    except OSError as error:
        return usage_error(f"cannot write the baseline {baseline}: {error}")
    print(f"Recorded {recorded} finding{'' if recorded == 1 else 's'} in {baseline}.", file=sys.stderr)
    return 2 if exit_status(results, "check") == 2 else 0


def rules_command(output_format: str) -> int:
    rules = all_rules()
    if output_format == "json":
        listing = [
            {
                "code": code,
                "name": rule.name,
                "framework": rule.framework,
                "severity": rule.severity.value,
                "summary": rule.summary,
                "fix": rule.fix_availability.value,
                "group": group_of(rule),
                "guidelines": [
                    {"document": quote.document, "section": quote.section, "text": quote.text} for quote in rule.guidelines
                ],
            }
            for code, rule in rules.items()
        ]
        print(json.dumps(listing, indent=2, ensure_ascii=False))
        return 0
    name_width = max((len(rule.name) for rule in rules.values()), default=0)
    for code, rule in rules.items():
        print(
            f"{code}  {rule.name:<{name_width}}  {rule.framework:<9}  {rule.severity.value:<11}  "
            f"fix: {rule.fix_availability.value:<9}  {group_of(rule):<7}  {rule.summary}"
        )
    return 0


def explain_command(code: str) -> int:
    rule = all_rules().get(code.strip().upper())
    if rule is None:
        return usage_error(f"unknown rule code {code!r}; `asyncguide rules` lists every code")
    sys.stdout.write(render_markdown(rule))
    return 0


def guidelines_command(framework: str | None, output_format: str) -> int:
    from .guideline_report import guidelines_json, guidelines_text, report_entries

    entries = report_entries(framework)
    sys.stdout.write(guidelines_json(entries) if output_format == "json" else guidelines_text(entries))
    return 0


def usage_error(message: str) -> int:
    print(f"asyncguide: error: {' '.join(message.splitlines())}", file=sys.stderr)
    return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
