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
from importlib.metadata import version

from ..rules.config import TARGET_VERSIONS, ConfigError
from ..rules.documentation import render_markdown
from ..rules.registry import SelectionError, all_rules, expand, group_of

EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="asyncguide", description="Lint async Python web services.")
    parser.add_argument("--version", action="version", version=f"asyncguide {version('asyncguide')}")
    commands = parser.add_subparsers(dest="command", required=True)

    check = commands.add_parser(
        "check",
        help="lint Python files and folders",
        description="Lint the .py files under each PATH (folders recursively, git-ignored and excluded paths skipped).",
        epilog="Exit codes: 0 no findings, 1 findings (with --fix: findings left; with --diff: changes to make), "
        "2 usage or configuration error, or asyncguide failed on a file (an internal error in a rule or a fix, "
        "fixes that could not be written).",
    )
    check.add_argument("paths", nargs="*", default=["."], metavar="PATH", help="files and folders (default: .)")
    check.add_argument("--format", choices=("text", "json", "sarif"), default="text", help="output format (default: text)")
    check.add_argument(
        "--select", type=selector_list, metavar="CODES",
        help="comma-separated codes or prefixes to enable, instead of the configured select and extend-select",
    )
    check.add_argument(
        "--ignore", type=selector_list, metavar="CODES",
        help="comma-separated codes or prefixes to disable, instead of the configured ignore",
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
        if args.diff and (args.format != "text" or args.statistics):
            parser.error("--diff prints a unified diff; it cannot be combined with --format json/sarif or --statistics")
        if args.statistics and args.format == "sarif":
            parser.error("--statistics prints text or JSON, not SARIF")
        return check_command(args)
    if args.command == "rules":
        return rules_command(args.format)
    if args.command == "explain":
        return explain_command(args.code)
    if args.command == "guidelines":
        return guidelines_command(args.framework, args.format)
    from .lsp import run

    run(tcp=args.tcp, host=args.host, port=args.port)
    return 0


def check_command(args: argparse.Namespace) -> int:
    from .check import CheckOptions, exit_status, quiet_engine_logging, run_check
    from .output import diff_summary, json_report, sarif_report, statistics_json, statistics_text, text_report

    options = CheckOptions(
        select=args.select,
        ignore=args.ignore,
        target_version=TARGET_VERSIONS.get(args.target_version),
        mode="diff" if args.diff else "fix" if args.fix else "check",
        unsafe_fixes=args.unsafe_fixes,
        jobs=args.jobs,
        use_cache=not args.no_cache,
    )
    quiet_engine_logging()
    try:
        results = run_check(args.paths, options)
    except (ConfigError, FileNotFoundError) as error:
        return usage_error(str(error))
    for result in results:
        for internal_error in dict.fromkeys(result.internal_errors):
            print(
                f"asyncguide: internal error in rule {internal_error.code} on {result.display_path}: {internal_error.message}",
                file=sys.stderr,
            )
        for failure in result.failures:
            print(f"asyncguide: {failure}", file=sys.stderr)
    if options.mode == "diff":
        sys.stdout.write("".join(result.diff for result in results))
        print(diff_summary(results), file=sys.stderr)
    elif args.statistics:
        sys.stdout.write(statistics_json(results) if args.format == "json" else statistics_text(results))
    else:
        report = {"text": text_report, "json": json_report, "sarif": sarif_report}[args.format]
        sys.stdout.write(report(results))
    return exit_status(results, options.mode)


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
