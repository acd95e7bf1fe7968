"""``time.clock()`` (gone since Python 3.8) -> ``time.perf_counter()``, and
``from time import clock`` -> ``from time import perf_counter as clock``."""

from __future__ import annotations

from fissix import fixer_base, pytree
from fissix.pgen2 import token


class FixGdaTime(fixer_base.BaseFix):
    BM_compatible = True
    PATTERN = """
              power< 'time' trailer< '.' attr='clock' > any* >
              | import_from< 'from' 'time' 'import' plain='clock' >
              | import_from< 'from' 'time' 'import' import_as_names< any* plain='clock' any* > >
              | import_from< 'from' 'time' 'import' import_as_name< attr='clock' 'as' any > >
              | import_from< 'from' 'time' 'import' import_as_names< any* import_as_name< attr='clock' 'as' any > any* > >
              """

    def transform(self, node: pytree.Base, results: dict) -> None:
        if "plain" in results:
            leaf = results["plain"]
            leaf.replace(pytree.Leaf(token.NAME, "perf_counter as clock", prefix=leaf.prefix))
        else:
            leaf = results["attr"]
            leaf.replace(pytree.Leaf(token.NAME, "perf_counter", prefix=leaf.prefix))
