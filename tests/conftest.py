"""Shared fixtures: one JVM per test session with a small heap, and a clean scan context."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("GDA_BRIDGE_JVM_HEAP", "256m")


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    """Scan files of a test (and of the processes it starts) go to its own folder."""
    path = tmp_path / "data"
    monkeypatch.setenv("GDA_BRIDGE_DATA_DIR", str(path))
    return path


@pytest.fixture(autouse=True)
def no_default_session():
    """In-process scans of the tests stay bare unless a test wires a session itself: the default
    session (files, analysis) is what a plain script gets; tests/session runs those as processes."""
    from gda_bridge.scans.context import context

    c = context()
    saved, c.default_session = c.default_session, None
    yield
    c.default_session = saved


@pytest.fixture
def ctx():
    """The session's scan context, emptied before and after the test; scan output goes to
    ``ctx.lines`` instead of the terminal."""
    from gda_bridge.scans.context import context

    c = context()
    saved = (c.stream, c.output, list(c.defaults), list(c.spec_counters), dict(c.metadata), c.return_to_start,
             c.next_scan_number, list(c.suspenders))
    lines: list[str] = []
    c.reset_stream()
    c.output = lines.append
    c.defaults.clear()
    c.spec_counters.clear()
    c.metadata.clear()
    c.suspenders.clear()
    c.lines = lines
    yield c
    c.stream, c.output = saved[0], saved[1]
    c.defaults[:] = saved[2]
    c.spec_counters[:] = saved[3]
    c.metadata.clear()
    c.metadata.update(saved[4])
    c.return_to_start = saved[5]
    c.next_scan_number = saved[6]
    c.suspenders[:] = saved[7]


@pytest.fixture
def documents(ctx):
    """Every document the scans of the test emit, in order."""
    docs: list = []
    unsubscribe = ctx.stream.subscribe(docs.append)
    yield docs
    unsubscribe()
