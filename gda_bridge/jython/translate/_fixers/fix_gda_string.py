"""``import string`` -> Python 2's string module (:mod:`gda_bridge.jython.py2string`)."""

from __future__ import annotations

from fissix import fixer_base, pytree
from fissix.pgen2 import token

SHIM = "gda_bridge.jython.py2string"


class FixGdaString(fixer_base.BaseFix):
    BM_compatible = True
    PATTERN = """
              import_name< 'import' plain='string' >
              | import_name< 'import' dotted_as_names< any* plain='string' any* > >
              | import_name< 'import' dotted_as_name< renamed='string' 'as' any > >
              | import_name< 'import' dotted_as_names< any* dotted_as_name< renamed='string' 'as' any > any* > >
              | import_from< 'from' renamed='string' 'import' any* >
              """

    def transform(self, node: pytree.Base, results: dict) -> None:
        if "plain" in results:
            leaf = results["plain"]
            leaf.replace(pytree.Leaf(token.NAME, f"{SHIM} as string", prefix=leaf.prefix))
        else:
            leaf = results["renamed"]
            leaf.replace(pytree.Leaf(token.NAME, SHIM, prefix=leaf.prefix))
