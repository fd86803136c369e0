"""A call's arguments, by position or by keyword, as rules and ``rules/handlers.py`` read them."""

from __future__ import annotations

import ast


def keyword(call: ast.Call, name: str) -> ast.expr | None:
    """The value of keyword argument ``name`` in a call, or None."""
    for kw in call.keywords:
        if kw.arg == name:
            return kw.value
    return None


def argument(call: ast.Call, position: int, name: str | None = None) -> ast.expr | None:
    """The argument at ``position`` (if positional, and not after a ``*args``) or keyword ``name``."""
    for index, arg in enumerate(call.args):
        if isinstance(arg, ast.Starred):
            break
        if index == position:
            return arg
    return keyword(call, name) if name else None
