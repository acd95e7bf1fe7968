"""The language of a file no pragma, legacy path or --mode decides: read from its code."""

from __future__ import annotations

from pathlib import Path

import pytest

from gda_bridge.jython.translate import AliasRegistry, decide_mode


@pytest.mark.parametrize(
    ("text", "mode", "said"),
    [
        ("print 'hello'\n", "py2", "not valid Python 3 (Missing parentheses in call to 'print'"),
        ("try:\n    x = 1\nexcept ValueError, e:\n    pass\n", "py2", "line 3) but is valid Python 2"),
        ("x = 10L\n", "py2", "not valid Python 3"),
        ("pos x 1\nprint 'moved'\n", "py2", "valid Python 2"),  # command syntax counts as either
        ("x = 1\n", "py3", "shows no sign of GDA's Python 2"),
        ("print(f'{1}')\n", "py3", "an f-string (line 1)"),
        ("print('a', end='')\nfrom gda.jython import InterfaceProvider\n", "py3", "print(..., end=/sep=/file=)"),
        ("def f(x: int):\n    return x\n", "py3", "an annotation"),
        ("from gdascripts.pd.dummy_pds import DummyPD\nx = 1\n", "py2", "imports gdascripts.pd.dummy_pds (line 1)"),
        ("import java\n", "py2", "imports java (line 1)"),
        ("from uk.ac.diamond import x\n", "py2", "imports uk.ac.diamond"),
        ("for i in xrange(3):\n    pass\n", "py2", "uses xrange (line 1)"),
        ("if d.has_key('a'):\n    pass\n", "py2", "calls .has_key()"),
        ("x = (1,\n", "py3", "parses as neither"),
        ("print 'a'\nx = (1,\n", "py2", "looks like Python 2 (a print statement on line 1)"),
    ],
)
def test_the_code_decides(text: str, mode: str, said: str) -> None:
    decision = decide_mode("s.py", text, aliases=AliasRegistry(), cache=None)
    assert decision.mode == mode and said in decision.reason, decision.reason


def test_the_division_choice_is_always_reported() -> None:
    gda = decide_mode("s.py", "import gda.device\n\nx = 7 / 2\n", cache=None)
    assert gda.mode == "py2" and "its '/' (line 3) floors two integers as Python 2 does" in gda.reason
    assert "'# gda-bridge: python3'" in gda.reason
    plain = decide_mode("s.py", "x = 7 / 2\n", cache=None)
    assert plain.mode == "py3" and "its '/' (line 1) is true division" in plain.reason
    future = decide_mode("s.py", "from __future__ import division\nimport java\nx = 7 / 2\n", cache=None)
    assert future.mode == "py2" and "'/'" not in future.reason
    assert "'/'" not in decide_mode("s.py", "x = 7 // 2\n", cache=None).reason


def test_print_statements_beside_the_file_make_it_python2(tmp_path: Path) -> None:
    (tmp_path / "old_helper.py").write_text("def f():\n    print 'x'\n")
    script = tmp_path / "calc.py"
    decision = decide_mode(script, "x = 7 / 2\n", cache=None)
    assert decision.mode == "py2" and "old_helper.py, beside it" in decision.reason
    alone = tmp_path / "other" / "calc.py"
    alone.parent.mkdir()
    assert decide_mode(alone, "x = 7 / 2\n", cache=None).mode == "py3"


def test_rules_before_the_code(tmp_path: Path) -> None:
    assert decide_mode("s.py", "# gda-bridge: python3\nimport java\n", cache=None).mode == "py3"
    assert decide_mode("s.py", "import java\n", override="py3", cache=None).mode == "py3"
    assert decide_mode(tmp_path / "s.py", "x = 1\n", [tmp_path], cache=None).mode == "py2"


def test_print_statements_elsewhere_in_the_package(tmp_path: Path) -> None:
    top = tmp_path / "lib"
    sub = top / "sub"
    sub.mkdir(parents=True)
    (top / "__init__.py").write_text("print 'lib'\n")
    (sub / "__init__.py").write_text("")
    decision = decide_mode(sub / "calc.py", "x = 7 / 2\n", cache=None)
    assert decision.mode == "py2" and "lib/__init__.py" in decision.reason
