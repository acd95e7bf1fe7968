"""Python 2 standard modules CPython 3 lacks -> our stand-ins, under the name the script uses.

``import string`` -> Python 2's string module (:mod:`gda_bridge.jython.py2string`);
``import UserDict`` -> :mod:`gda_bridge.jython.py2userdict` (``UserDict``, ``IterableUserDict``,
``DictMixin``). ``import string as s`` and ``from string import letters`` work the same way.
"""

from __future__ import annotations

from fissix import fixer_base, pytree
from fissix.pgen2 import token

MODULES = {
    "string": "gda_bridge.jython.py2string",
    "UserDict": "gda_bridge.jython.py2userdict",
}
_NAMES = "(" + "|".join(f"'{name}'" for name in MODULES) + ")"


class FixGdaModules(fixer_base.BaseFix):
    BM_compatible = True
    PATTERN = f"""
              import_name< 'import' plain={_NAMES} >
              | import_name< 'import' dotted_as_names< any* plain={_NAMES} any* > >
              | import_name< 'import' dotted_as_name< renamed={_NAMES} 'as' any > >
              | import_name< 'import' dotted_as_names< any* dotted_as_name< renamed={_NAMES} 'as' any > any* > >
              | import_from< 'from' renamed={_NAMES} 'import' any* >
              """

    def transform(self, node: pytree.Base, results: dict) -> None:
        if "plain" in results:
            leaf = _leaf(results["plain"])
            target = f"{MODULES[leaf.value]} as {leaf.value}"
        else:
            leaf = _leaf(results["renamed"])
            target = MODULES[leaf.value]
        leaf.replace(pytree.Leaf(token.NAME, target, prefix=leaf.prefix))


def _leaf(found: pytree.Base | list) -> pytree.Leaf:
    """An alternation in the pattern matches as a list of one leaf."""
    return found[0] if isinstance(found, list) else found
