package gda.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gda.device.DeviceException;
import gda.device.scannable.DummyScannable;
import gda.device.sim.SimGaussianCounter;
import gda.device.sim.SimMotor;
import gda.testing.CallLog;
import gda.testing.RecordingDetector;
import gda.testing.RecordingListener;
import gda.testing.RecordingScannable;
import gda.testing.ScanRunner;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ScanEndStatesTest {
    final CallLog log = new CallLog();

    /** Logs SimMotor motion into the shared log; counts down when a move to {@code target} starts. */
    static final class MotionLog implements SimMotor.MotionListener {
        final CallLog log;
        final double target;
        final CountDownLatch startedTowardsTarget = new CountDownLatch(1);

        MotionLog(CallLog log, double target) {
            this.log = log;
            this.target = target;
        }

        @Override
        public void moveStarted(SimMotor motor, double from, double to) {
            log.add(motor.getName() + ".start(" + to + ")");
            if (to == target) {
                startedTowardsTarget.countDown();
            }
        }

        @Override
        public void moveEnded(SimMotor motor, double position, boolean stopped) {
            log.add(motor.getName() + (stopped ? ".stopped" : ".end(" + position + ")"));
        }
    }

    @Test
    void twoMotorsAtOneLevelMoveAtTheSameTime() throws Exception {
        SimMotor a = new SimMotor("a", 0.0, 10.0);
        SimMotor b = new SimMotor("b", 0.0, 10.0);
        MotionLog motion = new MotionLog(log, 1.0);
        a.addMotionListener(motion);
        b.addMotionListener(motion);
        new ConcurrentScan(new Object[] {a, 1, 2, 1, b, 1, 1}).run();
        List<String> events = log.all();
        assertTrue(events.indexOf("b.start(1.0)") < events.indexOf("a.end(1.0)"),
                "b started before a finished: " + events);
        assertTrue(events.indexOf("b.start(2.0)") < events.indexOf("a.end(2.0)"), events.toString());
        assertEquals(2.0, a.getPosition());
        assertEquals(2.0, b.getPosition());
    }

    @Test
    void everyMoveOfALevelIsStartedBeforeAnyWait() throws Exception {
        // a's move only ends once b's has started: a serial engine would time out waiting on a.
        CountDownLatch bStarted = new CountDownLatch(1);
        RecordingScannable a = new RecordingScannable("a", log) {
            @Override
            public void waitWhileBusy() {
                super.waitWhileBusy();
                try {
                    if (!bStarted.await(5, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("b never started while a was moving");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        RecordingScannable b = new RecordingScannable("b", log) {
            @Override
            public void rawAsynchronousMoveTo(Object position) throws DeviceException {
                super.rawAsynchronousMoveTo(position);
                bStarted.countDown();
            }
        };
        new ConcurrentScan(new Object[] {a, 0, 0, 1, b, 5}).run();
        assertEquals(List.of("a.move(0.0)", "b.move(5.0)", "a.waitWhileBusy", "b.waitWhileBusy"),
                log.only("a.move", "b.move", "a.wait", "b.wait"));
    }

    @Test
    void aPointOutsideTheLimitsStopsTheScanBeforeAnythingMoves() {
        SimMotor m = new SimMotor("m", 1.0, 1000.0);
        m.setLowerGdaLimits(-10.0);
        m.setUpperGdaLimits(10.0);
        RecordingScannable other = new RecordingScannable("other", log);
        m.addMotionListener(new MotionLog(log, 0.0));
        RecordingListener listener = new RecordingListener(log);
        ConcurrentScan scan = new ConcurrentScan(new Object[] {other, 0, 3, 1, m, PositionList.of(0, 5, 50, 5)});
        scan.addScanListener(listener);
        DeviceException e = assertThrows(DeviceException.class, scan::run);
        assertEquals("m: position 50.0 is outside the limits (-10.0:10.0)", e.getMessage());
        assertEquals(List.of("listener.scanEnded(COMPLETED_AFTER_FAILURE)"), log.all(), "nothing was called");
        assertEquals(ScanStatus.COMPLETED_AFTER_FAILURE, scan.getStatus());
        assertEquals(0, listener.starts);
        assertSame(e, listener.failures.get(0));
    }

    @Test
    void validateAloneChecksEveryPoint() {
        DummyScannable x = new DummyScannable("x");
        x.setUpperGdaLimits(2.5);
        ConcurrentScan scan = new ConcurrentScan(new Object[] {x, 0, 3, 1});
        DeviceException e = assertThrows(DeviceException.class, scan::validate);
        assertEquals("x: position 3.0 is outside the limits (:2.5)", e.getMessage());
        assertEquals(ScanStatus.NOTSTARTED, scan.getStatus());
    }

    @Test
    void aDeviceFailureCallsAtCommandFailureAndStopOnAllAndRethrows() {
        RecordingScannable a = new RecordingScannable("a", log);
        RecordingScannable b = new RecordingScannable("b", log);
        RecordingDetector det = new RecordingDetector("det", log);
        b.failMoveWhen(p -> ((Double) p) == 2.0);
        RecordingListener listener = new RecordingListener(log);
        ConcurrentScan scan = new ConcurrentScan(new Object[] {a, 0, 4, 1, b, 0, 1, det});
        scan.addScanListener(listener);
        DeviceException e = assertThrows(DeviceException.class, scan::run);
        assertEquals("b: simulated failure moving to 2.0", e.getMessage());
        List<String> tail = log.all().subList(log.indexOf("b.move(2.0)") + 1, log.all().size());
        assertEquals(List.of("a.atCommandFailure", "b.atCommandFailure", "det.atCommandFailure", "a.stop", "b.stop",
                "det.stop", "listener.scanEnded(COMPLETED_AFTER_FAILURE)"), tail);
        assertEquals(ScanStatus.COMPLETED_AFTER_FAILURE, scan.getStatus());
        assertEquals(2, listener.points.size());
        assertSame(e, listener.failures.get(0));
        assertEquals(0, log.count("a.atScanEnd"), "no normal end hooks after a failure");
    }

    @Test
    void errorsWhileCleaningUpAreAttachedToTheOriginal() {
        RecordingScannable a = new RecordingScannable("a", log) {
            @Override
            public void atCommandFailure() {
                super.atCommandFailure();
                throw new IllegalStateException("cleanup failed too");
            }
        };
        a.failMoveWhen(p -> true);
        DeviceException e = assertThrows(DeviceException.class,
                () -> new ConcurrentScan(new Object[] {a, 0, 1, 1}).run());
        assertEquals(1, e.getSuppressed().length);
        assertEquals("cleanup failed too", e.getSuppressed()[0].getMessage());
        assertEquals(1, log.count("a.stop"), "stop is still called");
    }

    @Test
    void aListenerFailureFailsTheScan() {
        RecordingScannable a = new RecordingScannable("a", log);
        ConcurrentScan scan = new ConcurrentScan(new Object[] {a, 0, 3, 1});
        RecordingListener listener = new RecordingListener(log) {
            @Override
            public synchronized void pointDone(ScanDataPoint point) throws Exception {
                super.pointDone(point);
                if (point.index() == 1) {
                    throw new java.io.IOException("disk full");
                }
            }
        };
        scan.addScanListener(listener);
        java.io.IOException e = assertThrows(java.io.IOException.class, scan::run);
        assertEquals("disk full", e.getMessage());
        assertEquals(1, log.count("a.atCommandFailure"));
        assertEquals(List.of(ScanStatus.COMPLETED_AFTER_FAILURE), listener.ends);
    }

    @Test
    void abortFromAnotherThreadStopsTheMotorPartWay() throws Exception {
        SimMotor m = new SimMotor("m", 0.0, 1.0);
        MotionLog motion = new MotionLog(log, 10.0);
        m.addMotionListener(motion);
        RecordingScannable r = new RecordingScannable("r", log);
        SimGaussianCounter det = new SimGaussianCounter("det", m, 5, 1, 1);
        RecordingListener listener = new RecordingListener(log);
        ConcurrentScan scan = new ConcurrentScan(new Object[] {m, 0, 10, 10, r, det});
        scan.addScanListener(listener);
        ScanRunner runner = new ScanRunner(scan);
        assertTrue(motion.startedTowardsTarget.await(5, TimeUnit.SECONDS));
        scan.requestAbort();
        Throwable thrown = runner.join();
        ScanInterruptedException e = assertInstanceOf(ScanInterruptedException.class, thrown);
        assertEquals("Scan aborted on request.", e.getMessage());
        assertEquals(ScanStatus.COMPLETED_AFTER_STOP, scan.getStatus());
        assertFalse(m.isBusy());
        assertNotEquals(10.0, (Double) m.getPosition(), "stopped before its target");
        assertTrue((Double) m.getPosition() < 10.0);
        assertTrue(log.count("r.stop") >= 1);
        assertEquals(List.of(ScanStatus.COMPLETED_AFTER_STOP), listener.ends);
        assertNull(listener.failures.get(0));
        assertEquals(1, listener.points.size());
        assertEquals(0, log.count("r.atScanEnd"));
        assertFalse(runner.interruptFlagLeftSet(), "the abort's interrupt does not leak to the caller");
    }

    @Test
    void interruptingTheScanThreadIsAnAbort() throws Exception {
        SimMotor m = new SimMotor("m", 0.0, 1.0);
        MotionLog motion = new MotionLog(log, 10.0);
        m.addMotionListener(motion);
        RecordingListener listener = new RecordingListener(log);
        ConcurrentScan scan = new ConcurrentScan(new Object[] {m, 0, 10, 10});
        scan.addScanListener(listener);
        ScanRunner runner = new ScanRunner(scan);
        assertTrue(motion.startedTowardsTarget.await(5, TimeUnit.SECONDS));
        runner.thread().interrupt();
        assertInstanceOf(ScanInterruptedException.class, runner.join());
        assertEquals(ScanStatus.COMPLETED_AFTER_STOP, scan.getStatus());
        assertFalse(m.isBusy(), "the engine stopped the motor");
        assertTrue((Double) m.getPosition() < 10.0);
        assertTrue(log.all().contains("m.stopped"));
        assertEquals(List.of(ScanStatus.COMPLETED_AFTER_STOP), listener.ends);
    }

    @Test
    void anInterruptedExceptionInACauseChainIsAnAbort() {
        RecordingScannable a = new RecordingScannable("a", log) {
            @Override
            public void rawAsynchronousMoveTo(Object position) throws DeviceException {
                throw new DeviceException("wrapped", new InterruptedException("sleep interrupted"));
            }
        };
        ConcurrentScan scan = new ConcurrentScan(new Object[] {a, 0, 1, 1});
        ScanInterruptedException e = assertThrows(ScanInterruptedException.class, scan::run);
        assertEquals("wrapped", e.getCause().getMessage());
        assertEquals(ScanStatus.COMPLETED_AFTER_STOP, scan.getStatus());
        assertEquals(0, log.count("a.atCommandFailure"));
        assertEquals(1, log.count("a.stop"));
    }

    @Test
    void finishEarlyEndsAfterTheCurrentPointWithTheNormalEnd() throws Exception {
        RecordingScannable a = new RecordingScannable("a", log);
        RecordingDetector det = new RecordingDetector("det", log);
        ConcurrentScan scan = new ConcurrentScan(new Object[] {a, 0, 4, 1, det});
        RecordingListener listener = new RecordingListener(log) {
            @Override
            public synchronized void pointDone(ScanDataPoint point) throws Exception {
                super.pointDone(point);
                if (point.index() == 2) {
                    scan.requestFinishEarly();
                }
            }
        };
        scan.addScanListener(listener);
        scan.run();
        assertEquals(ScanStatus.COMPLETED_EARLY, scan.getStatus());
        assertEquals(3, listener.points.size());
        assertEquals(3, scan.getPointsCompleted());
        assertEquals(List.of("a.atPointEnd", "det.atPointEnd", "a.atScanLineEnd", "det.atScanLineEnd", "a.atScanEnd",
                "det.atScanEnd", "det.endCollection", "listener.scanEnded(COMPLETED_EARLY)"),
                log.all().subList(log.all().size() - 8, log.all().size()));
    }

    @Test
    void pauseThenResumeFromAnotherThread() throws Exception {
        RecordingScannable a = new RecordingScannable("a", log);
        CountDownLatch firstPointDone = new CountDownLatch(1);
        CountDownLatch pauseRequested = new CountDownLatch(1);
        ConcurrentScan scan = new ConcurrentScan(new Object[] {a, 0, 3, 1});
        RecordingListener listener = new RecordingListener(log) {
            @Override
            public synchronized void pointDone(ScanDataPoint point) throws Exception {
                super.pointDone(point);
                if (point.index() == 0) {
                    firstPointDone.countDown();
                    assertTrue(pauseRequested.await(5, TimeUnit.SECONDS));
                }
            }
        };
        scan.addScanListener(listener);
        ScanRunner runner = new ScanRunner(scan);
        assertTrue(firstPointDone.await(5, TimeUnit.SECONDS));
        scan.requestPause();
        pauseRequested.countDown();
        assertTrue(scan.waitForStatus(ScanStatus.PAUSED, 5000));
        assertEquals(1, scan.getPointsCompleted(), "paused before the second point");
        assertEquals(1, log.count("a.atPointStart"));
        scan.requestResume();
        assertNull(runner.join());
        assertEquals(ScanStatus.COMPLETED_OKAY, scan.getStatus());
        assertEquals(4, listener.points.size());
    }

    @Test
    void abortWhilePaused() throws Exception {
        RecordingScannable a = new RecordingScannable("a", log);
        ConcurrentScan scan = new ConcurrentScan(new Object[] {a, 0, 3, 1});
        scan.requestPause();
        ScanRunner runner = new ScanRunner(scan);
        assertTrue(scan.waitForStatus(ScanStatus.PAUSED, 5000));
        scan.requestAbort();
        assertInstanceOf(ScanInterruptedException.class, runner.join());
        assertEquals(ScanStatus.COMPLETED_AFTER_STOP, scan.getStatus());
        assertEquals(0, log.count("a.atPointStart"));
    }

    @Test
    void devicesAreCheckedAsGdaDoesBeforeTheScan() throws Exception {
        gda.device.sim.SimMultiField mf = new gda.device.sim.SimMultiField("mf");
        mf.setOutputFormat(new String[] {"%4.1f"});
        new ConcurrentScan(new Object[] {mf}).run();
        assertEquals(List.of("%4.1f", "%4.1f", "%4.1f"), List.of(mf.getOutputFormat()), "one format is copied");
        mf.setOutputFormat(new String[] {"%4.1f", "%4.1f"});
        DeviceException e = assertThrows(DeviceException.class, () -> new ConcurrentScan(new Object[] {mf}).run());
        assertEquals("mf: has 3 input/extra name(s) but 2 output format(s)", e.getMessage());
        DummyScannable unnamed = new DummyScannable();
        e = assertThrows(DeviceException.class, () -> new ConcurrentScan(new Object[] {unnamed, 0, 1, 1}).run());
        assertEquals("scan: a DummyScannable in the scan has no name", e.getMessage());
    }

    @Test
    void aScanRunsOnce() throws Exception {
        ConcurrentScan scan = new ConcurrentScan(new Object[] {new DummyScannable("x"), 0, 1, 1});
        scan.run();
        assertThrows(IllegalStateException.class, scan::run);
    }
}
