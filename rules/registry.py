"""Every rule, by code, and selection of rules by code, code prefix or group.

A rule registers itself by being defined (``Rule.__init_subclass__``); a pack's ``__init__``
imports every module of its folder (``import_pack_modules``), so adding a rule is adding one file.

Rules are in one of two groups: ``default`` (on unless ignored) and ``pedantic`` (``Rule.opt_in``:
off unless selected by its code or by the group's name, ``extend-select = ["pedantic"]``).
"""

from __future__ import annotations

import importlib
import pkgutil
import threading
from collections.abc import Iterable

from .rule import Rule, defined_rules

#: the rule packs, one folder each under rules/
PACKS = ("asyncio", "starlette", "aiohttp", "sanic", "tornado")

#: the group of the rules that are on by default, and of the opt-in rules (``Rule.opt_in``)
DEFAULT_GROUP = "default"
OPT_IN_GROUP = "pedantic"
#: the selector naming every opt-in rule (selectors are upper case)
OPT_IN_SELECTOR = OPT_IN_GROUP.upper()
#: codes of asyncguide itself rather than of a rule (``noqa``): a selector enables one only by
#: naming it in full (``extend-select = ["ASG001"]``), never through "ALL" or a prefix
TOOL_CODES = frozenset({"ASG001"})

#: every rule by code, in the order they were defined: defining a rule records it (``rule.defined_rules``)
_rules = defined_rules()
_packs_loaded = False
#: the server's worker threads ask for the rules while its event loop's thread does (the index is
#: built in the background as the first document is linted): one loads them, the others wait
_loading = threading.RLock()


class SelectionError(ValueError):
    """A code or prefix in a selection names no rule."""


def import_pack_modules(package: str, path: Iterable[str]) -> None:
    for module in pkgutil.iter_modules(path):
        importlib.import_module(f"{package}.{module.name}")


def _load_packs() -> None:
    """Import every pack once. The flag is set when all are imported, so that no thread sees a
    registry still being filled (a lint with part of the rules)."""
    global _packs_loaded
    with _loading:
        if _packs_loaded:
            return
        for pack in PACKS:
            try:
                importlib.import_module(f"{__package__}.{pack}")
            except ModuleNotFoundError as error:
                if error.name != f"{__package__}.{pack}":
                    raise
        _packs_loaded = True


def all_rules() -> dict[str, type[Rule]]:
    """Every registered rule by code, sorted by code."""
    if not _packs_loaded:
        _load_packs()
    return dict(sorted(_rules.items()))


def rule(code: str) -> type[Rule] | None:
    if not _packs_loaded:
        _load_packs()
    return _rules.get(code)  # (not all_rules(): a lint looks up each of its rules, no need to sort)


def group_of(rule: type[Rule]) -> str:
    return OPT_IN_GROUP if rule.opt_in else DEFAULT_GROUP


def is_known_selector(selector: str) -> bool:
    """True when ``selector`` is a rule code, a prefix of one ("ASY", "ASY1", "ASY100"), ``ALL``,
    the opt-in group's name or one of ``TOOL_CODES``."""
    return (
        selector in ("ALL", OPT_IN_SELECTOR)
        or selector in TOOL_CODES
        or any(code.startswith(selector) for code in all_rules())
    )


def expand(selectors: Iterable[str]) -> set[str]:
    """The codes a list of selectors names, opt-in rules included. An unknown selector is an error."""
    codes: set[str] = set()
    for selector in selectors:
        if not is_known_selector(selector):
            raise SelectionError(f"{selector!r} is neither a rule code nor a prefix of one, nor the group {OPT_IN_GROUP!r}")
        if selector in TOOL_CODES:
            codes.add(selector)
            continue
        codes.update(code for code, rule in all_rules().items() if _names(selector, code, rule))
    return codes


def _names(selector: str, code: str, rule: type[Rule]) -> bool:
    if selector == OPT_IN_SELECTOR:
        return rule.opt_in
    return selector == "ALL" or code.startswith(selector)


def _enables(selector: str, code: str, rule: type[Rule]) -> bool:
    """Whether selecting ``selector`` turns on ``rule``: an opt-in rule only by its code or group,
    so that ``select = ["STA"]`` or ``ALL`` keeps them off."""
    return not rule.opt_in or selector in (code, OPT_IN_SELECTOR)


def select(
    select: Iterable[str] | None = None,
    ignore: Iterable[str] = (),
    extend_select: Iterable[str] = (),
) -> frozenset[str]:
    """The enabled codes: ``select`` (default: every rule of the default group) plus
    ``extend_select``, less ``ignore``. An opt-in rule is enabled only by its code or its group.

    A more specific selector wins over a less specific one, as in ruff: ``select=["ASY"],
    ignore=["ASY1"], extend_select=["ASY100"]`` enables ASY100 but no other ASY1xx.
    """
    rules = all_rules()
    chosen: dict[str, int] = {}  # code -> specificity of the selector that enabled it
    for selector in [*(select if select is not None else ["ALL"]), *extend_select]:
        for code in expand([selector]):
            if code in TOOL_CODES or _enables(selector, code, rules[code]):
                chosen[code] = max(chosen.get(code, -1), _specificity(selector))
    for selector in ignore:
        for code in expand([selector]):
            if code in chosen and chosen[code] <= _specificity(selector):
                del chosen[code]
    return frozenset(chosen)


def _specificity(selector: str) -> int:
    """How precisely a selector names a rule: the opt-in group names each of its rules, as a code."""
    if selector == OPT_IN_SELECTOR:
        return len("ASY100")
    return 0 if selector == "ALL" else len(selector)
