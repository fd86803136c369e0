"""Editor settings (cattrs, camelCase, invalid ones reported and defaulted) and how they combine
with pyproject settings."""

from __future__ import annotations

import os
import re
from dataclasses import replace
from pathlib import Path

import pytest

from asyncguide.rules.config import Settings
from asyncguide.server.lsp.settings import (
    CodeActionSettings,
    EditorSettings,
    Toggle,
    ProjectSettings,
    combine,
    lint_settings,
    load_editor_settings,
    make_converter,
)

CONVERTER = make_converter()


def test_settings_load_from_camel_case_keys_and_ignore_unknown_ones() -> None:
    settings, problems = load_editor_settings(
        {
            "select": ["asy1"],
            "ignore": ["ASY101"],
            "unsafeFixes": True,
            "debounceMs": 25,
            "showSyntaxErrors": True,
            "configurationPreference": "filesystemFirst",
            "diagnosticMode": "workspace",
            "trace": {"server": "verbose"},  # the client's own setting, in the same section
        },
        CONVERTER,
    )
    assert problems == []
    assert settings == EditorSettings(
        select=("ASY1",),
        ignore=("ASY101",),
        unsafe_fixes=True,
        debounce_ms=25.0,
        show_syntax_errors=True,
        configuration_preference="filesystemFirst",
        diagnostic_mode="workspace",
    )


def test_nothing_configured_gives_the_defaults() -> None:
    assert load_editor_settings(None, CONVERTER) == (EditorSettings(), [])
    assert load_editor_settings({}, CONVERTER) == (EditorSettings(), [])


@pytest.mark.parametrize(
    ("key", "value", "reason"),
    [
        ("select", ["NOPE1"], "'NOPE1' is neither a rule code nor a prefix"),
        ("select", "ASY100", "must be a list of rule codes"),
        ("ignore", [1], "must be a list of rule codes"),
        ("unsafeFixes", "yes", "must be true or false"),
        ("debounceMs", -1, "0 or more"),
        ("debounceMs", True, "0 or more"),
        ("showSyntaxErrors", 1, "must be true or false"),
        ("configurationPreference", "editorOnly", "'editorFirst', 'filesystemFirst'"),
        ("diagnosticMode", "everything", "'openFilesOnly', 'workspace'"),
        ("logLevel", "verbose", "'error', 'warning', 'info', 'debug'"),
        ("extendSelect", ["NOPE1"], "'NOPE1' is neither a rule code nor a prefix"),
        ("exclude", "build", "must be a list of glob patterns"),
        ("configuration", 3, "must be the path of a TOML file"),
        ("enable", "yes", "must be true or false"),
        ("codeAction", {"fixViolation": {"enable": "no"}}, "fixViolation.enable: must be true or false"),
        ("codeAction", [], "must be an object"),
    ],
)
def test_an_invalid_setting_is_named_and_keeps_its_default(key: str, value: object, reason: str) -> None:
    neighbour_key, neighbour_value = ("debounceMs", 5) if key == "showSyntaxErrors" else ("showSyntaxErrors", True)
    settings, [problem] = load_editor_settings({key: value, neighbour_key: neighbour_value}, CONVERTER)
    assert f"`{key}`" in problem and reason in problem and "default" in problem
    assert getattr(settings, snake_case(key)) == getattr(EditorSettings(), snake_case(key))
    assert getattr(settings, snake_case(neighbour_key)) == neighbour_value  # the valid one beside it stays


def snake_case(key: str) -> str:
    return re.sub("([A-Z])", r"_\1", key).lower()


def test_settings_that_are_not_an_object_give_the_defaults_and_say_so() -> None:
    settings, [problem] = load_editor_settings(["ASY100"], CONVERTER)
    assert settings == EditorSettings()
    assert "must be an object" in problem


PROJECT = Settings(select=("ASY100",), extend_select=("ASY101",), ignore=("ASY102",), root=Path("/project"))


def test_editor_first_overrides_the_pyproject_selection() -> None:
    editor = EditorSettings(select=("ASY103",), unsafe_fixes=True)
    combined = combine(editor, PROJECT)
    assert combined.select == ("ASY103",)
    assert combined.extend_select == ()  # the editor's select is the whole selection
    assert combined.ignore == ("ASY102",)
    assert combined.unsafe_fixes is True


def test_nested_code_action_settings_load_from_camel_case_keys() -> None:
    settings, problems = load_editor_settings({"codeAction": {"disableRuleComment": {"enable": False}}}, CONVERTER)
    assert problems == []
    assert settings.code_action == CodeActionSettings(disable_rule_comment=Toggle(enable=False))


def test_editor_extend_select_and_exclude_add_to_the_pyprojects() -> None:
    project = replace(PROJECT, exclude=("build/*",))
    combined = combine(EditorSettings(extend_select=("ASY104",), exclude=("gen/*",)), project)
    assert combined.select == ("ASY100",) and combined.extend_select == ("ASY101", "ASY104")
    assert combined.exclude == ("build/*", "gen/*")
    # with the editor's select, extendSelect adds to that instead
    assert combine(EditorSettings(select=("ASY103",), extend_select=("ASY104",)), project).extend_select == ("ASY104",)


def test_enable_off_excludes_every_document(tmp_path: Path) -> None:
    assert lint_settings(EditorSettings(enable=False), Settings(), tmp_path / "app.py").excluded
    assert not lint_settings(EditorSettings(), Settings(), tmp_path / "app.py").excluded


def test_the_configuration_file_replaces_the_nearest_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.asyncguide]\nselect = ["ASY100"]\n')
    shared = tmp_path / "shared" / "asyncguide.toml"
    shared.parent.mkdir()
    shared.write_text('[tool.asyncguide]\nselect = ["ASY101"]\n')
    projects = ProjectSettings()
    assert projects.settings_for(tmp_path / "app.py", shared)[0].select == ("ASY101",)
    assert projects.settings_for(tmp_path / "app.py")[0].select == ("ASY100",)
    # a missing file is reported once, with the defaults
    missing = tmp_path / "missing.toml"
    settings, [problem] = projects.settings_for(tmp_path / "app.py", missing)
    assert settings == Settings() and str(missing) in problem
    assert projects.settings_for(tmp_path / "app.py", missing) == (Settings(), [])


def test_filesystem_first_keeps_a_configured_pyproject() -> None:
    editor = EditorSettings(select=("ASY103",), configuration_preference="filesystemFirst")
    assert combine(editor, PROJECT) == PROJECT
    # where no [tool.asyncguide] configures anything, the editor's settings apply
    assert combine(editor, Settings(root=Path("/project"))).select == ("ASY103",)


def test_lint_settings_apply_per_file_ignores_and_exclude(tmp_path: Path) -> None:
    project = Settings(per_file_ignores=(("tests/*", ("ASY100",)),), exclude=("build/*",), root=tmp_path)
    in_tests = lint_settings(EditorSettings(), project, tmp_path / "tests" / "test_app.py")
    assert "ASY100" not in in_tests.codes and "ASY101" in in_tests.codes
    assert lint_settings(EditorSettings(), project, tmp_path / "build" / "app.py").excluded
    assert not lint_settings(EditorSettings(), project, tmp_path / "app.py").excluded


def test_project_settings_are_cached_by_path_and_modification_time(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[tool.asyncguide]\nselect = ["ASY100"]\n')
    projects = ProjectSettings()
    settings, problems = projects.settings_for(tmp_path / "app.py")
    assert (settings.select, problems) == (("ASY100",), [])

    pyproject.write_text('[tool.asyncguide]\nselect = ["ASY101"]\n')
    os.utime(pyproject, ns=(1, 1))  # a different modification time, however fast this runs
    assert projects.settings_for(tmp_path / "app.py")[0].select == ("ASY101",)


def test_a_broken_pyproject_is_reported_once_per_modification_with_defaults(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[tool.asyncguide]\nselct = ["ASY100"]\n')
    projects = ProjectSettings()
    settings, problems = projects.settings_for(tmp_path / "app.py")
    assert len(problems) == 1 and "selct" in problems[0] and str(pyproject) in problems[0]
    assert settings.select is None and settings.ignore == ()
    assert projects.settings_for(tmp_path / "other.py") == (settings, [])
    os.utime(pyproject, ns=(2, 2))
    assert projects.settings_for(tmp_path / "app.py")[1] != []


def test_a_tool_that_is_not_a_table_is_reported_once_and_read_as_no_settings(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text("tool = 1\n")
    projects = ProjectSettings()
    assert projects.settings_for(tmp_path / "app.py") == (
        Settings(root=tmp_path),
        [f"{pyproject}: ignored `tool`: it should be a table, not an integer"],
    )
    assert projects.settings_for(tmp_path / "app.py")[1] == []


def test_documents_without_a_path_use_the_defaults() -> None:
    assert ProjectSettings().settings_for(None) == (Settings(), [])
