"""Every rule, by code, and selection of rules by code or code prefix.

A rule registers itself by being defined (``Rule.__init_subclass__``); a pack's ``__init__``
imports every module of its folder (``import_pack_modules``), so adding a rule is adding one file.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .rule import Rule

#: the rule packs, one folder each under rules/
PACKS = ("asyncio", "starlette", "aiohttp", "sanic", "tornado")

#: codes of asyncguide itself rather than of a rule (``noqa``): a selector enables one only by
#: naming it in full (``extend-select = ["ASG001"]``), never through "ALL" or a prefix
TOOL_CODES = frozenset({"ASG001"})

_CODE = re.compile(r"^[A-Z]{3}[0-9]{3}$")
_rules: dict[str, type[Rule]] = {}
_packs_loaded = False


class SelectionError(ValueError):
    """A code or prefix in a selection names no rule."""


def register(rule: type[Rule]) -> None:
    if not _CODE.match(rule.code):
        raise ValueError(f"{rule.__name__}: code {rule.code!r} is not three capitals and three digits")
    existing = _rules.get(rule.code)
    if existing is not None and existing.__qualname__ != rule.__qualname__:
        raise ValueError(f"{rule.code} is claimed by both {existing.__name__} and {rule.__name__}")
    _rules[rule.code] = rule


def import_pack_modules(package: str, path: Iterable[str]) -> None:
    for module in pkgutil.iter_modules(path):
        importlib.import_module(f"{package}.{module.name}")


def _load_packs() -> None:
    global _packs_loaded
    _packs_loaded = True
    for pack in PACKS:
        try:
            importlib.import_module(f"{__package__}.{pack}")
        except ModuleNotFoundError as error:
            if error.name != f"{__package__}.{pack}":
                raise


def all_rules() -> dict[str, type[Rule]]:
    """Every registered rule by code, sorted by code."""
    if not _packs_loaded:
        _load_packs()
    return dict(sorted(_rules.items()))


def rule(code: str) -> type[Rule] | None:
    return all_rules().get(code)


def is_known_selector(selector: str) -> bool:
    """True when ``selector`` is a rule code or a prefix of one ("ASY", "ASY1", "ASY100"), or one
    of ``TOOL_CODES``."""
    return selector == "ALL" or selector in TOOL_CODES or any(code.startswith(selector) for code in all_rules())


def expand(selectors: Iterable[str]) -> set[str]:
    """The codes a list of codes and prefixes names. An unknown selector is an error."""
    codes: set[str] = set()
    for selector in selectors:
        if not is_known_selector(selector):
            raise SelectionError(f"{selector!r} is neither a rule code nor a prefix of one")
        if selector in TOOL_CODES:
            codes.add(selector)
            continue
        codes.update(code for code in all_rules() if selector == "ALL" or code.startswith(selector))
    return codes


def select(
    select: Iterable[str] | None = None,
    ignore: Iterable[str] = (),
    extend_select: Iterable[str] = (),
) -> frozenset[str]:
    """The enabled codes: ``select`` (default: every rule) plus ``extend_select``, less ``ignore``.

    A more specific selector wins over a less specific one, as in ruff: ``select=["ASY"],
    ignore=["ASY1"], extend_select=["ASY100"]`` enables ASY100 but no other ASY1xx.
    """
    chosen: dict[str, int] = {}  # code -> specificity of the selector that enabled it
    for selector in [*(select if select is not None else ["ALL"]), *extend_select]:
        for code in expand([selector]):
            chosen[code] = max(chosen.get(code, -1), _specificity(selector))
    for selector in ignore:
        for code in expand([selector]):
            if code in chosen and chosen[code] <= _specificity(selector):
                del chosen[code]
    return frozenset(chosen)


def _specificity(selector: str) -> int:
    return 0 if selector == "ALL" else len(selector)
