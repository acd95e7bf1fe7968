package gda.scan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gda.device.Scannable;
import gda.device.scannable.DummyScannable;
import gda.device.sim.SimGaussianCounter;
import gda.device.sim.SimMonitor;
import gda.device.sim.SimMultiField;
import java.util.List;
import org.junit.jupiter.api.Test;

class GrammarTest {
    final DummyScannable x = new DummyScannable("x");
    final DummyScannable y = new DummyScannable("y");
    final DummyScannable z = new DummyScannable("z");
    final SimGaussianCounter det = new SimGaussianCounter("det", x, 0, 1, 1);
    final SimMultiField mf = new SimMultiField("mf");

    static ConcurrentScan scan(Object... args) {
        return new ConcurrentScan(args);
    }

    static String error(Object... args) {
        return assertThrows(IllegalArgumentException.class, () -> new ConcurrentScan(args)).getMessage();
    }

    static double[] planned(ConcurrentScan s, Scannable d) {
        Object[] p = s.getPlannedPositions(d);
        double[] out = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            out[i] = (Double) p[i];
        }
        return out;
    }

    @Test
    void startStopStepIsTheOuterAxis() {
        ConcurrentScan s = scan(x, 0, 10, 1, det, 0.1);
        assertArrayEquals(new int[] {11}, s.getDimensions());
        assertEquals(11, s.getTotalPoints());
        assertEquals(0, s.getDimensionOf(x));
        assertEquals(-1, s.getDimensionOf(det));
        assertTrue(s.isDetector(det));
        assertFalse(s.isDetector(x));
        assertEquals(0.1, s.getCollectionTime(det));
        assertNull(s.getCollectionTime(x));
        assertArrayEquals(new double[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, planned(s, x));
        assertEquals(List.of(x, det), s.getDevices());
    }

    @Test
    void pointCountFollowsGdasToleranceRule() {
        // 0.3/0.1 is 2.9999999999999996 in binary; the 1e-10 step tolerance keeps the end point.
        assertEquals(4, scan(x, 0, 0.3, 0.1).getTotalPoints());
        assertEquals(11, scan(x, 0, 1, 0.1).getTotalPoints());
        assertEquals(3, scan(x, 0, 1, 0.45).getTotalPoints(), "stops before passing stop");
        assertEquals(1, scan(x, 2, 2, 1).getTotalPoints());
    }

    @Test
    void theStepSignIsCorrected() {
        assertArrayEquals(new double[] {10, 8, 6, 4, 2, 0}, planned(scan(x, 10, 0, 2), x));
        assertArrayEquals(new double[] {10, 8, 6, 4, 2, 0}, planned(scan(x, 10, 0, -2), x));
        assertArrayEquals(new double[] {0, 1, 2}, planned(scan(x, 0, 2, -1), x));
    }

    @Test
    void laterStartStopStepNests() {
        ConcurrentScan s = scan(x, 0, 2, 1, y, 0, 1, 1, z, 5, 6, 1);
        assertArrayEquals(new int[] {3, 2, 2}, s.getDimensions());
        assertEquals(12, s.getTotalPoints());
        assertEquals(0, s.getDimensionOf(x));
        assertEquals(1, s.getDimensionOf(y));
        assertEquals(2, s.getDimensionOf(z));
    }

    @Test
    void startStepMovesInLockStepWithTheCurrentDimension() {
        ConcurrentScan s = scan(x, 0, 2, 1, y, 10, 5);
        assertArrayEquals(new int[] {3}, s.getDimensions());
        assertEquals(0, s.getDimensionOf(y));
        assertArrayEquals(new double[] {10, 15, 20}, planned(s, y));
        ConcurrentScan nested = scan(x, 0, 2, 1, y, 0, 1, 1, z, 0, 0.5);
        assertEquals(1, nested.getDimensionOf(z), "locks to the most recent dimension");
        assertArrayEquals(new double[] {0, 0.5}, planned(nested, z));
    }

    @Test
    void positionListsAreDimensions() {
        ConcurrentScan s = scan(x, PositionList.of(1, 5, 7), y, PositionList.of(0.5, 2));
        assertArrayEquals(new int[] {3, 2}, s.getDimensions());
        assertArrayEquals(new double[] {1, 5, 7}, planned(s, x));
        assertEquals(1, s.getDimensionOf(y));
        ConcurrentScan afterAxis = scan(x, 0, 1, 1, y, PositionList.of(3, 4, 5));
        assertArrayEquals(new int[] {2, 3}, afterAxis.getDimensions());
    }

    @Test
    void singleValueIsAFixedPositionAndBareIsReadOnly() {
        ConcurrentScan s = scan(x, 0, 1, 1, y, 4, z);
        assertTrue(s.isMoved(y));
        assertEquals(-1, s.getDimensionOf(y));
        assertArrayEquals(new double[] {4}, planned(s, y));
        assertFalse(s.isMoved(z));
        assertNull(s.getPlannedPositions(z));
        assertEquals(-1, s.getDimensionOf(z));
    }

    @Test
    void aDetectorAloneIsCollectedOnce() {
        ConcurrentScan s = scan(det);
        assertArrayEquals(new int[] {1}, s.getDimensions());
        assertEquals(1, s.getTotalPoints());
        assertTrue(s.isDetector(det));
        assertNull(s.getCollectionTime(det));
    }

    @Test
    void multiFieldValuesAreDoubleArrays() {
        ConcurrentScan s = scan(mf, new double[] {0, 0}, new double[] {1, 2}, new double[] {0.5, 1});
        assertEquals(3, s.getTotalPoints());
        Object[] p = s.getPlannedPositions(mf);
        assertArrayEquals(new double[] {0.5, 1}, (double[]) p[1]);
        ConcurrentScan held = scan(mf, new double[] {0, 5}, new double[] {1, 5}, new double[] {0.5, 0});
        assertEquals(3, held.getTotalPoints(), "a field with step 0 and start == stop stays put");
        assertEquals(1, scan(x, 0, 1, 1, mf, new double[] {3, 4}).getPlannedPositions(mf).length);
    }

    @Test
    void multiFieldErrorsAreClear() {
        assertEquals("scan: mf: objects must have the same number of scan points; its fields give 3 and 5",
                error(mf, new double[] {0, 0}, new double[] {1, 2}, new double[] {0.5, 0.5}));
        assertEquals("scan: mf: start, stop and step must have the same number of fields, got 2, 3 and 2",
                error(mf, new double[] {0, 0}, new double[] {1, 2, 3}, new double[] {0.5, 1}));
    }

    @Test
    void badInputGivesOneClearLine() {
        assertTrue(error().startsWith("scan: no arguments"));
        assertEquals("scan: argument 1 (5) should be a Scannable; a scan starts with a Scannable", error(5, x));
        assertEquals("scan: x: step must not be zero", error(x, 0, 1, 0));
        assertEquals("scan: x is followed by 4 values 0 1 2 3; expected at most 3 (start stop step)",
                error(x, 0, 1, 2, 3));
        assertEquals("scan: x 0 1: 'start step' moves in step with an earlier 'scannable start stop step', "
                + "and there is none", error(x, 0, 1));
        assertEquals("scan: detector det takes at most one number (its collection time), got 0.1 0.2",
                error(det, 0.1, 0.2));
        assertEquals("scan: detector det: collection time -1.0 must be >= 0", error(det, -1));
        assertEquals("scan: x: start 'a' is not a number", error(x, "a", 1, 1));
        assertEquals("scan: x appears more than once", error(x, 0, 1, 1, x));
        assertEquals("scan: x: a list of positions must be the only value after the scannable, got (1, 2) 3",
                error(x, PositionList.of(1, 2), 3));
        assertEquals("scan: x: the list of positions is empty", error(x, new PositionList(List.of())));
        assertEquals("scan: x: None is not a position", error(x, (Object) null));
    }

    @Test
    void commandIsRebuiltWithDeviceNames() {
        assertEquals("scan x 0 10 1 det 0.1", scan(x, 0, 10, 1, det, 0.1).getCommand());
        assertEquals("scan x 0.0 1e-05 1e-06", scan(x, 0.0, 1e-5, 1e-6).getCommand());
        assertEquals("scan mf [0.0, 1.0] y (1.0, 2.0)",
                scan(mf, new double[] {0, 1}, y, PositionList.of(1.0, 2.0)).getCommand());
        ConcurrentScan s = scan(x, 0, 1, 1);
        s.setCommand("ascan x 0 1 1");
        assertEquals("ascan x 0 1 1", s.getCommand());
    }

    @Test
    void numbersPrintAsPythonDoes() {
        assertEquals("0.0001", CommandText.number(0.0001));
        assertEquals("1e-05", CommandText.number(0.00001));
        assertEquals("1.5e+16", CommandText.number(1.5e16));
        assertEquals("1234567.0", CommandText.number(1234567.0));
        assertEquals("-2.5", CommandText.number(-2.5));
        assertEquals("3", CommandText.number(Long.valueOf(3)));
    }

    @Test
    void defaultsAreAppendedReadOnlyOnce() {
        SimMonitor ring = new SimMonitor("ring", 300, "mA");
        SimGaussianCounter det2 = new SimGaussianCounter("det2", x, 0, 1, 1);
        ConcurrentScan s = new ConcurrentScan(new Object[] {x, 0, 1, 1, y, 3}, new Scannable[] {ring, y, det2});
        assertEquals(List.of(x, y, ring, det2), s.getDevices());
        assertTrue(s.isMoved(y), "a default already in the command keeps its role");
        assertFalse(s.isMoved(ring));
        assertTrue(s.isDetector(det2));
        assertEquals(List.of(x, y, ring), s.getScannables());
        assertEquals(List.of(det2), s.getDetectors());
        assertEquals("scan x 0 1 1 y 3", s.getCommand());
    }

    @Test
    void columnsFollowGda() {
        SimMonitor ring = new SimMonitor("ring", 300, "mA");
        ConcurrentScan s = scan(x, 0, 1, 1, mf, ring, det);
        assertEquals(List.of("x", "a", "b", "sum", "ring", "det"), s.getColumnNames());
    }
}
