"""GDA command syntax -> Python (GDA_COMPAT section 5), as typed -> expected tables."""

from __future__ import annotations

import pytest

from gda_bridge.jython.translate import (
    DEFAULT_ALIASES,
    DEFAULT_VARARG_ALIASES,
    AliasRegistry,
    translate_gda_syntax,
)


@pytest.fixture(scope="module")
def aliases() -> AliasRegistry:
    """Every name a plain alias: the tables show the argument splitting (vararg aliases wrap the
    same arguments in one list, see test_vararg_aliases_pass_one_list)."""
    return AliasRegistry((*DEFAULT_ALIASES, *DEFAULT_VARARG_ALIASES, "go", "demo", "foo"), ())


SECTION_5 = [
    # every row of the GDA_COMPAT section 5 table
    ("pos x 1", "pos(x, 1)"),
    ("pos", "pos()"),
    ("ls", "ls()"),
    ("scan x 0 10 1 det 0.1", "scan(x, 0, 10, 1, det, 0.1)"),
    ("go peak", "go(peak)"),
    ("pos foo 1 # c", "pos(foo, 1) # c"),
    ("pos foo 1.2; pos bar 2", "pos(foo, 1.2); pos(bar, 2)"),
    ("demo [1 [2 3] 4]", "demo([1, [2, 3], 4])"),
    ("demo [1 -2]", "demo([1, -2])"),
    ("demo [1 - 2]", "demo([1, - 2])"),
    ("demo [1-2]", "demo([1-2])"),
    ("pos x d['a']['b']", "pos(x, d['a']['b'])"),
    ("foo .3", "foo(.3)"),
    ("pos(x, 1)", "pos(x, 1)"),
    ("foo.bar()", "foo.bar()"),
    ("foo.bar = False", "foo.bar = False"),
]

EDGE_CASES = [
    # existing commas and extra spaces are kept
    ("pos x, 1", "pos(x, 1)"),
    ("pos x   1", "pos(x,   1)"),
    ("pos x ,1", "pos(x ,1)"),
    ("scan x 0 10 1, det 0.1", "scan(x, 0, 10, 1, det, 0.1)"),
    # (...) groups are copied verbatim; a word glued to brackets is one argument
    ("pos x (1, 2)", "pos(x, (1, 2))"),
    ("scan x (1 2 3) det", "scan(x, (1 2 3), det)"),
    ("pos x f(a, b) 3", "pos(x, f(a, b), 3)"),
    ("pos x {'a': 1}", "pos(x, {'a': 1})"),
    ("pos x y.z[0] 2", "pos(x, y.z[0], 2)"),
    ("pos x [1 2] [3 4]", "pos(x, [1, 2], [3, 4])"),
    ("pos x [a[0] b[1]]", "pos(x, [a[0], b[1]])"),
    ("demo [[1 2] [3 4]]", "demo([[1, 2], [3, 4]])"),
    # signs and operators
    ("pos x -1", "pos(x, -1)"),
    ("inc x -0.5 y +2", "inc(x, -0.5, y, +2)"),
    ("pos x 1+2", "pos(x, 1+2)"),
    ("pos x 1 * 2", "pos(x, 1 * 2)"),
    ("pos x a.b", "pos(x, a.b)"),
    ("pos x 1e-3 y 2E+4", "pos(x, 1e-3, y, 2E+4)"),
    ("pos x 0x1F", "pos(x, 0x1F)"),
    ("scan x 0 10 1 det 0.1 name='a'", "scan(x, 0, 10, 1, det, 0.1, name='a')"),
    # bare aliases
    ("pos;", "pos();"),
    ("ls # all of them", "ls() # all of them"),
    ("lastScanDataPoint", "lastScanDataPoint()"),
    ("pause", "pause()"),
    ("pos  ", "pos()  "),
    # strings are arguments and are never changed
    ("run 'align_sample'", "run('align_sample')"),
    ('run "align sample"', 'run("align sample")'),
    ("help pos", "help(pos)"),
    ('pos x "a b; c # d"', 'pos(x, "a b; c # d")'),
    ("run r'C:\\scripts'", "run(r'C:\\scripts')"),
    ("alias 'go'", "alias('go')"),
    ("level x 3", "level(x, 3)"),
    # not commands: assignments, comparisons, calls, attributes, keywords
    ("pos = 3", "pos = 3"),
    ("pos += 1", "pos += 1"),
    ("pos == 3", "pos == 3"),
    ("scan is None", "scan is None"),
    ("pos if a else b", "pos if a else b"),
    ("pos and x", "pos and x"),
    ("pos in d", "pos in d"),
    ("pos, x = 1, 2", "pos, x = 1, 2"),
    # an alias, a space and one parenthesised group: the group is one argument (GDA)
    ("pos (x, 1)", "pos((x, 1))"),
    ("pos ()", "pos(())"),
    ("pos (x,)", "pos((x,))"),
    ("pos (x, 1) y", "pos((x, 1), y)"),
    ("pos (x, 1", "pos((x, 1)"),
    # '*' after whitespace and glued to a value unpacks an argument, even after a number
    ("scan x 0 10 1 *dets", "scan(x, 0, 10, 1, *dets)"),
    ("scan x 0 10 1 *get(a=b) **kw", "scan(x, 0, 10, 1, *get(a=b), **kw)"),
    ("pos x 2 *y", "pos(x, 2, *y)"),
    ("pos x 2*y", "pos(x, 2*y)"),
    ("pos[0]", "pos[0]"),
    ("pos.__doc__", "pos.__doc__"),
    ("pos: int = 3", "pos: int = 3"),
    ("x = pos", "x = pos"),
    ("print pos", "print pos"),
    ("position x 1", "position x 1"),
    ("mypos x 1", "mypos x 1"),
    # an alias is only translated at the start of a statement
    ("f(pos)", "f(pos)"),
    ("return pos", "return pos"),
    ("y = [pos x]", "y = [pos x]"),
    # statements after ';' and after compound-statement headers
    ("x = 1; pos x 2", "x = 1; pos(x, 2)"),
    ("for i in range(3): pos x i", "for i in range(3): pos(x, i)"),
    ("if a: pos x 1", "if a: pos(x, 1)"),
    ("while busy(): pause", "while busy(): pause()"),
    ("try: pos x 1", "try: pos(x, 1)"),
    ("else: pos x 2", "else: pos(x, 2)"),
    ("d = {1: 2}; pos x 1", "d = {1: 2}; pos(x, 1)"),
    ("f = lambda: 0; pos x 1", "f = lambda: 0; pos(x, 1)"),
    ("x = a[1:2]; ls", "x = a[1:2]; ls()"),
    ("f = lambda: pos x", "f = lambda: pos x"),
    # comments: never changed
    ("# pos x 1", "# pos x 1"),
    ("pos x 1 #pos y 2", "pos(x, 1) #pos y 2"),
    ("pos#c", "pos()#c"),
    # invalid code is passed through for the interpreter to report
    ("pos x )", "pos x )"),
    ("pos x [1", "pos x [1"),
    ("pos x 'unterminated", "pos(x, 'unterminated)"),
    ("pos = = 3", "pos = = 3"),
    # Python 2 code around commands is left for the second pass
    ("print 'a'; pos x `y`", "print 'a'; pos(x, `y`)"),
    ("pos x 0777 10L", "pos(x, 0777, 10L)"),
]

MULTI_LINE = [
    # continuations and newlines inside brackets are whitespace; lines are kept
    ("scan x 0 10 1 \\\n    det 0.1", "scan(x, 0, 10, 1, \\\n    det, 0.1)"),
    ("pos \\\n  x 1", "pos( \\\n  x, 1)"),
    ("pos x [1,\n       2 3]", "pos(x, [1,\n       2, 3])"),
    ("scan x [1 2\n  3] det", "scan(x, [1, 2,\n  3], det)"),
    ("pos x [1 # one\n 2]", "pos(x, [1, # one\n 2])"),
    ("pos x f(1,\n 2) 3", "pos(x, f(1,\n 2), 3)"),
    # strings, including triple-quoted and multi-line, are never changed
    ("s = '''\npos x 1\n'''\npos x 1", "s = '''\npos x 1\n'''\npos(x, 1)"),
    ('"""doc\nls\n"""\nls', '"""doc\nls\n"""\nls()'),
    ("pos x '''a\nb'''", "pos(x, '''a\nb''')"),
    ("s = 'a\\\npos x 1'\npos x 1", "s = 'a\\\npos x 1'\npos(x, 1)"),
    # def bodies, loops and nested blocks are translated too
    (
        "def f(n):\n    for i in range(n):\n        pos x i\n        scan x 0 i 1 det 0.1\n    return ls",
        "def f(n):\n    for i in range(n):\n        pos(x, i)\n        scan(x, 0, i, 1, det, 0.1)\n    return ls",
    ),
    (
        "if a:\n    pos x 1\nelif b:\n    pos x 2\nelse:\n    ls",
        "if a:\n    pos(x, 1)\nelif b:\n    pos(x, 2)\nelse:\n    ls()",
    ),
    (
        "try:\n    scan x 0 1 1\nexcept Exception, e:\n    pos x 0\nfinally:\n    pos",
        "try:\n    scan(x, 0, 1, 1)\nexcept Exception, e:\n    pos(x, 0)\nfinally:\n    pos()",
    ),
    (
        "class A:\n    def m(self):\n        inc self.x 1\n",
        "class A:\n    def m(self):\n        inc(self.x, 1)\n",
    ),
    ("x = (1,\n     2)\npos x 1", "x = (1,\n     2)\npos(x, 1)"),
    ("x = [pos,\npos]\npos", "x = [pos,\npos]\npos()"),
    ("pos x 1\r\npos y 2\r\n", "pos(x, 1)\r\npos(y, 2)\r\n"),
    ("pos x 1\n\n\n   # c\nls\n", "pos(x, 1)\n\n\n   # c\nls()\n"),
    ("@dec\ndef f(): pos x 1", "@dec\ndef f(): pos(x, 1)"),
    ("def f(a=lambda: 1): pos x a", "def f(a=lambda: 1): pos(x, a)"),
]


@pytest.mark.parametrize(("typed", "expected"), SECTION_5 + EDGE_CASES + MULTI_LINE)
def test_translation(aliases: AliasRegistry, typed: str, expected: str) -> None:
    assert translate_gda_syntax(typed, aliases) == expected


@pytest.mark.parametrize(("typed", "_expected"), SECTION_5 + EDGE_CASES + MULTI_LINE)
def test_lines_are_preserved(aliases: AliasRegistry, typed: str, _expected: str) -> None:
    out = translate_gda_syntax(typed, aliases)
    assert out.count("\n") == typed.count("\n")
    for before, after in zip(typed.split("\n"), out.split("\n"), strict=True):
        if before.strip().startswith("#") or not before.strip():
            assert after == before


@pytest.mark.parametrize(("typed", "expected"), SECTION_5 + EDGE_CASES + MULTI_LINE)
def test_valid_output_compiles(aliases: AliasRegistry, typed: str, expected: str) -> None:
    """Whatever compiled before translation (as Python 3) or is a command, compiles after."""
    out = translate_gda_syntax(typed, aliases)
    try:
        compile(expected, "<t>", "exec")
    except SyntaxError:
        return  # invalid or Python 2 input: passed through for the interpreter to report
    compile(out, "<t>", "exec")


def test_default_alias_lists() -> None:
    registry = AliasRegistry()
    assert set(DEFAULT_ALIASES) == {
        "alias", "vararg_alias", "remove_alias", "ls", "ls_names", "help", "list_defaults",
        "clear_defaults", "add_default", "remove_default", "level", "pause", "reset_namespace",
        "run", "staticscan", "lastScanDataPoint",
    }
    assert set(DEFAULT_VARARG_ALIASES) == {
        "pos", "upos", "inc", "uinc", "scan", "pscan", "cscan", "testscan", "gscan", "tscan",
        "timescan",
    }
    assert registry.aliases == frozenset(DEFAULT_ALIASES)
    assert registry.vararg_aliases == frozenset(DEFAULT_VARARG_ALIASES)
    assert translate_gda_syntax("timescan det 10 0.1 0.1", registry) == "timescan([det, 10, 0.1, 0.1])"
    assert translate_gda_syntax("reset_namespace", registry) == "reset_namespace()"


def test_alias_vararg_alias_remove_alias() -> None:
    registry = AliasRegistry()
    assert translate_gda_syntax("go peak", registry) == "go peak"
    registry.alias("go")
    assert "go" in registry and not registry.is_vararg("go")
    assert translate_gda_syntax("go peak", registry) == "go(peak)"

    def my_scan(*args: object) -> None: ...

    assert registry.vararg_alias(my_scan) == "my_scan"  # a function is aliased by its name
    assert registry.is_vararg("my_scan") and "my_scan" not in registry.aliases
    assert translate_gda_syntax("my_scan x 1 2", registry) == "my_scan([x, 1, 2])"
    registry.alias("my_scan")  # switching kind keeps one entry
    assert "my_scan" in registry.aliases and "my_scan" not in registry.vararg_aliases
    assert translate_gda_syntax("my_scan x 1 2", registry) == "my_scan(x, 1, 2)"

    assert registry.remove_alias("go") is True
    assert registry.remove_alias("go") is False
    assert translate_gda_syntax("go peak", registry) == "go peak"
    assert registry.remove_alias("pos") is True
    assert translate_gda_syntax("pos x 1", registry) == "pos x 1"


VARARG = [
    ("pos x 1", "pos([x, 1])"),
    ("pos x", "pos([x])"),
    ("pos", "pos()"),
    ("scan x 0 10 1 det 0.1", "scan([x, 0, 10, 1, det, 0.1])"),
    ("scan x 0 1 1 *dets # c", "scan([x, 0, 1, 1, *dets]) # c"),
    ("pos (x, 1)", "pos([(x, 1)])"),
    ("inc x -1; ls", "inc([x, -1]); ls()"),
    ("scan x 0 10 1 \\\n    det 0.1", "scan([x, 0, 10, 1, \\\n    det, 0.1])"),
    ("for i in r: pos x i", "for i in r: pos([x, i])"),
]


@pytest.mark.parametrize(("typed", "expected"), VARARG)
def test_vararg_aliases_pass_one_list(typed: str, expected: str) -> None:
    """GDA emits vararg aliases with their arguments as one list: a user's ``def myscan(*args)``
    reading ``args[0]`` sees that list, as in GDA."""
    assert translate_gda_syntax(typed, AliasRegistry()) == expected


def test_a_users_vararg_command_gets_the_list_and_ours_accept_both() -> None:
    registry = AliasRegistry()
    registry.vararg_alias("myscan")
    seen: list = []
    code = translate_gda_syntax("myscan a 1 2", registry)
    exec(code, {"myscan": lambda *args: seen.append(args), "a": "a"})
    assert seen == [(["a", 1, 2],)]


@pytest.mark.parametrize("bad", ["for", "1x", "a b", "", None, 3])
def test_alias_rejects_unusable_names(bad: object) -> None:
    with pytest.raises(ValueError, match="cannot alias"):
        AliasRegistry().alias(bad)


def test_plain_name_collections_work_as_aliases() -> None:
    assert translate_gda_syntax("pos x 1", {"pos"}) == "pos(x, 1)"
    assert translate_gda_syntax("pos x 1", set()) == "pos x 1"


def test_large_script_round_trip_is_exact_where_nothing_is_translated() -> None:
    text = "".join(f"x{i} = {i} / 2  # pos x {i}\n" for i in range(300))
    assert translate_gda_syntax(text, AliasRegistry()) == text
