package gda.scan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gda.device.DeviceException;
import gda.device.sim.SimMotor;
import gda.testing.CallLog;
import gda.testing.FakeBufferedDetector;
import gda.testing.FakeLine;
import gda.testing.RecordingDetector;
import gda.testing.RecordingListener;
import gda.testing.ScanRunner;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContinuousLineTest {
    final CallLog log = new CallLog();
    final FakeLine line = new FakeLine("sx", log);
    final FakeBufferedDetector mcs = new FakeBufferedDetector("mcs", log, line);

    ConcurrentScan scan(Object... args) {
        return new ConcurrentScan(args);
    }

    @Test
    void oneLineIsOneMotionWithEveryBinReadBack() throws Exception {
        ConcurrentScan s = scan(line, 0, 1, 0.25, mcs, 0.01);
        RecordingListener listener = new RecordingListener(log);
        s.addScanListener(listener);
        assertTrue(s.isContinuous());
        assertArrayEquals(new int[] {5}, s.getDimensions());
        s.run();
        assertEquals(ScanStatus.COMPLETED_OKAY, s.getStatus());
        assertEquals(List.of("sx.checkLineValid(5, 0.01)", "sx.prepareLine", "mcs.prepareForLine(5, 0.01)",
                "sx.startLine", "sx.waitForBins(5)", "mcs.waitForFrames(5)", "sx.completeLine", "sx.readBins(0, 5)",
                "mcs.readFrames(0, 5)"), log.only("sx.", "mcs.prep", "mcs.wait", "mcs.read"));
        assertEquals(5, listener.points.size());
        for (int k = 0; k < 5; k++) {
            ScanDataPoint p = listener.points.get(k);
            assertEquals(k, p.index());
            assertArrayEquals(new int[] {k}, p.indices());
            assertEquals(k * 0.25 + 0.001, (Double) p.positions()[0], 1e-12, "the captured position, not the demand");
            assertEquals(100.0 + k, p.positions()[1]);
        }
        assertEquals(5, s.getPointsCompleted());
        assertArrayEquals(new Object[] {0.0, 0.25, 0.5, 0.75, 1.0}, s.getPlannedPositions(line));
    }

    @Test
    void outerDimensionsAreSteppedAndEachLineIsTakenAgain() throws Exception {
        SimMotor y = new SimMotor("y", 0.0, 0.0);
        ConcurrentScan s = scan(y, 0, 1, 1, line, 0, 1, 0.5, mcs, 0.01);
        RecordingListener listener = new RecordingListener(log);
        s.addScanListener(listener);
        s.run();
        assertEquals(6, listener.points.size());
        assertArrayEquals(new int[] {1, 2}, listener.points.get(5).indices());
        assertEquals(1.0, listener.points.get(5).positions()[0]);
        assertEquals(0.0, listener.points.get(2).positions()[0]);
        assertEquals(2, log.count("sx.startLine"));
        assertEquals(1.0, y.getPosition());
    }

    @Test
    void aLimitRefusalFailsBeforeAnythingIsArmedOrMoved() {
        line.refusing("sx: run-up start -10.5 is below the lower limit -10");
        ConcurrentScan s = scan(line, 0, 1, 0.25, mcs, 0.01);
        DeviceException e = assertThrows(DeviceException.class, s::run);
        assertEquals("sx: run-up start -10.5 is below the lower limit -10", e.getMessage());
        assertEquals(ScanStatus.COMPLETED_AFTER_FAILURE, s.getStatus());
        assertEquals(List.of("sx.checkLineValid(5, 0.01)"), log.only("sx.", "mcs."));
    }

    @Test
    void anAbortDuringTheLineStopsItAndKeepsTheBinsTaken() throws Exception {
        line.capturingAtStart(3);
        ConcurrentScan s = scan(line, 0, 9, 1, mcs, 0.01);
        RecordingListener listener = new RecordingListener(log);
        s.addScanListener(listener);
        ScanRunner runner = new ScanRunner(s);
        line.awaitWaiting(5000);
        s.requestAbort();
        assertInstanceOf(ScanInterruptedException.class, runner.join());
        assertEquals(ScanStatus.COMPLETED_AFTER_STOP, s.getStatus());
        assertEquals(3, listener.points.size(), "every bin captured before the abort is published");
        assertTrue(log.indexOf("sx.stop") >= 0 && log.indexOf("sx.stop") < log.indexOf("sx.completeLine"),
                "stopped, then completed (disarmed, speed restored): " + log.all());
    }

    @Test
    void finishingEarlyStopsTheMotionAndEndsWithTheBinsTaken() throws Exception {
        line.capturingAtStart(4);
        ConcurrentScan s = scan(line, 0, 9, 1, mcs, 0.01);
        RecordingListener listener = new RecordingListener(log);
        s.addScanListener(listener);
        ScanRunner runner = new ScanRunner(s);
        line.awaitWaiting(5000);
        s.requestFinishEarly();
        assertNull(runner.join());
        assertEquals(ScanStatus.COMPLETED_EARLY, s.getStatus());
        assertEquals(4, listener.points.size());
        assertEquals(1, log.count("sx.completeLine"));
        assertTrue(log.indexOf("sx.stop") < log.indexOf("sx.completeLine"));
    }

    @Test
    void aLineThatFailsKeepsItsBinsAndFailsTheScan() throws Exception {
        line.capturingAtStart(2).failingWith(new DeviceException("sx: stalled at 1.4 on the way to 9"));
        ConcurrentScan s = scan(line, 0, 9, 1, mcs, 0.01);
        RecordingListener listener = new RecordingListener(log);
        s.addScanListener(listener);
        DeviceException e = assertThrows(DeviceException.class, s::run);
        assertEquals("sx: stalled at 1.4 on the way to 9", e.getMessage());
        assertEquals(ScanStatus.COMPLETED_AFTER_FAILURE, s.getStatus());
        assertEquals(2, listener.points.size());
    }

    @Test
    void aLineEndingShortWithoutARequestFailsTheScan() throws Exception {
        FakeLine shortLine = new FakeLine("sx", log) {
            @Override
            public synchronized int waitForBins(int wanted) {
                return 3;
            }
        };
        ConcurrentScan s = scan(shortLine, 0, 9, 1, new FakeBufferedDetector("mcs", log, shortLine), 0.01);
        RecordingListener listener = new RecordingListener(log);
        s.addScanListener(listener);
        DeviceException e = assertThrows(DeviceException.class, s::run);
        assertEquals("sx: the line ended with 3 of 10 bins captured (demands 0.0 to 9.0)", e.getMessage());
    }

    @Test
    void pauseTakesEffectBetweenLines() throws Exception {
        SimMotor y = new SimMotor("y", 0.0, 0.0);
        line.capturingAtStart(0);
        ConcurrentScan s = scan(y, 0, 1, 1, line, 0, 2, 1, mcs, 0.01);
        RecordingListener listener = new RecordingListener(log);
        s.addScanListener(listener);
        ScanRunner runner = new ScanRunner(s);
        line.awaitWaiting(5000);
        s.requestPause();
        line.release(3);
        assertTrue(s.waitForStatus(ScanStatus.PAUSED, 5000));
        assertEquals(3, listener.points.size(), "the line in motion is finished before the pause");
        s.requestResume();
        line.awaitWaiting(5000);
        line.release(3);
        assertNull(runner.join());
        assertEquals(6, listener.points.size());
    }

    @Test
    void theGrammarSaysWhatAContinuousScanCannotTake() {
        SimMotor y = new SimMotor("y", 0.0, 0.0);
        assertEquals("scan: sx moves continuously, so it must be the innermost dimension (the last 'scannable start "
                + "stop step')", assertThrows(IllegalArgumentException.class,
                        () -> scan(line, 0, 1, 0.5, y, 0, 1, 1, mcs, 0.1)).getMessage());
        assertEquals("scan: det cannot be collected during the continuous motion of sx: it keeps no buffer of "
                + "triggered frames", assertThrows(IllegalArgumentException.class,
                        () -> scan(line, 0, 1, 0.5, new RecordingDetector("det", log), 0.1)).getMessage());
        assertEquals("scan: sx moves continuously and needs the time per point: give it after a detector (sx start "
                + "stop step det 0.01)", assertThrows(IllegalArgumentException.class,
                        () -> scan(line, 0, 1, 0.5, mcs)).getMessage());
        assertEquals("scan: sx moves continuously and takes start stop step, got 0 1", assertThrows(
                IllegalArgumentException.class, () -> scan(line, 0, 1, mcs, 0.1)).getMessage());
        assertEquals("scan: sx moves continuously; nothing can move in step with it (sx has 3, y has 3)",
                assertThrows(IllegalArgumentException.class, () -> scan(line, 0, 1, 0.5, y, 0, 1, mcs, 0.1))
                        .getMessage());
    }
}
