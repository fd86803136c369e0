"""Synthetic modules for measuring and testing "fix all" (``tests/rules/test_fix_all.py`` and
``benchmarks/fix_all.py``): no pytest here, so the benchmark imports it too."""

from __future__ import annotations


def many_findings(count: int) -> str:
    """A module with ``count`` fixable findings, each in a function of its own: blocking
    ``time.sleep`` calls in coroutines (ASY100) and ``asyncio.iscoroutinefunction`` calls (ASY124,
    on 3.14) by turns."""
    parts = ["import asyncio\nimport time\n"]
    for number in range(count):
        if number % 2:
            parts.append(f"\n\ndef check_{number}(callback):\n    return asyncio.iscoroutinefunction(callback)\n")
        else:
            parts.append(f"\n\nasync def poll_{number}():\n    time.sleep(1)\n")
    return "".join(parts)
