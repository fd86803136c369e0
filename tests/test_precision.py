"""The precision benchmark's record (benchmarks/precision/): the pins, the triage tool, and that the
summary the docs are generated from matches the findings and verdicts in the repository."""

from __future__ import annotations

import importlib.util
import io
import json
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRECISION = ROOT / "benchmarks" / "precision"


def load(name: str) -> ModuleType:
    """The benchmark's scripts are not a package: load one from its path."""
    spec = importlib.util.spec_from_file_location(f"asyncguide_precision_{name}", PRECISION / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve names through sys.modules
    spec.loader.exec_module(module)
    return module


triage = load("triage")
collect = load("collect")


def finding(project: str, path: str, line: int, code: str = "ASY150") -> dict:
    return {"project": project, "path": path, "line": line, "column": 1, "code": code, "message": "m"}


@pytest.fixture
def record(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A scratch run of two projects and an empty triage record, in place of the repository's."""
    run = {
        "asyncguide": "abc", "python": "3.11.7",
        "projects": {"app": {"version": "1.0", "framework": "fastapi", "files": 2, "lines": 40}},
        "findings": [finding("app", "app/a.py", 3), finding("app", "app/a.py", 9, "ASY161"), finding("app", "app/b.py", 5)],
    }
    (tmp_path / "findings.json").write_text(json.dumps(run), "utf-8")
    (tmp_path / "verdicts.tsv").write_text("\t".join(triage.COLUMNS) + "\n", "utf-8")
    monkeypatch.setattr(triage, "FINDINGS_FILE", tmp_path / "findings.json")
    monkeypatch.setattr(triage, "VERDICTS_FILE", tmp_path / "verdicts.tsv")
    monkeypatch.setattr(triage, "SUMMARY_FILE", tmp_path / "summary.json")
    return tmp_path


def run_triage(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *arguments: str, stdin: str = "") -> str:
    monkeypatch.setattr(sys, "argv", ["triage.py", *arguments])
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    triage.main()
    return capsys.readouterr().out


def test_the_committed_summary_matches_the_findings_and_verdicts() -> None:
    expected = triage.render_summary(triage.summary(triage.load_run(), triage.load_verdicts()))
    assert triage.SUMMARY_FILE.read_text("utf-8") == expected, (
        "benchmarks/precision/summary.json is stale: run benchmarks/precision/triage.py report, then docs/generate.py"
    )


def test_the_corpus_pins_real_applications_of_every_framework() -> None:
    projects = collect.read_projects()
    assert len(projects) >= 15
    assert {"tornado", "aiohttp", "sanic", "fastapi"} <= {project.framework for project in projects}
    assert all(project.include for project in projects)
    summary = json.loads(triage.SUMMARY_FILE.read_text("utf-8"))
    assert set(summary["projects"]) == {project.name for project in projects}
    assert sum(project["lines"] for project in summary["projects"].values()) >= 300_000


def test_checked_files_leave_out_tests_and_excluded_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(collect, "CACHE", tmp_path)
    project = collect.Project("app", "1.0", "fastapi", ("app", "extra.py"), ("app/_vendor",))
    for relative in ("app/main.py", "app/tests/test_main.py", "app/testing/helpers.py", "app/api/routes.py",
                     "app/_vendor/lib.py", "app/_vendorised.py", "extra.py", "other.py"):
        path = project.folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x = 1\n", "utf-8")
    assert collect.source_files(project) == ["app/_vendorised.py", "app/api/routes.py", "app/main.py", "extra.py"]


def test_a_bad_pin_line_is_an_error(tmp_path: Path) -> None:
    pins = tmp_path / "projects.txt"
    pins.write_text("# comment\nflower==2.2.0\n", "utf-8")
    with pytest.raises(SystemExit, match="projects.txt:2"):
        collect.read_projects(pins)


def test_batches_split_all_findings_by_whole_files() -> None:
    findings = [finding("p", f"f{n // 3}.py", n) for n in range(60)]  # 20 files of 3 findings
    parts = triage.batches(findings, 6)
    assert sorted(f["line"] for part in parts for f in part) == list(range(60))
    files = [{f["path"] for f in part} for part in parts]
    assert all(not (a & b) for i, a in enumerate(files) for b in files[i + 1:])
    assert all(9 <= len(part) <= 12 for part in parts)


def test_record_and_report(record: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    pending = run_triage(monkeypatch, capsys, "pending")
    assert "3 findings to judge" in pending
    run_triage(monkeypatch, capsys, "record", "app", "app/b.py", "5", "ASY150", "FP", "re-raised", "below")
    run_triage(monkeypatch, capsys, "record", "-", stdin="app\tapp/a.py\t3\tASY150\tTP\tno traceback anywhere\n")
    rows = (record / "verdicts.tsv").read_text("utf-8").splitlines()
    assert rows[1:] == ["app\tapp/a.py\t3\tASY150\tTP\tno traceback anywhere", "app\tapp/b.py\t5\tASY150\tFP\tre-raised below"]
    pending = run_triage(monkeypatch, capsys, "pending", "--code", "ASY161")
    assert "== app\tapp/a.py\t9\tASY161" in pending and "1 findings to judge" in pending

    report = run_triage(monkeypatch, capsys, "report")
    assert "3 findings, 1 to judge" in report
    summary = json.loads((record / "summary.json").read_text("utf-8"))
    assert summary["rules"]["ASY150"] == {"findings": 2, "judged": 2, "TP": 1, "FP": 1, "debatable": 0}
    assert summary["total"]["judged"] == 2

    # a new run where the true positive and the false positive are gone
    run = json.loads((record / "findings.json").read_text("utf-8"))
    run["findings"] = [f for f in run["findings"] if f["code"] == "ASY161"]
    (record / "findings.json").write_text(json.dumps(run), "utf-8")
    report = run_triage(monkeypatch, capsys, "report")
    assert "vanished TP: app\tapp/a.py\t3\tASY150\tno traceback anywhere" in report
    assert "vanished: 1 TP, 1 FP, 0 debatable" in report


@pytest.mark.parametrize(
    ("arguments", "error"),
    [
        (("app", "app/b.py", "6", "ASY150", "FP", "x"), "no finding"),
        (("app", "app/b.py", "5", "ASY150", "wrong", "x"), "not one of TP, FP, debatable"),
        (("app", "app/b.py", "5", "ASY150", "FP", ""), "one-line reason"),
    ],
)
def test_record_rejects_what_is_not_a_verdict_on_a_finding(
    record: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], arguments: tuple[str, ...], error: str
) -> None:
    with pytest.raises(SystemExit, match=error):
        run_triage(monkeypatch, capsys, "record", *arguments)


def test_a_changed_verdict_needs_replace(record: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    run_triage(monkeypatch, capsys, "record", "app", "app/b.py", "5", "ASY150", "FP", "re-raised")
    with pytest.raises(SystemExit, match="already has a verdict"):
        run_triage(monkeypatch, capsys, "record", "app", "app/b.py", "5", "ASY150", "TP", "no")
    run_triage(monkeypatch, capsys, "record", "--replace", "app", "app/b.py", "5", "ASY150", "TP", "no")
    assert triage.load_verdicts()[("app", "app/b.py", 5, "ASY150")].verdict == "TP"


def test_verdicts_merged_from_two_branches_load(record: Path) -> None:
    """git's union driver keeps both sides' lines: a second header, rows out of order."""
    header = "\t".join(triage.COLUMNS)
    (record / "verdicts.tsv").write_text(
        f"{header}\napp\tapp/b.py\t5\tASY150\tFP\tx\n{header}\napp\tapp/a.py\t3\tASY150\tTP\ty\n", "utf-8"
    )
    assert set(triage.load_verdicts()) == {("app", "app/b.py", 5, "ASY150"), ("app", "app/a.py", 3, "ASY150")}


def test_a_sample_keeps_n_findings_of_each_code_whatever_is_judged() -> None:
    findings = [finding("p", f"f{n}.py", n, "ASY150") for n in range(30)] + [finding("p", "g.py", 1, "ASY161")]
    chosen = triage.sample(findings, 5)
    assert sum(f["code"] == "ASY150" for f in chosen) == 5
    assert [f for f in chosen if f["code"] == "ASY161"] == findings[-1:]  # a rarer code in full
    assert triage.sample(list(reversed(findings)), 5) == list(reversed(chosen))  # chosen by the finding, not its place


def test_the_estimate_extrapolates_each_rules_verdicts_to_its_findings() -> None:
    often = Counter(findings=100, judged=10, TP=5, FP=4, debatable=1)
    rare = Counter(findings=2, judged=2, TP=2)
    unjudged = Counter(findings=50)
    assert triage.estimate([often, rare, unjudged]) == {"findings": 102, "TP": 52.0, "FP": 40.0, "debatable": 10.0}
