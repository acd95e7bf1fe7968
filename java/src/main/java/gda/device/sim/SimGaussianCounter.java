package gda.device.sim;

import gda.device.DetectorStatus;
import gda.device.DeviceException;
import gda.device.Scannable;
import gda.device.detector.DetectorBase;
import gda.device.scannable.ScannableBase;
import java.util.Random;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A simulated counter whose counts are a Gaussian peak in the position of another Scannable:
 * {@code peak * exp(-4 ln2 (x - centre)^2 / fwhm^2) * (1 + noise * N(0,1)) + background}.
 * A collection lasts the collection time in real time (0 = instant); its end is signalled to
 * {@link #waitWhileBusy()} through a Condition. The position is read when the collection starts.
 */
public class SimGaussianCounter extends DetectorBase {
    private static final double FOUR_LN2 = 4.0 * Math.log(2.0);

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition done = lock.newCondition();
    private final Random random = new Random();

    private volatile Scannable axis;
    private volatile double centre;
    private volatile double fwhm;
    private volatile double peak;
    private volatile double background;
    private volatile double noise;

    private volatile boolean busy;
    private double counts;
    private long generation;
    private ScheduledFuture<?> completion;

    public SimGaussianCounter(String name, Scannable axis, double centre, double fwhm, double peak) {
        this(name, axis, centre, fwhm, peak, 0.0, 0.0);
    }

    public SimGaussianCounter(String name, Scannable axis, double centre, double fwhm, double peak,
            double background, double noise) {
        super(name);
        if (!(fwhm > 0)) {
            throw new IllegalArgumentException(name + ": fwhm must be > 0, got " + fwhm);
        }
        this.axis = axis;
        this.centre = centre;
        this.fwhm = fwhm;
        this.peak = peak;
        this.background = background;
        this.noise = noise;
    }

    /** Makes the noise reproducible. */
    public void setSeed(long seed) {
        random.setSeed(seed);
    }

    public Scannable getAxis() {
        return axis;
    }

    public void setAxis(Scannable axis) {
        this.axis = axis;
    }

    public double getCentre() {
        return centre;
    }

    public void setCentre(double centre) {
        this.centre = centre;
    }

    public double getFwhm() {
        return fwhm;
    }

    public void setFwhm(double fwhm) {
        if (!(fwhm > 0)) {
            throw new IllegalArgumentException(getName() + ": fwhm must be > 0, got " + fwhm);
        }
        this.fwhm = fwhm;
    }

    public double getPeak() {
        return peak;
    }

    public void setPeak(double peak) {
        this.peak = peak;
    }

    public double getBackground() {
        return background;
    }

    public void setBackground(double background) {
        this.background = background;
    }

    public double getNoise() {
        return noise;
    }

    /** Relative noise: 0.05 gives 5 % Gaussian scatter on the peak part. */
    public void setNoise(double noise) {
        this.noise = noise;
    }

    /** The counts the model gives at {@code x}, with noise. */
    public double countsAt(double x) {
        double d = x - centre;
        double shape = peak * Math.exp(-FOUR_LN2 * d * d / (fwhm * fwhm));
        double n = noise;
        if (n != 0.0) {
            shape *= 1.0 + n * random.nextGaussian();
        }
        return shape + background;
    }

    private double axisPosition() throws DeviceException {
        Scannable a = axis;
        if (a == null) {
            throw new DeviceException(getName() + ": no axis Scannable set");
        }
        Object p = a.getPosition();
        double[] values;
        try {
            values = ScannableBase.toDoubleArray(p);
        } catch (IllegalArgumentException e) {
            throw new DeviceException(getName() + ": axis " + a.getName() + " " + e.getMessage(), e);
        }
        if (values.length == 0) {
            throw new DeviceException(getName() + ": axis " + a.getName() + " has no position");
        }
        return values[0];
    }

    @Override
    public void collectData() throws DeviceException {
        double value = countsAt(axisPosition());
        long nanos = SimScheduler.toNanos(getCollectionTime());
        lock.lock();
        try {
            cancelLocked();
            counts = value;
            if (nanos > 0) {
                busy = true;
                long myGeneration = ++generation;
                completion = SimScheduler.after(nanos, () -> finish(myGeneration));
            }
        } finally {
            lock.unlock();
        }
    }

    private void finish(long myGeneration) {
        lock.lock();
        try {
            if (busy && generation == myGeneration) {
                busy = false;
                completion = null;
                done.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    private void cancelLocked() {
        if (busy) {
            busy = false;
            generation++;
            if (completion != null) {
                completion.cancel(false);
                completion = null;
            }
            done.signalAll();
        }
    }

    @Override
    public DetectorStatus getStatus() {
        return busy ? DetectorStatus.BUSY : DetectorStatus.IDLE;
    }

    @Override
    public boolean isBusy() {
        return busy;
    }

    @Override
    public void waitWhileBusy() throws InterruptedException {
        if (!busy) {
            if (Thread.interrupted()) {
                throw new InterruptedException(getName() + ": interrupted");
            }
            return;
        }
        lock.lockInterruptibly();
        try {
            while (busy) {
                done.await();
            }
        } finally {
            lock.unlock();
        }
    }

    /** The counts of the last collection, as a Double. */
    @Override
    public Object readout() {
        lock.lock();
        try {
            return counts;
        } finally {
            lock.unlock();
        }
    }

    /** Ends a collection in progress at once. */
    @Override
    public void stop() {
        lock.lock();
        try {
            cancelLocked();
        } finally {
            lock.unlock();
        }
    }
}
