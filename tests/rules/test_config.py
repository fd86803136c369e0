"""[tool.asyncguide]: every key, and a clear error naming the key for every bad value."""

from __future__ import annotations

from pathlib import Path

import pytest

from asyncguide.rules.config import ConfigError, Settings, find_pyproject, load_settings, settings_from_table


def test_defaults_enable_every_rule_of_the_default_group_for_py39() -> None:
    settings = Settings()
    assert "ASY100" in settings.codes_for("x.py")
    assert "STA004" not in settings.codes_for("x.py")  # opt-in
    assert settings.target_version == (3, 9) and settings.unsafe_fixes is False


def test_the_opt_in_group_is_selected_by_name_in_any_case() -> None:
    settings = settings_from_table({"extend-select": ["opinion"]})
    assert settings.extend_select == ("OPINION",)
    assert {"ASY100", "STA004"} <= settings.codes_for("x.py")


def test_every_key_is_read(tmp_path: Path) -> None:
    settings = settings_from_table(
        {
            "select": ["ASY"],
            "ignore": ["ASY10"],
            "extend-select": ["ASY100"],
            "per-file-ignores": {"tests/*": ["ASY100"]},
            "exclude": ["generated/*"],
            "target-version": "py312",
            "unsafe-fixes": True,
        },
        tmp_path / "pyproject.toml",
    )
    assert settings.target_version == (3, 12) and settings.unsafe_fixes
    assert "ASY100" in settings.codes_for(tmp_path / "app" / "main.py")
    assert "ASY100" not in settings.codes_for(tmp_path / "tests" / "test_main.py")
    assert settings.is_excluded(tmp_path / "generated" / "models.py")
    assert not settings.is_excluded(tmp_path / "app" / "models.py")


@pytest.mark.parametrize(
    "table, key, words",
    [
        ({"selct": ["ASY"]}, "selct", "unknown key"),
        ({"select": "ASY"}, "select", "list of rule codes"),
        ({"ignore": ["NOPE1"]}, "ignore", "'NOPE1' is neither a rule code nor a prefix"),
        ({"target-version": "py27"}, "target-version", "py39"),
        ({"unsafe-fixes": "yes"}, "unsafe-fixes", "true or false"),
        ({"per-file-ignores": ["a"]}, "per-file-ignores", "table of glob"),
        ({"exclude": [1]}, "exclude", "glob patterns"),
    ],
)
def test_bad_values_name_the_key(table: dict, key: str, words: str) -> None:
    with pytest.raises(ConfigError) as error:
        settings_from_table(table, Path("/project/pyproject.toml"))
    assert error.value.key == key
    assert f"[tool.asyncguide] {key}:" in str(error.value) and words in str(error.value)
    assert str(error.value).startswith("/project/pyproject.toml: ")


def test_broken_toml_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.asyncguide\nselect = [", "utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(tmp_path / "main.py")


def test_nearest_pyproject_with_our_table_wins(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.asyncguide]\nselect = ["ASY100"]\n', "utf-8")
    service = tmp_path / "services" / "api"
    service.mkdir(parents=True)
    (service / "pyproject.toml").write_text('[project]\nname = "api"\n', "utf-8")
    assert find_pyproject(service / "main.py") == tmp_path / "pyproject.toml"
    assert load_settings(service / "main.py").select == ("ASY100",)
    (service / "pyproject.toml").write_text('[tool.asyncguide]\nignore = ["ASY100"]\n', "utf-8")
    assert load_settings(service / "main.py").ignore == ("ASY100",)


def test_no_pyproject_means_defaults(tmp_path: Path) -> None:
    assert load_settings(tmp_path / "main.py").select is None
