package gda.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gda.device.DeviceException;
import gda.testing.CallLog;
import gda.testing.RecordingScannable;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SuspensionTest {
    final CallLog log = new CallLog();

    /** Records points and suspensions; resumes the scan from another thread when told to. */
    static final class Listener implements ScanListener {
        final List<String> events = new ArrayList<>();
        final boolean resume;

        Listener(boolean resume) {
            this.resume = resume;
        }

        @Override
        public void scanStarted(ConcurrentScan scan) {
        }

        @Override
        public synchronized void pointDone(ScanDataPoint point) {
            events.add("point " + point.index());
        }

        @Override
        public void scanEnded(ConcurrentScan scan, ScanStatus status, Throwable failure) {
        }

        @Override
        public synchronized void scanSuspended(ConcurrentScan scan, int point, String reason, long millis) {
            events.add("suspended " + point + ": " + reason);
            if (resume) {
                new Thread(scan::resumeSuspended).start();
            }
        }

        @Override
        public synchronized void scanResumed(ConcurrentScan scan, int point, long millis) {
            events.add("resumed " + point);
        }
    }

    /** A scannable whose n-th move calls {@code action} (a fault during that point). */
    static final class Trigger extends RecordingScannable {
        final int atMove;
        final Runnable action;
        int moves;

        Trigger(String name, CallLog log, int atMove, Runnable action) {
            super(name, log);
            this.atMove = atMove;
            this.action = action;
        }

        @Override
        public void rawAsynchronousMoveTo(Object position) throws DeviceException {
            super.rawAsynchronousMoveTo(position);
            if (++moves == atMove) {
                action.run();
            }
        }
    }

    @Test
    void aPointDuringWhichTheScanWasSuspendedIsRetakenOnce() throws Exception {
        ConcurrentScan[] scan = new ConcurrentScan[1];
        Trigger x = new Trigger("x", log, 3, () -> scan[0].suspend("beam lost", 0));
        scan[0] = new ConcurrentScan(new Object[] {x, 0, 3, 1});
        Listener listener = new Listener(true);
        scan[0].addScanListener(listener);
        scan[0].run();
        assertEquals(List.of("point 0", "point 1", "suspended 2: beam lost", "resumed 2", "point 2", "point 3"),
                listener.events);
        assertEquals(2, log.count("x.move(2.0)"), log.all().toString());
        assertEquals(ScanStatus.COMPLETED_OKAY, scan[0].getStatus());
    }

    @Test
    void aSuspensionLongerThanItsLimitFailsTheScanWithTheReason() {
        ConcurrentScan[] scan = new ConcurrentScan[1];
        Trigger x = new Trigger("x", log, 2, () -> scan[0].suspend("shutter is Closed", 0.05));
        scan[0] = new ConcurrentScan(new Object[] {x, 0, 3, 1});
        Listener listener = new Listener(false);
        scan[0].addScanListener(listener);
        DeviceException e = assertThrows(DeviceException.class, scan[0]::run);
        assertEquals("scan suspended for longer than its limit of 0.05 s: shutter is Closed", e.getMessage());
        assertEquals(ScanStatus.COMPLETED_AFTER_FAILURE, scan[0].getStatus());
        assertEquals(List.of("point 0", "suspended 1: shutter is Closed"), listener.events);
        assertTrue(log.count("x.stop") >= 1, log.all().toString());
    }

    @Test
    void aFailureExplainedByASuspensionWithinTheGraceIsRetaken() throws Exception {
        ConcurrentScan[] scan = new ConcurrentScan[1];
        RecordingScannable x = new RecordingScannable("x", log);
        boolean[] failed = {false};
        x.failMoveWhen(p -> {
            if (!failed[0] && ((Number) p).doubleValue() == 1.0) {
                failed[0] = true;
                new Thread(() -> scan[0].suspend("x: lost connection", 0)).start(); // reported a bit later
                return true;
            }
            return false;
        });
        scan[0] = new ConcurrentScan(new Object[] {x, 0, 2, 1});
        scan[0].setSuspendGrace(5.0);
        Listener listener = new Listener(true);
        scan[0].addScanListener(listener);
        scan[0].run();
        assertEquals(List.of("point 0", "suspended 1: x: lost connection", "resumed 1", "point 1", "point 2"),
                listener.events);
    }

    @Test
    void aFailureWithoutASuspensionStillFailsTheScan() {
        RecordingScannable x = new RecordingScannable("x", log);
        x.failMoveWhen(p -> ((Number) p).doubleValue() == 1.0);
        ConcurrentScan scan = new ConcurrentScan(new Object[] {x, 0, 2, 1});
        scan.setSuspendGrace(0.05);
        assertThrows(DeviceException.class, scan::run);
        assertEquals(ScanStatus.COMPLETED_AFTER_FAILURE, scan.getStatus());
    }
}
