"""The code objects attrs and dataclasses compile at start-up, kept between starts
(``server/generated_code.py``): a kept code object makes the same class as a fresh compile; a missing, corrupt or foreign file, or
attrs compiling some other way, means compiling as without the cache; a start that compiles
nothing new writes nothing."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from types import CodeType

import attr._make
import attrs
import pytest

from asyncguide.server import generated_code
from asyncguide.server.generated_code import DISABLE_VARIABLE, GeneratedCodeCache, cache_file, read

from .test_lifecycle import RawConnection, a_session, server_process


def define_classes() -> list[type]:
    """Enough attrs classes for a write (``MIN_MISSES_TO_WRITE``), each the same on every call."""

    @attrs.define
    class Point:
        x: int
        y: int = 0
        tags: list[str] = attrs.Factory(list)

    @attrs.frozen
    class Key:
        name: str

    @dataclasses.dataclass(frozen=True, order=True)
    class Span:
        start: int
        end: int = 0
        notes: list[str] = dataclasses.field(default_factory=list, compare=False)

    more = [attrs.make_class(f"Extra{number}", ["a", "b"]) for number in range(generated_code.MIN_MISSES_TO_WRITE)]
    return [Point, Key, Span, *more]


def inner_code(code: CodeType) -> list[CodeType]:
    """The code objects ``code`` holds, however deep (dataclasses wraps each method in a function)."""
    inner = [constant for constant in code.co_consts if isinstance(constant, CodeType)]
    return inner + [deeper for constant in inner for deeper in inner_code(constant)]


def session(path: Path) -> tuple[GeneratedCodeCache, list[type]]:
    """One start: the cache installed while the classes are defined, then saved."""
    cache = GeneratedCodeCache(path)
    cache.install()
    try:
        classes = define_classes()
    finally:
        cache.uninstall()
    cache.save()
    return cache, classes


def test_kept_code_makes_classes_that_behave_as_freshly_compiled_ones(tmp_path: Path) -> None:
    path = tmp_path / "code.bin"
    first, _ = session(path)
    assert first.misses == len(first.used) >= generated_code.MIN_MISSES_TO_WRITE
    assert path.exists()

    cache = GeneratedCodeCache(path)
    cache.install()
    try:
        Point, Key, Span, *_ = define_classes()
    finally:
        cache.uninstall()
    assert cache.misses == 0 and cache.used.keys() == cache.loaded.keys()
    [methods] = [code for code in cache.loaded.values() if code.co_filename.endswith("define_classes.<locals>.Point>")]
    assert Point.__init__.__code__ in methods.co_consts  # made from the kept code object
    assert any(Span.__init__.__code__ in inner_code(code) for code in cache.loaded.values())

    FreshPoint, _, FreshSpan, *_ = define_classes()  # no cache
    assert [field.name for field in attrs.fields(Point)] == [field.name for field in attrs.fields(FreshPoint)] == ["x", "y", "tags"]
    assert repr(Point(1)) == repr(FreshPoint(1)) == "Point(x=1, y=0, tags=[])"
    assert Point(1, 2) == Point(1, 2) and Point(1, 2) != Point(2, 1)
    assert Point(1).tags is not Point(1).tags
    assert hash(Key("a")) == hash(Key("a")) and len({Key("a"), Key("a"), Key("b")}) == 2
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        Key("a").name = "b"  # type: ignore[misc]
    with pytest.raises(TypeError):
        Point()  # type: ignore[call-arg]
    assert repr(Span(1)) == repr(FreshSpan(1)) == "define_classes.<locals>.Span(start=1, end=0, notes=[])"
    assert Span(1, 2, ["a"]) == Span(1, 2) < Span(2) and hash(Span(1)) == hash(Span(1))
    with pytest.raises(dataclasses.FrozenInstanceError):
        Span(1).end = 2  # type: ignore[misc]


def test_a_start_that_compiles_nothing_new_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "code.bin"
    session(path)
    before = path.stat().st_mtime_ns, path.read_bytes()
    again, _ = session(path)
    assert again.misses == 0
    assert (path.stat().st_mtime_ns, path.read_bytes()) == before


def test_a_write_keeps_only_what_the_start_used(tmp_path: Path) -> None:
    path = tmp_path / "code.bin"
    cache = GeneratedCodeCache(path)
    stale = compile("x = 1", "<gone>", "exec")
    cache.loaded = {b"stale key": stale}
    cache.install()
    try:
        define_classes()
    finally:
        cache.uninstall()
    assert cache.save()
    assert b"stale key" not in read(path) and read(path).keys() == cache.used.keys()


@pytest.mark.parametrize(
    "spoil",
    [
        lambda data: b"",
        lambda data: b"garbage" * 100,
        lambda data: data[: len(data) // 2],  # cut short
        lambda data: data[:-10] + bytes(10),  # changed at the end
        lambda data: b"\x00\x00\x00\x00" + data[4:],  # another Python's bytecode version
    ],
    ids=["empty", "garbage", "truncated", "altered", "other-python"],
)
def test_an_unusable_file_means_compiling_and_is_replaced(tmp_path: Path, spoil) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "code.bin"
    session(path)
    path.write_bytes(spoil(path.read_bytes()))
    assert read(path) == {}
    cache, (Point, *_) = session(path)
    assert cache.misses == len(cache.used)
    assert Point(1) == Point(1, 0)
    assert len(read(path)) == len(cache.used)  # written anew


def test_without_attrs_compiling_through_compile_nothing_is_cached_nor_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "code.bin"
    monkeypatch.setattr(generated_code, "GENERATORS", {"attr._no_such_module": "compile"})
    cache, (Point, *_) = session(path)
    assert cache.installed == [] and cache.used == {}
    assert Point(1) == Point(1, 0)
    assert not path.exists()


def test_a_generator_with_a_compile_of_its_own_is_left_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def own_compile(*args: object) -> None:
        raise AssertionError("not called")

    monkeypatch.setattr(generated_code, "GENERATORS", {"attr._make": "compile"})
    monkeypatch.setattr(attr._make, "compile", own_compile, raising=False)
    cache = GeneratedCodeCache(tmp_path / "code.bin")
    cache.install()
    assert cache.installed == []
    cache.uninstall()
    assert attr._make.compile is own_compile  # type: ignore[attr-defined]


def test_compile_takes_the_callers_future_flags_as_the_builtin_does(tmp_path: Path) -> None:
    cache = GeneratedCodeCache(tmp_path / "code.bin")
    source = "def f(x: undefined_name): pass"
    namespace: dict = {}
    exec(cache.compile(source, "<test>", "exec"), namespace)  # this module has `from __future__ import annotations`
    assert namespace["f"].__annotations__ == {"x": "undefined_name"}
    with pytest.raises(NameError):
        exec(cache.compile(source, "<test>", "exec", dont_inherit=True), {})
    assert len(cache.used) == 2  # with and without the flag: two entries

    def nested() -> object:  # its code is marked nested: not a flag compile inherits
        return cache.compile(source, "<test>", "exec")

    nested()
    assert len(cache.used) == 2 and cache.misses == 2


def test_exec_runs_source_as_the_builtin_does(tmp_path: Path) -> None:
    cache = GeneratedCodeCache(tmp_path / "code.bin")
    namespace: dict = {"x": 1}
    cache.exec("y = x + 1", namespace)
    cache.exec("def f(a: undefined_name): pass", namespace)  # with this module's `annotations` flag
    assert namespace["y"] == 2 and namespace["f"].__annotations__ == {"a": "undefined_name"}
    cache.exec(compile("z = 3", "<test>", "exec"), namespace)  # a code object: as it is
    assert namespace["z"] == 3 and len(cache.used) == 2


def test_an_unwritable_folder_is_no_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    cache, _ = session(tmp_path / "file" / "code.bin")  # its folder is a file
    assert cache.misses and not cache.save()


def test_the_file_is_per_bytecode_version_in_the_users_cache_and_can_be_turned_off(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv(DISABLE_VARIABLE, raising=False)
    assert cache_file() == tmp_path / "asyncguide" / f"generated-code.{sys.implementation.cache_tag}.bin"
    monkeypatch.setenv(DISABLE_VARIABLE, "1")
    assert cache_file() is None and generated_code.start() is None


async def start_and_stop(folder: Path) -> None:
    async with server_process() as process:
        assert process.stdin is not None and process.stdout is not None
        await a_session(RawConnection(process.stdout, process.stdin), folder / "poll.py")  # type: ignore[arg-type]
        assert await process.wait() == 0


async def test_the_server_keeps_its_generated_code_and_the_next_start_uses_it_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv(DISABLE_VARIABLE, raising=False)
    kept = tmp_path / "cache" / "asyncguide" / f"generated-code.{sys.implementation.cache_tag}.bin"
    await start_and_stop(tmp_path)
    assert len(read(kept)) > 500  # lsprotocol's classes, at least
    before = kept.stat().st_mtime_ns, kept.read_bytes()
    await start_and_stop(tmp_path)  # diagnostics and a hover, from the kept code
    assert (kept.stat().st_mtime_ns, kept.read_bytes()) == before
