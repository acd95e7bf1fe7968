"""Python 2 constructs we do not convert: fail with one clear message naming construct and line."""

from __future__ import annotations

from fissix import fixer_base, pytree

from gda_bridge.jython.translate._errors import TranslationError


class FixGdaUnsupported(fixer_base.BaseFix):
    BM_compatible = True
    PATTERN = """
              tfpdef< '(' any* ')' > | vfpdef< '(' any* ')' >
              """

    def transform(self, node: pytree.Base, results: dict) -> None:
        raise TranslationError(
            "Python 2 construct 'tuple parameter "
            f"{str(node).strip()}' is not supported; take one parameter and unpack it in the body",
            filename=self.filename,
            lineno=node.get_lineno(),
        )
