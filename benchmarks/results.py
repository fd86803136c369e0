"""benchmarks/results.json: each benchmark writes its own section, with the machine it ran on."""

from __future__ import annotations

import datetime
import json
import os
import platform
from pathlib import Path
from typing import Any


def machine() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        # other work on the machine inflates every wall-clock figure: keep the evidence with them
        "load_average_1_5_15_min": [round(load, 2) for load in os.getloadavg()],
    }


def warn_if_busy() -> None:
    """Say so when other processes keep the CPUs busy: the numbers that follow will be too high."""
    load = os.getloadavg()[0]
    cpus = os.cpu_count() or 1
    if load > cpus / 2:
        print(f"warning: the machine is busy (load average {load:.1f} on {cpus} CPUs); "
              "times measured now will be inflated", flush=True)


def save_section(path: Path, name: str, data: dict[str, Any]) -> None:
    """Replace section ``name`` of the results file, keeping the other benchmarks' sections."""
    try:
        results = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        results = {}
    results[name] = {
        "measured_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": machine(),
        **data,
    }
    path.write_text(json.dumps(results, indent=2) + "\n", "utf-8")


RESULTS = Path(__file__).resolve().parent / "results.json"


def conditions(section: dict[str, Any]) -> str:
    machine = section["machine"]
    load = machine.get("load_average_1_5_15_min", ["?"])[0]
    return f"{machine['cpus']} CPUs, load average {load}, measured {section['measured_at']}"


def summary(results: dict[str, Any]) -> list[str]:
    """The measured numbers next to their targets, a few lines per benchmark."""
    lines: list[str] = []
    latency = results.get("latency")
    if latency:
        lines.append(f"keystroke to diagnostics (LSP over stdio, debounce excluded; {conditions(latency)}):")
        for file in latency["files"].values():
            verdict = "met" if file["target_met"] else "MISSED"
            failed = file.get("failed_changes", 0)
            change = f", {file['change']}" if "change" in file else ""
            lines.append(f"  {file['lines']:>6,} lines{change}: p50 {file['p50_ms']:.1f} ms, p95 {file['p95_ms']:.1f} ms "
                         f"(target p95 ≤ {file['target_p95_ms']:.0f} ms: {verdict}); engine alone p50 "
                         f"{file['lint_only_p50_ms']:.1f} ms"
                         + (f"; {failed} changes got an error instead of diagnostics" if failed else ""))
    corpus = results.get("corpus")
    if corpus:
        tools = corpus["tools"]
        base = tools["asyncguide"]
        lines.append(f"corpus check ({corpus['files']} files, {corpus['lines']:,} lines; median of "
                     f"{corpus['runs']} runs; {conditions(corpus)}):")
        for name, tool in tools.items():
            lines.append(
                f"  {name:<22} {tool['wall_seconds']:8.2f} s ({tool['wall_seconds'] / base['wall_seconds']:6.2f}×)"
                f"  peak RSS {tool['max_rss_mib']:5.0f} MiB largest process ({tool['max_rss_mib'] / base['max_rss_mib']:.2f}×),"
                f" {tool['tree_peak_rss_mib']:5.0f} MiB process tree ({tool['tree_peak_rss_mib'] / base['tree_peak_rss_mib']:.2f}×)"
            )
        verdict = "met" if corpus["target"]["faster_than_flake8_async"] else "MISSED"
        lines.append(f"  target: asyncguide faster than flake8 + flake8-async: {verdict}")
    live = results.get("live")
    if live:
        lines.append(f"language server with {live['workspace']['files']:,} modules indexed (debounce excluded; "
                     f"{conditions(live)}):")
        for name, configuration in live["configurations"].items():
            typing = ", ".join(f"{kind} p95 {k['p95_ms']:.1f} ms" for kind, k in configuration["keystrokes"].items())
            rss = max(configuration["rss_indexed_mib"], configuration["rss_end_mib"])
            cross = ", ".join(f"{where} max {c['max']:.0f} ms" for where, c in configuration["cross_file_ms"].items())
            lines.append(f"  {name}: {typing}; RSS {rss:.0f} MiB" + (f"; cross-file update, {cross}" if cross else ""))
        targets = live["targets"]
        lines.append(f"  targets (keystroke p95 ≤ {targets['keystroke_p95_ms']:.0f} ms, cross-file update ≤ "
                     f"{targets['cross_file_ms']:.0f} ms, RSS ≤ {targets['rss_mib']:.0f} MiB): "
                     f"{'met' if live['targets_met'] else 'MISSED'}")
    startup = results.get("startup")
    if startup:
        target = startup["target"]
        lines.append(f"language server start-up, spawn to first diagnostics (median of {startup['runs']} starts; "
                     f"{conditions(startup)}):")
        for document, modes in startup["documents"].items():
            for mode, servers in modes.items():
                medians = ", ".join(f"{name} {server['first_diagnostics_s_median'] * 1000:.0f} ms"
                                    for name, server in servers.items())
                lines.append(f"  {document.split(' (')[0]}, {mode}: {medians}")
        lines.append(f"  target ({target['configuration']}, {target['document'].split(' (')[0]}, {target['mode']}: "
                     f"≤ {target['first_diagnostics_s']} s): {target['median_s']:.2f} s, "
                     f"{'met' if startup['target_met'] else 'MISSED'}")
    return lines or ["no results yet: run benchmarks/run"]


if __name__ == "__main__":
    try:
        saved = json.loads(RESULTS.read_text("utf-8"))
    except OSError:
        saved = {}
    print("\n".join(summary(saved)))
