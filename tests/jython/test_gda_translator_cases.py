"""Every assertion of GDA's own translator tests, run against our command-syntax pass.

The cases are facts about GDA's TokenStreamTranslator (tests/jython/data/gda_translator_cases.py).
"""

from __future__ import annotations

import pytest

from gda_bridge.jython.translate import AliasRegistry, translate_gda_syntax
from tests.jython.data.gda_translator_cases import CASES


@pytest.mark.parametrize(
    ("plain", "vararg", "typed", "expected"),
    [case[1:] for case in CASES],
    ids=[f"{case[0]}-{i}" for i, case in enumerate(CASES)],
)
def test_gda_translator_case(plain: tuple[str, ...], vararg: tuple[str, ...], typed: str, expected: str) -> None:
    assert translate_gda_syntax(typed, AliasRegistry(plain, vararg)) == expected


def test_every_gda_case_is_ported() -> None:
    assert len(CASES) == 90
