package gda.device.motor;

import gda.device.Motor;
import gda.device.MotorException;
import gda.device.MotorStatus;

/**
 * GDA's DummyMotor: a simulated axis. With speed 0 (the default) a move ends at once; with a
 * speed (units per second) the position runs linearly from start to target in real time and the
 * status is BUSY until it arrives. Limits (NaN: none) refuse a target outside them before anything
 * moves. {@link #stop()} leaves it where it has got to.
 */
public class DummyMotor implements Motor {
    private String name;
    private String unitString = "mm";
    private double speed;
    private double minPosition = Double.NaN;
    private double maxPosition = Double.NaN;
    private double start;
    private double target;
    private long startNanos;
    private long durationNanos;

    public DummyMotor() {
        this("DummyMotor");
    }

    public DummyMotor(String name) {
        this.name = name;
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public void setName(String name) {
        this.name = name;
    }

    @Override
    public synchronized void moveTo(double position) throws MotorException {
        if (Double.isNaN(position) || Double.isInfinite(position)) {
            throw new MotorException(MotorStatus.FAULT, name + ": cannot move to " + position);
        }
        if (!Double.isNaN(minPosition) && position < minPosition) {
            throw new MotorException(MotorStatus.LOWER_LIMIT,
                    name + ": position " + position + " is below the lower limit " + minPosition);
        }
        if (!Double.isNaN(maxPosition) && position > maxPosition) {
            throw new MotorException(MotorStatus.UPPER_LIMIT,
                    name + ": position " + position + " is above the upper limit " + maxPosition);
        }
        start = currentPosition();
        target = position;
        startNanos = System.nanoTime();
        durationNanos = speed > 0 ? (long) (Math.abs(target - start) / speed * 1e9) : 0L;
    }

    @Override
    public synchronized void moveBy(double amount) throws MotorException {
        moveTo(currentPosition() + amount);
    }

    private double currentPosition() {
        long elapsed = System.nanoTime() - startNanos;
        if (durationNanos <= 0 || elapsed >= durationNanos) {
            return target;
        }
        return start + (target - start) * ((double) elapsed / durationNanos);
    }

    @Override
    public synchronized double getPosition() {
        return currentPosition();
    }

    @Override
    public synchronized void setPosition(double position) throws MotorException {
        if (isMoving()) {
            throw new MotorException(MotorStatus.BUSY, name + ": cannot set the position while moving");
        }
        start = position;
        target = position;
        durationNanos = 0L;
    }

    @Override
    public synchronized MotorStatus getStatus() {
        return isMoving() ? MotorStatus.BUSY : MotorStatus.READY;
    }

    @Override
    public synchronized boolean isMoving() {
        return durationNanos > 0 && System.nanoTime() - startNanos < durationNanos;
    }

    @Override
    public synchronized void stop() {
        double here = currentPosition();
        start = here;
        target = here;
        durationNanos = 0L;
    }

    @Override
    public synchronized double getSpeed() {
        return speed;
    }

    @Override
    public synchronized void setSpeed(double speed) throws MotorException {
        if (speed < 0 || Double.isNaN(speed)) {
            throw new MotorException(MotorStatus.FAULT, name + ": speed " + speed + " must be 0 (instant) or positive");
        }
        this.speed = speed;
    }

    @Override
    public synchronized double getMinPosition() {
        return minPosition;
    }

    @Override
    public synchronized void setMinPosition(double position) {
        minPosition = position;
    }

    @Override
    public synchronized double getMaxPosition() {
        return maxPosition;
    }

    @Override
    public synchronized void setMaxPosition(double position) {
        maxPosition = position;
    }

    @Override
    public String getUnitString() {
        return unitString;
    }

    public void setUnitString(String units) {
        unitString = units;
    }

    @Override
    public String toString() {
        return name + " (DummyMotor at " + getPosition() + ")";
    }
}
