"""The driver template and its tests in docs/epics.md run as written."""

from __future__ import annotations

import re
import types
from pathlib import Path

import pytest

from gda_bridge.sim_ioc import SimIOC

DOC = Path(__file__).resolve().parents[2] / "docs" / "epics.md"


def _python_block(marker: str) -> str:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.S)
    return next(b for b in blocks if b.startswith(marker))


@pytest.fixture(scope="module")
def template() -> types.ModuleType:
    module = types.ModuleType("mypackage.counter")
    exec(compile(_python_block("# mypackage/counter.py"), str(DOC), "exec"), module.__dict__)  # noqa: S102
    return module


def _doc_tests(template: types.ModuleType) -> dict[str, object]:
    source = _python_block("# tests/test_counter.py").replace("from mypackage.counter import MyCounter\n", "")
    namespace: dict[str, object] = {"MyCounter": template.MyCounter}
    exec(compile(source, str(DOC), "exec"), namespace)  # noqa: S102
    return namespace


def test_template_counts(template: types.ModuleType, sim_ioc: SimIOC) -> None:
    _doc_tests(template)["test_counts_for_the_collection_time"](sim_ioc)  # type: ignore[operator]


def test_template_reports_a_dead_ioc(template: types.ModuleType, spare_ioc: SimIOC) -> None:
    _doc_tests(template)["test_a_dead_ioc_is_a_clear_error"](spare_ioc)  # type: ignore[operator]
