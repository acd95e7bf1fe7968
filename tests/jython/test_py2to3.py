"""Python 2 scripts, translated and executed: the output is what Jython 2.7 printed."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

from gda_bridge.jython.translate import (
    AliasRegistry,
    TranslationError,
    compile_script,
    convert_py2,
    translate_source,
)

from .conftest import RunScript


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


CASES = [
    pytest.param("print 7/2, -7/2, 7.0/2, 7/2.0, 1/3.0, 2**3/3", "3 -4 3.5 3.5 0.333333333333 2\n", id="int-division"),
    pytest.param(
        """
        x = 7
        x /= 2
        y = 7.0
        y /= 2
        a = [9, 9.0]
        a[0] /= 2
        a[1] /= 2
        print x, y, a
        """,
        "3 3.5 [4, 4.5]\n",
        id="in-place-division",
    ),
    pytest.param(
        """
        class JavaInt(int):
            pass
        print JavaInt(7) / JavaInt(2), JavaInt(7) / 2.0, True / 2
        """,
        "3 3.5 0\n",
        id="int-subclass-division",
    ),
    pytest.param(
        """
        from __future__ import division
        x = 7
        x /= 2
        print 7/2, x, 7//2
        """,
        "3.5 3.5 3\n",
        id="future-division",
    ),
    pytest.param(
        """
        print (1 +
               7) / 2, 9 / (2
               * 2)
        """,
        "4 2\n",
        id="division-over-lines",
    ),
    pytest.param(
        """
        import string
        from string import lowercase, join as j
        print string.letters[:5], string.uppercase[-3:], lowercase[:2], string.digits
        print string.join(['a', 'b'], '-'), j(['c', 'd']), string.split('a b'), string.atoi('12') + 1
        print string.strip('  x '), string.upper('q'), string.replace('aaa', 'a', 'b', 2)
        print string.Template('$x').substitute(x=1)
        """,
        "abcde XYZ ab 0123456789\na-b c d ['a', 'b'] 13\nx Q bba\n1\n",
        id="string-module",
    ),
    pytest.param(
        """
        print "a",
        print "b"
        print 1,
        print 2,
        print
        print "x\\n",
        print "y"
        print ("a", "b")
        print ("one")
        print
        """,
        "a b\n1 2\nx\ny\n('a', 'b')\none\n\n",
        id="print-soft-space",
    ),
    pytest.param(
        """
        import StringIO
        f = StringIO.StringIO()
        print >>f, "a", 1
        print >>f, "b",
        print >>f
        print f.getvalue(),
        """,
        "a 1\nb\n",
        id="print-to-file",
    ),
    pytest.param(
        "print 0.1 + 0.2, 1.0, 1e20, 2.5, [0.1 + 0.2], 1.0 / 3, -0.0",
        "0.3 1.0 1e+20 2.5 [0.30000000000000004] 0.333333333333 -0.0\n",
        id="print-float-format",
    ),
    pytest.param(
        """
        d = {'a': 1}
        k = d.keys()
        k.append('b')
        v = d.values() + [2]
        print k, v, type(d.items()) is list, d.has_key('a'), d.has_key('z')
        for key, value in d.iteritems():
            print key, value
        """,
        "['a', 'b'] [1, 2] True True False\na 1\n",
        id="dict-lists",
    ),
    pytest.param(
        """
        try:
            raise ValueError, "bad"
        except ValueError, e:
            print "caught", e
        try:
            raise KeyError("k")
        except (KeyError, IndexError), e:
            print "caught", type(e).__name__
        """,
        "caught bad\ncaught KeyError\n",
        id="except-comma-raise-comma",
    ),
    pytest.param(
        "print `42`, `'s'`, 1 <> 2, 1 <> 1, 10L + 1, 0777, 0x10L, 077L",
        "42 's' True False 11 511 16 63\n",
        id="backticks-ne-long-octal",
    ),
    pytest.param(
        """
        exec "z = 6 * 7"
        print z
        ns = {}
        exec "q = 1" in ns
        print ns['q']
        """,
        "42\n1\n",
        id="exec-statement",
    ),
    pytest.param(
        """
        print range(3), map(str, xrange(2)), filter(None, [0, 1]), zip('ab', [1, 2])
        u = unicode("x") + u"y"
        print u, isinstance(u, basestring), unichr(65), long(3)
        import sys
        print sys.maxint > 0
        """,
        "[0, 1, 2] ['0', '1'] [1] [('a', 1), ('b', 2)]\nxy True A 3\nTrue\n",
        id="builtins-that-returned-lists",
    ),
    pytest.param(
        """
        print round(2.5), round(-2.5), round(0.125, 2), round(3), round(2.675, 2), round(1234.5, -2)
        print cmp(1, 2), cmp('b', 'a'), reduce(lambda a, b: a * b, [1, 2, 3, 4])
        """,
        "3.0 -3.0 0.13 3.0 2.67 1200.0\n-1 1 24\n",
        id="round-cmp-reduce",
    ),
    pytest.param(
        """
        import types
        print isinstance("a", types.StringType), isinstance(1, types.IntType)
        print "%d items, %s" % (3, 'ok'), "a" "b"
        """,
        "True True\n3 items, ok ab\n",
        id="types-and-formatting",
    ),
    pytest.param(
        """
        class Old:
            def __init__(self, n):
                self.n = n
            def __nonzero__(self):
                return self.n > 0
            def next(self):
                self.n -= 1
                return self.n
        o = Old(2)
        print bool(o), o.next(), bool(o)
        """,
        "True 1 True\n",
        id="old-style-class-methods",
    ),
]


@pytest.mark.parametrize(("source", "expected"), CASES)
def test_jython_semantics(run_script: RunScript, source: str, expected: str) -> None:
    assert run_script(dedent(source)) == expected


def test_indentation_mixing_tabs_and_spaces_reads_as_python2_did(run_script: RunScript) -> None:
    source = "if 1:\n\tprint 'tab'\n        print 'spaces'\ns = '''\n\tkept'''\nprint repr(s)\n"
    assert run_script(source) == "tab\nspaces\n'\\n\\tkept'\n"


def test_numpy_integers_floor_like_python2_numpy(run_script: RunScript) -> None:
    out = run_script("print a / 2, b / 2\n", namespace={"a": np.int64(7), "b": np.float64(7)})
    assert out == "3 3.5\n"


def test_a_builtin_name_the_script_defines_is_left_alone(run_script: RunScript) -> None:
    source = "def cmp(a, b):\n    return 99\nprint cmp(1, 2)\nfile = 3\nprint file\n"
    assert run_script(source) == "99\n3\n"


def test_raw_input_and_input_read_the_fed_stdin(run_script: RunScript) -> None:
    source = dedent(
        """
        name = raw_input("Name? ")
        n = input("Expr? ")
        print "hello", name, n
        """
    )
    assert run_script(source, stdin="Bob\n3*4\n") == "Name? Expr? hello Bob 12\n"


def test_gda_commands_and_python2_together(run_script: RunScript) -> None:
    source = dedent(
        """
        def pos(*args):
            print "pos", args
        def scan_twice(n):
            for i in xrange(n):
                pos x i / 2
            print "done",
        x = 'x'
        scan_twice(3)
        pos x 1; pos
        print
        """
    )
    # pos is a vararg alias: GDA passes its arguments as one list
    expected = "pos (['x', 0],)\npos (['x', 0],)\npos (['x', 1],)\ndone pos (['x', 1],)\npos ()\n\n"
    assert run_script(source) == expected


def test_python3_script_runs_unchanged_in_py3_mode(run_script: RunScript) -> None:
    source = dedent(
        """
        values = {"a": 7}
        print(f"{values['a'] / 2} {7 // 2}", end=";")
        print(*values.keys(), sep=",")
        def pos(*a):
            print("pos", a)
        x = 1
        pos x 2
        """
    )
    assert run_script(source, mode="py3") == "3.5 3;a\npos ([1, 2],)\n"
    text = source.replace("pos x 2", "pos(x, 2)")
    assert translate_source(text, "s.py", "py3", None) is text  # nothing to do: returned as is


def test_python2_compatible_print_calls_still_work_in_py2_mode(run_script: RunScript) -> None:
    assert run_script('print("one")\nprint("%s=%d" % ("a", 1))\n') == "one\na=1\n"


def test_print_function_future_import_is_honoured(run_script: RunScript) -> None:
    source = 'from __future__ import print_function\nprint("a", "b", sep="-", end="!\\n")\n'
    assert run_script(source) == "a-b!\n"


def test_tuple_parameters_are_reported_with_construct_and_line() -> None:
    source = "x = 1\n\ndef f(a, (b, c)):\n    return a\n"
    with pytest.raises(TranslationError) as info:
        compile_script(source, "legacy.py", "py2", None)
    err = info.value
    assert err.lineno == 3 and err.filename == "legacy.py"
    assert "tuple parameter (b, c)" in str(err) and "not supported" in str(err)
    assert str(err).startswith("legacy.py, line 3: ")


def test_invalid_python2_is_a_syntax_error_at_the_users_line() -> None:
    source = "x = 1\ny = (2 +\nprint x\nz = = 3\n"
    with pytest.raises(SyntaxError) as info:
        compile_script("a = 1\nb = = 2\n", "bad.py", "py2", None)
    assert info.value.lineno == 2
    assert info.value.text == "b = = 2"
    assert "parsed as Python 2" in info.value.msg
    with pytest.raises(SyntaxError):
        compile_script(source, "bad2.py", "py2", None)


def test_python3_only_code_in_py2_mode_says_how_to_switch() -> None:
    with pytest.raises(TranslationError, match="# gda-bridge: python3") as info:
        compile_script('x = 1\nprint("a", end="")\n', "new.py", "py2", None)
    assert info.value.lineno == 2


def test_line_count_is_kept_by_every_conversion() -> None:
    source = dedent(
        """
        from __future__ import print_function
        import string, os
        d = {}
        if d.has_key(1) and 1 <> 2: print(`x`)
        from itertools import imap
        k = map(lambda x: x / 2,
                d.keys())
        s = raw_input(
            "? ")
        exec("a = 1")
        raise E, \\
            "m"
        """
    )
    out = convert_py2(source, "s.py")
    assert out.count("\n") == source.count("\n")


def test_a_conversion_that_would_move_lines_is_refused_with_the_line() -> None:
    source = "x = 1\nfrom urllib import urlopen, quote\n"
    with pytest.raises(TranslationError, match="line 2") as info:
        convert_py2(source, "u.py")
    assert info.value.lineno == 2 and "urllib" in info.value.msg


def test_imported_module_mode_skips_command_syntax() -> None:
    assert translate_source("pos x 1\n", "m.py", "py3", None) == "pos x 1\n"
    assert translate_source("pos x 1\n", "m.py", "py3", AliasRegistry()) == "pos([x, 1])\n"
