package gda.device.sim;

import gda.device.DeviceException;
import gda.device.Monitor;
import gda.device.scannable.ScannableBase;

/**
 * A read-only value such as a storage-ring current: no input names, one extra name (its own), so a
 * scan reads it at every point and never moves it. The value decays slowly from its start value
 * ({@code lifetimeSeconds <= 0} keeps it constant), as a ring current does between top-ups.
 */
public class SimMonitor extends ScannableBase implements Monitor {
    private final long createdNanos = System.nanoTime();
    private volatile double value;
    private volatile double lifetimeSeconds;
    private volatile String unit;

    public SimMonitor(String name, double value, String unit) {
        this(name, value, unit, 0.0);
    }

    public SimMonitor(String name, double value, String unit, double lifetimeSeconds) {
        super(name);
        setInputNames(NO_NAMES);
        setExtraNames(new String[] {name});
        this.value = value;
        this.unit = unit;
        this.lifetimeSeconds = lifetimeSeconds;
    }

    public void setValue(double value) {
        this.value = value;
    }

    public void setUnit(String unit) {
        this.unit = unit;
    }

    public void setLifetimeSeconds(double lifetimeSeconds) {
        this.lifetimeSeconds = lifetimeSeconds;
    }

    @Override
    public String getUnit() {
        return unit;
    }

    @Override
    public Object rawGetPosition() {
        double tau = lifetimeSeconds;
        if (tau <= 0) {
            return value;
        }
        double elapsed = (System.nanoTime() - createdNanos) / 1e9;
        return value * Math.exp(-elapsed / tau);
    }

    @Override
    public void rawAsynchronousMoveTo(Object internalPosition) throws DeviceException {
        throw new DeviceException(getName() + " is a monitor and cannot be moved");
    }

    @Override
    public String checkPositionValid(Object position) {
        return getName() + " is a monitor and cannot be moved";
    }
}
