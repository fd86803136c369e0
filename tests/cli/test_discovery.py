"""Which files ``asyncguide check`` reads: git-ignored and usual folders skipped, ``exclude`` honoured.

asyncguide reads git's ignore files itself (it never runs git); where git is installed, the tests
compare its answers with git's own."""

from __future__ import annotations

import random
import shutil
import subprocess
from pathlib import Path

import pytest

from asyncguide.server.files import GitIgnore, parse_gitignore, python_files, walk_python_files

from .conftest import BLOCKING_SLEEP, run_main, write

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def checked_paths(capsys: pytest.CaptureFixture[str], *arguments: str) -> list[str]:
    """The files reported by ASY100 (every test file blocks the loop once)."""
    run = run_main(capsys, "check", "--select", "ASY100", "--jobs", "1", *arguments)
    return [line.split(":")[0] for line in run.stdout.splitlines()[:-1]]


def make_virtual_environment(root: Path, name: str) -> None:
    write(root, f"{name}/pyvenv.cfg", "home = /usr/bin\n")
    write(root, f"{name}/lib/python3.12/site-packages/dependency.py", BLOCKING_SLEEP)


def git_init(root: Path) -> None:
    subprocess.run(["git", "init", "-q", str(root)], check=True)


@needs_git
def test_in_a_git_work_tree_git_ignored_files_are_skipped(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    git_init(project)
    write(project, ".gitignore", ".venv/\ngenerated/\n*_pb2.py\n")
    write(project, "app.py", BLOCKING_SLEEP)
    write(project, "untracked/new.py", BLOCKING_SLEEP)
    write(project, ".venv/lib/site-packages/dependency.py", BLOCKING_SLEEP)
    write(project, "generated/models.py", BLOCKING_SLEEP)
    write(project, "api/service_pb2.py", BLOCKING_SLEEP)
    write(project, "api/service.py", BLOCKING_SLEEP)
    assert checked_paths(capsys) == ["api/service.py", "app.py", "untracked/new.py"]
    assert checked_paths(capsys, "api") == ["api/service.py"]


@needs_git
def test_in_git_tracked_files_in_usual_folder_names_are_checked(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """git decides: a tracked `build/` package is source, not an artefact."""
    git_init(project)
    write(project, "build/steps.py", BLOCKING_SLEEP)
    assert checked_paths(capsys) == ["build/steps.py"]


@needs_git
def test_in_git_a_virtual_environment_git_does_not_ignore_is_still_skipped(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    git_init(project)
    make_virtual_environment(project, "env")
    write(project, "app.py", BLOCKING_SLEEP)
    assert checked_paths(capsys) == ["app.py"]


@needs_git
def test_in_git_exclude_is_honoured(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    git_init(project)
    write(project, "pyproject.toml", '[tool.asyncguide]\nexclude = ["migrations", "legacy/*.py"]\n')
    write(project, "app.py", BLOCKING_SLEEP)
    write(project, "db/migrations/0001_initial.py", BLOCKING_SLEEP)
    write(project, "legacy/old.py", BLOCKING_SLEEP)
    assert checked_paths(capsys) == ["app.py"]


@needs_git
def test_a_git_ignored_folder_named_on_the_command_line_is_checked(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    git_init(project)
    write(project, ".gitignore", "vendor/\n")
    write(project, "vendor/library.py", BLOCKING_SLEEP)
    assert checked_paths(capsys) == []
    assert checked_paths(capsys, "vendor") == ["vendor/library.py"]


def test_outside_git_the_usual_folders_are_skipped(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(project, "app.py", BLOCKING_SLEEP)
    for folder in (".venv", "venv", ".git", "__pycache__", "node_modules", ".tox", "build", "dist"):
        write(project, f"{folder}/module.py", BLOCKING_SLEEP)
    write(project, "pkg/__pycache__/cached.py", BLOCKING_SLEEP)
    make_virtual_environment(project, "env")
    assert checked_paths(capsys) == ["app.py"]


def test_outside_git_gitignore_files_are_honoured(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(project, ".gitignore", "# generated code\n/generated/\n*_pb2.py\n!keep_pb2.py\n")
    write(project, "app.py", BLOCKING_SLEEP)
    write(project, "generated/models.py", BLOCKING_SLEEP)
    write(project, "src/generated/views.py", BLOCKING_SLEEP)  # "/generated/" is anchored at the root
    write(project, "api/service_pb2.py", BLOCKING_SLEEP)
    write(project, "api/keep_pb2.py", BLOCKING_SLEEP)
    write(project, "api/.gitignore", "scratch.py\n")
    write(project, "api/scratch.py", BLOCKING_SLEEP)
    write(project, "scratch.py", BLOCKING_SLEEP)  # api/.gitignore applies under api/ only
    assert checked_paths(capsys) == ["api/keep_pb2.py", "app.py", "scratch.py", "src/generated/views.py"]


def test_outside_git_exclude_is_honoured(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(project, "pyproject.toml", '[tool.asyncguide]\nexclude = ["migrations", "legacy/*.py"]\n')
    write(project, "app.py", BLOCKING_SLEEP)
    write(project, "db/migrations/0001_initial.py", BLOCKING_SLEEP)
    write(project, "legacy/old.py", BLOCKING_SLEEP)
    assert checked_paths(capsys) == ["app.py"]


def test_files_named_on_the_command_line_are_always_checked(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(project, "pyproject.toml", '[tool.asyncguide]\nexclude = ["legacy"]\n')
    write(project, ".gitignore", "ignored.py\n")
    write(project, "legacy/old.py", BLOCKING_SLEEP)
    write(project, "ignored.py", BLOCKING_SLEEP)
    write(project, "script", BLOCKING_SLEEP)  # no .py suffix
    assert checked_paths(capsys) == []
    assert checked_paths(capsys, "legacy/old.py", "ignored.py", "script") == ["ignored.py", "legacy/old.py", "script"]


def test_a_file_named_twice_is_checked_once(project: Path) -> None:
    path = write(project, "app.py", BLOCKING_SLEEP)
    found = python_files(["app.py", ".", str(path)], lambda _: False)
    assert [source.path for source in found] == [path]


@pytest.mark.parametrize(
    "patterns, path, is_folder, ignored",
    [
        ("*.log", "logs/today.log", False, True),
        ("build/", "build", True, True),
        ("build/", "build", False, False),  # a trailing slash matches folders only
        ("build/", "src/build", True, True),  # no slash before the end: any depth
        ("/build", "src/build", True, False),  # a leading slash anchors
        ("docs/*.py", "docs/conf.py", False, True),
        ("docs/*.py", "docs/api/conf.py", False, False),  # "*" does not cross "/"
        ("docs/*.py", "src/docs/conf.py", False, False),  # a middle slash anchors too
        ("**/fixtures", "tests/unit/fixtures", True, True),
        ("data/**", "data/a/b.py", False, True),
        ("a/**/z.py", "a/z.py", False, True),
        ("a/**/z.py", "a/b/c/z.py", False, True),
        ("mod?.py", "mod1.py", False, True),
        ("mod[0-9].py", "modx.py", False, False),
        ("mod[!0-9].py", "modx.py", False, True),
        ("*.py\n!keep.py", "src/keep.py", False, False),
        ("\\#notes.py", "#notes.py", False, True),
        ("# a comment\n\n", "# a comment", False, False),
        # gitignore(5)'s examples and the corners of its syntax
        ("doc/frotz/", "a/doc/frotz", True, False),
        ("frotz/", "a/frotz", True, True),
        ("**/foo", "x/y/foo", False, True),
        ("**/foo/bar", "x/foo/bar", False, True),
        ("abc/**", "abc", True, False),  # everything inside, not the folder itself
        ("a/**/b", "a/b", False, True),
        ("a/**/b", "a/x/y/b", False, True),
        ("foo**bar.py", "foo/x/bar.py", False, False),  # "**" not between slashes is one "*"
        ("foo**bar.py", "fooxbar.py", False, True),
        ("trailing.py   ", "trailing.py", False, True),  # trailing spaces are dropped...
        ("space\\ ", "space ", False, True),  # ...unless escaped
        ("\\!important.py", "!important.py", False, True),
        ("[]]x.py", "]x.py", False, True),  # "]" first in brackets is a member
        ("[!]]x.py", "ax.py", False, True),
        ("a[/]b", "a/b", False, False),  # brackets never match "/"
        ("[z-a].py", "b.py", False, False),  # an invalid range matches nothing, and does not crash
        ("[unclosed.py", "[unclosed.py", False, True),
        ("*.py\n!/keep.py", "sub/keep.py", False, True),  # the negation is anchored at the root
        ("\\*.py", "x.py", False, False),  # an escaped star is a star
        ("a//", "a", True, False),  # one trailing slash is dropped; "a/" then matches nothing
        ("/**", "a/b/c.py", False, True),
        ("x/b**/a", "x/ba", False, True),  # git compares "x/b" first: the "**" then counts as leading
    ],
)
def test_gitignore_matcher(patterns: str, path: str, is_folder: bool, ignored: bool) -> None:
    assert GitIgnore(tuple(parse_gitignore(patterns))).ignores(path, is_folder) is ignored


@needs_git
def test_in_git_nested_repositories_are_checked_and_folder_symlinks_not_followed(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    git_init(project)
    write(project, "app.py", BLOCKING_SLEEP)
    git_init(project / "vendored")
    write(project, "vendored/.gitignore", "scratch/\n")
    write(project, "vendored/library.py", BLOCKING_SLEEP)
    write(project, "vendored/scratch/notes.py", BLOCKING_SLEEP)
    (project / "loop").symlink_to(project, target_is_directory=True)
    assert checked_paths(capsys) == ["app.py", "vendored/library.py"]


def git_check_ignore(repository: Path, relative: list[str]) -> set[str]:
    """The paths git says are ignored (read from a repository the test made: running git is safe)."""
    completed = subprocess.run(
        ["git", "-C", str(repository), "check-ignore", "--no-index", "--stdin"],
        input="\n".join(relative), capture_output=True, text=True, check=False,
    )
    return set(completed.stdout.splitlines())


@needs_git
def test_the_walk_skips_what_git_ignores(project: Path) -> None:
    """Nested .gitignore files, negation, folder-only and anchored patterns, ``**``, and
    ``.git/info/exclude``: every file the walk finds git does not ignore, and every file it skips
    git ignores (or sits in a folder git ignores)."""
    git_init(project)
    write(project, ".git/info/exclude", "excluded_*.py\n")
    write(project, ".gitignore", "\n".join([
        "*.gen.py", "/top_only.py", "build/", "!build/keep.py", "docs/*.py", "!docs/index.py",
        "**/fixtures/", "a/**/deep.py", "data/**", "foo**bar.py", "mod[0-9].py", "mod[!a-c]x.py",
        "\\#hash.py", "trailing.py   ", "!excluded_but_kept.py",
    ]) + "\n")
    write(project, "sub/.gitignore", "*.py\n!wanted.py\n/anchored/\n")
    write(project, "other/.gitignore", "!*.gen.py\n")
    files = [
        "app.py", "x.gen.py", "top_only.py", "pkg/top_only.py", "build/keep.py", "pkg/build/x.py",
        "docs/conf.py", "docs/index.py", "docs/api/conf.py", "tests/fixtures/f.py", "fixtures/g.py",
        "a/deep.py", "a/b/c/deep.py", "b/a/deep.py", "data/x/y.py", "foobar.py", "foo_bar.py",
        "foo/x/bar.py", "mod1.py", "modx.py", "moddx.py", "modax.py", "#hash.py", "trailing.py",
        "excluded_one.py", "excluded_but_kept.py", "sub/any.py", "sub/wanted.py", "sub/anchored/w.py",
        "sub/deeper/anchored/wanted.py", "other/y.gen.py", "sub/deeper/wanted.py",
    ]
    for relative in files:
        write(project, relative, "")
    found = {path.relative_to(project).as_posix() for path in walk_python_files(project, lambda _: False)}
    ignored = git_check_ignore(project, files)
    # git reports a file as ignored when its own pattern matches or a folder above it is ignored
    assert found == set(files) - ignored
    assert len(found) > 8 and len(ignored) > 15  # both sides of the comparison have substance


@needs_git
def test_patterns_of_the_repository_above_a_checked_folder_apply(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    git_init(project)
    write(project, ".gitignore", "*_pb2.py\n")
    write(project, ".git/info/exclude", "scratch.py\n")
    write(project, "api/v1/service_pb2.py", BLOCKING_SLEEP)
    write(project, "api/v1/scratch.py", BLOCKING_SLEEP)
    write(project, "api/v1/service.py", BLOCKING_SLEEP)
    assert checked_paths(capsys, "api/v1") == ["api/v1/service.py"]


def test_a_worktree_git_file_points_to_the_exclude_file(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A linked worktree's ``.git`` is a file naming its git folder, whose ``commondir`` names the
    folder holding ``info/exclude``."""
    write(project, "main/.git/HEAD", "ref: refs/heads/main\n")
    write(project, "main/.git/info/exclude", "local_*.py\n")
    write(project, "main/.git/worktrees/feature/commondir", "../..\n")
    write(project, "feature/.git", f"gitdir: {project / 'main/.git/worktrees/feature'}\n")
    write(project, "feature/local_notes.py", BLOCKING_SLEEP)
    write(project, "feature/app.py", BLOCKING_SLEEP)
    write(project, "feature/build/steps.py", BLOCKING_SLEEP)  # inside git: only ignore files decide
    assert checked_paths(capsys, "feature") == ["feature/app.py", "feature/build/steps.py"]


#: pieces of random ignore patterns: wildcards, brackets, escapes, slashes, negation
PATTERN_PIECES = ["a", "b", "ab", "*", "**", "?", "/", "[ab]", "[!a]", "[a-c]", "\\*", ".", "x.py", "!"]
PATHS = ["a", "b", "ab", "ba", "c", "*", "a*b", "x.py", "a/b", "a/b/c", "b/a", "ab/a", "a/x.py", "a/b/x.py", "a/ab/b"]


@needs_git
def test_random_patterns_match_as_git_matches_them(project: Path) -> None:
    """200 random sets of patterns, each path asked of git and of the matcher (a path is ignored
    when its own pattern matches it, or one matches a folder above it)."""
    git_init(project)
    chooser = random.Random(17)
    for _ in range(200):
        lines = ["".join(chooser.choice(PATTERN_PIECES) for _ in range(chooser.randint(1, 4))) for _ in range(chooser.randint(1, 3))]
        text = "\n".join(lines) + "\n"
        write(project, ".gitignore", text)
        ignore = GitIgnore(tuple(parse_gitignore(text)))

        def ignored(path: str) -> bool:
            parts = path.split("/")
            folders = ("/".join(parts[:end]) for end in range(1, len(parts)))
            return any(ignore.ignores(folder, is_folder=True) for folder in folders) or ignore.ignores(path, is_folder=False)

        assert {path for path in PATHS if ignored(path)} == git_check_ignore(project, PATHS), text
