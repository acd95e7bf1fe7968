"""The fast parser loop builds exactly fissix's tree and raises fissix's errors."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from fissix import pygram, pytree
from fissix.pgen2 import driver
from fissix.pgen2.parse import ParseError

from gda_bridge.jython.translate._fastparse import FastDriver

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts" / "benchmarks"))
from _legacy_sample import _BLOCK  # noqa: E402

CORPUS = Path(__file__).resolve().parents[2] / "tests" / "legacy_scripts"


def _shape(node: pytree.Base) -> tuple:
    if isinstance(node, pytree.Leaf):
        return (node.type, node.value, node.prefix, node.lineno, node.column)
    return (node.type, node.prefix, tuple(_shape(child) for child in node.children))


def _drivers() -> tuple[driver.Driver, FastDriver]:
    grammar = pygram.python_grammar.copy()
    return driver.Driver(grammar, convert=pytree.convert), FastDriver(grammar, convert=pytree.convert)


SOURCES = [
    "",
    "x = 1\n",
    "print 'a', b,\nexec code in ns\n",
    _BLOCK.replace("pos x{i} 1", "pos(x)").replace("scan x{i} 0 10 1 det 0.1", "pass").format(i=0),
    *sorted(path.read_text() for path in CORPUS.glob("*.py")),
]


@pytest.mark.parametrize("source", SOURCES)
def test_same_tree_and_walks_as_fissix(source: str) -> None:
    slow, fast = _drivers()
    try:
        expected = slow.parse_string(source)
    except ParseError as err:
        with pytest.raises(ParseError) as caught:
            fast.parse_string(source)
        assert (caught.value.msg, caught.value.value, caught.value.context) == (
            err.msg, err.value, err.context
        )
        return
    got = fast.parse_string(source)
    assert _shape(got) == _shape(expected)
    assert str(got) == source
    assert got.used_names == expected.used_names
    if isinstance(got, pytree.Node):  # the empty file is a lone ENDMARKER leaf
        for walk in ("leaves", "pre_order", "post_order"):
            ours = [id(node) for node in getattr(got, walk)()]
            assert ours == [id(node) for node in getattr(pytree.Node, walk)(got)]


@pytest.mark.parametrize("source", ["x = (1,\n", "def f(:\n    pass\n", "1 2\n"])
def test_same_errors_as_fissix(source: str) -> None:
    slow, fast = _drivers()
    outcomes = []
    for parser in (slow, fast):
        try:
            parser.parse_string(source)
            outcomes.append(None)
        except Exception as err:  # noqa: BLE001 (compared, not handled)
            outcomes.append((type(err), str(err)))
    assert outcomes[0] is not None and outcomes[0] == outcomes[1]
