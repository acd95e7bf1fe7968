package gda.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gda.device.scannable.DummyScannable;
import gda.device.sim.SimGaussianCounter;
import gda.device.sim.SimMonitor;
import gda.device.sim.SimMotor;
import gda.device.sim.SimMultiField;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class SimDevicesTest {

    /** Counts down when a move starts and remembers how the last one ended. */
    static final class Watcher implements SimMotor.MotionListener {
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch ended = new CountDownLatch(1);
        final AtomicReference<Boolean> stopped = new AtomicReference<>();

        @Override
        public void moveStarted(SimMotor motor, double from, double to) {
            started.countDown();
        }

        @Override
        public void moveEnded(SimMotor motor, double position, boolean wasStopped) {
            stopped.set(wasStopped);
            ended.countDown();
        }
    }

    @Test
    void motorTakesTimeAndSignalsTheEnd() throws Exception {
        SimMotor m = new SimMotor("m", 0.0, 20.0);
        Watcher w = new Watcher();
        m.addMotionListener(w);
        m.asynchronousMoveTo(1.0);
        assertTrue(m.isBusy(), "a 50 ms move is still going just after it started");
        m.waitWhileBusy();
        assertFalse(m.isBusy());
        assertEquals(1.0, m.getPosition());
        assertTrue(w.ended.await(5, TimeUnit.SECONDS));
        assertEquals(Boolean.FALSE, w.stopped.get());
    }

    @Test
    void instantWhenSpeedIsZeroOrInfinite() throws Exception {
        SimMotor m = new SimMotor("m");
        m.asynchronousMoveTo(7.0);
        assertFalse(m.isBusy());
        assertEquals(7.0, m.getPosition());
        m.setSpeed(0);
        m.asynchronousMoveTo(-3);
        assertFalse(m.isBusy());
        assertEquals(-3.0, m.getPosition());
    }

    @Test
    void stopHaltsWhereItIs() throws Exception {
        SimMotor m = new SimMotor("m", 0.0, 1.0);
        Watcher w = new Watcher();
        m.addMotionListener(w);
        m.asynchronousMoveTo(100.0);
        assertTrue(w.started.await(5, TimeUnit.SECONDS));
        m.stop();
        assertFalse(m.isBusy());
        double at = (Double) m.getPosition();
        assertTrue(at >= 0.0 && at < 100.0, "stopped part-way, at " + at);
        assertEquals(Boolean.TRUE, w.stopped.get());
        m.waitWhileBusy();
        assertEquals(at, (Double) m.getPosition(), "does not move on after stop");
    }

    @Test
    void waitWhileBusyIsInterruptible() throws Exception {
        SimMotor m = new SimMotor("m", 0.0, 1.0);
        m.asynchronousMoveTo(100.0);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        CountDownLatch waiting = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            waiting.countDown();
            try {
                m.waitWhileBusy();
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        t.start();
        assertTrue(waiting.await(5, TimeUnit.SECONDS));
        t.interrupt();
        t.join(5000);
        assertTrue(thrown.get() instanceof InterruptedException, String.valueOf(thrown.get()));
        m.stop();
    }

    @Test
    void motorRespectsLimits() {
        SimMotor m = new SimMotor("m");
        m.setUpperGdaLimits(10.0);
        DeviceException e = assertThrows(DeviceException.class, () -> m.asynchronousMoveTo(11.0));
        assertEquals("m: position 11.0 is outside the limits (:10.0)", e.getMessage());
    }

    @Test
    void gaussianCounterFollowsItsAxis() throws Exception {
        DummyScannable x = new DummyScannable("x", 5.0);
        SimGaussianCounter det = new SimGaussianCounter("det", x, 5.0, 2.0, 1000.0, 10.0, 0.0);
        det.collectData();
        det.waitWhileBusy();
        assertEquals(1010.0, (Double) det.readout(), 1e-9);
        x.moveTo(6.0);
        det.collectData();
        assertEquals(510.0, (Double) det.readout(), 1e-9, "half the peak at fwhm/2");
        det.setNoise(0.1);
        det.setSeed(42);
        det.collectData();
        assertNotEquals(510.0, (Double) det.readout());
    }

    @Test
    void gaussianCounterCollectsForItsTime() throws Exception {
        DummyScannable x = new DummyScannable("x", 0.0);
        SimGaussianCounter det = new SimGaussianCounter("det", x, 0.0, 1.0, 100.0);
        det.setCollectionTime(0.05);
        det.collectData();
        assertEquals(DetectorStatus.BUSY, det.getStatus());
        det.waitWhileBusy();
        assertEquals(DetectorStatus.IDLE, det.getStatus());
        assertEquals(100.0, (Double) det.readout(), 1e-9);
        det.setCollectionTime(100);
        det.collectData();
        det.stop();
        assertEquals(DetectorStatus.IDLE, det.getStatus(), "stop ends the collection");
    }

    @Test
    void monitorDecaysSlowly() throws Exception {
        SimMonitor ring = new SimMonitor("ring", 300.0, "mA", 1e6);
        double v = (Double) ring.getPosition();
        assertTrue(v <= 300.0 && v > 299.0, String.valueOf(v));
    }

    @Test
    void multiFieldReportsItsExtra() throws Exception {
        SimMultiField mf = new SimMultiField("mf");
        mf.moveTo(new double[] {1, 2});
        double[] p = (double[]) mf.getPosition();
        assertEquals(3, p.length);
        assertEquals(3.0, p[2]);
    }
}
