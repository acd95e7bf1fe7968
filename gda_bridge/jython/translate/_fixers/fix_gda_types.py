"""``types.StringType`` -> ``str`` (Jython's strings are text; fissix's own fixer says bytes)."""

from __future__ import annotations

from fissix import pytree
from fissix.fixer_util import Name
from fissix.fixes.fix_types import _TYPE_MAPPING, FixTypes

_MAPPING = {**_TYPE_MAPPING, "StringType": "str", "StringTypes": "(str,)"}


class FixGdaTypes(FixTypes):
    def transform(self, node: pytree.Base, results: dict) -> pytree.Base | None:
        new_value = _MAPPING.get(results["name"].value)
        return Name(new_value, prefix=node.prefix) if new_value else None
