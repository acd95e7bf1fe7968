"""Hooks registered through the ``gda_bridge.hooks`` entry-point group of an installed distribution."""

import sys
import textwrap

import numpy as np
from analysis_docs import one_d

from gda_bridge.analysis import ENTRY_POINT_GROUP, HOOKS, AnalysisConfig, HookRegistry, ScanProcessing


def _install(site, name, module_source, entry_points):
    """A minimal installed distribution: a module plus a dist-info with entry_points.txt."""
    (site / f"{name}.py").write_text(textwrap.dedent(module_source))
    info = site / f"{name}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[{ENTRY_POINT_GROUP}]\n" + "\n".join(entry_points) + "\n")


def test_entry_point_hooks_are_loaded_and_run(tmp_path, monkeypatch):
    site = tmp_path / "site"
    site.mkdir()
    _install(
        site,
        "beamline_hooks",
        """
        from gda_bridge.analysis import on_point

        def count_points(record):
            return {"points": record.num_points, "last_x": float(record["x"][-1])}

        @on_point
        def watch(start, point):
            SEEN.append(point.index)

        SEEN = []
        """,
        [
            "npoints = beamline_hooks:count_points",
            "watcher = beamline_hooks:watch",
            "broken = no_such_module:hook",
        ],
    )
    monkeypatch.syspath_prepend(str(site))
    hooks = HookRegistry()
    lines, namespace = [], {}
    loaded = hooks.load_entry_points(report=lines.append)
    assert sorted((h.name, h.kind) for h in loaded) == [("npoints", "after_scan"), ("watcher", "on_point")]
    assert len(lines) == 1 and lines[0].startswith("Hook broken (no_such_module:hook) could not be loaded: ")

    collector = ScanProcessing(
        namespace, config=AnalysisConfig(processors=()), report=lines.append, hooks=hooks
    )
    try:
        for d in one_d(np.arange(5.0), {"det": np.ones(5)}):
            collector(d)
        assert collector.wait_idle(30)
        import beamline_hooks

        assert namespace["npoints"] == {"points": 5, "last_x": 4.0}
        assert beamline_hooks.SEEN == [0, 1, 2, 3, 4]
    finally:
        collector.close()
        HOOKS.remove("watch")  # its decorator also registered it in the default registry
        sys.modules.pop("beamline_hooks", None)
