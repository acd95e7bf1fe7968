package gda.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gda.device.detector.DetectorBase;
import gda.device.scannable.DummyScannable;
import gda.device.scannable.ScannableBase;
import gda.device.sim.SimGaussianCounter;
import gda.device.sim.SimMonitor;
import gda.device.sim.SimMultiField;
import gda.device.sim.SimZeroField;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class FormattingAndBasesTest {

    /** A single-field soft scannable with GDA's default input name "value". */
    static class Soft extends ScannableBase {
        Object value = 1.2345;

        Soft(String name) {
            super(name);
        }

        @Override
        public Object rawGetPosition() {
            return value;
        }

        @Override
        public void rawAsynchronousMoveTo(Object position) {
            value = position;
        }
    }

    @Test
    void defaultsAreGdas() {
        Soft s = new Soft("s");
        assertEquals(5, s.getLevel());
        assertArrayEquals(new String[] {"value"}, s.getInputNames());
        assertArrayEquals(new String[0], s.getExtraNames());
        assertArrayEquals(new String[] {"%5.5g"}, s.getOutputFormat());
        SimGaussianCounter det = new SimGaussianCounter("det", s, 0, 1, 1);
        assertEquals(100, det.getLevel());
        assertArrayEquals(new String[0], det.getInputNames());
        assertArrayEquals(new String[0], det.getExtraNames());
    }

    @Test
    void singleFieldNamedValueOrAfterTheDevice() {
        assertEquals("s : 1.2345", new Soft("s").toFormattedString());
        DummyScannable x = new DummyScannable("x", 1.2345);
        assertEquals("x : 1.2345", x.toFormattedString());
        assertEquals("x : 1.2345", x.toString());
        x.setName("xx");
        assertArrayEquals(new String[] {"xx"}, x.getInputNames(), "input name follows the device name");
        assertEquals("xx : 1.2345", x.toFormattedString());
    }

    @Test
    void javaGFormatAsGdaPrintsIt() {
        DummyScannable x = new DummyScannable("x", 5);
        assertEquals("x : 5.0000", x.toFormattedString());
        x.setOutputFormat(new String[] {"%6.4f"});
        assertEquals("x : 5.0000", x.toFormattedString());
        x.setOutputFormat(new String[] {"%d"});
        assertEquals("x : 5.0", x.toFormattedString(), "an unusable format falls back to toString");
    }

    @Test
    void fieldLabelsWhenTheFieldIsNotNamedAfterTheDevice() {
        Soft s = new Soft("s");
        s.setInputNames(new String[] {"energy"});
        assertEquals("s : energy: 1.2345", s.toFormattedString());
        SimMultiField mf = new SimMultiField("mf");
        assertEquals("mf : a: 0.0000 b: 0.0000 sum: 0.0000", mf.toFormattedString());
    }

    @Test
    void noFieldsGivesDashes() {
        assertEquals("z : ---", new SimZeroField("z").toFormattedString());
    }

    @Test
    void motionScannablesAppendLimitsInTheirFormat() {
        DummyScannable x = new DummyScannable("x", 5);
        x.setLowerGdaLimits(-10.0);
        x.setUpperGdaLimits(10.0);
        assertEquals("x : 5.0000 (-10.000:10.000)", x.toFormattedString());
        x.setUpperGdaLimits((Double) null);
        assertEquals("x : 5.0000 (-10.000:)", x.toFormattedString());
        x.setLowerGdaLimits((Double) null);
        assertEquals("x : 5.0000", x.toFormattedString());
    }

    @Test
    void offsetIsShownAfterTheValue() {
        DummyScannable x = new DummyScannable("x", 5);
        x.setOffset(1.0);
        assertEquals("x : 6.0000(+1.0000)", x.toFormattedString());
    }

    @Test
    void monitorFormatsAsOneFieldNamedAfterItself() {
        SimMonitor ring = new SimMonitor("ring", 300.0, "mA");
        assertEquals("ring : 300.00", ring.toFormattedString());
        assertEquals("mA", ring.getUnit());
        assertEquals("ring is a monitor and cannot be moved", ring.checkPositionValid(1.0));
        assertThrows(DeviceException.class, () -> ring.asynchronousMoveTo(1.0));
    }

    @Test
    void detectorFormatsItsStatus() {
        SimGaussianCounter det = new SimGaussianCounter("det", new DummyScannable("x"), 0, 1, 1);
        assertEquals("det : status=IDLE", det.toFormattedString());
    }

    @Test
    void unreadablePositionShowsUnavailable() {
        Soft s = new Soft("s") {
            @Override
            public Object rawGetPosition() {
                throw new IllegalStateException("no connection");
            }
        };
        assertEquals("s : UNAVAILABLE", s.toFormattedString());
    }

    @Test
    void positionLengthIsChecked() throws Exception {
        DummyScannable x = new DummyScannable("x");
        assertEquals("x: position [1.0, 2.0] has 2 value(s) but x has 1 input name(s)",
                x.checkPositionValid(new double[] {1, 2}));
        assertThrows(DeviceException.class, () -> x.asynchronousMoveTo(new double[] {1, 2}));
        Soft s = new Soft("s");
        s.value = new double[] {1, 2};
        DeviceException e = assertThrows(DeviceException.class, s::getPosition);
        assertTrue(e.getMessage().startsWith("s: getPosition returned 2 value(s)"), e.getMessage());
        SimMultiField mf = new SimMultiField("mf");
        assertNull(mf.checkPositionValid(new double[] {1, 2}));
        assertNull(mf.checkPositionValid(List.of(1, 2, 3)), "input+extra length is accepted too");
    }

    @Test
    void positionHelpersNormalise() {
        assertArrayEquals(new double[] {1, 2}, ScannableBase.toDoubleArray(List.of(1, 2.0)));
        assertArrayEquals(new double[] {3}, ScannableBase.toDoubleArray(3));
        assertArrayEquals(new double[] {1, 2}, ScannableBase.toDoubleArray(new Object[] {1, 2f}));
        assertArrayEquals(new Object[] {1.0, 2.0}, ScannableBase.toObjectArray(new double[] {1, 2}));
        assertArrayEquals(new Object[0], ScannableBase.toObjectArray(null));
        assertEquals(2.0, ScannableBase.normalise(2));
        assertArrayEquals(new double[] {1, 2}, (double[]) ScannableBase.normalise(new int[] {1, 2}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ScannableBase.toDoubleArray(List.of(1, "a")));
        assertEquals("position [1, 'a'] is not numeric ('a')", e.getMessage());
    }

    @Test
    void limitsRefuseBeforeMovingWithAClearReason() throws Exception {
        DummyScannable x = new DummyScannable("x", 1.0);
        x.setLowerGdaLimits(-10.0);
        x.setUpperGdaLimits(10.0);
        assertNull(x.checkPositionValid(10.0));
        assertEquals("x: position 12.0 is outside the limits (-10.0:10.0)", x.checkPositionValid(12.0));
        DeviceException e = assertThrows(DeviceException.class, () -> x.moveTo(12.0));
        assertEquals("x: position 12.0 is outside the limits (-10.0:10.0)", e.getMessage());
        assertEquals(1.0, x.getPosition(), "nothing moved");
    }

    @Test
    void perFieldLimitsOnAMultiFieldScannable() throws Exception {
        SimMultiField mf = new SimMultiField("mf");
        mf.setUpperGdaLimits(new Double[] {null, 5.0});
        assertNull(mf.checkPositionValid(new double[] {100, 5}));
        assertEquals("mf: position [1.0, 6.0] is outside the limits of b (:5.0)",
                mf.checkPositionValid(new double[] {1, 6}));
        assertThrows(IllegalArgumentException.class, () -> mf.setLowerGdaLimits(new Double[] {1.0}));
    }

    @Test
    void offsetAndScalingApplyToPositionsAndLimits() throws Exception {
        DummyScannable x = new DummyScannable("x", 2.0);
        x.setLowerGdaLimits(0.0);
        x.setUpperGdaLimits(10.0);
        x.setScalingFactor(2.0);
        x.setOffset(1.0);
        assertEquals(5.0, x.getPosition(), "external = internal * 2 + 1");
        assertEquals(1.0, x.getLowerGdaLimits()[0]);
        assertEquals(21.0, x.getUpperGdaLimits()[0]);
        x.moveTo(9.0);
        assertEquals(4.0, x.rawGetPosition());
        assertEquals("x: position 22.0 is outside the limits (1.0:21.0)", x.checkPositionValid(22.0));
        x.setScalingFactor(-1.0);
        x.setOffset((Double) null);
        assertEquals(-10.0, x.getLowerGdaLimits()[0], "a negative scale swaps the limits");
        assertEquals(0.0, x.getUpperGdaLimits()[0]);
    }

    @Test
    void toleranceIsAtAndRetries() throws Exception {
        final int[] moves = {0};
        DummyScannable sloppy = new DummyScannable("s") {
            @Override
            public void rawAsynchronousMoveTo(Object p) throws DeviceException {
                moves[0]++;
                super.rawAsynchronousMoveTo(((Number) p).doubleValue() + (moves[0] < 3 ? 1.0 : 0.05));
            }
        };
        sloppy.setNumberTries(5);
        assertThrows(DeviceException.class, () -> sloppy.moveTo(1.0), "tries without a tolerance");
        sloppy.setTolerance(0.1);
        sloppy.moveTo(2.0);
        assertEquals(3, moves[0], "retried until within tolerance");
        assertTrue(sloppy.isAt(2.0));
        assertFalse(sloppy.isAt(2.5));
    }

    @Test
    void relativeShortcuts() throws Exception {
        DummyScannable x = new DummyScannable("x", 1.0);
        x.r(2.0);
        assertEquals(3.0, x.getPosition());
        x.ar(-1.0);
        x.waitWhileBusy();
        assertEquals(2.0, x.getPosition());
    }

    @Test
    void defaultWaitWhileBusyEndsWhenTheDeviceDoes() throws Exception {
        AtomicBoolean busy = new AtomicBoolean(true);
        CountDownLatch polled = new CountDownLatch(3);
        Soft s = new Soft("s") {
            @Override
            public boolean isBusy() {
                polled.countDown();
                return busy.get();
            }
        };
        Thread finisher = new Thread(() -> {
            try {
                polled.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                return;
            }
            busy.set(false);
        });
        finisher.start();
        s.waitWhileBusy();
        finisher.join(5000);
        assertFalse(s.isBusy());
    }

    @Test
    void defaultWaitWhileBusyIsInterruptible() throws Exception {
        CountDownLatch polled = new CountDownLatch(2);
        Soft s = new Soft("s") {
            @Override
            public boolean isBusy() {
                polled.countDown();
                return true;
            }
        };
        Thread waiter = new Thread(() -> {
            try {
                s.waitWhileBusy();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (DeviceException e) {
                throw new AssertionError(e);
            }
        });
        waiter.start();
        assertTrue(polled.await(5, TimeUnit.SECONDS));
        waiter.interrupt();
        waiter.join(5000);
        assertFalse(waiter.isAlive());
    }

    @Test
    void detectorBaseWaitsForItsStatus() throws Exception {
        CountDownLatch polled = new CountDownLatch(3);
        AtomicBoolean busy = new AtomicBoolean(true);
        DetectorBase det = new DetectorBase("d") {
            @Override
            public void collectData() {
            }

            @Override
            public DetectorStatus getStatus() {
                polled.countDown();
                if (polled.getCount() == 0) {
                    busy.set(false);
                }
                return busy.get() ? DetectorStatus.BUSY : DetectorStatus.IDLE;
            }

            @Override
            public Object readout() {
                return 1.0;
            }
        };
        det.waitWhileBusy();
        assertEquals(0, polled.getCount());
        assertFalse(det.createsOwnFiles());
        assertArrayEquals(new int[0], det.getDataDimensions());
        det.asynchronousMoveTo(0.25);
        assertEquals(0.25, det.getCollectionTime());
        assertEquals(1.0, det.getPosition());
        assertThrows(DeviceException.class, () -> det.setCollectionTime(-1));
    }
}
