"""Post-scan analysis: GDA's processors (maxval, minval, com, peak, edge, fwhm), ``go`` targets,
result records for the scan file, a plot of each scan, and user hooks run off the scan thread
(threads, a local process pool, or a Dask cluster).

The collector subscribes to the document stream; the scan engine never calls anything here.
See docs/analysis.md.
"""

from gda_bridge.analysis._collector import (
    DASK_ENV,
    MULTIDIMENSIONAL,
    TOO_SHORT,
    AnalysisConfig,
    LiveEstimate,
    ScanProcessing,
)
from gda_bridge.analysis._columns import choose_y, numeric_or_none
from gda_bridge.analysis._executors import Executors
from gda_bridge.analysis._figures import Axis, draw_frame, draw_line, draw_map, grid_of, outcome_label
from gda_bridge.analysis._fitting import FitCurve
from gda_bridge.analysis._hooks import (
    ENTRY_POINT_GROUP,
    HOOKS,
    Hook,
    HookOutcome,
    HookRegistry,
    ScanRecord,
    after_scan,
    on_point,
)
from gda_bridge.analysis._plot import NoPlot, ScanView, draw_scan, figure_size, save_plot, save_scan_plot
from gda_bridge.analysis._processors import (
    DEFAULT_PROCESSORS,
    PROCESSORS,
    CentreOfMass,
    FullWidthHalfMaximum,
    GaussianEdge,
    GaussianPeakAndBackground,
    MaxPositionAndValue,
    MinPositionAndValue,
    Outcome,
    XYProcessor,
    make_processors,
)
from gda_bridge.analysis._results import (
    AnalysisError,
    ProcessResult,
    ScanDataProcessorResult,
)

__all__ = [
    "DASK_ENV",
    "DEFAULT_PROCESSORS",
    "ENTRY_POINT_GROUP",
    "HOOKS",
    "MULTIDIMENSIONAL",
    "PROCESSORS",
    "TOO_SHORT",
    "AnalysisConfig",
    "AnalysisError",
    "CentreOfMass",
    "Executors",
    "FitCurve",
    "FullWidthHalfMaximum",
    "GaussianEdge",
    "GaussianPeakAndBackground",
    "Hook",
    "HookOutcome",
    "HookRegistry",
    "LiveEstimate",
    "MaxPositionAndValue",
    "MinPositionAndValue",
    "Outcome",
    "ProcessResult",
    "ScanDataProcessorResult",
    "ScanProcessing",
    "ScanRecord",
    "XYProcessor",
    "after_scan",
    "make_processors",
    "on_point",
    "save_plot",
    "save_scan_plot",
    "draw_scan",
    "figure_size",
    "choose_y",
    "numeric_or_none",
    "NoPlot",
    "ScanView",
    "Axis",
    "draw_frame",
    "draw_line",
    "draw_map",
    "grid_of",
    "outcome_label",
]
