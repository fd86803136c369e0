"""Editor settings, ``pyproject.toml`` settings, and how they combine for one document.

Editor settings (camelCase keys) come from ``initializationOptions``, ``workspace/configuration``
(section ``asyncguide``) and ``workspace/didChangeConfiguration``:

=========================== ======================================================= ===============
setting                     meaning                                                 default
=========================== ======================================================= ===============
enable                      lint at all (off: no diagnostics, hovers or actions)    true
select                      codes or prefixes to enable                             from pyproject
extendSelect                codes or prefixes to enable on top of the selection     none
ignore                      codes or prefixes to disable                            from pyproject
exclude                     globs of files not to lint, on top of pyproject's       none
configuration               a TOML file whose ``[tool.asyncguide]`` is used instead  none
                            of the nearest pyproject.toml's (relative to the
                            document's workspace folder)
unsafeFixes                 include unsafe fixes in "fix all"                       from pyproject
debounceMs                  delay before publishing diagnostics after an edit       150
showSyntaxErrors            report code that does not parse (ASG000)                false
configurationPreference     ``editorFirst``: the selection settings above override  editorFirst
                            pyproject; ``filesystemFirst``: they apply only where
                            no ``[tool.asyncguide]`` configures the document
codeAction.fixViolation     ``{"enable": false}``: no quick fix per diagnostic      enabled
codeAction.disableRuleComment ``{"enable": false}``: no "disable for this line"    enabled
codeLens                    ``{"enable": false}``: no code lens over async defs     enabled
                            reaching blocking calls via helpers (ASY200)
logLevel                    the least severe log records sent to the client         info
                            (``error``, ``warning``, ``info``, ``debug``; ``logs``)
diagnosticMode              ``workspace``: ``workspace/diagnostic`` reports every   openFilesOnly
                            file of the workspace; ``openFilesOnly``: none besides
                            the open ones
=========================== ======================================================= ===============

The client answers ``workspace/configuration`` per workspace folder (``scopeUri``): each folder's
documents are linted with that folder's settings; documents outside every folder, and the log
level, use the settings without a scope (or ``initializationOptions``).

An invalid setting is reported to the user by name and keeps its default; unknown keys are
ignored (editors send their client-side settings in the same section).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, NewType

import cattrs
from cattrs.gen import make_dict_structure_fn, override

from asyncguide.rules.config import ConfigError, Settings, find_pyproject, load_pyproject, parse_selectors

from .logs import DEFAULT_LEVEL, LEVELS

if TYPE_CHECKING:
    from .versions import ProjectVersions

Selectors = NewType("Selectors", tuple[str, ...])
Milliseconds = NewType("Milliseconds", float)
Preference = NewType("Preference", str)
PREFERENCES: tuple[str, ...] = ("editorFirst", "filesystemFirst")
DiagnosticMode = NewType("DiagnosticMode", str)
#: which files ``workspace/diagnostic`` reports: the open ones only, or every file of the workspace
DIAGNOSTIC_MODES: tuple[str, ...] = ("openFilesOnly", "workspace")
LogLevel = NewType("LogLevel", str)
Globs = NewType("Globs", tuple[str, ...])
ConfigurationFile = NewType("ConfigurationFile", str)


@dataclass(frozen=True)
class Toggle:
    enable: bool = True


@dataclass(frozen=True)
class CodeActionSettings:
    fix_violation: Toggle = Toggle()
    disable_rule_comment: Toggle = Toggle()


@dataclass(frozen=True)
class EditorSettings:
    enable: bool = True
    select: Selectors | None = None
    extend_select: Selectors | None = None
    ignore: Selectors | None = None
    exclude: Globs | None = None
    configuration: ConfigurationFile | None = None
    unsafe_fixes: bool | None = None
    debounce_ms: Milliseconds = Milliseconds(150)
    show_syntax_errors: bool = False
    configuration_preference: Preference = Preference("editorFirst")
    diagnostic_mode: DiagnosticMode = DiagnosticMode("openFilesOnly")
    log_level: LogLevel = LogLevel(DEFAULT_LEVEL)
    code_action: CodeActionSettings = CodeActionSettings()
    code_lens: Toggle = Toggle()


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


def _structure_diagnostic_mode(value: Any, _: type) -> DiagnosticMode:
    if value not in DIAGNOSTIC_MODES:
        raise ValueError(f"must be one of {', '.join(repr(m) for m in DIAGNOSTIC_MODES)}")
    return DiagnosticMode(value)


def _structure_log_level(value: Any, _: type) -> LogLevel:
    if value not in LEVELS:
        raise ValueError(f"must be one of {', '.join(repr(level) for level in LEVELS)}")
    return LogLevel(value)


def _structure_globs(value: Any, _: type) -> Globs:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise TypeError("must be a list of glob patterns, such as [\"migrations/*\"]")
    return Globs(tuple(value))


def _structure_configuration_file(value: Any, _: type) -> ConfigurationFile:
    if not isinstance(value, str) or not value.strip():
        raise TypeError("must be the path of a TOML file with a [tool.asyncguide] table")
    return ConfigurationFile(value.strip())


def _camel_case_structure(cls: type, converter: cattrs.Converter) -> None:
    renames = {field.name: override(rename=camel_case(field.name)) for field in fields(cls)}
    structure_dict = make_dict_structure_fn(cls, converter, **renames)

    def structure(value: Any, _: type) -> Any:
        if not isinstance(value, dict):
            raise TypeError("must be an object")
        return structure_dict(value, cls)

    converter.register_structure_hook(cls, structure)


def _describe(error: Exception) -> str:
    """What is wrong, naming the nested setting (``fixViolation.enable: must be true or false``)."""
    if not isinstance(error, cattrs.ClassValidationError):
        return str(error)
    failures, others = error.group_exceptions()
    parts = []
    for inner, note in failures:
        separator = "." if isinstance(inner, cattrs.ClassValidationError) else ": "
        parts.append(f"{camel_case(note.name)}{separator}{_describe(inner)}")
    parts.extend(str(other) for other in others)
    return "; ".join(parts)


def make_converter() -> cattrs.Converter:
    converter = cattrs.Converter(detailed_validation=True)
    converter.register_structure_hook(Selectors, _structure_selectors)
    converter.register_structure_hook(Milliseconds, _structure_milliseconds)
    converter.register_structure_hook(bool, _structure_bool)
    converter.register_structure_hook(Preference, _structure_preference)
    converter.register_structure_hook(DiagnosticMode, _structure_diagnostic_mode)
    converter.register_structure_hook(LogLevel, _structure_log_level)
    converter.register_structure_hook(Globs, _structure_globs)
    converter.register_structure_hook(ConfigurationFile, _structure_configuration_file)
    for cls in (Toggle, CodeActionSettings, EditorSettings):
        _camel_case_structure(cls, converter)
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
                problems.append(f"asyncguide setting `{key}` is invalid ({_describe(exception)}); using its default")
                values.pop(key, None)


def configures(project: Settings) -> bool:
    """True when a ``[tool.asyncguide]`` table set anything for these settings."""
    return replace(project, root=None) != Settings()


def combine(editor: EditorSettings, project: Settings) -> Settings:
    """The settings a document is linted with: its pyproject's, with the editor's select,
    extendSelect, ignore, exclude and unsafeFixes on top when the editor comes first or the
    pyproject configures nothing.

    An editor ``select`` is the whole selection: it also drops the pyproject's ``extend-select``;
    the editor's ``extendSelect`` and ``exclude`` add to what is there.
    """
    if editor.configuration_preference == "filesystemFirst" and configures(project):
        return project
    changes: dict[str, Any] = {}
    if editor.select is not None:
        changes.update(select=tuple(editor.select), extend_select=())
    if editor.extend_select is not None:
        changes["extend_select"] = changes.get("extend_select", project.extend_select) + tuple(editor.extend_select)
    if editor.exclude is not None:
        changes["exclude"] = project.exclude + tuple(editor.exclude)
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
    versions: ProjectVersions | None = None


@dataclass
class _Loaded:
    mtime_ns: int
    settings: Settings
    #: what to tell the user about the file: why it is broken, or what in it was ignored
    problems: list[str]


class ProjectSettings:
    """``[tool.asyncguide]`` settings per document, from its nearest ``pyproject.toml``.

    Which pyproject.toml is nearest is cached per folder until ``forget`` (a watched pyproject.toml
    changed); a loaded file is cached by path and modification time, so an edit on disk is seen at
    the next lint even without file watching. A broken file, or a part of it ignored for its
    shape, is reported once per modification.
    """

    def __init__(self) -> None:
        self._nearest: dict[Path, Path | None] = {}
        self._loaded: dict[Path, _Loaded] = {}
        #: configured files found missing, reported once
        self._missing: set[Path] = set()

    def forget(self) -> None:
        self._nearest.clear()

    def settings_for(self, path: Path | None, configuration: Path | None = None) -> tuple[Settings, list[str]]:
        """The document's pyproject settings (defaults when it has none or it is broken), and the
        problems to report when the file was just (re)loaded. ``configuration`` (the editor
        setting) names the file to use instead of the nearest pyproject.toml."""
        if configuration is not None:
            return self._configured(configuration)
        if path is None:
            return Settings(), []
        folder = path.parent
        if folder not in self._nearest:
            self._nearest[folder] = find_pyproject(folder)
        pyproject = self._nearest[folder]
        if pyproject is None:
            return Settings(), []
        loaded = self._load(pyproject)
        if loaded is None:  # deleted since: look again next time
            self._nearest.pop(folder, None)
            return Settings(), []
        return loaded

    def _configured(self, file: Path) -> tuple[Settings, list[str]]:
        """The settings of the file the ``configuration`` setting names; one that is missing is
        reported once, until it appears."""
        loaded = self._load(file)
        if loaded is not None:
            self._missing.discard(file)
            return loaded
        if file in self._missing:
            return Settings(), []
        self._missing.add(file)
        error = ConfigError("not found (the `configuration` setting names it)", file)
        return Settings(), [f"{error}; using the default settings"]

    def _load(self, file: Path) -> tuple[Settings, list[str]] | None:
        """The file's settings and the problems to report (when just loaded); None when the file
        is not there."""
        try:
            mtime_ns = os.stat(file).st_mtime_ns
        except OSError:
            return None
        loaded = self._loaded.get(file)
        if loaded is not None and loaded.mtime_ns == mtime_ns:
            return loaded.settings, []
        try:
            settings = load_pyproject(file)
            loaded = _Loaded(mtime_ns, settings, list(settings.warnings))
        except ConfigError as error:
            defaults = Settings(root=file.parent, source=file)
            loaded = _Loaded(mtime_ns, defaults, [f"{error}; using the default settings"])
        self._loaded[file] = loaded
        return loaded.settings, loaded.problems


def lint_settings(editor: EditorSettings, project: Settings, path: Path | None) -> LintSettings:
    settings = combine(editor, project)
    return LintSettings(
        codes=settings.codes_for(path),
        target_version=settings.target_version,
        unsafe_fixes=settings.unsafe_fixes,
        excluded=not editor.enable or (path is not None and bool(settings.exclude) and settings.is_excluded(path)),
        root=settings.root,
    )
