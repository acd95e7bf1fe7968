"""gda.jython.commands.ScannableCommands: pos, inc, scan... as scripts get them in the namespace,
and the helpers gdascripts' scan wrappers call: createScanPlotSettings(scan) and
configureScanPipelineParameters(scan), read from LocalProperties under GDA's property names."""

from typing import Any

from gda_bridge.bridge import jclass
from gda_bridge.commands import add_default, list_defaults, remove_default
from gda_bridge.jython.namespace import commands_for
from gda_bridge.scans.context import context


def _namespace() -> dict[str, Any]:
    from gda_bridge.jython.runner import current_runner

    return current_runner().namespace


class _RunnerNamespace(dict):
    """Reads the return flag from the running scripts' namespace when a scan starts."""

    def get(self, key: str, default: Any = None) -> Any:
        return _namespace().get(key, default)

    def items(self) -> Any:
        return _namespace().items()

    def values(self) -> Any:
        return _namespace().values()


_commands = commands_for(_RunnerNamespace())
pos, upos, inc, uinc = _commands["pos"], _commands["upos"], _commands["inc"], _commands["uinc"]
scan, rscan, cscan, pscan = _commands["scan"], _commands["rscan"], _commands["cscan"], _commands["pscan"]
gscan, staticscan, testscan = _commands["gscan"], _commands["staticscan"], _commands["testscan"]
timescan, tscan = _commands["timescan"], _commands["tscan"]


def get_defaults() -> list[Any]:
    return list(context().defaults)


GDA_SCAN_SET_SCAN_PLOT_SETTINGS = "gda.scan.useScanPlotSettings"
GDA_PLOT_SCAN_PLOT_SETTINGS_YAXES_INVISIBLE = "gda.plot.ScanPlotSettings.YFieldIndicesInvisible"
GDA_PLOT_SCAN_PLOT_SETTINGS_YAXES = "gda.plot.ScanPlotSettings.YFieldIndicesVisible"
GDA_PLOT_SCAN_PLOT_SETTINGS_XAXIS = "gda.plot.ScanPlotSettings.XFieldIndex"
GDA_PLOT_SCAN_PLOT_SETTINGS_FROM_USER_LIST = "gda.plot.ScanPlotSettings.fromUserList"


def createScanPlotSettings(scan: Any) -> Any:  # noqa: N802 - GDA's name
    """The ScanPlotSettings GDA made for a scan: x axis = the last input field of the scannables
    it scans, y axis shown = the last field of the devices named (both overridable by index with
    the gda.plot.ScanPlotSettings.* properties; negative indices count from the end)."""
    props = jclass("gda.configuration.properties.LocalProperties")
    if not props.check(GDA_PLOT_SCAN_PLOT_SETTINGS_FROM_USER_LIST, True):
        raise NotImplementedError(
            f"{GDA_PLOT_SCAN_PLOT_SETTINGS_FROM_USER_LIST} = False (fields in level order) is not supported by "
            "gda-bridge: plot settings index the scannables as listed in the command"
        )
    to_change, fields = scan.plot_fields()
    java_list = jclass("java.util.ArrayList")
    x_index = jclass("java.lang.Integer")(props.getInt(GDA_PLOT_SCAN_PLOT_SETTINGS_XAXIS, -1))
    shown = props.getAsIntList(GDA_PLOT_SCAN_PLOT_SETTINGS_YAXES)
    if shown is None:
        shown = java_list([jclass("java.lang.Integer")(-1)])
    hidden = props.getAsIntList(GDA_PLOT_SCAN_PLOT_SETTINGS_YAXES_INVISIBLE)
    return jclass("gda.scan.ScanPlotSettingsUtils").createSettings(
        java_list(to_change), java_list(fields), x_index, shown, hidden
    )


def configureScanPipelineParameters(scan: Any) -> None:  # noqa: N802 - GDA's name
    """Size the scan's data-point queue and position-callable pool from GDA's properties (our
    engine resolves position callables at each point, so these only record what GDA would use)."""
    props = jclass("gda.configuration.properties.LocalProperties")
    length = props.getInt(props.GDA_SCAN_MULTITHREADED_SCANDATA_POINT_PIPElINE_LENGTH, 4)
    per_point = props.getInt(props.GDA_SCAN_MULTITHREADED_SCANDATA_POINT_PIPElINE_POINTS_TO_COMPUTE_SIMULTANEOUSELY, 3)
    pool = per_point * scan.numberOfScannablesThatCanProvidePositionCallables()
    if scan.getPositionCallableThreadPoolSize() < pool:
        scan.setPositionCallableThreadPoolSize(pool)
    if scan.getScanDataPointQueueLength() < length:
        scan.setScanDataPointQueueLength(length)


def isPosCommandIsInTheProcessOfListingAllScannables() -> bool:  # noqa: N802 - GDA's name
    """False: gda-bridge's ``pos`` lists devices with toFormattedString, never through a scan."""
    return False


__all__ = [
    "GDA_PLOT_SCAN_PLOT_SETTINGS_FROM_USER_LIST", "GDA_PLOT_SCAN_PLOT_SETTINGS_XAXIS",
    "GDA_PLOT_SCAN_PLOT_SETTINGS_YAXES", "GDA_PLOT_SCAN_PLOT_SETTINGS_YAXES_INVISIBLE",
    "GDA_SCAN_SET_SCAN_PLOT_SETTINGS", "configureScanPipelineParameters", "createScanPlotSettings",
    "isPosCommandIsInTheProcessOfListingAllScannables", "add_default", "cscan", "get_defaults", "gscan", "inc", "list_defaults", "pos", "pscan",
    "remove_default", "rscan", "scan", "staticscan", "testscan", "timescan", "tscan", "uinc", "upos",
]
