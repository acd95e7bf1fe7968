"""Fixtures for the Jython-compatibility tests: no test writes to the user's real cache."""

from __future__ import annotations

import contextlib
import io
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from gda_bridge.jython.translate import AliasRegistry, _api, compile_script


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv("GDA_BRIDGE_CACHE_DIR", str(directory))
    monkeypatch.setattr(_api, "_default_cache", None)
    monkeypatch.setattr(_api, "_recent", type(_api._recent)())  # the in-process memo too
    return directory / "translate"


RunScript = Callable[..., str]


@pytest.fixture
def run_script(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> RunScript:
    """Write a script to a file, translate and run it as gda-bridge would; return its stdout."""
    counter = iter(range(1000))

    def run(
        source: str,
        mode: str = "py2",
        stdin: str = "",
        aliases: AliasRegistry | None = None,
        namespace: dict | None = None,
    ) -> str:
        path = tmp_path / f"script{next(counter)}.py"
        path.write_text(source)
        code = compile_script(source, str(path), mode, aliases if aliases is not None else AliasRegistry())
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        out = io.StringIO()
        ns = {"__name__": "__main__", **(namespace or {})}
        with contextlib.redirect_stdout(out):
            exec(code, ns)
        return out.getvalue()

    return run
