"""Python 2 constructs GDA's library uses, each run translated and checked by what it prints."""

from __future__ import annotations

from textwrap import dedent

import pytest

from gda_bridge.jython.translate import translate_source
from tests.jython.conftest import RunScript


def test_range_is_a_list_without_xrange_in_the_file(run_script: RunScript) -> None:
    assert run_script("print range(3) + [9]\nfor i in range(2): print i\n") == "[0, 1, 2, 9]\n0\n1\n"


def test_time_clock(run_script: RunScript) -> None:
    source = "import time\nfrom time import clock\nfrom time import clock as c\nprint time.clock() > 0, clock() > 0, c() >= 0\n"
    assert run_script(source) == "True True True\n"


def test_userdict_iterableuserdict_dictmixin(run_script: RunScript) -> None:
    source = dedent(
        """
        import UserDict
        from UserDict import IterableUserDict, DictMixin
        class Config(UserDict.UserDict):
            pass
        class Table(DictMixin):
            def __init__(self):
                self.d = {}
            def __getitem__(self, k):
                return self.d[k]
            def __setitem__(self, k, v):
                self.d[k] = v
            def __delitem__(self, k):
                del self.d[k]
            def keys(self):
                return self.d.keys()
        t = Table()
        t['a'] = 1
        print Config(x=1)['x'], list(IterableUserDict(y=2)), t.items(), t.has_key('a'), 'b' in t, len(t)
        """
    )
    assert run_script(source) == "1 ['y'] [('a', 1)] True False 1\n"


def test_classes_with_only_cmp_sort_and_compare(run_script: RunScript) -> None:
    source = dedent(
        """
        class V:
            def __init__(self, v):
                self.v = v
            def __cmp__(self, other):
                return cmp(self.v, other.v)
            def __repr__(self):
                return 'V%d' % self.v
        class Base(object):
            def __lt__(self, other):
                return True
        class W(Base):
            def __cmp__(self, other):
                return 1
        print sorted([V(3), V(1), V(2)]), V(1) == V(1), V(1) != V(2), V(2) >= V(3), max(V(4), V(5))
        print W() < W(), W() > W(), len(set([V(1), V(1)]))
        """
    )
    # a base's own __lt__ wins over __cmp__, as in Python 2; instances hash by identity
    assert run_script(source) == "[V1, V2, V3] True True False V5\nTrue True 2\n"


@pytest.mark.parametrize(
    ("call", "printed"),
    [
        ("l.sort(cmp=lambda a, b: cmp(b, a)); print l", "[3, 2, 1]"),
        ("l.sort(lambda a, b: cmp(b, a)); print l", "[3, 2, 1]"),
        ("print sorted(l, cmp=lambda a, b: cmp(b, a))", "[3, 2, 1]"),
        ("print sorted(l, lambda a, b: cmp(b, a))", "[3, 2, 1]"),
        ("print sorted(l, None, lambda x: -x)", "[3, 2, 1]"),
        ("print sorted(l, cmp=lambda a, b: cmp(a, b), key=lambda x: -x, reverse=True)", "[1, 2, 3]"),
        ("l.sort(reverse=True); print l", "[3, 2, 1]"),
    ],
)
def test_sort_and_sorted_with_cmp(run_script: RunScript, call: str, printed: str) -> None:
    assert run_script(f"l = [2, 3, 1]\n{call}\n") == printed + "\n"


def test_sort_with_cmp_keeps_lines(run_script: RunScript) -> None:
    source = "l = [2, 1]\nl.sort(cmp=lambda a, b:\n       cmp(a, b))\nprint l\n"
    out = translate_source(source, "s.py", "py2", cache=None)
    assert out.count("\n") == source.count("\n")
    assert run_script(source) == "[1, 2]\n"


def test_python2_inside_exec_and_eval_strings(run_script: RunScript) -> None:
    source = dedent(
        """
        exec "print 7/2"
        ns = {}
        exec "y = 1/2\\nprint 'in ns', y" in ns
        print eval("7/2"), eval(" 7.0/2 "), ns['y']
        code = compile("z = 1", "<c>", "exec")
        exec code
        print z
        """
    )
    assert run_script(source) == "3\nin ns 0\n3 3.5 0\n1\n"


def test_execfile_translates_the_file(run_script: RunScript, tmp_path) -> None:
    other = tmp_path / "other.py"
    other.write_text("print 'from other', 9/2\n")
    assert run_script(f"execfile({str(other)!r})\n") == "from other 4\n"


def test_import_mock_is_unittest_mock(run_script: RunScript) -> None:
    from gda_bridge.jython.importer import install_shims

    install_shims()
    source = "import mock\nfrom mock import patch, MagicMock\nm = mock.Mock(return_value=4)\nprint m(), MagicMock()() is not None\n"
    assert run_script(source) == "4 True\n"


def test_implicit_relative_imports_only_in_packages(tmp_path) -> None:
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "sibling.py").write_text("")
    text = "import sibling\nfrom sibling import x\nimport os\n"
    in_package = translate_source(text, str(pkg / "mod.py"), "py2", cache=None, package=True)
    assert in_package == "from . import sibling\nfrom .sibling import x\nimport os\n"
    assert translate_source(text, str(pkg / "mod.py"), "py2", cache=None) == text


def test_java_members_named_like_python2_keywords(run_script: RunScript) -> None:
    """Jython accepted ``printer.print(msg)`` in Python 2 files (GDA's terminal printer)."""
    source = dedent(
        """
        class Printer:
            pass
        printer = Printer()
        setattr(printer, "print", lambda msg: __gda_print__("printed", msg))
        printer.print("a")
        print "x.print stays", 1/2
        """
    )
    assert run_script(source) == "printed a\nx.print stays 0\n"


def test_classes_with_python2_division_methods(run_script: RunScript) -> None:
    source = dedent(
        """
        class Volts:
            def __init__(self, v):
                self.v = v
            def __div__(self, other):
                return Volts(self.v / other)
            def __rdiv__(self, other):
                return 'rdiv %s' % other
            def __idiv__(self, other):
                self.v = -1
                return self
        a = Volts(7) / 2
        print a.v, 3 / Volts(1), 7.0 / 2
        a /= 5
        print a.v
        """
    )
    assert run_script(source) == "3 rdiv 3 3.5\n-1\n"
