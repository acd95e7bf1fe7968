package gda.scan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gda.device.HookAware;
import gda.device.sim.SimGaussianCounter;
import gda.device.scannable.DummyScannable;
import gda.testing.CallLog;
import gda.testing.RecordingDetector;
import gda.testing.RecordingListener;
import gda.testing.RecordingScannable;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The exact order of device calls, as GDA's InOrder tests check it. */
class ScanOrderTest {
    final CallLog log = new CallLog();

    private static List<String> point(int index, String move) {
        return List.of("a.atPointStart", "det.atPointStart",
                "a.atLevelStart", "a.atLevelMoveStart", "a.move(" + move + ")", "a.waitWhileBusy", "a.atLevelEnd",
                "det.atLevelStart", "det.atLevelMoveStart", "det.collectData", "det.waitWhileBusy", "det.atLevelEnd",
                "a.getPosition", "det.readout", "listener.pointDone(" + index + ")", "a.atPointEnd", "det.atPointEnd");
    }

    @Test
    void oneDimensionalScanCallsEverythingInGdasOrder() throws Exception {
        RecordingScannable a = new RecordingScannable("a", log);
        RecordingDetector det = new RecordingDetector("det", log);
        RecordingListener listener = new RecordingListener(log);
        ConcurrentScan scan = new ConcurrentScan(new Object[] {a, 0, 1, 1, det, 0.5});
        scan.addScanListener(listener);
        scan.run();

        List<String> expected = new ArrayList<>(List.of(
                "listener.scanStarted", "det.setCollectionTime(0.5)", "det.prepareForCollection",
                "a.atScanStart", "det.atScanStart", "a.atScanLineStart", "det.atScanLineStart"));
        expected.addAll(point(0, "0.0"));
        expected.addAll(point(1, "1.0"));
        expected.addAll(List.of("a.atScanLineEnd", "det.atScanLineEnd", "a.atScanEnd", "det.atScanEnd",
                "det.endCollection", "listener.scanEnded(COMPLETED_OKAY)"));
        assertEquals(expected, log.all());
        assertEquals(ScanStatus.COMPLETED_OKAY, scan.getStatus());
        assertArrayEquals(new Object[] {1.0, 20.0}, listener.points.get(1).positions());
    }

    @Test
    void innerLinesGetLineHooksAndOnlyChangedDimensionsMove() throws Exception {
        RecordingScannable a = new RecordingScannable("a", log);
        RecordingScannable b = new RecordingScannable("b", log);
        RecordingScannable c = new RecordingScannable("c", log);
        RecordingListener listener = new RecordingListener(log);
        ConcurrentScan scan = new ConcurrentScan(new Object[] {a, 0, 1, 1, b, 0, 2, 1, c, 7});
        scan.addScanListener(listener);
        scan.run();

        assertEquals(List.of("a.move(0.0)", "b.move(0.0)", "c.move(7.0)", "b.move(1.0)", "c.move(7.0)",
                "b.move(2.0)", "c.move(7.0)", "a.move(1.0)", "b.move(0.0)", "c.move(7.0)", "b.move(1.0)",
                "c.move(7.0)", "b.move(2.0)", "c.move(7.0)"), log.only("a.move", "b.move", "c.move"));
        assertEquals(List.of("a.atScanLineStart", "a.atScanLineEnd", "a.atScanLineStart", "a.atScanLineEnd"),
                log.only("a.atScanLine"));
        int[][] indices = listener.points.stream().map(ScanDataPoint::indices).toArray(int[][]::new);
        assertArrayEquals(new int[][] {{0, 0}, {0, 1}, {0, 2}, {1, 0}, {1, 1}, {1, 2}}, indices);
        assertEquals(List.of("a.atLevelMoveStart", "a.atLevelMoveStart"), log.only("a.atLevelMoveStart"),
                "atLevelMoveStart only when it moves");
    }

    @Test
    void levelsRunInAscendingOrderEachWaitingForTheLast() throws Exception {
        RecordingScannable high = new RecordingScannable("high", 7, log);
        RecordingScannable low = new RecordingScannable("low", 3, log);
        RecordingScannable mid1 = new RecordingScannable("mid1", 5, log);
        RecordingScannable mid2 = new RecordingScannable("mid2", 5, log);
        new ConcurrentScan(new Object[] {high, 1, low, 0, 1, 1, mid1, 2, mid2, 3}).run();
        List<String> firstPoint = log.only("high.", "low.", "mid1.", "mid2.").subList(0, 40);
        List<String> moves = firstPoint.stream().filter(c -> c.contains(".move(") || c.endsWith("waitWhileBusy"))
                .toList();
        assertEquals(List.of("low.move(0.0)", "low.waitWhileBusy", "mid1.move(2.0)", "mid2.move(3.0)",
                "mid1.waitWhileBusy", "mid2.waitWhileBusy", "high.move(1.0)", "high.waitWhileBusy"), moves);
    }

    @Test
    void readOnlyDevicesGetLevelHooksButNoMoves() throws Exception {
        RecordingScannable a = new RecordingScannable("a", log);
        RecordingScannable r = new RecordingScannable("r", log);
        new ConcurrentScan(new Object[] {a, 0, 0, 1, r}).run();
        assertEquals(List.of("r.atScanStart", "r.atScanLineStart", "r.atPointStart", "r.atLevelStart",
                "r.atLevelEnd", "r.getPosition", "r.atPointEnd", "r.atScanLineEnd", "r.atScanEnd"), log.only("r."));
    }

    /** Lists only the hooks it implements; the engine must skip the rest. */
    static final class Selective extends RecordingScannable implements HookAware {
        int asked;

        Selective(String name, CallLog log) {
            super(name, log);
        }

        @Override
        public Set<String> implementedHooks() {
            asked++;
            return Set.of("atPointStart", "atScanEnd");
        }
    }

    @Test
    void hookAwareDevicesGetOnlyTheirHooksAndAreAskedOnce() throws Exception {
        Selective s = new Selective("s", log);
        new ConcurrentScan(new Object[] {s, 0, 2, 1}).run();
        assertEquals(List.of("s.atPointStart", "s.move(0.0)", "s.waitWhileBusy", "s.getPosition",
                "s.atPointStart", "s.move(1.0)", "s.waitWhileBusy", "s.getPosition",
                "s.atPointStart", "s.move(2.0)", "s.waitWhileBusy", "s.getPosition", "s.atScanEnd"), log.all());
        assertEquals(1, s.asked);
    }

    @Test
    void detectorsAreReadInParallel() throws Exception {
        // Each readout waits until all three have started: a serial readout would time out.
        java.util.concurrent.CountDownLatch allStarted = new java.util.concurrent.CountDownLatch(3);
        List<gda.device.detector.DetectorBase> dets = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            final double value = i;
            dets.add(new gda.device.detector.DetectorBase("d" + i) {
                @Override
                public void collectData() {
                }

                @Override
                public gda.device.DetectorStatus getStatus() {
                    return gda.device.DetectorStatus.IDLE;
                }

                @Override
                public Object readout() throws gda.device.DeviceException {
                    allStarted.countDown();
                    try {
                        if (!allStarted.await(5, java.util.concurrent.TimeUnit.SECONDS)) {
                            throw new gda.device.DeviceException(getName() + ": readouts were not parallel");
                        }
                    } catch (InterruptedException e) {
                        throw new gda.device.DeviceException("interrupted", e);
                    }
                    return value;
                }
            });
        }
        DummyScannable x = new DummyScannable("x");
        RecordingListener listener = new RecordingListener(log);
        ConcurrentScan scan = new ConcurrentScan(new Object[] {x, 0, 0, 1, dets.get(0), dets.get(1), dets.get(2)});
        scan.addScanListener(listener);
        scan.run();
        assertArrayEquals(new Object[] {0.0, 0.0, 1.0, 2.0}, listener.points.get(0).positions());
    }

    @Test
    void serialReadoutWhenAsked() throws Exception {
        RecordingDetector d1 = new RecordingDetector("d1", log);
        RecordingDetector d2 = new RecordingDetector("d2", log);
        RecordingListener listener = new RecordingListener(log);
        ConcurrentScan scan = new ConcurrentScan(new Object[] {d1, d2});
        scan.setParallelReadout(false);
        scan.addScanListener(listener);
        scan.run();
        assertEquals(List.of("d1.readout", "d2.readout"), log.only("d1.readout", "d2.readout"));
        assertArrayEquals(new Object[] {10.0, 10.0}, listener.points.get(0).positions());
    }

    @Test
    void simulatedPeakScan() throws Exception {
        DummyScannable x = new DummyScannable("x");
        SimGaussianCounter det = new SimGaussianCounter("det", x, 5.0, 2.0, 100.0, 1.0, 0.0);
        RecordingListener listener = new RecordingListener(log);
        ConcurrentScan scan = new ConcurrentScan(new Object[] {x, 0, 10, 1, det, 0.001});
        scan.addScanListener(listener);
        scan.run();
        assertEquals(11, listener.points.size());
        ScanDataPoint top = listener.points.get(5);
        assertEquals(5.0, top.positions()[0]);
        assertEquals(101.0, (Double) top.positions()[1], 1e-9);
        assertTrue((Double) listener.points.get(0).positions()[1] < 2.0);
        assertTrue(top.timeNanos() > listener.points.get(4).timeNanos());
    }
}
