"""lastScanDataPoint() is GDA's ScanDataPoint of the newest point (gda.scan.ScanDataPoint)."""

from __future__ import annotations

import h5py
import pytest

from gda_bridge.commands import lastScanDataPoint, scan
from gda_bridge.devices import DetectorBase, ScannableMotionBase
from gda_bridge.devices.sim import SimMotor, SimMultiField, SoftCounter
from gda_bridge.session import Session


@pytest.fixture
def no_scan_yet(ctx, monkeypatch):
    monkeypatch.setattr(ctx, "last_result", None)
    return ctx


class Pair(DetectorBase):
    """A detector with two extra fields, reading twice the motor and a label's length."""

    def __init__(self, name, motor):
        super().__init__(name)
        self.extraNames = ["twice", "half"]
        self.outputFormat = ["%.1f", "%.2f"]
        self.motor = motor

    def readout(self):
        return [2 * self.motor(), self.motor() / 2]


def test_names_values_and_numbers_follow_gda(no_scan_yet):
    assert lastScanDataPoint() is None
    x = SimMotor("x", speed=None, limits=(-10, 10))
    mf = SimMultiField("mf")
    mf.moveTo([1, 2])
    counts = SoftCounter("counts", 7)
    scan(x, 0, 2, 1, mf, Pair("pair", x), counts)
    sdp = lastScanDataPoint()
    assert sdp.getCurrentPointNumber() == 2 and sdp.getNumberOfPoints() == 3
    assert list(sdp.getScannableNames()) == ["x", "mf"]  # moved and read-only scannables
    assert list(sdp.getDetectorNames()) == ["pair", "counts"]
    assert list(sdp.getPositions()) == [2.0, [1.0, 2.0, 3.0]]  # one entry per scannable
    assert list(sdp.getDetectorData()) == [[4.0, 1.0], 7.0]
    assert list(sdp.getPositionHeader()) == ["x", "a", "b", "total"]
    assert list(sdp.getDetectorHeader()) == ["twice", "half", "counts"]
    assert sdp.getAllValuesAsDoubles() == [2.0, 1.0, 2.0, 3.0, 4.0, 1.0, 7.0]
    assert sdp.getPositions().size() == 2 and sdp.getDetectorData().get(1) == 7.0
    assert sdp.getCommand() == "scan x 0 2 1 mf pair counts"
    assert sdp.getScanIdentifier() == sdp.scanIdentifier == no_scan_yet.last_result.scan_number
    assert sdp.isDetector("pair") and not sdp.isScannable("pair")


def test_text_forms_line_up_as_gdas(no_scan_yet):
    x = SimMotor("x", speed=None, limits=(-10, 10))
    scan(x, 0, 1, 1, Pair("pair", x))
    sdp = lastScanDataPoint()
    assert sdp.toDelimitedString() == "1.0000\t2.0\t0.50"
    assert sdp.getHeaderString().split("\t") == ["     x", "twice", "half"]
    assert sdp.toFormattedString().split("\t") == ["1.0000", "  2.0", "0.50"]
    uid = no_scan_yet.last_result.uid
    assert str(sdp) == repr(sdp) == sdp.toString() == f"ScanDataPoint [point=2/2, scan={uid}"


def test_during_a_scan_it_is_the_newest_point(no_scan_yet):
    seen = []

    class Watcher(DetectorBase):
        def readout(self):
            sdp = lastScanDataPoint()
            seen.append(None if sdp is None else sdp.getCurrentPointNumber())
            return 1.0

    x = SimMotor("x", speed=None, limits=(-10, 10))
    scan(x, 0, 3, 1, Watcher("watcher"))
    assert seen == [None, 0, 1, 2]


def test_current_filename_is_the_scans_nexus_file(data_dir):
    session = Session()
    try:
        x = SimMotor("x", speed=None, limits=(-10, 10))

        class Temperature(ScannableMotionBase):
            def rawGetPosition(self):
                return 21.5

            def rawAsynchronousMoveTo(self, position):
                pass

        scan(x, 0, 1, 1, Temperature("temp"))
        sdp = lastScanDataPoint()
        path = sdp.getCurrentFilename()
        assert path == sdp.currentFilename and path.startswith(str(data_dir))
        with h5py.File(path, "r") as f:
            assert list(f["/entry1/instrument/temp/value"][()]) == [21.5, 21.5]
        assert str(sdp) == f"ScanDataPoint [point=2/2, scan={path}"
    finally:
        session.close()


def test_the_scan_results_columns_still_work_on_it(no_scan_yet):
    x = SimMotor("x", speed=None, limits=(-10, 10))
    scan(x, 0, 2, 1, SoftCounter("c", 3))
    sdp = lastScanDataPoint()
    assert list(sdp["x"]) == [0.0, 1.0, 2.0] and sdp.num_points == 3
    with pytest.raises(AttributeError, match="'ScanDataPoint' object has no attribute 'nothing'"):
        sdp.nothing  # noqa: B018
