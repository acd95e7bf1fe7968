package gda.device.detector;

import gda.device.Detector;
import gda.device.DetectorStatus;
import gda.device.DeviceException;
import gda.device.scannable.ScannableBase;
import java.util.concurrent.locks.LockSupport;

/**
 * GDA's DetectorBase: level 100, no input names, no extra names (a detector without extra names
 * gives one column named after itself), a collection time, and a {@link #waitWhileBusy()} that
 * waits until {@link #getStatus()} is no longer BUSY. Subclasses implement {@link #collectData()},
 * {@link #getStatus()} and {@link #readout()}, and should override waitWhileBusy with an event wait
 * where they can.
 */
public abstract class DetectorBase extends ScannableBase implements Detector {
    private static final long FIRST_BACKOFF_NANOS = 20_000L;
    private static final long MAX_BACKOFF_NANOS = 5_000_000L;

    private volatile double collectionTime;

    protected DetectorBase() {
        this(null);
    }

    protected DetectorBase(String name) {
        super(name);
        setLevel(100);
        setInputNames(NO_NAMES);
        setExtraNames(NO_NAMES);
    }

    @Override
    public void setCollectionTime(double seconds) throws DeviceException {
        if (Double.isNaN(seconds) || seconds < 0) {
            throw new DeviceException(getName() + ": collection time " + seconds + " s must be >= 0");
        }
        collectionTime = seconds;
    }

    @Override
    public double getCollectionTime() throws DeviceException {
        return collectionTime;
    }

    @Override
    public void prepareForCollection() throws DeviceException {
    }

    @Override
    public void endCollection() throws DeviceException {
    }

    @Override
    public boolean createsOwnFiles() throws DeviceException {
        return false;
    }

    @Override
    public int[] getDataDimensions() throws DeviceException {
        return new int[0];
    }

    @Override
    public boolean isBusy() throws DeviceException {
        return getStatus() == DetectorStatus.BUSY;
    }

    /** Polls {@link #getStatus()} with a 20 µs..5 ms back-off; subclasses override with an event wait. */
    @Override
    public void waitWhileBusy() throws DeviceException, InterruptedException {
        long pause = FIRST_BACKOFF_NANOS;
        while (getStatus() == DetectorStatus.BUSY) {
            if (Thread.interrupted()) {
                throw new InterruptedException(getName() + ": interrupted while waiting for its collection");
            }
            LockSupport.parkNanos(this, pause);
            pause = Math.min(pause * 2, MAX_BACKOFF_NANOS);
        }
        if (Thread.interrupted()) {
            throw new InterruptedException(getName() + ": interrupted while waiting for its collection");
        }
    }

    /** As in GDA, a detector's position is its last readout. */
    @Override
    public Object getPosition() throws DeviceException {
        return readout();
    }

    /** As in GDA, "moving" a detector sets its collection time and starts a collection. */
    @Override
    public void asynchronousMoveTo(Object collectionTime) throws DeviceException {
        if (collectionTime != null) {
            if (!(collectionTime instanceof Number n)) {
                throw new DeviceException(getName() + ": a detector's position is its collection time, not "
                        + describe(collectionTime));
            }
            setCollectionTime(n.doubleValue());
        }
        collectData();
    }

    @Override
    public String checkPositionValid(Object position) throws DeviceException {
        if (position == null || position instanceof Number) {
            return null;
        }
        return getName() + ": a detector's position is its collection time, not " + describe(position);
    }

    @Override
    public String toFormattedString() {
        try {
            return getName() + " : status=" + getStatus();
        } catch (DeviceException | RuntimeException e) {
            return getName() + " : status=" + VALUE_UNAVAILABLE;
        }
    }
}
