"""Editor settings, ``pyproject.toml`` settings, and how they combine for one document.

Editor settings (camelCase keys) come from ``initializationOptions``, ``workspace/configuration``
(section ``asyncguide``) and ``workspace/didChangeConfiguration``:

====================== ============================================================ ===============
setting                meaning                                                      default
====================== ============================================================ ===============
select                 codes or prefixes to enable                                  from pyproject
ignore                 codes or prefixes to disable                                 from pyproject
unsafeFixes            include unsafe fixes in "fix all"                            from pyproject
debounceMs             delay before publishing diagnostics after an edit            150
showSyntaxErrors       report code that does not parse (ASG000)                     false
configurationPreference ``editorFirst``: select/ignore/unsafeFixes above override    editorFirst
                       pyproject; ``filesystemFirst``: they apply only where no
                       ``[tool.asyncguide]`` configures the document
logLevel               the least severe log records sent to the client            info
                       (``error``, ``warning``, ``info``, ``debug``; see ``logs``)
====================== ============================================================ ===============

An invalid setting is reported to the user by name and keeps its default; unknown keys are
ignored (editors send their client-side settings in the same section).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, NewType

import cattrs
from cattrs.gen import make_dict_structure_fn, override

from asyncguide.rules.config import ConfigError, Settings, find_pyproject, load_pyproject, parse_selectors
from asyncguide.rules.versions import FrameworkVersions

from .logs import DEFAULT_LEVEL, LEVELS

Selectors = NewType("Selectors", tuple[str, ...])
Milliseconds = NewType("Milliseconds", float)
Preference = NewType("Preference", str)
PREFERENCES: tuple[str, ...] = ("editorFirst", "filesystemFirst")
LogLevel = NewType("LogLevel", str)


@dataclass(frozen=True)
class EditorSettings:
    select: Selectors | None = None
    ignore: Selectors | None = None
    unsafe_fixes: bool | None = None
    debounce_ms: Milliseconds = Milliseconds(150)
    show_syntax_errors: bool = False
    configuration_preference: Preference = Preference("editorFirst")
    log_level: LogLevel = LogLevel(DEFAULT_LEVEL)


def camel_case(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _structure_selectors(value: Any, _: type) -> Selectors:
    return Selectors(parse_selectors(value))


def _structure_milliseconds(value: Any, _: type) -> Milliseconds:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ValueError("must be a number of milliseconds, 0 or more")
    return Milliseconds(float(value))


def _structure_bool(value: Any, _: type) -> bool:
    if not isinstance(value, bool):
        raise TypeError("must be true or false")
    return value


def _structure_preference(value: Any, _: type) -> Preference:
    if value not in PREFERENCES:
        raise ValueError(f"must be one of {', '.join(repr(p) for p in PREFERENCES)}")
    return Preference(value)


def _structure_log_level(value: Any, _: type) -> LogLevel:
    if value not in LEVELS:
        raise ValueError(f"must be one of {', '.join(repr(level) for level in LEVELS)}")
    return LogLevel(value)


def make_converter() -> cattrs.Converter:
    converter = cattrs.Converter(detailed_validation=True)
    converter.register_structure_hook(Selectors, _structure_selectors)
    converter.register_structure_hook(Milliseconds, _structure_milliseconds)
    converter.register_structure_hook(bool, _structure_bool)
    converter.register_structure_hook(Preference, _structure_preference)
    converter.register_structure_hook(LogLevel, _structure_log_level)
    renames = {field.name: override(rename=camel_case(field.name)) for field in fields(EditorSettings)}
    converter.register_structure_hook(EditorSettings, make_dict_structure_fn(EditorSettings, converter, **renames))
    return converter


def load_editor_settings(raw: Any, converter: cattrs.Converter) -> tuple[EditorSettings, list[str]]:
    """Editor settings from the client's JSON, and one problem per invalid setting (which keeps its
    default). ``None`` (nothing configured) gives the defaults."""
    if raw is None:
        return EditorSettings(), []
    if not isinstance(raw, dict):
        return EditorSettings(), [f"asyncguide settings must be an object, not {type(raw).__name__}; using the defaults"]
    known = {camel_case(field.name) for field in fields(EditorSettings)}
    values = {key: value for key, value in raw.items() if key in known}
    problems: list[str] = []
    while True:
        try:
            return converter.structure(values, EditorSettings), problems
        except cattrs.ClassValidationError as error:
            failures, others = error.group_exceptions()
            if others or not failures:
                raise
            for exception, note in failures:
                key = camel_case(note.name)
                problems.append(f"asyncguide setting `{key}` is invalid ({exception}); using its default")
                values.pop(key, None)


def configures(project: Settings) -> bool:
    """True when a ``[tool.asyncguide]`` table set anything for these settings."""
    return replace(project, root=None) != Settings()


def combine(editor: EditorSettings, project: Settings) -> Settings:
    """The settings a document is linted with: its pyproject's, with the editor's select, ignore
    and unsafeFixes on top when the editor comes first or the pyproject configures nothing.

    An editor ``select`` is the whole selection: it also drops the pyproject's ``extend-select``.
    """
    if editor.configuration_preference == "filesystemFirst" and configures(project):
        return project
    changes: dict[str, Any] = {}
    if editor.select is not None:
        changes.update(select=tuple(editor.select), extend_select=())
    if editor.ignore is not None:
        changes["ignore"] = tuple(editor.ignore)
    if editor.unsafe_fixes is not None:
        changes["unsafe_fixes"] = editor.unsafe_fixes
    return replace(project, **changes)


@dataclass(frozen=True)
class LintSettings:
    """What linting one document needs, settled from every source of settings."""

    codes: frozenset[str]
    target_version: tuple[int, int]
    unsafe_fixes: bool
    excluded: bool
    #: the folder of the pyproject.toml these came from, if any
    root: Path | None
    #: the versions of the frameworks the document's project uses (``AsyncguideServer.lint_settings``)
    versions: FrameworkVersions | None = None


@dataclass
class _Loaded:
    mtime_ns: int
    settings: Settings
    error: ConfigError | None


class ProjectSettings:
    """``[tool.asyncguide]`` settings per document, from its nearest ``pyproject.toml``.

    Which pyproject.toml is nearest is cached per folder until ``forget`` (a watched pyproject.toml
    changed); a loaded file is cached by path and modification time, so an edit on disk is seen at
    the next lint even without file watching. A broken file is reported once per modification.
    """

    def __init__(self) -> None:
        self._nearest: dict[Path, Path | None] = {}
        self._loaded: dict[Path, _Loaded] = {}

    def forget(self) -> None:
        self._nearest.clear()

    def settings_for(self, path: Path | None) -> tuple[Settings, ConfigError | None]:
        """The document's pyproject settings (defaults when it has none or it is broken), and the
        error to report when the file was just (re)loaded and is broken."""
        if path is None:
            return Settings(), None
        folder = path.parent
        if folder not in self._nearest:
            self._nearest[folder] = find_pyproject(folder)
        pyproject = self._nearest[folder]
        if pyproject is None:
            return Settings(), None
        try:
            mtime_ns = os.stat(pyproject).st_mtime_ns
        except OSError:
            self._nearest.pop(folder, None)
            return Settings(), None
        loaded = self._loaded.get(pyproject)
        if loaded is not None and loaded.mtime_ns == mtime_ns:
            return loaded.settings, None
        try:
            loaded = _Loaded(mtime_ns, load_pyproject(pyproject), None)
        except ConfigError as error:
            loaded = _Loaded(mtime_ns, Settings(root=pyproject.parent, source=pyproject), error)
        self._loaded[pyproject] = loaded
        return loaded.settings, loaded.error


def lint_settings(editor: EditorSettings, project: Settings, path: Path | None) -> LintSettings:
    settings = combine(editor, project)
    return LintSettings(
        codes=settings.codes_for(path),
        target_version=settings.target_version,
        unsafe_fixes=settings.unsafe_fixes,
        excluded=path is not None and bool(settings.exclude) and settings.is_excluded(path),
        root=settings.root,
    )
