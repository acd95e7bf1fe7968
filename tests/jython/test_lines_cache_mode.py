"""Tracebacks name the user's file, line and text; the cache; the mode rule."""

from __future__ import annotations

import logging
import sys
import textwrap
import traceback
from pathlib import Path

import pytest

from gda_bridge.jython.translate import (
    AliasRegistry,
    ModeDecision,
    TranslationCache,
    TranslationError,
    _api,
    _py2to3,
    compile_script,
    decide_mode,
    default_cache_dir,
    translate_source,
)

LEGACY = textwrap.dedent(
    """\
    # a legacy script
    import string
    total = 0L

    def fail(n):
        print "failing with", n / 2
        raise ValueError, "boom on line 7"

    for i in xrange(2):
        pos x i
    fail(5)
    """
)


def _run_and_catch(path: Path, text: str, mode: str, namespace: dict) -> traceback.FrameSummary:
    path.write_text(text)
    code = compile_script(text, str(path), mode, AliasRegistry())
    with pytest.raises(Exception) as info:  # noqa: PT011 - the test inspects the traceback
        exec(code, namespace)
    frames = [f for f in traceback.extract_tb(info.value.__traceback__) if f.filename == str(path)]
    return frames[-1]


def test_a_raise_in_a_py2_script_points_at_the_users_file_line_and_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "legacy.py"
    frame = _run_and_catch(path, LEGACY, "py2", {"pos": lambda *a: None, "x": "x"})
    assert (frame.filename, frame.lineno) == (str(path), 7)
    assert frame.line == 'raise ValueError, "boom on line 7"'  # the user's text, not the translation
    assert capsys.readouterr().out == "failing with 2\n"


def test_a_failing_gda_command_points_at_the_command_line(tmp_path: Path) -> None:
    def pos(*args: object) -> None:
        raise RuntimeError(f"cannot move {args}")

    frame = _run_and_catch(tmp_path / "cmd.py", LEGACY, "py2", {"pos": pos, "x": "x"})
    assert (frame.lineno, frame.line) == (10, "pos x i")


def test_a_console_line_shows_its_own_text(tmp_path: Path) -> None:
    code = compile_script("pos x 1\n", "<console-1>", "py3", AliasRegistry())

    def pos(*args: object) -> None:
        raise RuntimeError("no")

    with pytest.raises(RuntimeError) as info:
        exec(code, {"pos": pos, "x": 1})
    text = "".join(traceback.format_exception(info.value))
    assert 'File "<console-1>", line 1, in <module>\n    pos x 1\n' in text


def test_syntax_error_in_py3_mode_shows_the_users_line(tmp_path: Path) -> None:
    text = "x = 1\npos x 1\ny = (\n"
    with pytest.raises(SyntaxError) as info:
        compile_script(text, "s.py", "py3", AliasRegistry())
    assert not isinstance(info.value, TranslationError)  # not Python 2: a plain syntax error
    assert info.value.filename == "s.py"
    assert info.value.lineno == 3


def test_py3_mode_failure_that_looks_like_python2_says_how_to_switch() -> None:
    text = "x = 1\n\nprint 'hello'\n"
    decision = decide_mode("old.py", text, legacy_paths=(), override="py3")
    with pytest.raises(TranslationError) as info:
        compile_script(text, "old.py", decision)
    err = info.value
    assert (err.filename, err.lineno, err.text) == ("old.py", 3, "print 'hello'\n")
    message = "".join(traceback.format_exception_only(err))
    assert "looks like Python 2 (a print statement on line 3)" in message
    assert "because mode 'py3' was asked for" in message
    assert "# gda-bridge: python2" in message and "--mode py2" in message


def test_the_whole_benchmark_script_keeps_every_line() -> None:
    sys.path.insert(0, str(Path(__file__).parents[2] / "scripts" / "benchmarks"))
    try:
        from _legacy_sample import legacy_script
    finally:
        sys.path.pop(0)
    text = legacy_script(500)
    out = translate_source(text, "bench.py", "py2", AliasRegistry(), cache=None)
    assert out.count("\n") == text.count("\n") == 500
    compile(out, "bench.py", "exec")
    for before, after in zip(text.splitlines(), out.splitlines(), strict=True):
        if before.lstrip().startswith(("#", "def ", "class ")) or not before.strip():
            assert after == before


# --- cache -------------------------------------------------------------------------------------


def test_cache_miss_then_hit_by_content_hash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = TranslationCache(tmp_path / "c")
    aliases = AliasRegistry()
    first = translate_source(LEGACY, "a.py", "py2", aliases, cache=cache)
    assert (cache.hits, cache.misses) == (0, 1)
    entries = list((tmp_path / "c").glob("*/*.py"))
    assert len(entries) == 1 and entries[0].read_text() == first
    assert not list((tmp_path / "c").glob("*/.tmp-*"))  # atomic write left nothing behind

    def no_conversion(*_args: object) -> str:
        raise AssertionError("a cache hit must not translate again")

    monkeypatch.setattr(_api, "convert_py2", no_conversion)
    _api._recent.clear()  # a fresh process: only the disk cache knows the text
    again = translate_source(LEGACY, "elsewhere.py", "py2", aliases, cache=cache)
    assert again == first and (cache.hits, cache.misses) == (1, 1)
    monkeypatch.undo()

    translate_source(LEGACY + "\n", "a.py", "py2", aliases, cache=cache)  # other text
    translate_source(LEGACY, "a.py", "py2", AliasRegistry(["go"]), cache=cache)  # other aliases
    assert (cache.hits, cache.misses) == (1, 3)
    assert len(list((tmp_path / "c").glob("*/*.py"))) == 3


def test_default_cache_dir_is_configurable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GDA_BRIDGE_CACHE_DIR", str(tmp_path / "x"))
    assert default_cache_dir() == tmp_path / "x" / "translate"
    monkeypatch.delenv("GDA_BRIDGE_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "gda-bridge" / "translate"


def test_default_cache_is_used_by_default(private_cache: Path) -> None:
    translate_source("print 1\n", "a.py", "py2")
    assert len(list(private_cache.glob("*/*.py"))) == 1


def test_unwritable_cache_only_costs_speed(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    cache = TranslationCache(blocker)
    with caplog.at_level(logging.WARNING, logger="gda_bridge.jython.translate"):
        out = translate_source("print 1\n", "a.py", "py2", cache=cache)
    assert out == "__gda_print__(1)\n"
    assert "cannot write the translation cache" in caplog.text


# --- mode rule ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "mode", "reason"),
    [
        ("# gda-bridge: python2\nprint 1\n", "py2", "pragma '# gda-bridge: python2' on line 1"),
        ("#!/usr/bin/env python\n# -*- coding: utf-8 -*-\n#gda-bridge: py3\n", "py3", "line 3"),
        ("#  GDA-BRIDGE : Python2  \n", "py2", "pragma"),
        ("\n" * 10 + "# gda-bridge: python2\n", "py3", "no sign"),  # only the first 10 lines count
        ("x = 1  # gda-bridge: python2\n", "py3", "no sign"),  # a whole-line comment only
    ],
)
def test_pragma(text: str, mode: str, reason: str) -> None:
    decision = decide_mode("s.py", text)
    assert decision.mode == mode and reason in decision.reason


def test_mode_rule_order(tmp_path: Path) -> None:
    legacy = tmp_path / "legacy"
    script = legacy / "sub" / "align.py"
    script.parent.mkdir(parents=True)
    other = tmp_path / "new.py"

    mode, reason = decide_mode(script, "x = 1\n", [legacy])
    assert mode == "py2" and f"is under the legacy script path {legacy}" in reason
    assert decide_mode(script, "x = 1\n", [legacy], override="py3").mode == "py2"  # path beats flag
    assert decide_mode(script, "# gda-bridge: python3\n", [legacy]).mode == "py3"  # pragma beats path
    assert decide_mode(other, "x = 1\n", [legacy], override="python2") == ModeDecision(
        "py2", "Python 2 because mode 'python2' was asked for"
    )
    assert decide_mode(other, "x = 1\n", [legacy], detect_language=False) == ModeDecision(
        "py3",
        "Python 3 because that is the default (no pragma, not under a legacy script path, no --mode)",
    )
    assert decide_mode(other, "print 1\n", [legacy], override="py3").mode == "py3"  # flag beats code
    assert decide_mode(None, "print 1\n", [legacy], override="py2").mode == "py2"  # console input
    with pytest.raises(ValueError, match="unknown script mode 'py4'"):
        decide_mode(other, "", override="py4")


def test_warm_up_builds_the_tool_once() -> None:
    _py2to3.warm_up("print 1\n")
    assert _py2to3.warm_up("print 1\n") == 0.0
